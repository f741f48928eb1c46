import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import { describeProgress, phaseProgress } from '../../../source/procedure/progress.js';
import { reduce } from '../../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../../source/procedure/state.js';
import type { NewEvent } from '../../../source/session/session.js';

const minute = 60_000;
const servers = ['a1', 'a2', 'a3'].map((name) => ({ fqdn: name, pool: 'pool-a' }));

function at(events: [number, NewEvent][]): ProcedureState {
	return events.reduce(
		(state, [time, event]) => reduce(state, { ...event, at: time } as ProcedureEvent),
		reduce(initialState('s', { kind: 'lab', description: 'LAB' }, 0), { type: 'servers-planned', servers, at: 0 }),
	);
}

describe('progress with a server done by hand', () => {
	it('counts it as waiting on you, not running, and leaves it out of the time left', () => {
		const state = at([
			[0, { type: 'by-hand-set', servers: ['a1'], byHand: true }],
			[0, { type: 'task-started', phase: 'bootstrapper', server: 'a1' }],
		]);
		// The tool still runs a2 and a3, one after the other: 4 min. The operator's a1 is not work the tool runs.
		const progress = phaseProgress(state, 'bootstrapper', minute, { perPool: 1, expectedMs: 2 * minute });
		expect(progress).toMatchObject({ running: 0, waitingOnYou: 1, leftMs: 4 * minute });
		expect(describeProgress(progress)).toBe('Bootstrapper 0 of 3 servers · about 4 min left · 1 waiting on you');
	});

	it('says no time left when only the operator is left to act', () => {
		const state = at([
			[0, { type: 'by-hand-set', servers: ['a1'], byHand: true }],
			[0, { type: 'task-started', phase: 'bootstrapper', server: 'a1' }],
			[0, { type: 'task-started', phase: 'bootstrapper', server: 'a2' }],
			[2 * minute, { type: 'task-succeeded', phase: 'bootstrapper', server: 'a2' }],
			[2 * minute, { type: 'task-skipped', phase: 'bootstrapper', server: 'a3', reason: 'rebuilt' }],
		]);
		expect(describeProgress(phaseProgress(state, 'bootstrapper', 3 * minute, { perPool: 1 }))).toBe('Bootstrapper 2 of 3 servers · 1 waiting on you');
	});

	it('does not take the operator\'s pace as the tool\'s: a server finished by hand after an hour does not set the time a server takes', () => {
		const state = at([
			[0, { type: 'by-hand-set', servers: ['a1'], byHand: true }],
			[0, { type: 'task-started', phase: 'bootstrapper', server: 'a1' }],
			[60 * minute, { type: 'task-succeeded', phase: 'bootstrapper', server: 'a1' }],
		]);
		expect(phaseProgress(state, 'bootstrapper', 60 * minute, { perPool: 1, expectedMs: 2 * minute }).leftMs).toBe(4 * minute);
	});
});
