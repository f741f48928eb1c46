import { hostname } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { driveProcedure } from '../../../source/cli/procedure-driver.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import type { ServerRestarting } from '../../../source/environments/port.js';
import type { OperationContext } from '../../../source/operations/context.js';
import { restartedSince, restartHeldServer } from '../../../source/operations/restart-held.js';
import { initialState } from '../../../source/procedure/state.js';
import { Session } from '../../../source/session/session.js';
import { EnvironmentError, type Environment } from '../../../source/environments/port.js';
import type { Operator } from '../../../source/procedure/operator.js';
import { readChangeRecord } from '../../../source/session/change-record.js';
import { findSessions } from '../../../source/session/session-files.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, defaultScenarioWith, driveResuming, recordCalls, testIdentity, type LabCall } from '../../helpers/lab.js';
import { DEFAULT_BACKUP } from '../../helpers/pools.js';

const HELD = 'dub-fe02.contoso.com';
const SCALE = 5000;
const stateDir = useTemporaryStateDir('sfb-pair-restart-');

async function lab(faults: unknown[] = []): Promise<LabEnvironment> {
	const scenario = await defaultScenarioWith('held', [{ type: 'reboot-required', server: HELD, attempts: 1 }, ...faults]);
	return openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: SCALE });
}

const operator = (restartHeld: boolean): Operator => defaultPairOperator({ restartHeld });

function drive(environment: LabEnvironment, restartHeld: boolean, signal = new AbortController().signal, perPool = 1) {
	return driveResuming({ environment, stateDir: stateDir(), operator: operator(restartHeld), signal, perPool });
}

/** The commands the change record holds for the held server, in order, without Bootstrapper's own. */
function restartCommands(recordPath: string): string[] {
	return readChangeRecord(recordPath.replace(/\.md$/, '.jsonl'))
		.filter((entry) => entry.type === 'command' && entry.target === HELD && entry.phase === 'bootstrapper' && !/Bootstrapper/.test(entry.command))
		.map((entry) => (entry.type === 'command' ? `${entry.command.split(' ')[0]} ${entry.outcome}` : ''));
}

async function backAfterRestart(environment: LabEnvironment) {
	for (;;) {
		try {
			return await environment.readBootTime(HELD);
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}
}

describe('a server held at Bootstrapper exit 3010, restarted by sfb-pair (run --restart-held)', () => {
	it('fails it over, restarts it, waits for a later boot time, fails it back, runs Bootstrapper again, and counts it done by its probe', async () => {
		const environment = await lab();
		const bootBefore = await environment.readBootTime(HELD);
		const result = await drive(environment, true);
		expect(result.outcome, result.reason).toBe('done');
		const server = environment.readFarm().servers[HELD]!;
		expect(server.bootstrapperRuns).toBe(2);
		expect(server.failedOver).toBe(false);
		expect(Date.parse(await environment.readBootTime(HELD))).toBeGreaterThan(Date.parse(bootBefore));
		expect(restartCommands(result.recordPath!)).toEqual(['Invoke-CsComputerFailOver succeeded', 'Restart-Computer succeeded', 'Invoke-CsComputerFailBack succeeded']);
		const task = result.session.state.servers[HELD]!.tasks.bootstrapper;
		expect(task).toMatchObject({ state: 'succeeded', exitCode: 0, observation: { state: 'done' } });
		expect(task.restartStage).toBeUndefined();
	});

	it('without the flag the run stops at the hold (exit 3) and restarts nothing; a resume finds it not restarted and stops again', async () => {
		const environment = await lab();
		const first = await drive(environment, false);
		expect(first.outcome).toBe('needs-operator');
		const again = await drive(environment, false);
		expect(again.outcome).toBe('needs-operator');
		expect(again.reason).toMatch(/^dub-fe02\.contoso\.com: dub-fe02\.contoso\.com is held \(Bootstrapper exit 3010\): it has not restarted since: .*LastBootUpTime on dub-fe02\.contoso\.com is \S+, held since /);
		expect(environment.readFarm().servers[HELD]).toMatchObject({ bootstrapperRuns: 1 });
		expect(environment.readFarm().servers[HELD]!.failedOver).toBeFalsy();
		expect(restartCommands(again.recordPath!)).toEqual([]);
	});

	it('a restart that never comes back stops with the server described: failed over, the wait it had, the failback command; the other servers finish their Bootstrapper', async () => {
		const environment = await lab([{ type: 'restart-hangs', server: HELD, attempts: 1 }]);
		const result = await drive(environment, true);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(
			/dub-fe02\.contoso\.com is failed over and did not come back within 240 ms of Restart-Computer -ComputerName 'dub-fe02\.contoso\.com' -Force \(Connecting to remote server dub-fe02\.contoso\.com failed.*\): check its console; .*the failback command is Invoke-CsComputerFailBack -ComputerName 'dub-fe02\.contoso\.com'/,
		);
		const state = result.session.state;
		expect(state.servers[HELD]!.tasks.bootstrapper).toMatchObject({ state: 'failed', rebootRequired: true });
		// Restarted and not back: the next attempt waits for it from there, it is not restarted twice.
		expect(state.servers[HELD]!.tasks.bootstrapper.restartStage).toBe('boot-wait');
		expect(environment.readFarm().servers[HELD]).toMatchObject({ failedOver: true, hung: true });
		const others = state.serverOrder.filter((server) => server !== HELD);
		expect(others.map((server) => state.servers[server]!.tasks.bootstrapper.state)).toEqual(others.map(() => 'succeeded'));
	});

	it('a resume probes first: a server already failed over is not failed over again, one already restarted since the hold is not restarted again', async () => {
		const environment = await lab();
		expect((await drive(environment, false)).outcome).toBe('needs-operator');
		await environment.failOver(HELD);
		const result = await drive(environment, true);
		expect(result.outcome, result.reason).toBe('done');
		expect(restartCommands(result.recordPath!)).toEqual(['Restart-Computer succeeded', 'Invoke-CsComputerFailBack succeeded']);

		stateDir.renew();
		const restarted = await lab();
		expect((await drive(restarted, false)).outcome).toBe('needs-operator');
		await restarted.failOver(HELD);
		await restarted.restart(HELD);
		await backAfterRestart(restarted);
		const resumed = await drive(restarted, true);
		expect(resumed.outcome, resumed.reason).toBe('done');
		expect(restartCommands(resumed.recordPath!)).toEqual(['Invoke-CsComputerFailBack succeeded']);
		expect(restarted.readFarm().servers[HELD]).toMatchObject({ failedOver: false, bootstrapperRuns: 2 });
	});

	it('a restart cut short while the server is down goes on from there on resume: waited for, not restarted twice', async () => {
		const environment = await lab();
		const stop = new AbortController();
		const interrupted = driveProcedure({
			environment,
			stateDir: stateDir(),
			operator: operator(true),
			perPool: 1,
			signal: stop.signal,
			identity: testIdentity(),
			onSession: (session) =>
				session.subscribe((state) => {
					if (state.servers[HELD]?.tasks.bootstrapper.restartStage === 'boot-wait') stop.abort();
				}),
		});
		expect((await interrupted).outcome).toBe('cancelled');
		const saved = findSessions(stateDir()).unfinished[0]!;
		expect(saved.state.servers[HELD]!.tasks.bootstrapper).toMatchObject({ state: 'failed', rebootRequired: true, restartStage: 'boot-wait' });
		// Back by the time the operator resumes (while it is down, the probes at the start cannot tell, and ask).
		await backAfterRestart(environment);
		const resumed = await drive(environment, false);
		expect(resumed.outcome, resumed.reason).toBe('done');
		// The session's one record: the failover and the restart before the cut, only the failback after it.
		expect(restartCommands(resumed.recordPath!)).toEqual(['Invoke-CsComputerFailOver succeeded', 'Restart-Computer succeeded', 'Invoke-CsComputerFailBack succeeded']);
		expect(environment.readFarm().servers[HELD]).toMatchObject({ failedOver: false, bootstrapperRuns: 2 });
	});
});

describe('held servers restarted by sfb-pair, one at a time in a pool', () => {
	const SECOND_HELD = 'dub-fe03.contoso.com';
	const OTHER_POOL_HELD = 'red-fe02.contoso.com';
	const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

	/** Each restart's window, from its failover to its failback: the server is out of its pool all that time. */
	function restartWindows(calls: LabCall<'failover' | 'restart' | 'failback'>[]) {
		const open = new Map<string, { from: number; restarted: boolean }>();
		const windows: { server: string; from: number; to: number }[] = [];
		for (const call of calls) {
			const window = open.get(call.server);
			if (call.what === 'failover') open.set(call.server, { from: call.startedAt, restarted: false });
			else if (call.what === 'restart' && window) window.restarted = true;
			else if (call.what === 'failback' && window) {
				open.delete(call.server);
				if (window.restarted) windows.push({ server: call.server, from: window.from, to: call.endedAt ?? Number.POSITIVE_INFINITY });
			}
		}
		return windows;
	}

	it.each([1, 3])("never has two Front Ends of a pool down at once (--parallel %i): a held server's restart waits its pool's turn, while the other pool restarts its own", async (perPool) => {
		const environment = await lab([
			{ type: 'reboot-required', server: SECOND_HELD, attempts: 1 },
			{ type: 'reboot-required', server: OTHER_POOL_HELD, attempts: 1 },
		]);
		const calls = recordCalls(environment, { failOver: 'failover', restart: 'restart', failBack: 'failback' });
		// Each pool's first restart waits (2 s at most) until the other pool's has begun: both are down together unless one
		// pool's restart holds the other pool back.
		const waiting = new Set<string>();
		const restart = environment.restart.bind(environment);
		environment.restart = async (server) => {
			if (server === HELD || server === OTHER_POOL_HELD) {
				waiting.add(server);
				for (const end = Date.now() + 2000; waiting.size < 2 && Date.now() < end; ) await pause(5);
			}
			return restart(server);
		};

		const result = await drive(environment, true, undefined, perPool);
		expect(result.outcome, result.reason).toBe('done');
		const windows = restartWindows(calls);
		expect(windows.map((window) => window.server).sort()).toEqual([OTHER_POOL_HELD, HELD, SECOND_HELD].sort());
		const overlap = (left: string, right: string) => {
			const [a, b] = [windows.find((window) => window.server === left)!, windows.find((window) => window.server === right)!];
			return a.from < b.to && b.from < a.to;
		};
		expect(overlap(HELD, SECOND_HELD), JSON.stringify(windows)).toBe(false);
		expect(overlap(HELD, OTHER_POOL_HELD), JSON.stringify(windows)).toBe(true);
		for (const server of [HELD, SECOND_HELD, OTHER_POOL_HELD]) expect(environment.readFarm().servers[server]).toMatchObject({ failedOver: false, bootstrapperRuns: 2 });
	});
});

describe('whether a held server restarted since', () => {
	const booted = (at: string): ServerRestarting => ({
		readBootTime: async () => at,
		restart: async () => ({ exitCode: 0, rebootRequired: false, tail: [] }),
		failOver: async () => ({ exitCode: 0, rebootRequired: false, tail: [] }),
		failBack: async () => ({ exitCode: 0, rebootRequired: false, tail: [] }),
		isFailedOver: async () => false,
	});
	const heldAt = Date.parse('2026-12-01T10:00:00Z');

	it("is read on the server's own clock when its boot time at the hold is known: a server clock minutes behind the jump box's still counts a restart", async () => {
		// The server's clock runs 4 minutes behind: it restarted at 10:01 jump-box time, which its clock calls 09:57.
		const seen = await restartedSince(booted('2026-12-01T09:57:00Z'), HELD, { since: heldAt, bootTime: '2026-11-20T08:00:00Z' });
		expect(seen).toMatchObject({ state: 'done', value: '2026-12-01T09:57:00.000Z' });
		expect(seen.evidence).toContain('when it had booted at 2026-11-20T08:00:00.000Z');
		const same = await restartedSince(booted('2026-11-20T08:00:00Z'), HELD, { since: heldAt, bootTime: '2026-11-20T08:00:00Z' });
		expect(same.state).toBe('not-done');
	});

	it('falls back to the time of the hold where the boot time was not read then; an answer that is not a time is "could not tell"', async () => {
		expect((await restartedSince(booted('2026-12-01T09:57:00Z'), HELD, { since: heldAt })).state).toBe('not-done');
		expect((await restartedSince(booted('2026-12-01T10:02:00Z'), HELD, { since: heldAt })).state).toBe('done');
		expect(await restartedSince(booted('yesterday'), HELD, { since: heldAt })).toMatchObject({ state: 'unknown', reason: 'unexpected-output' });
	});
});

describe('a restart cut short while the server was down, resumed while it is still down', () => {
	it('waits for it to answer with a later boot time (never "nothing was done"), does not fail it over or restart it again, fails it back', async () => {
		const session = new Session(initialState('s', { kind: 'live', description: 'test' }, 0), undefined);
		session.dispatch({ type: 'servers-planned', servers: [{ fqdn: HELD, pool: DEFAULT_BACKUP }] });
		session.dispatch({ type: 'task-failed', phase: 'bootstrapper', server: HELD, message: 'exit 3010', exitCode: 3010, rebootRequired: true });
		session.dispatch({ type: 'restart-stage', server: HELD, stage: 'boot-wait' });
		const hold = { since: Date.parse('2026-12-01T10:00:00Z'), bootTime: '2026-11-20T08:00:00Z' };
		let reads = 0;
		let failedOver = true;
		const restarting = {
			readBootTime: vi.fn(async () => {
				reads += 1;
				if (reads < 3) throw new EnvironmentError('unreachable', `${HELD} cannot be reached over PowerShell remoting (WinRM)`);
				return '2026-12-01T10:03:00Z';
			}),
			restart: vi.fn(async () => ({ exitCode: 0, rebootRequired: false, tail: [] })),
			failOver: vi.fn(async () => ({ exitCode: 0, rebootRequired: false, tail: [] })),
			failBack: vi.fn(async () => {
				failedOver = false;
				return { exitCode: 0, rebootRequired: false, tail: [] };
			}),
			isFailedOver: vi.fn(async () => failedOver),
		};
		const environment = { readService: async () => ({ state: failedOver ? 'Stopped' : 'Running' }) } as unknown as Environment;
		const context = {
			environment,
			session,
			recorder: undefined,
			pacing: { restartPollMs: 1, restartTimeoutMs: 60_000, sleep: async () => undefined },
		} as unknown as OperationContext;
		await restartHeldServer(context, restarting, HELD, hold, { signal: new AbortController().signal, onLine: () => undefined });
		expect(reads).toBe(3);
		expect([restarting.failOver.mock.calls.length, restarting.restart.mock.calls.length, restarting.failBack.mock.calls.length]).toEqual([0, 0, 1]);
		expect(session.state.servers[HELD]!.tasks.bootstrapper.restartStage).toBeUndefined();
	});
});


describe('a restart that must not start, or must not start again', () => {
	const context = (session: Session, failedOver: () => boolean, timeoutMs = 60_000) =>
		({
			environment: { readService: async () => ({ state: failedOver() ? 'Stopped' : 'Running' }) } as unknown as Environment,
			session,
			recorder: undefined,
			pacing: { restartPollMs: 1, restartTimeoutMs: timeoutMs, sleep: async () => new Promise((resolve) => setTimeout(resolve, 1)) },
		}) as unknown as OperationContext;
	const heldSession = (server: string) => {
		const session = new Session(initialState('s', { kind: 'live', description: 'test' }, 0), undefined);
		session.dispatch({ type: 'servers-planned', servers: [{ fqdn: server, pool: DEFAULT_BACKUP }] });
		session.dispatch({ type: 'task-failed', phase: 'bootstrapper', server, message: 'exit 3010', exitCode: 3010, rebootRequired: true });
		return session;
	};
	const hold = { since: Date.parse('2026-12-01T10:00:00Z'), bootTime: '2026-11-20T08:00:00Z' };
	const ok = async () => ({ exitCode: 0, rebootRequired: false, tail: [] });

	it('the computer sfb-pair runs on is refused before anything is done to it: not failed over, not restarted', async () => {
		const here = `${hostname().split('.')[0]}.contoso.com`;
		const restarting = { readBootTime: vi.fn(async () => hold.bootTime), restart: vi.fn(ok), failOver: vi.fn(ok), failBack: vi.fn(ok), isFailedOver: vi.fn(async () => false) };
		const attempt = restartHeldServer(context(heldSession(here), () => false), restarting, here, hold, { signal: new AbortController().signal, onLine: () => undefined });
		await expect(attempt).rejects.toThrow(/runs on .* itself .*nothing was done to it/);
		expect([restarting.failOver.mock.calls.length, restarting.restart.mock.calls.length]).toEqual([0, 0]);
	});

	it('restarted but not back in time: the next attempt waits for it again, never a second failover or restart', async () => {
		const session = heldSession(HELD);
		let failedOver = false;
		let down = false;
		let retried = false;
		let readsSinceRetry = 0;
		const restarting = {
			readBootTime: vi.fn(async () => {
				// Still down for the next attempt's first reads, then back with a later boot time.
				if (retried && (readsSinceRetry += 1) > 2) return '2026-12-01T10:30:00Z';
				if (down) throw new EnvironmentError('unreachable', `${HELD} cannot be reached over PowerShell remoting (WinRM)`);
				return hold.bootTime;
			}),
			restart: vi.fn(async () => {
				down = true;
				return ok();
			}),
			failOver: vi.fn(async () => {
				failedOver = true;
				return ok();
			}),
			failBack: vi.fn(async () => {
				failedOver = false;
				return ok();
			}),
			isFailedOver: vi.fn(async () => failedOver),
		};
		const run = { signal: new AbortController().signal, onLine: () => undefined };
		await expect(restartHeldServer(context(session, () => failedOver, 20), restarting, HELD, hold, run)).rejects.toThrow(/did not come back/);
		expect(session.state.servers[HELD]!.tasks.bootstrapper.restartStage).toBe('boot-wait');
		retried = true;
		await restartHeldServer(context(session, () => failedOver), restarting, HELD, hold, run);
		expect([restarting.failOver.mock.calls.length, restarting.restart.mock.calls.length, restarting.failBack.mock.calls.length]).toEqual([1, 1, 1]);
		expect(session.state.servers[HELD]!.tasks.bootstrapper.restartStage).toBeUndefined();
	});
});
