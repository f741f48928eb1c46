import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import type { NewEvent } from '../../../source/session/session.js';
import { reduce } from '../../../source/procedure/reducer.js';
import { initialState, isUnfinished, OUTPUT_LINES_KEPT, type ProcedureState } from '../../../source/procedure/state.js';
import { DONE, NOT_DONE, picture, seen, UNKNOWN } from '../../helpers/picture.js';

const start = () => initialState('s1', { kind: 'lab', description: 'LAB' }, 0);
const apply = (state: ProcedureState, ...events: NewEvent[]) =>
	events.reduce((current, event, index) => reduce(current, { ...event, at: index + 1 } as ProcedureEvent), state);

const planned = () =>
	apply(start(), {
		type: 'servers-planned',
		servers: [
			{ fqdn: 'fe1.contoso.com', pool: 'a.contoso.com' },
			{ fqdn: 'fe2.contoso.com', pool: 'b.contoso.com' },
		],
	});

describe('procedure reducer', () => {
	it('starts at step 1 with every step pending and Microsoft default voice settings', () => {
		const state = start();
		expect(state.current).toBe('pools-defined');
		expect(Object.values(state.steps).every((step) => step.status === 'pending')).toBe(true);
		expect(state.voice).toEqual({ automaticFailover: true, failoverSeconds: 300, failbackSeconds: 600 });
	});

	it('marks the started step active and the finished step with its status and note', () => {
		const state = apply(start(), { type: 'step-started', step: 'choose-pool' }, { type: 'step-finished', step: 'choose-pool', status: 'done', note: 'a' });
		expect(state.current).toBe('choose-pool');
		expect(state.steps['choose-pool']).toEqual({ status: 'done', note: 'a' });
	});

	it('keeps the pre-flight of the pair: each read as it comes back, the checks, and the go-ahead; a new read starts afresh', () => {
		const check = { id: 'smb' as const, subject: 'fe1.contoso.com', status: 'warning' as const, evidence: 'e', action: 'a' };
		const read = apply(
			start(),
			{ type: 'preflight-started', pool: 'a.contoso.com', backup: 'b.contoso.com', subjects: ['the account', 'fe1.contoso.com'] },
			{ type: 'preflight-read', subject: 'fe1.contoso.com', answered: false },
			{ type: 'preflight-judged', checks: [check] },
			{ type: 'preflight-accepted', note: 'continued' },
		);
		expect(read.preflight).toEqual({ pool: 'a.contoso.com', backup: 'b.contoso.com', startedAt: 1, subjects: ['the account', 'fe1.contoso.com'], read: { 'fe1.contoso.com': false }, checks: [check], accepted: { at: 4, note: 'continued' } });
		const again = apply(read, { type: 'preflight-started', pool: 'a.contoso.com', backup: 'c.contoso.com', subjects: ['the account'] });
		expect(again.preflight).toEqual({ pool: 'a.contoso.com', backup: 'c.contoso.com', startedAt: 1, subjects: ['the account'], read: {} });
	});

	it('adds servers done by hand once each, and hands one back', () => {
		const state = apply(
			start(),
			{ type: 'by-hand-set', servers: ['fe1.contoso.com', 'fe2.contoso.com'], byHand: true },
			{ type: 'by-hand-set', servers: ['fe1.contoso.com'], byHand: true },
			{ type: 'by-hand-set', servers: ['fe2.contoso.com'], byHand: false },
		);
		expect(state.byHand).toEqual(['fe1.contoso.com']);
	});

	it('going back reopens a step and forgets the steps after it', () => {
		const state = apply(
			start(),
			{ type: 'step-finished', step: 'choose-pool', status: 'done' },
			{ type: 'step-finished', step: 'choose-backup', status: 'done' },
			{ type: 'step-started', step: 'voice' },
			{ type: 'step-reopened', step: 'choose-backup' },
		);
		expect(state.current).toBe('choose-backup');
		expect(state.steps['choose-pool'].status).toBe('done');
		expect(state.steps['choose-backup'].status).toBe('active');
		expect(state.steps.voice.status).toBe('pending');
	});

	it('records the chosen pair with its warnings, and the publish progress', () => {
		const state = apply(
			start(),
			{ type: 'pair-chosen', pool: 'a', backup: 'b', warnings: ['same site'] },
			{ type: 'snapshot-taken', path: '/tmp/snap.xml' },
			{ type: 'pairing-written', method: 'cmdlets' },
		);
		expect(state.pair).toEqual({ pool: 'a', backup: 'b' });
		expect(state.warnings).toEqual(['same site']);
		expect(state.publish).toEqual({ snapshotPath: '/tmp/snap.xml', written: true, verified: false, method: 'cmdlets', writtenAt: 3 });
		expect(apply(state, { type: 'pairing-verified' }).publish.verified).toBe(true);
	});

	it('tracks a server task through start, output, failure, retry and success', () => {
		let state = apply(
			planned(),
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-output', phase: 'bootstrapper', server: 'fe1.contoso.com', line: 'Checking prerequisites' },
			{ type: 'task-failed', phase: 'bootstrapper', server: 'fe1.contoso.com', message: 'exit 1', exitCode: 1 },
		);
		let task = state.servers['fe1.contoso.com']!.tasks.bootstrapper;
		expect(task).toMatchObject({ state: 'failed', attempts: 1, exitCode: 1, message: 'exit 1', lines: ['Checking prerequisites'] });
		state = apply(
			state,
			{ type: 'task-reset', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			{ type: 'task-succeeded', phase: 'bootstrapper', server: 'fe1.contoso.com', exitCode: 3010, rebootRequired: true },
		);
		task = state.servers['fe1.contoso.com']!.tasks.bootstrapper;
		expect(task).toMatchObject({ state: 'succeeded', attempts: 2, exitCode: 3010, rebootRequired: true });
		expect(state.servers['fe2.contoso.com']!.tasks.bootstrapper.state).toBe('pending');
	});

	it('keeps only the latest output lines of a server', () => {
		const lines = Array.from({ length: OUTPUT_LINES_KEPT + 4 }, (_, index) => `line ${index}`);
		const state = apply(
			planned(),
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe1.contoso.com' },
			...lines.map((line) => ({ type: 'task-output' as const, phase: 'bootstrapper' as const, server: 'fe1.contoso.com', line })),
		);
		expect(state.servers['fe1.contoso.com']!.tasks.bootstrapper.lines).toEqual(lines.slice(-OUTPUT_LINES_KEPT));
	});

	it('records a skip with its reason', () => {
		const state = apply(planned(), { type: 'task-skipped', phase: 'backup-service', server: 'fe2.contoso.com', reason: 'decommissioned' });
		expect(state.servers['fe2.contoso.com']!.tasks['backup-service']).toMatchObject({ state: 'skipped', message: 'decommissioned' });
	});

	it('keeps server progress when the servers are planned again on resume', () => {
		const state = apply(planned(), { type: 'task-succeeded', phase: 'bootstrapper', server: 'fe1.contoso.com', exitCode: 0 });
		const again = apply(state, { type: 'servers-planned', servers: [{ fqdn: 'fe1.contoso.com', pool: 'a.contoso.com' }] });
		expect(again.servers['fe1.contoso.com']!.tasks.bootstrapper.state).toBe('succeeded');
	});

	it('counts consecutive steady polls and starts again at zero when a poll is not steady', () => {
		const steady = { pool: 'a', modules: [], verdict: { state: 'steady' as const } };
		const waiting = { pool: 'a', modules: [], verdict: { state: 'waiting' as const, reason: 'NonSteadyState' } };
		let state = apply(start(), { type: 'sync-requested', pool: 'a' }, { type: 'sync-requested', pool: 'a' });
		expect(state.sync.requested).toEqual(['a']);
		state = apply(state, { type: 'sync-polled', directions: [steady] }, { type: 'sync-polled', directions: [steady] });
		expect(state.sync.consecutiveSteady).toBe(2);
		state = apply(state, { type: 'sync-polled', directions: [waiting] });
		expect(state.sync).toMatchObject({ polls: 3, consecutiveSteady: 0 });
	});

	it('an ended session is unfinished unless it is done, and resuming clears the outcome', () => {
		const failed = apply(start(), { type: 'procedure-ended', outcome: 'failed', reason: 'x' });
		expect(isUnfinished(failed)).toBe(true);
		expect(isUnfinished(apply(start(), { type: 'procedure-ended', outcome: 'done', reason: 'ok' }))).toBe(false);
		expect(apply(failed, { type: 'procedure-resumed' }).outcome).toBeUndefined();
	});
});

describe('reopening the publish step', () => {
	it('forgets that the pairing was written, so it is confirmed and written again', () => {
		const published = apply(start(), { type: 'snapshot-taken', path: '/s.xml' }, { type: 'pairing-verified' }, { type: 'step-finished', step: 'publish', status: 'done' });
		const reopened = apply(published, { type: 'step-reopened', step: 'publish' });
		expect(reopened.publish).toEqual({ written: false, verified: false });
		expect(reopened.steps.publish.status).toBe('active');
	});
});

describe('the farm observed at a start', () => {
	const fe1 = 'fe1.contoso.com';
	const fe2 = 'fe2.contoso.com';
	const tasksOf = (state: ProcedureState, server: string) => Object.values(state.servers[server]!.tasks).map((task) => task.state);

	it('marks done what the farm shows done, in order per server, and keeps the evidence', () => {
		const state = apply(planned(), {
			type: 'farm-observed',
			picture: picture([seen(fe1, 'a.contoso.com', { 'backup-service': NOT_DONE }), seen(fe2, 'b.contoso.com', { bootstrapper: NOT_DONE })]),
		});
		expect(tasksOf(state, fe1)).toEqual(['succeeded', 'succeeded', 'pending']);
		expect(state.servers[fe1]!.tasks.bootstrapper.observation).toEqual(DONE);
		// fe2's CU and service read done, but Bootstrapper runs again there, and it undoes the CU.
		expect(tasksOf(state, fe2)).toEqual(['pending', 'pending', 'pending']);
		expect(state.picture?.servers).toHaveLength(2);
	});

	it('a task the checkpoint saw running is done or to do again as the farm says, never left running', () => {
		const running = apply(planned(), { type: 'task-started', phase: 'bootstrapper', server: fe1 }, { type: 'task-started', phase: 'bootstrapper', server: fe2 });
		const state = apply(running, { type: 'farm-observed', picture: picture([seen(fe1, 'a.contoso.com'), seen(fe2, 'b.contoso.com', { bootstrapper: NOT_DONE })]) });
		expect(state.servers[fe1]!.tasks.bootstrapper).toMatchObject({ state: 'succeeded', attempts: 1 });
		expect(state.servers[fe2]!.tasks.bootstrapper).toMatchObject({ state: 'pending', attempts: 1 });
	});

	it('undoes what the checkpoint remembered when the farm no longer shows it, and keeps an unknown as pending with why', () => {
		const remembered = apply(planned(), { type: 'task-succeeded', phase: 'backup-service', server: fe1 });
		const state = apply(remembered, { type: 'farm-observed', picture: picture([seen(fe1, 'a.contoso.com', { 'backup-service': UNKNOWN })]) });
		expect(state.servers[fe1]!.tasks['backup-service']).toMatchObject({ state: 'pending', observation: UNKNOWN });
	});

	it('keeps a server held for a restart (Bootstrapper exit 3010) held, with nothing after it counted, though the farm shows the Backup Service installed', () => {
		const held = apply(planned(), { type: 'task-failed', phase: 'bootstrapper', server: fe1, message: 'exit 3010', exitCode: 3010, rebootRequired: true });
		const state = apply(held, { type: 'farm-observed', picture: picture([seen(fe1, 'a.contoso.com'), seen(fe2, 'b.contoso.com')]) });
		expect(tasksOf(state, fe1)).toEqual(['failed', 'pending', 'pending']);
		expect(state.servers[fe1]!.tasks.bootstrapper).toMatchObject({ rebootRequired: true, exitCode: 3010, observation: DONE });
		expect(tasksOf(state, fe2)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		const rerun = apply(state, { type: 'task-started', phase: 'bootstrapper', server: fe1 });
		expect(rerun.servers[fe1]!.tasks.bootstrapper.rebootRequired).toBeUndefined();
	});

	it('keeps what the operator chose to skip, unless the farm shows it done', () => {
		const skipped = apply(
			planned(),
			{ type: 'task-skipped', phase: 'cumulative-update', server: fe1, reason: 'patched next week' },
			{ type: 'task-skipped', phase: 'bootstrapper', server: fe2, reason: 'being rebuilt' },
		);
		const state = apply(skipped, {
			type: 'farm-observed',
			picture: picture([seen(fe1, 'a.contoso.com', { 'cumulative-update': NOT_DONE }), seen(fe2, 'b.contoso.com')]),
		});
		expect(state.servers[fe1]!.tasks['cumulative-update']).toMatchObject({ state: 'skipped', message: 'patched next week' });
		expect(state.servers[fe1]!.tasks['backup-service'].state).toBe('succeeded');
		expect(state.servers[fe2]!.tasks.bootstrapper.state).toBe('succeeded');
	});

	it('before the pair is published, nothing on a server counts: a Backup Service of an earlier pairing is not this one', () => {
		const state = apply(planned(), { type: 'farm-observed', picture: picture([seen(fe1, 'a.contoso.com')], { pairing: [NOT_DONE, NOT_DONE] }) });
		expect(tasksOf(state, fe1)).toEqual(['pending', 'pending', 'pending']);
	});

	it('counts the publish from the start of the write: the replicas take its first change then', () => {
		const written = apply(start(), { type: 'step-started', step: 'publish' }, { type: 'pairing-write-started' }, { type: 'step-started', step: 'publish' }, { type: 'pairing-written', method: 'cmdlets' });
		expect(written.publish.writtenAt).toBe(2);
	});

	it('keeps when each replica was first seen behind until it is read up to date, and starts a new gate once one has settled', () => {
		const behind = { state: 'not-done' as const, evidence: 'UpToDate False' };
		const current = { state: 'done' as const, evidence: 'UpToDate True' };
		const state = apply(
			start(),
			{ type: 'replication-polled', since: 'T', replicas: [{ server: 'fe1', observation: behind }, { server: 'fe2', observation: current }] },
			{ type: 'replication-pushed', servers: ['fe1'] },
			{ type: 'replication-polled', replicas: [{ server: 'fe1', observation: behind }] },
		);
		expect(state.replication).toMatchObject({ since: 'T', startedAt: 1, polls: 2, pushed: { at: 2, servers: ['fe1'] } });
		expect(state.replication?.replicas).toEqual({ fe1: { observation: behind, behindSince: 1 }, fe2: { observation: current } });
		const caughtUp = apply(state, { type: 'replication-polled', replicas: [{ server: 'fe1', observation: current }] }, { type: 'replication-settled', note: 'every replica' });
		expect(caughtUp.replication?.replicas.fe1).toEqual({ observation: current });
		expect(caughtUp.replication?.settled).toEqual({ at: 2, note: 'every replica' });
		const next = apply(caughtUp, { type: 'replication-polled', replicas: [{ server: 'fe2', observation: behind }] });
		expect(next.replication).toEqual({ startedAt: 1, polls: 1, replicas: { fe2: { observation: behind, behindSince: 1 } } });
	});

	it('remembers a pairing write started and not seen to end, until it is written', () => {
		const started = apply(start(), { type: 'pairing-write-started' });
		expect(started.publish.writeStartedAt).toBe(1);
		const written = apply(started, { type: 'pairing-written', method: 'cmdlets' });
		expect(written.publish).toEqual({ written: true, verified: false, method: 'cmdlets', writtenAt: 1 });
	});
});
