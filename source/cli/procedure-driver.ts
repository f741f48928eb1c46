import { setTimeout as sleep } from 'node:timers/promises';
import type { Environment } from '../environments/port.js';
import type { Pacing } from '../operations/context.js';
import { afterCheckpoint } from '../operations/after-checkpoint.js';
import { runProcedure, type ProcedureResult } from '../operations/run-procedure.js';
import type { Operator } from '../procedure/operator.js';
import { initialState } from '../procedure/state.js';
import { acquireSessionLock, type SessionLock } from '../session/session-lock.js';
import type { CheckpointStore } from '../session/checkpoint-store.js';
import type { ProcedureState } from '../procedure/state.js';
import { newSessionId, openProcedureStore, openRecordFor, pairKey, snapshotsDir, type StoredSession } from '../session/session-files.js';
import { Session } from '../session/session.js';
import { debriefPathFor, writeDebrief, type DebriefScenario } from '../session/debrief.js';
import type { RunIdentity } from '../session/change-record.js';
import { STEADY_POLLS } from '../sfb/backup-status.js';
import { checkBounds, TIME_SCALE } from '../text/bounded-values.js';

export type Parallelism = number | 'domain';

export interface DriveOptions {
	environment: Environment;
	stateDir: string;
	operator: Operator;
	/** An unfinished session to continue; without it a new one starts. */
	resume?: StoredSession;
	/** Servers at once inside each pool during Bootstrapper, or one upgrade domain at a time per pool. */
	perPool: Parallelism;
	signal: AbortSignal;
	cumulativeUpdateDoneByHand?: boolean;
	/** Servers whose work the operator runs themselves (`--by-hand`). */
	byHand?: string[];
	/** Review the doctor's checks for the pair with the operator once it is chosen, before anything changes. */
	preflight?: boolean;
	/** The operator said so (--cu-side-by-side): both pools patched at once, each still one upgrade domain at a time. */
	cumulativeUpdateSideBySide?: boolean;
	/** The pair named on the command line: chosen without asking. */
	pair?: { pool: string; backup: string };
	pacing?: PacingChoices;
	/** A lock the caller took already (run takes it before looking at saved sessions); the caller releases it. */
	heldLock?: { key: string; lock: SessionLock };
	/** A lab run's scenario: the session then ends with a training debrief beside the change record. */
	scenario?: DebriefScenario;
	/** Who runs the session, where, with what: the change record's header. */
	identity: RunIdentity;
	/** Told when part of the change record is missing (deleted while the session ran or between runs). */
	onRecordGap?: (text: string) => void;
	/** Called as soon as the session exists, so a screen or a printer can follow it. */
	onSession(session: Session): void;
}

export interface DriveResult extends ProcedureResult {
	session: Session;
	recordPath?: string;
	debriefPath?: string;
}

const second = 1000;
/** Replication to a Front End normally takes seconds to a minute; ten minutes behind is a fault to look at. */
export const REPLICATION_POLL_SECONDS = 10;
export const REPLICATION_TIMEOUT_SECONDS = 10 * 60;
/** Microsoft's patching article: a Busy pool is asked again after 10 minutes, three times; 30 s then 30 min here. */
export const READINESS_POLL_SECONDS = 30;
export const READINESS_TIMEOUT_SECONDS = 30 * 60;
/** A Front End restart, Windows updates pending included, is minutes; twenty without an answer is for a person to look at. */
export const RESTART_POLL_SECONDS = 15;
export const RESTART_TIMEOUT_SECONDS = 20 * 60;


const subjectOf = (pair: { pool: string; backup: string } | undefined) => (pair ? `${pair.pool} ↔ ${pair.backup}` : 'a pairing');

/** What the operator may change about the pace of the watch, in real seconds. */
export interface PacingChoices {
	syncPollSeconds?: number;
	syncTimeoutSeconds?: number;
	serviceSettleSeconds?: number;
	replicationPollSeconds?: number;
	replicationTimeoutSeconds?: number;
	/** Between two asks of a pool's upgrade readiness, and how long a pool may stay not ready before the run stops. */
	readinessPollSeconds?: number;
	readinessTimeoutSeconds?: number;
	/** Between two asks of a restarted server's boot time, and how long it may take to come back before the run stops. */
	restartPollSeconds?: number;
	restartTimeoutSeconds?: number;
}

/** Real intervals on a live farm; the same intervals divided by the time scale in the lab. */
export function pacingFor(environment: Environment, choices: PacingChoices = {}): Pacing {
	const bounded = checkBounds(environment.timeScale ?? 1, TIME_SCALE);
	// Dividing by 0 (or by NaN) would make every wait endless or nothing; the lab refuses such a scale when it opens.
	if (!bounded.ok) throw new Error(`the time scale ${bounded.reason}`);
	const scale = bounded.value;
	return {
		syncPollMs: ((choices.syncPollSeconds ?? 30) * second) / scale,
		syncTimeoutMs: ((choices.syncTimeoutSeconds ?? 30 * 60) * second) / scale,
		steadyPolls: STEADY_POLLS,
		serviceSettleMs: ((choices.serviceSettleSeconds ?? 60) * second) / scale,
		replicationPollMs: ((choices.replicationPollSeconds ?? REPLICATION_POLL_SECONDS) * second) / scale,
		replicationTimeoutMs: ((choices.replicationTimeoutSeconds ?? REPLICATION_TIMEOUT_SECONDS) * second) / scale,
		readinessPollMs: ((choices.readinessPollSeconds ?? READINESS_POLL_SECONDS) * second) / scale,
		readinessTimeoutMs: ((choices.readinessTimeoutSeconds ?? READINESS_TIMEOUT_SECONDS) * second) / scale,
		restartPollMs: ((choices.restartPollSeconds ?? RESTART_POLL_SECONDS) * second) / scale,
		restartTimeoutMs: ((choices.restartTimeoutSeconds ?? RESTART_TIMEOUT_SECONDS) * second) / scale,
		sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
	};
}

/** One procedure run with its lock, checkpoints and change record: shared by the wizard and `run`. */
export async function driveProcedure(options: DriveOptions): Promise<DriveResult> {
	const { environment, stateDir, resume } = options;
	let claimed: { key: string; lock: SessionLock; store: CheckpointStore<ProcedureState> } | undefined;
	let recorder: ReturnType<typeof openRecordFor> | undefined;
	const lockFor = (key: string, pair: { pool: string; backup: string } | undefined) =>
		options.heldLock?.key === key ? options.heldLock.lock : acquireSessionLock(stateDir, key, { subject: subjectOf(pair), command: 'sfb-pair' });
	const session = resume
		? new Session(resume.state, resume.store)
		: new Session(initialState(newSessionId(), { kind: environment.kind, description: environment.description }, Date.now()), undefined);
	const opening = { identity: options.identity, ...(options.onRecordGap ? { onGap: options.onRecordGap } : {}) };
	if (resume) {
		claimed = { key: resume.key, lock: lockFor(resume.key, resume.state.pair), store: resume.store };
		recorder = openRecordFor(stateDir, resume.state, { ...opening, resumed: true });
		recorder.note('Session resumed: re-checking the farm before trusting the checkpoint.', new Date().toISOString());
	}
	/** The pair is known (or changed, going back on a resumed session): lock it, then keep its checkpoint. */
	const claimPair = async (pool: string, backup: string) => {
		const key = pairKey(pool, backup);
		if (claimed?.key === key) return;
		// The old checkpoint's last write must land before it is archived, or it would come back.
		await session.checkpointed();
		const lock = lockFor(key, { pool, backup });
		const store = openProcedureStore(stateDir, key);
		if (store.load().status === 'ok') store.archive();
		const previous = claimed;
		claimed = { key, lock, store };
		session.attach(store);
		// The new checkpoint is on disk before the old one is archived (a kill between leaves one to resume),
		// and before the change record is opened (a resume finds the session by its checkpoint).
		await session.checkpointed();
		if (previous) {
			recorder?.note(`The pair was changed to ${pool} and ${backup}: this session continues under the new pair.`, new Date().toISOString());
			await recorder?.movePair({ pool, backup });
			if (previous.store.load().status === 'ok') previous.store.archive();
			previous.lock.release();
		}
		recorder ??= openRecordFor(stateDir, { ...session.state, pair: { pool, backup } }, opening);
	};
	/**
	 * The record is the change ticket's evidence as the checkpoint is the resume's: a farm call waits for both, so
	 * after a crash of the machine neither is behind the farm by more than the call in flight (the decision to
	 * publish is on disk before Set-CsRegistrar runs). Both fsyncs of one turn run side by side off the event loop.
	 */
	const onDisk = {
		checkpointed: async () => {
			await Promise.all([session.checkpointed(), recorder?.written()]);
		},
	};
	options.onSession(session);
	session.subscribe((_state, event) => {
		// A failed write is reported by the next farm call and at the end; this only keeps the Markdown current.
		if (event.type === 'step-finished') recorder?.flush().catch(() => undefined);
	});
	const settled = await runProcedure(
		{
			environment: afterCheckpoint(environment, onDisk),
			session,
			operator: options.operator,
			get recorder() {
				return recorder;
			},
			pacing: pacingFor(environment, options.pacing),
			perPool: typeof options.perPool === 'number' ? options.perPool : 1,
			...(options.perPool === 'domain' ? { parallelDomains: true } : {}),
			snapshotDir: snapshotsDir(stateDir),
			signal: options.signal,
			...(options.cumulativeUpdateDoneByHand ? { cumulativeUpdateDoneByHand: true } : {}),
			...(options.preflight ? { preflight: true } : {}),
			...(options.byHand?.length ? { byHand: options.byHand } : {}),
			...(options.cumulativeUpdateSideBySide ? { cumulativeUpdatePools: 'side-by-side' as const } : {}),
			...(options.pair ? { requestedPair: options.pair } : {}),
		},
		{ claimPair },
	).then(
		(result) => ({ result }),
		(error: unknown) => ({ error }),
	);
	// Whatever happened, and even when the checkpoint cannot be written, the Markdown record is brought up to
	// date and the pair unlocked; the run's own error comes first.
	const flushed = await Promise.allSettled([session.flush(), recorder?.flush()]);
	const unsaved = flushed.map((each) => (each.status === 'rejected' ? ((each.reason as unknown) ?? new Error('the checkpoint could not be written')) : undefined)).find(Boolean);
	if (claimed?.lock !== options.heldLock?.lock) claimed?.lock.release();
	if ('error' in settled) throw settled.error;
	if (unsaved !== undefined) throw unsaved;
	const { result } = settled;
	if (!recorder) return { ...result, session };
	const debriefPath = options.scenario
		? await writeDebrief({ recordJsonlPath: recorder.jsonlPath, state: session.state, scenario: options.scenario, out: debriefPathFor(recorder.jsonlPath) })
		: undefined;
	return { ...result, session, recordPath: recorder.markdownPath, ...(debriefPath ? { debriefPath } : {}) };
}
