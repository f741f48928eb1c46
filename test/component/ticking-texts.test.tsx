import { Box, type DOMElement } from 'ink';
import { render } from 'ink-testing-library';
import { createRef } from 'react';
import { describe, expect, it } from 'vitest';
import { phaseProgress } from '../../source/procedure/progress.js';
import { reduce } from '../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../source/procedure/state.js';
import type { ProcedureEvent } from '../../source/procedure/events.js';
import type { NewEvent } from '../../source/session/session.js';
import { ServerPanels } from '../../source/ui/ServerPanels.js';
import { SyncPanels } from '../../source/ui/SyncPanels.js';
import { plain } from '../helpers/frames.js';

/**
 * Ink 6.8 keeps the size of every distinct text it has laid out for the life of the process (its measure-text
 * and wrap-text caches never shrink). A screen whose texts change every second must draw them from a bounded
 * set, or a working day of step 8 grows the wizard's memory by every second it showed (npm run bench, working
 * day). These tests collect the texts Ink lays out, as its caches see them, over many instants of a long run.
 */

const HOUR = 3_600_000;

/** The text of every Ink text node under `root`, nested texts and their styles squashed as Ink measures them. */
function laidOutTexts(root: DOMElement, into: Set<string>): void {
	const squash = (node: DOMElement): string =>
		node.childNodes.map((child) => (child.nodeName === '#text' ? child.nodeValue : squash(child))).join('');
	const visit = (node: DOMElement) => {
		if (node.nodeName === 'ink-text') into.add(squash(node));
		else for (const child of node.childNodes) if (child.nodeName !== '#text') visit(child);
	};
	visit(root);
}

/** Instants spread over ten hours, seconds apart from one another. */
const instants = Array.from({ length: 250 }, (_, index) => 1000 + index * 143_011);

function textsOverTime(draw: (now: number) => React.ReactElement): { texts: Set<string>; lastFrame: string } {
	const root = createRef<DOMElement>();
	const view = render(<Box ref={root}>{draw(instants[0]!)}</Box>);
	const texts = new Set<string>();
	for (const now of instants) {
		view.rerender(<Box ref={root}>{draw(now)}</Box>);
		laidOutTexts(root.current!, texts);
	}
	const lastFrame = plain(view.lastFrame());
	view.unmount();
	return { texts, lastFrame };
}

function stateWith(events: NewEvent[]): ProcedureState {
	const servers = ['fe1', 'fe2', 'fe3'].map((name) => ({ fqdn: `${name}.contoso.com`, pool: 'pool-a.contoso.com' }));
	return [{ type: 'servers-planned' as const, servers }, ...events].reduce(
		(state, event) => reduce(state, { ...event, at: 1000 } as ProcedureEvent),
		initialState('s', { kind: 'lab', description: 'LAB' }, 0),
	);
}

describe('texts that change every second come from a bounded set', () => {
	it('server panels: ten hours of elapsed times on two running servers', () => {
		const state = stateWith([
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe2.contoso.com' },
		]);
		// The progress line above the panels changes by the minute at most; held still here, to count the panels' own texts.
		const progress = phaseProgress(state, 'bootstrapper', instants[0]!, { perPool: 1 });
		const { texts, lastFrame } = textsOverTime((now) => <ServerPanels state={state} phase="bootstrapper" rows={10} now={now} progress={progress} />);
		expect(texts.size).toBeLessThan(200);
		const last = instants.at(-1)! - 1000;
		const shown = `${Math.floor(last / HOUR)}:${String(Math.floor((last % HOUR) / 60_000)).padStart(2, '0')}:${String(Math.floor((last % 60_000) / 1000)).padStart(2, '0')}`;
		expect(lastFrame).toMatch(new RegExp(`fe1\\.contoso\\.com pool-a running ${shown}\\n`));
	});

	it('sync panels: ten hours of the watch', () => {
		const state: ProcedureState = { ...stateWith([]), pair: { pool: 'pool-a.contoso.com', backup: 'pool-b.contoso.com' } };
		const syncing: ProcedureState = { ...state, sync: { ...state.sync, startedAt: 1000, polls: 12 } };
		const { texts, lastFrame } = textsOverTime((now) => <SyncPanels state={syncing} columns={80} now={now} steadyPolls={3} />);
		expect(texts.size).toBeLessThan(200);
		expect(lastFrame).toMatch(/^Poll 12 · 9:\d\d:\d\d · steady 0\/3 polls in a row$/m);
	});
});
