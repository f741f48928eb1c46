import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../source/procedure/events.js';
import { reduce } from '../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../source/procedure/state.js';
import type { NewEvent } from '../../source/session/session.js';
import { Summary } from '../../source/ui/Summary.js';
import { SymbolsContext, asciiSymbols } from '../../source/ui/symbols.js';
import { plain } from '../helpers/frames.js';

const MINUTE = 60_000;

/** Two servers: fe1 done in 30 minutes, fe2 failed at Bootstrapper then skipped; the operator stopped at the sync. */
function ended(): ProcedureState {
	const events: [number, NewEvent][] = [
		[0, { type: 'servers-planned', servers: ['fe1', 'fe2'].map((name) => ({ fqdn: `${name}.contoso.com`, pool: 'pool-a.contoso.com' })) }],
		[0, { type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' }],
		[0, { type: 'task-started', phase: 'bootstrapper', server: 'fe2.contoso.com' }],
		[5, { type: 'task-failed', phase: 'bootstrapper', server: 'fe2.contoso.com', message: 'exit 1603' }],
		[6, { type: 'task-skipped', phase: 'bootstrapper', server: 'fe2.contoso.com', reason: 'rebuilt next week' }],
		[10, { type: 'task-succeeded', phase: 'bootstrapper', server: 'fe1.contoso.com', exitCode: 0 }],
		[10, { type: 'task-started', phase: 'cumulative-update', server: 'fe1.contoso.com' }],
		[20, { type: 'task-succeeded', phase: 'cumulative-update', server: 'fe1.contoso.com', exitCode: 0 }],
		[20, { type: 'task-started', phase: 'backup-service', server: 'fe1.contoso.com' }],
		[30, { type: 'task-succeeded', phase: 'backup-service', server: 'fe1.contoso.com' }],
		[31, { type: 'procedure-ended', outcome: 'needs-operator', reason: 'the sync is not steady yet' }],
	];
	return events.reduce(
		(state, [minute, event]) => reduce(state, { ...event, at: Date.parse('2026-11-26T07:00:00Z') + minute * MINUTE } as ProcedureEvent),
		initialState('s', { kind: 'lab', description: 'LAB' }, Date.parse('2026-11-26T07:00:00Z')),
	);
}

describe('the summary', () => {
	it("shows Ansible's recap per server beside its phases over time, with a legend and the scale", () => {
		const { lastFrame } = render(
			<SymbolsContext.Provider value={asciiSymbols}>
				<Summary state={ended()} rows={20} columns={80} recordPath="/state/records/r.md" />
			</SymbolsContext.Provider>,
		);
		const lines = plain(lastFrame()).split('\n');
		expect(lines[0]).toBe('! Waiting on you: the sync is not steady yet (took 31:00)');
		expect(lines.slice(1, 5).map((line) => line.trimEnd())).toEqual([
			'                 ok changed failed skipped retried  from 07:00:00 UTC',
			'Management Shell  0       0      0       0       0',
			'fe1               0       3      0       0       0  BBBBBBBBBCCCCCCCCCSSSSSSSSS',
			'fe2               0       0      0       1       0  xxxxxx.....................',
		]);
		expect(lines[5]).toBe('B Bootstrapper | C CU | S LYNCBACKUP | x failed | 1 character is about 67 s');
	});

	it('tells the operator when part of the change record is missing, beside where it is', () => {
		const notice = 'The change record of this session was not found: it starts again at this resume, and says that the part before is missing (/state/records/r.jsonl).';
		const { lastFrame } = render(<Summary state={ended()} rows={20} columns={80} recordPath="/state/records/r.md" notices={[notice]} />);
		const frame = plain(lastFrame());
		expect(frame.replace(/\s+/g, ' ')).toContain(`! ${notice}`);
		expect(frame).toContain('Change record: /state/records/r.md');
	});

	it('stays within the rows it is given, keeps the servers that need a look, and says how many more there are', () => {
		const many = Array.from({ length: 24 }, (_, index) => ({ fqdn: `fe${index + 1}.contoso.com`, pool: 'pool-a.contoso.com' }));
		const state = [
			{ type: 'servers-planned', servers: many } as NewEvent,
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe20.contoso.com' } as NewEvent,
			{ type: 'task-failed', phase: 'bootstrapper', server: 'fe20.contoso.com', message: 'exit 1603' } as NewEvent,
			{ type: 'procedure-ended', outcome: 'needs-operator', reason: 'fe20.contoso.com: exit 1603. Fix it, then run again with --resume' } as NewEvent,
		].reduce(
			(current, event, index) => reduce(current, { ...event, at: index * MINUTE } as ProcedureEvent),
			initialState('s', { kind: 'lab', description: 'LAB' }, 0),
		);
		const longPath = `/home/alice/.config/sfb-pair/records/${'x'.repeat(90)}.md`;
		// ink-testing-library draws 100 columns wide.
		const { lastFrame } = render(<Summary state={{ ...state, publish: { ...state.publish, snapshotPath: longPath } }} rows={17} columns={100} recordPath={longPath} debriefPath={longPath} />);
		const frame = plain(lastFrame());
		expect(frame.split('\n').length, frame).toBeLessThanOrEqual(17);
		expect(frame).toMatch(/… \d+ more servers in the change record/);
		expect(frame, 'the server that failed is among those shown').toMatch(/^fe20 +0 +0 +1 +0 +0/m);
	});
});
