import type { Environment } from '../environments/port.js';
import type { Operator } from '../procedure/operator.js';
import type { ChangeRecord } from '../session/change-record.js';
import type { Session } from '../session/session.js';
import type { PoolOrder } from '../sfb/upgrade-domains.js';

/** Where the change record goes: every command run and every decision taken. */
export type Recorder = Pick<ChangeRecord, 'command' | 'decision' | 'status' | 'note' | 'snapshot' | 'ended'>;

export interface Pacing {
	/** How long to wait between two Backup Service status polls. */
	syncPollMs: number;
	/** Give up waiting for steady state after this long (then the operator decides). */
	syncTimeoutMs: number;
	/** Consecutive steady polls needed before the sync is called steady. */
	steadyPolls: number;
	/** How long after a start LYNCBACKUP must still be Running to count as started. */
	serviceSettleMs: number;
	/** How long to wait between two reads of the replicas before Bootstrapper. */
	replicationPollMs: number;
	/** How long replicas may stay behind the publish (after a push, or a choice to wait) before the operator is asked again. */
	replicationTimeoutMs: number;
	/** How often a pool's upgrade readiness is asked while the next upgrade domain waits for it. */
	readinessPollMs?: number;
	/** Stop waiting for a pool to be ready for its next upgrade domain after this long (the operator is told why). */
	readinessTimeoutMs?: number;
	/** How often a restarted server is asked whether it is back (its boot time, then its Front End service). */
	restartPollMs?: number;
	/** How long a restarted server may take to answer again, and its Front End service to run, before the operator is told. */
	restartTimeoutMs?: number;
	/** Waits, unless the operator cancels first. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The shortest wait between two reads of the farm, whatever the pacing says: a lab at a high time scale, or a pacing
 * of 0, would otherwise read the farm and write the session as fast as they answer. The longest is what a timer holds.
 */
export const POLL_FLOOR_MS = 10;
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export function pollInterval(ms: number): number {
	return Number.isNaN(ms) ? POLL_FLOOR_MS : Math.min(LONGEST_TIMER_MS, Math.max(POLL_FLOOR_MS, ms));
}

export interface OperationContext {
	environment: Environment;
	session: Session;
	operator: Operator;
	recorder: Recorder | undefined;
	pacing: Pacing;
	/** Servers at once inside each pool (a pool keeps quorum while one server is busy). */
	perPool: number;
	/** Bootstrapper by upgrade domains instead: one domain at a time per pool, the pools side by side (`--parallel domain`). */
	parallelDomains?: boolean;
	/** Where topology snapshots are saved before a change. */
	snapshotDir: string;
	signal: AbortSignal;
	/** The operator said the Cumulative Update is already re-applied (run --yes on a live farm): checked, not believed. */
	cumulativeUpdateDoneByHand?: boolean;
	/** The Cumulative Update's pools: one after another (the default, the partner backs up the pool being patched) or side by side. */
	cumulativeUpdatePools?: PoolOrder;
	/**
	 * Read the doctor's checks for the pair and review them with the operator before anything changes (the wizard on a
	 * live farm; `run` reads them itself before it starts).
	 */
	preflight?: boolean;
	/** Servers the operator runs Bootstrapper and the service start on themselves (`run --by-hand`): each verified by its probe. */
	byHand?: string[];
	/** The pair named on the command line (`run`): chosen without asking, whether it is new or already published. */
	requestedPair?: { pool: string; backup: string };
}

export const iso = (ms: number) => new Date(ms).toISOString();
