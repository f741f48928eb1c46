import type { PairAssessment, PoolEligibility } from '../sfb/pairing-rules.js';
import type { FrontEndPool, VoiceResiliency } from '../sfb/model.js';
import type { Observation } from '../sfb/observation.js';
import type { PairState } from './picture.js';
import type { PreflightReport } from './preflight.js';
import type { Plan } from './plan.js';
import type { ServerPhase } from './state.js';

export const BACK = Symbol('back');

/** The abort reason when the operator leaves (q): the session then waits for them (exit 3), rather than cancelled. */
export class OperatorLeft extends Error {
	constructor() {
		super('the operator left');
	}
}
export type Back = typeof BACK;

export interface BackupCandidate {
	pool: FrontEndPool;
	assessment: PairAssessment;
}

/** The voice settings chosen, and a note when one was adjusted (a failover interval raised to its floor). */
export type VoiceChoice = VoiceResiliency & { note?: string };

export type PublishChoice = 'publish' | 'topology-builder' | Back;

export type TopologyBuilderAnswer = 'check' | 'cancel' | 'stop' | 'simulate';

export type FailureDecision =
	| { action: 'retry' }
	/** Retry this server and every other server of this step that is failed right now. */
	| { action: 'retry-all-failed' }
	| { action: 'skip'; reason: string }
	| { action: 'abort' }
	/** The operator runs it on the server themselves: the commands are shown, and the probe verifies. */
	| { action: 'by-hand' }
	/** Leave the server failed; the procedure stops once the others finish and waits for the operator. */
	| { action: 'defer' }
	/** Held at exit 3010: sfb-pair fails it over, restarts it, fails it back, then runs Bootstrapper there again. */
	| { action: 'restart' }
	/** Held at exit 3010: the operator restarted it; its boot time is checked before Bootstrapper runs there again. */
	| { action: 'check-restarted' };

/** 'later': the operator re-applies it by hand first; the procedure stops and resumes after. A skip needs a reason. */
export type CumulativeUpdateChoice = 'run' | 'done-by-hand' | 'later' | { action: 'skip'; reason: string };

export interface ServerFailure {
	phase: ServerPhase;
	server: string;
	pool: string;
	message: string;
	/** Bootstrapper exited 3010: the server is held until it is restarted, then it runs there again. */
	rebootRequired?: boolean;
	attempts: number;
	lines: string[];
	/** Other servers of the same step that are failed at this moment. */
	otherFailures: string[];
	/** This phase can be run by hand on the server (its commands are known): offered as a choice. */
	canRunByHand?: boolean;
	/** Held, and this environment can fail it over, restart it and fail it back (ServerRestarting). */
	canRestart?: boolean;
}

/** Work the operator runs on the server themselves: the exact commands, and what the last check of the farm said. */
export interface HandRun {
	phase: ServerPhase;
	server: string;
	pool: string;
	/** Each a line to paste into an elevated Management Shell on the server, in order. */
	commands: string[];
	/** Why the last check did not count it done, with the probe's evidence. */
	lastCheck?: string;
	/** What the operator must know to run them, beyond the commands (a restart among them ends the session). */
	note?: string;
}

/** Check the farm now (the operator says it is done); run it remotely after all; skip it for a reason; or leave it (the session waits). */
export type HandRunDecision = { action: 'check' } | { action: 'remote' } | { action: 'skip'; reason: string } | { action: 'defer' };

/** A probe that could not tell: the operator decides, since "could not tell" is never "no". */
export interface UnknownObservation {
	/** The server or pool it is about. */
	subject: string;
	/** What was asked, e.g. "deployed" or "Backup Service installed (Bootstrapper)". */
	what: string;
	observation: Observation;
	/** How many times in a row it could not tell. */
	attempts: number;
	/** Whether the procedure can go on without it (one server's step) or not (the pairing itself). */
	canSkip: boolean;
}

/** Probe again; go on without it, for a recorded reason; or stop here, the session kept to resume. */
export type UnknownDecision = { action: 'retry' } | { action: 'skip'; reason: string } | { action: 'stop' };

/** A pair already published whose servers are not all finished, offered before new pools are chosen. */
export interface UnfinishedPair {
	pool: string;
	backup: string;
	state: Exclude<PairState, 'complete'>;
	/** What is left, counted per step, in one short line. */
	summary: string;
	/** What remains, could not be told or failed, one line each with its evidence. */
	remaining: string[];
}

/** Replicas of the Central Management store that do not hold the publish yet, as the gate before Bootstrapper sees them. */
export interface ReplicasBehind {
	servers: string[];
	/** `Invoke-CsManagementStoreReplication` has already been sent to them in this wait. */
	pushed: boolean;
	/** The wait has run out: asked again rather than waiting on. */
	timedOut: boolean;
}

/**
 * Go on despite the warnings (never offered while a check blocks), or go on with the servers whose double hop was
 * refused done by hand (handServers); read the farm again after fixing; or stop here.
 */
export type PreflightDecision = 'continue' | 'recheck' | 'stop' | 'continue-by-hand';

/** Push the configuration to them now, keep waiting, or stop (the session kept to resume). */
export type ReplicationDecision = 'push' | 'wait' | 'stop';

/**
 * Every decision the procedure needs from a person, as a promise. The wizard answers them on screen;
 * `run --yes` answers them from the command line. Returning BACK steps back where that is safe.
 */
export interface Operator {
	/** Finish a pair already published, or pair two other pools ('new'). Asked only when such a pair exists. */
	chooseUnfinishedPair(pairs: UnfinishedPair[]): Promise<{ pool: string; backup: string } | 'new'>;
	choosePool(pools: PoolEligibility[]): Promise<string>;
	chooseBackup(pool: FrontEndPool, candidates: BackupCandidate[]): Promise<string | Back>;
	chooseVoice(current: VoiceResiliency): Promise<VoiceChoice | Back>;
	/** The doctor's checks for the pair found something not ok: asked before anything changes. */
	reviewPreflight(report: PreflightReport): Promise<PreflightDecision>;
	confirmPlan(plan: Plan): Promise<PublishChoice>;
	/**
	 * The operator pairs the pools in Topology Builder; resolves 'check' to read back, 'cancel' to return to the plan (not
	 * offered where Topology Builder is the only path), 'stop' to leave it for a person (the session waits, exit 3), and in
	 * the lab 'simulate' to have the lab play the operator's publish.
	 */
	awaitTopologyBuilder(plan: Plan, lastCheck?: string, options?: { canSimulate: boolean }): Promise<TopologyBuilderAnswer>;
	chooseCumulativeUpdate(servers: string[], canRunRemotely: boolean): Promise<CumulativeUpdateChoice>;
	decideFailure(failure: ServerFailure): Promise<FailureDecision>;
	decideUnknown(unknown: UnknownObservation): Promise<UnknownDecision>;
	/** The operator runs a server's work themselves: show the commands, and say when to check. */
	runByHand(request: HandRun): Promise<HandRunDecision>;
	/**
	 * Replicas are behind the publish. Asked while the gate keeps reading them: when they catch up first, `signal` aborts
	 * and the question is withdrawn (the answer is then ignored).
	 */
	decideReplication(behind: ReplicasBehind, signal: AbortSignal): Promise<ReplicationDecision>;
	/** Sync has not reached steady state in time: keep waiting, or stop and leave the session resumable. */
	decideSyncTimeout(guidance: string[]): Promise<'wait' | 'stop'>;
}
