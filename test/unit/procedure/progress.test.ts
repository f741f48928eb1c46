import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import { describeProgress, formatTimeLeft, phaseProgress } from '../../../source/procedure/progress.js';
import { reduce } from '../../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../../source/procedure/state.js';
import type { NewEvent } from '../../../source/session/session.js';

const minute = 60_000;
const servers = [
	...['a1', 'a2', 'a3'].map((name) => ({ fqdn: name, pool: 'pool-a' })),
	...['b1', 'b2', 'b3'].map((name) => ({ fqdn: name, pool: 'pool-b' })),
];

function at(events: [number, NewEvent][]): ProcedureState {
	return events.reduce(
		(state, [time, event]) => reduce(state, { ...event, at: time } as ProcedureEvent),
		reduce(initialState('s', { kind: 'lab', description: 'LAB' }, 0), { type: 'servers-planned', servers, at: 0 }),
	);
}

describe('phaseProgress', () => {
	it('before any server finished, takes the expected duration: three servers a pool one at a time is three of them', () => {
		const progress = phaseProgress(at([]), 'bootstrapper', 0, { perPool: 1, expectedMs: 2 * minute });
		expect(progress).toMatchObject({ total: 6, finished: 0, running: 0, leftMs: 6 * minute });
		expect(describeProgress(progress)).toBe('Bootstrapper 0 of 6 servers · about 6 min left');
	});

	it('then learns from the servers that finished, and counts what the running ones still need', () => {
		const state = at([
			[0, { type: 'task-started', phase: 'bootstrapper', server: 'a1' }],
			[2 * minute, { type: 'task-started', phase: 'bootstrapper', server: 'b1' }],
			[4 * minute, { type: 'task-succeeded', phase: 'bootstrapper', server: 'a1' }],
			[4 * minute, { type: 'task-started', phase: 'bootstrapper', server: 'a2' }],
		]);
		// 4 min a server now; b1 has 1 min to go then b2, b3: 9 min; a2 has 3 min then a3: 7 min.
		const progress = phaseProgress(state, 'bootstrapper', 5 * minute, { perPool: 1, expectedMs: minute });
		expect(progress.leftMs).toBe(9 * minute);
		expect(describeProgress(progress)).toBe('Bootstrapper 1 of 6 servers · about 9 min left · 2 running');
	});

	it('runs servers side by side up to perPool, and never loops on an unlimited one (service starts)', () => {
		expect(phaseProgress(at([]), 'backup-service', 0, { perPool: 3, expectedMs: minute }).leftMs).toBe(minute);
		expect(phaseProgress(at([]), 'backup-service', 0, { perPool: Number.MAX_SAFE_INTEGER, expectedMs: minute }).leftMs).toBe(minute);
	});

	it('says when the time left is not known yet (a live farm before its first server)', () => {
		expect(describeProgress(phaseProgress(at([]), 'bootstrapper', 0, { perPool: 1 }))).toBe('Bootstrapper 0 of 6 servers · time left known once a server finishes');
	});
});

describe('formatTimeLeft', () => {
	it('speaks in minutes, and hours past ninety', () => {
		expect(formatTimeLeft(30_000)).toBe('under a minute left');
		expect(formatTimeLeft(40 * minute)).toBe('about 40 min left');
		expect(formatTimeLeft(150 * minute)).toBe('about 2 h 30 min left');
	});
});
