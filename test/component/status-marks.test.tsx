import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { GuardedStep, GuardedStepStatus } from '../../source/procedure/guarded-run.js';
import type { ProcedureEvent } from '../../source/procedure/events.js';
import { phaseProgress } from '../../source/procedure/progress.js';
import { reduce } from '../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../source/procedure/state.js';
import type { NewEvent } from '../../source/session/session.js';
import { GuardedSteps } from '../../source/ui/guarded-run/GuardedSteps.js';
import { ServerPanels } from '../../source/ui/ServerPanels.js';
import { SymbolsContext, asciiSymbols, screenReaderSymbols, unicodeSymbols, type Symbols } from '../../source/ui/symbols.js';

const SERVER = 'fe1.contoso.com';

function serverState(events: NewEvent[]): ProcedureState {
	return [{ type: 'servers-planned' as const, servers: [{ fqdn: SERVER, pool: 'pool-a.contoso.com' }] }, ...events].reduce(
		(state, event, index) => reduce(state, { ...event, at: 1000 * index } as ProcedureEvent),
		initialState('s', { kind: 'lab', description: 'LAB' }, 0),
	);
}

/** The server's line as drawn: its mark comes first. */
function serverLine(state: ProcedureState, symbols: Symbols): string {
	const view = render(
		<SymbolsContext.Provider value={symbols}>
			<ServerPanels state={state} phase="bootstrapper" rows={10} now={10_000} progress={phaseProgress(state, 'bootstrapper', 10_000, { perPool: 1 })} />
		</SymbolsContext.Provider>,
	);
	const line = view.lastFrame()!.split('\n').find((each) => each.includes(SERVER))!;
	view.unmount();
	return line;
}

function stepLine(status: GuardedStepStatus, symbols: Symbols): string {
	const step: GuardedStep = { id: 'a', title: 'Fail over A', status, evidence: [], ...(status === 'pending' ? {} : { startedAt: 0 }) };
	const view = render(
		<SymbolsContext.Provider value={symbols}>
			<GuardedSteps steps={[step]} now={10_000} rows={5} />
		</SymbolsContext.Provider>,
	);
	const line = view.lastFrame()!.split('\n')[0]!;
	view.unmount();
	return line;
}

/** The mark: everything before the server's name or the step's title. */
const markOf = (line: string) => line.slice(0, line.search(/fe1|Fail/)).trim();

const running = serverState([{ type: 'task-started', phase: 'bootstrapper', server: SERVER }]);
const byHand = serverState([
	{ type: 'by-hand-set', servers: [SERVER], byHand: true },
	{ type: 'task-started', phase: 'bootstrapper', server: SERVER },
]);
const held = serverState([
	{ type: 'task-started', phase: 'bootstrapper', server: SERVER },
	{ type: 'task-failed', phase: 'bootstrapper', server: SERVER, message: 'exit 3010', exitCode: 3010, rebootRequired: true },
]);
const failed = serverState([
	{ type: 'task-started', phase: 'bootstrapper', server: SERVER },
	{ type: 'task-failed', phase: 'bootstrapper', server: SERVER, message: 'exit 1', exitCode: 1 },
]);
const pending = serverState([]);

describe('one status mapping for the server panels and the guarded-run steps', () => {
	for (const [name, symbols] of [
		['Unicode', unicodeSymbols],
		['--ascii', asciiSymbols],
	] as const) {
		it(`marks the same status the same way on both screens (${name})`, () => {
			expect(markOf(serverLine(running, symbols))).toBe(markOf(stepLine('running', symbols)));
			expect(markOf(serverLine(failed, symbols))).toBe(markOf(stepLine('failed', symbols)));
			expect(markOf(serverLine(pending, symbols))).toBe(markOf(stepLine('pending', symbols)));
			// Held for a restart, or waiting on the operator: for attention, as a step waiting on the farm is.
			expect(markOf(serverLine(held, symbols))).toBe(markOf(stepLine('waiting', symbols)));
			expect(markOf(serverLine(byHand, symbols))).toBe(markOf(stepLine('waiting', symbols)));
			expect(markOf(serverLine(byHand, symbols))).toContain(symbols.warning);
		});
	}

	it('keeps ASCII marks with --ascii (no spinner) and no glyph for a screen reader', () => {
		expect(markOf(serverLine(running, asciiSymbols))).toContain('>');
		expect(markOf(stepLine('running', asciiSymbols))).toContain('>');
		expect(serverLine(running, screenReaderSymbols)).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏▸]/);
		expect(stepLine('running', screenReaderSymbols)).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏▸]/);
	});
});
