import type { BackupModuleStatus, DirectionVerdict } from '../sfb/backup-status.js';
import type { VoiceResiliency } from '../sfb/model.js';
import type { Observation } from '../sfb/observation.js';
import type { UpgradeSchedule } from '../sfb/upgrade-domains.js';
import type { PairPicture } from './picture.js';
import type { Check } from './preflight.js';
import type { OutcomeKind, PatchStage, RestartStage, ServerPhase } from './state.js';
import type { StepId } from './steps.js';

type Timed<T> = T & { at: number };

/** Everything that happens in a session. Each is checkpointed before the next action starts. */
export type ProcedureEvent = Timed<
	| { type: 'step-started'; step: StepId }
	| { type: 'step-finished'; step: StepId; status: 'done' | 'skipped' | 'failed'; note?: string }
	| { type: 'step-reopened'; step: StepId }
	| { type: 'pair-chosen'; pool: string; backup: string; warnings: string[] }
	| { type: 'voice-set'; voice: VoiceResiliency }
	| { type: 'snapshot-taken'; path: string }
	| { type: 'pairing-write-started' }
	/** `changes`: the topology before and after a publish in Topology Builder, in a few lines (describeTopologyChange). */
	/** `warnings`: what Enable-CsTopology warned about (cmdlets); `reportPath`: the copy of its -Report file. */
	| { type: 'pairing-written'; method: 'cmdlets' | 'topology-builder'; changes?: string[]; warnings?: string[]; reportPath?: string }
	| { type: 'pairing-verified' }
	| { type: 'servers-planned'; servers: { fqdn: string; pool: string }[] }
	| { type: 'task-started'; phase: ServerPhase; server: string }
	| { type: 'task-output'; phase: ServerPhase; server: string; line: string }
	| { type: 'task-stage'; phase: ServerPhase; server: string; stage: PatchStage }
	/** How a phase's servers are run: by these upgrade domains, or (no schedule) each pool's servers a few at a time. */
	| { type: 'phase-scheduled'; phase: ServerPhase; schedule?: UpgradeSchedule }
	/** A held server's restart (fail over, restart, fail back) is at this stage; `undefined` once it has ended. */
	| { type: 'restart-stage'; server: string; stage: RestartStage | undefined }
	/** The boot time of a server Bootstrapper has just held (exit 3010), read then: what a restart must change. */
	| { type: 'boot-time-at-hold'; server: string; bootTime: string }
	| { type: 'readiness-observed'; pool: string; ready: boolean | undefined; summary: string }
	| { type: 'farm-observed'; picture: PairPicture }
	| { type: 'task-observed'; phase: ServerPhase; server: string; observation: Observation }
	| { type: 'task-succeeded'; phase: ServerPhase; server: string; exitCode?: number; rebootRequired?: boolean; observation?: Observation }
	| { type: 'task-failed'; phase: ServerPhase; server: string; message: string; exitCode?: number; rebootRequired?: boolean; observation?: Observation }
	| { type: 'task-skipped'; phase: ServerPhase; server: string; reason: string }
	| { type: 'task-reset'; phase: ServerPhase; server: string }
	| { type: 'replication-polled'; since?: string; replicas: { server: string; observation: Observation }[] }
	| { type: 'replication-pushed'; servers: string[] }
	| { type: 'replication-settled'; note: string }
	/** The operator runs the work on these servers themselves (remoting cannot, or by choice); `false` hands one back. */
	| { type: 'by-hand-set'; servers: string[]; byHand: boolean }
	/** The commands shown to the operator for a server done by hand, and why the last check did not count it done. */
	| { type: 'by-hand-asked'; phase: ServerPhase; server: string; commands: string[]; lastCheck?: string; note?: string }
	| { type: 'preflight-started'; pool: string; backup: string; subjects: string[] }
	| { type: 'preflight-read'; subject: string; answered: boolean }
	| { type: 'preflight-judged'; checks: Check[] }
	| { type: 'preflight-accepted'; note: string }
	| { type: 'sync-requested'; pool: string }
	| {
			type: 'sync-polled';
			directions: { pool: string; modules: BackupModuleStatus[]; verdict: DirectionVerdict }[];
	  }
	| { type: 'procedure-ended'; outcome: OutcomeKind; reason: string }
	| { type: 'procedure-resumed' }
>;

export type ProcedureEventType = ProcedureEvent['type'];
