import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { reduce } from '../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../source/procedure/state.js';
import type { ProcedureEvent } from '../../source/procedure/events.js';
import type { NewEvent } from '../../source/session/session.js';
import { phaseProgress } from '../../source/procedure/progress.js';
import { ServerPanels } from '../../source/ui/ServerPanels.js';
import { SymbolsContext, asciiSymbols, unicodeSymbols } from '../../source/ui/symbols.js';
import stringWidth from 'string-width';
import { plain, waitForFrame } from '../helpers/frames.js';
import { renderComponent } from '../helpers/render.js';

function stateWith(events: NewEvent[]): ProcedureState {
	const servers = ['fe1', 'fe2', 'fe3', 'fe4', 'fe5'].map((name) => ({ fqdn: `${name}.contoso.com`, pool: 'pool-a.contoso.com' }));
	return [{ type: 'servers-planned' as const, servers }, ...events].reduce(
		(state, event, index) => reduce(state, { ...event, at: 1000 * index } as ProcedureEvent),
		initialState('s', { kind: 'lab', description: 'LAB' }, 0),
	);
}

const everyState = stateWith([
	{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
	{ type: 'task-output', phase: 'bootstrapper', server: 'fe1.contoso.com', line: 'Installing LyncBackupService' },
	{ type: 'task-started', phase: 'bootstrapper', server: 'fe2.contoso.com' },
	{ type: 'task-succeeded', phase: 'bootstrapper', server: 'fe2.contoso.com', exitCode: 3010, rebootRequired: true },
	{ type: 'task-started', phase: 'bootstrapper', server: 'fe3.contoso.com' },
	{ type: 'task-output', phase: 'bootstrapper', server: 'fe3.contoso.com', line: 'Another Lync Server product is already installed' },
	{ type: 'task-failed', phase: 'bootstrapper', server: 'fe3.contoso.com', message: 'exit 1', exitCode: 1 },
	{ type: 'task-skipped', phase: 'bootstrapper', server: 'fe4.contoso.com', reason: 'being rebuilt' },
]);

const progress = (state: ProcedureState) => phaseProgress(state, 'bootstrapper', 10_000, { perPool: 1, expectedMs: 60_000 });

describe('server panels', () => {
	it('show the servers still to finish in words and symbols, with exit codes and output, under the progress line', () => {
		const view = render(<ServerPanels state={everyState} phase="bootstrapper" rows={20} now={10_000} progress={progress(everyState)} />);
		const frame = plain(view.lastFrame());
		expect(frame.split('\n')[0]).toBe('Bootstrapper 2 of 5 servers · under a minute left · 1 failed · 1 running');
		expect(frame).toMatch(/fe1\.contoso\.com pool-a running/);
		expect(frame).toContain('Installing LyncBackupService');
		expect(frame).toMatch(/✗ +fe3\.contoso\.com pool-a FAILED .*exit 1/);
		expect(frame).toContain('Another Lync Server product is already installed');
		expect(frame).toMatch(/· +fe5\.contoso\.com pool-a waiting/);
		expect(frame, 'finished servers are in the scrollback already').not.toMatch(/fe2\.contoso\.com|fe4\.contoso\.com/);
		view.unmount();
	});

	it('never grows past the rows it is given, and says how many servers it folded away', () => {
		const view = render(<ServerPanels state={everyState} phase="bootstrapper" rows={3} now={10_000} progress={progress(everyState)} />);
		const lines = plain(view.lastFrame()).split('\n');
		expect(lines.length).toBeLessThanOrEqual(3);
		expect(lines.at(-1)).toMatch(/… 2 more/);
		view.unmount();
	});

	it('uses ASCII symbols where Unicode is not supported', () => {
		const view = render(
			<SymbolsContext.Provider value={asciiSymbols}>
				<ServerPanels state={everyState} phase="bootstrapper" rows={20} now={10_000} progress={progress(everyState)} />
			</SymbolsContext.Provider>,
		);
		const frame = plain(view.lastFrame());
		expect(frame).toMatch(/x +fe3\.contoso\.com/);
		expect(frame).toMatch(/\. +fe5\.contoso\.com/);
		expect(frame).not.toContain(unicodeSymbols.done);
		view.unmount();
	});

	it('during the Cumulative Update, says which of failover, installer and failback each server is in, and a pool not ready', () => {
		const phase = 'cumulative-update';
		const state = stateWith([
			{ type: 'task-started', phase, server: 'fe1.contoso.com' },
			{ type: 'task-stage', phase, server: 'fe1.contoso.com', stage: 'failover' },
			{ type: 'task-started', phase, server: 'fe2.contoso.com' },
			{ type: 'task-stage', phase, server: 'fe2.contoso.com', stage: 'install' },
			{ type: 'task-failed', phase, server: 'fe2.contoso.com', message: 'the update installer exited with 1603', exitCode: 1603 },
			{ type: 'task-started', phase, server: 'fe3.contoso.com' },
			{ type: 'task-stage', phase, server: 'fe3.contoso.com', stage: 'failback' },
			{ type: 'readiness-observed', pool: 'pool-b.contoso.com', ready: false, summary: 'pool-b.contoso.com: 2 of 3 Front Ends active (Busy)' },
			{ type: 'readiness-observed', pool: 'pool-a.contoso.com', ready: true, summary: 'pool-a.contoso.com: 5 of 5 Front Ends active (Ready)' },
		]);
		const cuProgress = phaseProgress(state, phase, 10_000, { perPool: 1 });
		const view = render(<ServerPanels state={state} phase={phase} rows={20} now={10_000} progress={cuProgress} />);
		const frame = plain(view.lastFrame());
		expect(frame.split('\n')[1]).toBe('   pool-b not ready: 2 of 3 Front Ends active (Busy)');
		expect(frame).not.toContain('pool-a not ready');
		expect(frame).toMatch(/fe1\.contoso\.com pool-a failing over/);
		expect(frame).toMatch(/fe2\.contoso\.com pool-a FAILED installing .*exit 1603/);
		expect(frame).toMatch(/fe3\.contoso\.com pool-a failing back/);
		view.unmount();
	});

	it('by upgrade domain, the progress line counts domains and times them as the fleet runs them', () => {
		const phase = 'cumulative-update';
		const domain = (name: string, servers: string[]) => ({ pool: 'pool-a.contoso.com', domain: name, servers: servers.map((server) => `${server}.contoso.com`) });
		const schedule = { lanes: [[domain('UpgradeDomain1', ['fe1', 'fe2']), domain('UpgradeDomain2', ['fe3', 'fe4']), domain('UpgradeDomain3', ['fe5'])]] };
		const state = stateWith([{ type: 'phase-scheduled', phase, schedule }]);
		const view = render(<ServerPanels state={state} phase={phase} rows={20} now={10_000} progress={phaseProgress(state, phase, 10_000, { perPool: 1, expectedMs: 60_000 })} />);
		expect(plain(view.lastFrame()).split('\n')[0]).toBe('CU re-apply 0 of 5 servers · about 3 min left · 0 of 3 upgrade domains');
		view.unmount();
	});
});

describe('a server held for a restart', () => {
	it('reads HELD with its exit code, not FAILED', () => {
		const held = stateWith([
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-failed', phase: 'bootstrapper', server: 'fe1.contoso.com', message: 'exit 3010', exitCode: 3010, rebootRequired: true },
		]);
		const view = render(<ServerPanels state={held} phase="bootstrapper" rows={20} now={10_000} progress={progress(held)} />);
		const frame = plain(view.lastFrame());
		expect(frame.split('\n')[0]).toBe('Bootstrapper 0 of 5 servers · about 4 min left · 1 held for a restart');
		expect(frame).toMatch(/! +fe1\.contoso\.com pool-a HELD: restart it exit 3010 \d+:\d\d/);
		expect(frame).not.toMatch(/fe1\.contoso\.com pool-a FAILED/);
		view.unmount();
	});

	it('reads RESTARTING with the stage while sfb-pair restarts it, and HELD again once the restart has stopped', () => {
		const events = [
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-failed', phase: 'bootstrapper', server: 'fe1.contoso.com', message: 'exit 3010', exitCode: 3010, rebootRequired: true },
			{ type: 'restart-stage', server: 'fe1.contoso.com', stage: 'failover' },
			{ type: 'restart-stage', server: 'fe1.contoso.com', stage: 'boot-wait' },
		] as const;
		const restarting = stateWith([...events]);
		const view = render(<ServerPanels state={restarting} phase="bootstrapper" rows={20} now={10_000} progress={progress(restarting)} />);
		// The time the restart has taken (since its first stage, at 3 s), not Bootstrapper's.
		expect(plain(view.lastFrame())).toMatch(/fe1\.contoso\.com pool-a RESTARTING: waiting for it to come back 0:07/);
		view.unmount();
		const stopped = stateWith([...events, { type: 'restart-stage', server: 'fe1.contoso.com', stage: undefined }]);
		const after = render(<ServerPanels state={stopped} phase="bootstrapper" rows={20} now={10_000} progress={progress(stopped)} />);
		expect(plain(after.lastFrame())).toMatch(/fe1\.contoso\.com pool-a HELD: restart it/);
		after.unmount();
	});
});

describe('a server done by hand', () => {
	it('reads "waiting on you" under the attention mark, not the running one, while the tool waits on the operator; a server run remotely still reads running', () => {
		const byHand = stateWith([
			{ type: 'by-hand-set', servers: ['fe1.contoso.com'], byHand: true },
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe2.contoso.com' },
		]);
		const view = render(<ServerPanels state={byHand} phase="bootstrapper" rows={20} now={10_000} progress={progress(byHand)} />);
		const frame = plain(view.lastFrame());
		expect(frame).toMatch(/! +fe1\.contoso\.com pool-a waiting on you \(by hand\)/);
		expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] +fe2\.contoso\.com pool-a running/);
		view.unmount();
	});
	it.each([80, 81, 60])('never draws past the last of %i columns, however the server row fills it: the terminal would wrap a row Ink does not count', async (columns) => {
		const servers = [{ fqdn: 'dub-fe02.contoso.com', pool: 'pool-dublin.contoso.com' }];
		const events = [
			{ type: 'servers-planned', servers },
			{ type: 'task-started', phase: 'bootstrapper', server: 'dub-fe02.contoso.com' },
			{ type: 'task-failed', phase: 'bootstrapper', server: 'dub-fe02.contoso.com', message: 'exit 3010', exitCode: 3010, rebootRequired: true },
			{ type: 'restart-stage', server: 'dub-fe02.contoso.com', stage: 'boot-wait' },
		] as const;
		const restarting = events.reduce((state, event, index) => reduce(state, { ...event, at: 1000 * index } as ProcedureEvent), initialState('s', { kind: 'lab', description: 'LAB' }, 0));
		const view = renderComponent(<ServerPanels state={restarting} phase="bootstrapper" rows={20} now={4000} progress={progress(restarting)} />, { columns });
		const frame = plain(await waitForFrame(view, 'dub-fe02'));
		expect(frame.split('\n').filter((line) => stringWidth(line) > columns)).toEqual([]);
		view.unmount();
	});
});
