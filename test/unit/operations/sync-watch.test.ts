import { afterEach, describe, expect, it, vi } from 'vitest';
import { autoOperator } from '../../../source/cli/auto-operator.js';
import type { Environment } from '../../../source/environments/port.js';
import type { OperationContext, Recorder } from '../../../source/operations/context.js';
import { watchSync } from '../../../source/operations/sync-watch.js';
import { initialState } from '../../../source/procedure/state.js';
import { ERROR_POLLS, type BackupServiceStatus, type ExportState } from '../../../source/sfb/backup-status.js';
import type { FrontEndPool } from '../../../source/sfb/model.js';
import { DEFAULT_VOICE } from '../../../source/sfb/voice-resiliency.js';
import { Session } from '../../../source/session/session.js';

const pools = [{ fqdn: 'pool01.contoso.com' }, { fqdn: 'pool02.contoso.com' }] as FrontEndPool[];

/** A farm whose Backup Service reports, poll after poll, the export states given for both directions; the last one holds. */
function farm(exports: ExportState[]): Environment {
	let poll = 0;
	const status = (pool: string, exportStatus: ExportState): BackupServiceStatus => ({
		pool,
		backupPool: pool === pools[0]!.fqdn ? pools[1]!.fqdn : pools[0]!.fqdn,
		modules: [{ identity: 'ConfServices.DataConf', exportStatus, importStatus: 'NormalState' }],
	});
	return {
		startBackupSync: async () => undefined,
		readBackupStatus: async (pool: string) => {
			const exportStatus = exports[Math.min(Math.floor(poll / 2), exports.length - 1)]!;
			poll++;
			return status(pool, exportStatus);
		},
	} as Partial<Environment> as Environment;
}

/** Each status read takes `ms` of the (fake) clock, as a read over WinRM takes a while. */
function slowed(environment: Environment, ms: number): Environment {
	return {
		...environment,
		readBackupStatus: async (pool: string) => {
			vi.setSystemTime(Date.now() + ms);
			return environment.readBackupStatus(pool);
		},
	};
}

async function watch(exports: ExportState[], timing: { syncPollMs?: number; sleeps?: number[]; pollTakesMs?: number } = {}) {
	const notes: string[] = [];
	const recorder = { command: () => undefined, decision: () => undefined, status: () => undefined, note: (text: string) => notes.push(text) } as unknown as Recorder;
	const session = new Session(initialState('s', { kind: 'live', description: 'test' }, 0), undefined);
	const context: OperationContext = {
		environment: slowed(farm(exports), timing.pollTakesMs ?? 0),
		session,
		operator: autoOperator({ pool: pools[0]!.fqdn, backup: pools[1]!.fqdn, voice: DEFAULT_VOICE, retries: 0 }),
		recorder,
		pacing: {
			syncPollMs: timing.syncPollMs ?? 0,
			syncTimeoutMs: 3_600_000,
			steadyPolls: 3,
			serviceSettleMs: 0,
			replicationPollMs: 0,
			replicationTimeoutMs: 0,
			sleep: async (ms: number) => {
				timing.sleeps?.push(ms);
				vi.setSystemTime(Date.now() + ms);
			},
		},
		perPool: 1,
		snapshotDir: '',
		signal: new AbortController().signal,
	};
	return { result: await watchSync(context, pools), polls: session.state.sync.polls, notes };
}

describe('watching the sync', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('polls every --sync-poll from the start of one poll to the start of the next, however long a poll takes', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const sleeps: number[] = [];
		const { result, polls } = await watch(['NonSteadyState', 'SteadyState'], { syncPollMs: 30_000, sleeps, pollTakesMs: 2_000 });
		expect(result).toEqual({ kind: 'steady' });
		// Each poll reads both pools, 2 s each: the wait after it is what is left of the 30 s.
		expect(sleeps).toEqual(Array<number>(polls - 1).fill(26_000));
	});

	it('waits out an ErrorState that clears within fewer polls than it takes to count as a failure', async () => {
		const { result, polls, notes } = await watch(['NonSteadyState', ...Array<ExportState>(ERROR_POLLS - 1).fill('ErrorState'), 'SteadyState']);
		expect(result).toEqual({ kind: 'steady' });
		expect(polls).toBe(1 + (ERROR_POLLS - 1) + 3);
		expect(notes.filter((note) => note.includes('ErrorState'))).toHaveLength(ERROR_POLLS - 1);
	});

	it('fails on an ErrorState that holds for as many polls in a row, saying so', async () => {
		const { result, polls } = await watch(['NonSteadyState', 'ErrorState']);
		expect(result).toEqual({ kind: 'failed', reason: expect.stringMatching(new RegExp(`ConfServices\\.DataConf in ErrorState.*\\(on ${ERROR_POLLS} polls in a row\\)$`)) });
		expect(polls).toBe(1 + ERROR_POLLS);
	});
});
