import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuardedJob, GuardedResult, GuardedRunEvent } from '../../source/procedure/guarded-run.js';
import { AfterPairing } from '../../source/ui/AfterPairing.js';
import { unicodeSymbols } from '../../source/ui/symbols.js';
import { waitForFrame } from '../helpers/frames.js';
import { renderWizard, type Rendered } from '../helpers/render.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const WHY = 'a failover counts when its users sign in to the backup pool (Get-CsUserPoolInfo reference)';

/** A drill whose one step starts at once and runs until the test ends it. */
function drill() {
	let report: ((event: GuardedRunEvent) => void) | undefined;
	let end: ((result: GuardedResult) => void) | undefined;
	const job: GuardedJob = {
		title: 'Drill: fail a over to b and back.',
		planLines: ['  1. Users of a served by b'],
		word: 'failover',
		steps: [{ id: 'served', title: 'Users of a served by b', why: WHY }],
		run: (r) => {
			report = r;
			r({ type: 'step-started', id: 'served', at: Date.now() });
			return new Promise<GuardedResult>((resolve) => {
				end = resolve;
			});
		},
		close: () => undefined,
	};
	return { job, end: () => end?.({ outcome: 'done', exitCode: 0, headline: 'done', details: [], files: [] }), report: (event: GuardedRunEvent) => report?.(event) };
}

function show(job: GuardedJob, explain: boolean) {
	rendered = renderWizard(
		(keys) => <AfterPairing pool="a.contoso.com" backup="b.contoso.com" explain={explain} symbols={unicodeSymbols} keys={keys} prepare={async () => job} cancel={new AbortController().signal} onCancel={() => undefined} onLeave={() => undefined} />,
		{ columns: 80, rows: 24 },
	);
	return rendered;
}

describe('explain mode on the drill and unpair screens', () => {
	it('e shows the running step\'s reason and source, and e again hides it', async () => {
		const fake = drill();
		const screen = show(fake.job, false);
		await waitForFrame(screen, 'What next?');
		screen.stdin.write('\r');
		await waitForFrame(screen, 'Type failover');
		screen.stdin.write('failover\r');
		const running = await waitForFrame(screen, 'Ctrl+C stop now');
		expect(running).toContain('e explain');
		expect(running).not.toContain('Why:');
		screen.stdin.write('e');
		const explained = await waitForFrame(screen, /Why: a failover counts/);
		expect(explained.replace(/\s+/g, ' ')).toContain(`Why: ${WHY}`);
		screen.stdin.write('e');
		await vi.waitFor(() => expect(screen.lastFrame()).not.toContain('Why:'));
		fake.end();
	});

	it('with --explain, the plan gives each step\'s reason, and the word field still takes the letter e', async () => {
		const fake = drill();
		const screen = show(fake.job, true);
		await waitForFrame(screen, 'What next?');
		screen.stdin.write('\r');
		const plan = await waitForFrame(screen, 'Type failover');
		expect(plan.replace(/\s+/g, ' ')).toContain(`Users of a served by b: ${WHY}`);
		screen.stdin.write('failover\r');
		await waitForFrame(screen, /Why: a failover counts/);
		fake.end();
	});
});
