import type { Environment } from '../environments/port.js';
import type { Operator } from '../procedure/operator.js';
import type { ChangeRecord } from '../session/change-record.js';
import type { Session } from '../session/session.js';

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
	/** Waits, unless the operator cancels first. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface OperationContext {
	environment: Environment;
	session: Session;
	operator: Operator;
	recorder: Recorder | undefined;
	pacing: Pacing;
	/** Servers at once inside each pool (a pool keeps quorum while one server is busy). */
	perPool: number;
	/** Where topology snapshots are saved before a change. */
	snapshotDir: string;
	signal: AbortSignal;
	/** The operator said the Cumulative Update is already re-applied (run --yes on a live farm): checked, not believed. */
	cumulativeUpdateDoneByHand?: boolean;
	/** The pair named on the command line (`run`): chosen without asking, whether it is new or already published. */
	requestedPair?: { pool: string; backup: string };
}

export const iso = (ms: number) => new Date(ms).toISOString();
