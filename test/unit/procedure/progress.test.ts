import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import { describeProgress, formatTimeLeft, phaseProgress } from '../../../source/procedure/progress.js';
import { reduce } from '../../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../../source/procedure/state.js';
import type { NewEvent } from '../../../source/session/session.js';
import type { UpgradeSchedule } from '../../../source/sfb/upgrade-domains.js';

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

describe('phaseProgress by upgrade domain', () => {
	// pool-a: two domains of two servers; pool-b: three domains of one server (as the fleet runs them, upgrade-domains.ts).
	const domainServers = [
		...['a1', 'a2', 'a3', 'a4'].map((name) => ({ fqdn: name, pool: 'pool-a' })),
		...['b1', 'b2', 'b3'].map((name) => ({ fqdn: name, pool: 'pool-b' })),
	];
	const poolA = [
		{ pool: 'pool-a', domain: 'UpgradeDomain1', servers: ['a1', 'a2'] },
		{ pool: 'pool-a', domain: 'UpgradeDomain2', servers: ['a3', 'a4'] },
	];
	const poolB = ['b1', 'b2', 'b3'].map((server, index) => ({ pool: 'pool-b', domain: `UpgradeDomain${index + 1}`, servers: [server] }));
	const sideBySide = { lanes: [poolA, poolB] };
	const oneAfterAnother = { lanes: [[...poolA, ...poolB]] };

	function scheduled(schedule: UpgradeSchedule, events: [number, NewEvent][] = []): ProcedureState {
		return [[0, { type: 'phase-scheduled', phase: 'cumulative-update', schedule }] as [number, NewEvent], ...events].reduce(
			(state, [time, event]) => reduce(state, { ...event, at: time } as ProcedureEvent),
			reduce(initialState('s', { kind: 'lab', description: 'LAB' }, 0), { type: 'servers-planned', servers: domainServers, at: 0 }),
		);
	}

	it('pools side by side: a domain takes one server time, so the 3-domain pool sets the time, not the 4-server one', () => {
		const progress = phaseProgress(scheduled(sideBySide), 'cumulative-update', 0, { perPool: 1, expectedMs: 2 * minute });
		expect(progress).toMatchObject({ total: 7, leftMs: 6 * minute, domains: { finished: 0, total: 5 } });
		expect(describeProgress(progress)).toBe('CU re-apply 0 of 7 servers · about 6 min left · 0 of 5 upgrade domains');
	});

	it('pools one after the other (the CU by default): every domain in turn', () => {
		expect(phaseProgress(scheduled(oneAfterAnother), 'cumulative-update', 0, { perPool: 1, expectedMs: 2 * minute }).leftMs).toBe(10 * minute);
	});

	it("mid-way, a domain lasts as long as its slowest server and the rest of the lane follows it", () => {
		const state = scheduled(sideBySide, [
			[0, { type: 'task-started', phase: 'cumulative-update', server: 'a1' }],
			[0, { type: 'task-started', phase: 'cumulative-update', server: 'b1' }],
			[minute, { type: 'task-started', phase: 'cumulative-update', server: 'a2' }],
			[4 * minute, { type: 'task-succeeded', phase: 'cumulative-update', server: 'b1' }],
			[4 * minute, { type: 'task-started', phase: 'cumulative-update', server: 'b2' }],
			[5 * minute, { type: 'task-succeeded', phase: 'cumulative-update', server: 'a1' }],
		]);
		// 4.5 min a server now. pool-a: a2 has 0.5 min to go, then a3 with a4 4.5 min: 5 min. pool-b: b2 has 3.5 min, then b3: 8 min.
		const progress = phaseProgress(state, 'cumulative-update', 5 * minute, { perPool: 1 });
		expect(progress.leftMs).toBe(8 * minute);
		expect(describeProgress(progress)).toBe('CU re-apply 2 of 7 servers · about 8 min left · 1 of 5 upgrade domains · 2 running');
	});

	it('a failed server waits for the operator and adds no time; its domain is not done', () => {
		const state = scheduled(oneAfterAnother, [
			[0, { type: 'task-started', phase: 'cumulative-update', server: 'a1' }],
			[0, { type: 'task-started', phase: 'cumulative-update', server: 'a2' }],
			[minute, { type: 'task-succeeded', phase: 'cumulative-update', server: 'a1' }],
			[minute, { type: 'task-failed', phase: 'cumulative-update', server: 'a2', message: 'the update installer exited with 1603' }],
		]);
		const progress = phaseProgress(state, 'cumulative-update', minute, { perPool: 1 });
		expect(progress).toMatchObject({ leftMs: 4 * minute, domains: { finished: 0, total: 5 }, failed: 1 });
	});

	it('a phase run per server again (no schedule) forgets its domains and estimates per pool', () => {
		const state = reduce(scheduled(sideBySide), { type: 'phase-scheduled', phase: 'cumulative-update', at: 1 });
		expect(state.schedules).toEqual({});
		expect(phaseProgress(state, 'cumulative-update', 0, { perPool: 1, expectedMs: 2 * minute })).toMatchObject({ leftMs: 8 * minute });
		expect(phaseProgress(state, 'cumulative-update', 0, { perPool: 1, expectedMs: 2 * minute }).domains).toBeUndefined();
	});
});

describe('formatTimeLeft', () => {
	it('speaks in minutes, and hours past ninety', () => {
		expect(formatTimeLeft(30_000)).toBe('under a minute left');
		expect(formatTimeLeft(40 * minute)).toBe('about 40 min left');
		expect(formatTimeLeft(150 * minute)).toBe('about 2 h 30 min left');
	});
});
