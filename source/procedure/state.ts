import type { BackupModuleStatus, DirectionVerdict } from '../sfb/backup-status.js';
import { BACKUP_SERVICE, type EnvironmentKind } from '../environments/port.js';
import type { VoiceResiliency } from '../sfb/model.js';
import type { Observation } from '../sfb/observation.js';
import type { PairPicture } from './picture.js';
import type { Check } from './preflight.js';
import type { UpgradeSchedule } from '../sfb/upgrade-domains.js';
import { DEFAULT_VOICE } from '../sfb/voice-resiliency.js';
import { STEP_IDS, type StepId } from './steps.js';

export type StepStatus = 'pending' | 'active' | 'done' | 'skipped' | 'failed';

/** The per-server work of steps 8, CU and 9. */
export const SERVER_PHASES = ['bootstrapper', 'cumulative-update', 'backup-service'] as const;
export type ServerPhase = (typeof SERVER_PHASES)[number];

export const isServerPhase = (step: string): step is ServerPhase => (SERVER_PHASES as readonly string[]).includes(step);

/** How each phase is named in lines, panels and prompts. */
export const PHASE_NAMES: Record<ServerPhase, string> = {
	bootstrapper: 'Bootstrapper',
	'cumulative-update': 'CU re-apply',
	'backup-service': BACKUP_SERVICE,
};

export type TaskState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** Where a server is in its Cumulative Update, done the way Microsoft patches a pool. */
export type PatchStage = 'failover' | 'install' | 'failback';

export const PATCH_STAGE_WORDS: Record<PatchStage, string> = {
	failover: 'failing over',
	install: 'installing',
	failback: 'failing back',
};

/** Where a server held at Bootstrapper exit 3010 is in the restart sfb-pair does for it (restart-held.ts). */
export type RestartStage = 'failover' | 'restart' | 'boot-wait' | 'failback' | 'service-wait';

export const RESTART_STAGE_WORDS: Record<RestartStage, string> = {
	failover: 'failing over',
	restart: 'restarting',
	'boot-wait': 'waiting for it to come back',
	failback: 'failing back',
	'service-wait': 'waiting for its Front End service',
};

export interface ServerTask {
	state: TaskState;
	attempts: number;
	startedAt?: number;
	endedAt?: number;
	exitCode?: number;
	rebootRequired?: boolean;
	/** When it was first held (exit 3010): a boot time after this says it has restarted since. */
	heldSince?: number;
	/** The server's own boot time read when it was held: a later one says it restarted, on the server's one clock. */
	bootAtHold?: string;
	/** The restart sfb-pair does for a held server, while it runs (and where an interrupted one stopped: a resume goes on from there). */
	restartStage?: RestartStage;
	/** When that restart began, for the time it has taken in the server's panel. */
	restartStartedAt?: number;
	/** Why it failed, or why the operator skipped it. */
	message?: string;
	/** The latest output lines, newest last. */
	lines: string[];
	/** Of failover, installer and failback, the one running or last run. */
	stage?: PatchStage;
	/** What the farm last said about this phase's work on this server: the probe, with its evidence. */
	observation?: Observation;
}

export interface ServerProgress {
	fqdn: string;
	pool: string;
	tasks: Record<ServerPhase, ServerTask>;
}

export interface SyncDirection {
	pool: string;
	modules: BackupModuleStatus[];
	verdict?: DirectionVerdict;
	polledAt?: number;
}

export interface SyncProgress {
	requested: string[];
	startedAt?: number;
	polls: number;
	consecutiveSteady: number;
	directions: Record<string, SyncDirection>;
}

/** One server's replica of the Central Management store, as the gate before Bootstrapper last read it. */
export interface ReplicaProgress {
	observation: Observation;
	/** Since when it has been seen behind, without a read in between that found it up to date. */
	behindSince?: number;
}

/** The gate after publishing, before Bootstrapper: every replica up to date and holding the publish. */
export interface ReplicationGate {
	/** The publish the replicas must hold (ISO 8601); absent when it was made before this session. */
	since?: string;
	startedAt: number;
	polls: number;
	replicas: Record<string, ReplicaProgress>;
	/** When `Invoke-CsManagementStoreReplication` was last sent, and to which servers. */
	pushed?: { at: number; servers: string[] };
	/** Set once the gate has let Bootstrapper go, with why (every replica current, or a server skipped). */
	settled?: { at: number; note: string };
}

/** Who the pre-flight read first: the account, then each Front End by its name. */
export const PREFLIGHT_ACCOUNT = 'the account';

/** The doctor's checks for the pair, read and reviewed with the operator before anything changes (the wizard on a live farm). */
export interface PreflightProgress {
	pool: string;
	backup: string;
	startedAt: number;
	/** What is read, in order: the account, then each Front End. */
	subjects: string[];
	/** Subject → whether its read answered (false: it failed, and its checks say why). */
	read: Record<string, boolean>;
	/** The judgement, once every read is back. */
	checks?: Check[];
	/** The go-ahead: every check ok, or the warnings accepted by the operator. */
	accepted?: { at: number; note: string };
}

export type OutcomeKind = 'done' | 'failed' | 'needs-operator' | 'cancelled';

export interface ProcedureState {
	sessionId: string;
	environment: { kind: EnvironmentKind; description: string };
	startedAt: number;
	updatedAt: number;
	current: StepId;
	steps: Record<StepId, { status: StepStatus; note?: string }>;
	pair?: { pool: string; backup: string };
	voice: VoiceResiliency;
	warnings: string[];
	publish: {
		snapshotPath?: string;
		method?: 'cmdlets' | 'topology-builder';
		written: boolean;
		verified: boolean;
		/** The write was started and not seen to end: on resume its outcome is unknown until the read-back says. */
		writeStartedAt?: number;
		/** When the pairing write started (cmdlets) or was seen published (Topology Builder), so a replica can be checked for an update made after it. */
		writtenAt?: number;
		/** What Enable-CsTopology warned about when sfb-pair published (e.g. it could not set the file share permissions). */
		warnings?: string[];
	};
	servers: Record<string, ServerProgress>;
	serverOrder: string[];
	sync: SyncProgress;
	replication?: ReplicationGate;
	preflight?: PreflightProgress;
	/** Servers where the operator runs Bootstrapper and the service start themselves; each is verified by its probe. */
	byHand?: string[];
	/** pool → its upgrade readiness when last asked, while the Cumulative Update goes domain by domain. */
	readiness?: Record<string, { ready: boolean | undefined; summary: string; at: number }>;
	/** phase → the upgrade domains it runs by, when it runs by domain (the CU; Bootstrapper with `--parallel domain`). */
	schedules?: Partial<Record<ServerPhase, UpgradeSchedule>>;
	/** What the farm showed at the last start, probed before anything else was done. */
	picture?: PairPicture;
	outcome?: { kind: OutcomeKind; reason: string; at: number };
}

export const OUTPUT_LINES_KEPT = 6;

export function initialState(sessionId: string, environment: ProcedureState['environment'], at: number): ProcedureState {
	return {
		sessionId,
		environment,
		startedAt: at,
		updatedAt: at,
		current: 'pools-defined',
		steps: Object.fromEntries(STEP_IDS.map((id) => [id, { status: 'pending' }])) as ProcedureState['steps'],
		voice: DEFAULT_VOICE,
		warnings: [],
		publish: { written: false, verified: false },
		servers: {},
		serverOrder: [],
		sync: { requested: [], polls: 0, consecutiveSteady: 0, directions: {} },
	};
}

/** Bootstrapper exited 3010 on the server: it waits for a restart and a run again there. */
export const isHeld = (task: ServerTask) => task.state === 'failed' && task.rebootRequired === true;

/** The phases a server done by hand has commands for (server-work.ts handCommands). */
const HAND_PHASES: readonly ServerPhase[] = ['bootstrapper', 'backup-service'];

/** The operator runs this phase on the server themselves: while its task runs, the tool is waiting on them. */
export const isByHand = (state: ProcedureState, server: string, phase: ServerPhase) => HAND_PHASES.includes(phase) && (state.byHand ?? []).includes(server);

export function emptyTask(): ServerTask {
	return { state: 'pending', attempts: 0, lines: [] };
}

/** A session is worth resuming until the procedure has completed. */
export function isUnfinished(state: ProcedureState): boolean {
	return state.outcome?.kind !== 'done';
}
