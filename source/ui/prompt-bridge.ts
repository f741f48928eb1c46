import type { PoolEligibility } from '../sfb/pairing-rules.js';
import type { FrontEndPool, VoiceResiliency } from '../sfb/model.js';
import type {
	Back,
	BackupCandidate,
	CumulativeUpdateChoice,
	FailureDecision,
	HandRun,
	HandRunDecision,
	Operator,
	PreflightDecision,
	PublishChoice,
	ReplicasBehind,
	ReplicationDecision,
	ServerFailure,
	TopologyBuilderAnswer,
	VoiceChoice,
	UnfinishedPair,
	UnknownDecision,
	UnknownObservation,
} from '../procedure/operator.js';
import type { Plan } from '../procedure/plan.js';
import type { PreflightReport } from '../procedure/preflight.js';
import type { SessionProblem, StoredSession } from '../session/session-files.js';

export type ResumeChoice = { action: 'resume'; key: string } | { action: 'fresh' };

export type Prompt =
	| { kind: 'resume'; sessions: StoredSession[]; problems: SessionProblem[]; elsewhere: string[] }
	| { kind: 'finish-pair'; pairs: UnfinishedPair[] }
	| { kind: 'choose-pool'; pools: PoolEligibility[] }
	| { kind: 'choose-backup'; pool: FrontEndPool; candidates: BackupCandidate[] }
	| { kind: 'voice'; current: VoiceResiliency }
	| { kind: 'preflight'; report: PreflightReport }
	| { kind: 'confirm-plan'; plan: Plan }
	| { kind: 'topology-builder'; plan: Plan; lastCheck?: string; canSimulate: boolean }
	| { kind: 'cumulative-update'; servers: string[]; canRun: boolean }
	| { kind: 'failure'; failure: ServerFailure }
	| { kind: 'unknown'; unknown: UnknownObservation }
	| { kind: 'by-hand'; request: HandRun }
	| { kind: 'sync-timeout'; guidance: string[] }
	| { kind: 'replication'; behind: ReplicasBehind };

export interface PendingPrompt {
	/** A new one for each question, so a prompt asked again starts afresh on screen. */
	id: number;
	prompt: Prompt;
	answer(value: unknown): void;
}

/**
 * The wizard's operator: each decision becomes a prompt on screen, and the promise resolves when the
 * operator answers it. One prompt at a time; the procedure serialises them.
 */
export class PromptBridge implements Operator {
	private pending: (PendingPrompt & { reject(reason: unknown): void }) | undefined;
	private cancelled: unknown;
	private readonly listeners = new Set<() => void>();
	private readonly answers = new Map<Prompt['kind'], unknown>();
	private asked = 0;

	get current(): PendingPrompt | undefined {
		return this.pending;
	}

	/** The last answer given to a kind of prompt: going back, a picker shows it focused again. */
	previous(kind: Prompt['kind']): unknown {
		return this.answers.get(kind);
	}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	/** The operator left: the open prompt and every later one reject, so the procedure can stop cleanly. */
	cancel(reason: unknown): void {
		this.cancelled = reason ?? new Error('cancelled');
		const pending = this.pending;
		this.pending = undefined;
		pending?.reject(this.cancelled);
		this.notify();
	}

	/** `withdrawn`: the question no longer stands once its signal aborts; the prompt leaves the screen and resolves with `value`. */
	ask<T>(prompt: Prompt, withdrawn?: { signal: AbortSignal; value: T }): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (this.cancelled) return reject(this.cancelled);
			if (withdrawn?.signal.aborted) return resolve(withdrawn.value);
			withdrawn?.signal.addEventListener(
				'abort',
				() => {
					if (this.pending?.prompt !== prompt) return;
					this.pending = undefined;
					this.notify();
					resolve(withdrawn.value);
				},
				{ once: true },
			);
			this.pending = {
				id: ++this.asked,
				prompt,
				reject,
				answer: (value) => {
					if (this.pending?.prompt !== prompt) return;
					this.pending = undefined;
					this.answers.set(prompt.kind, value);
					this.notify();
					resolve(value as T);
				},
			};
			this.notify();
		});
	}

	private notify() {
		for (const listener of this.listeners) listener();
	}

	offerResume(sessions: StoredSession[], problems: SessionProblem[], elsewhere: string[] = []) {
		return this.ask<ResumeChoice>({ kind: 'resume', sessions, problems, elsewhere });
	}

	chooseUnfinishedPair(pairs: UnfinishedPair[]) {
		return this.ask<{ pool: string; backup: string } | 'new'>({ kind: 'finish-pair', pairs });
	}

	choosePool(pools: PoolEligibility[]) {
		return this.ask<string>({ kind: 'choose-pool', pools });
	}

	chooseBackup(pool: FrontEndPool, candidates: BackupCandidate[]) {
		return this.ask<string | Back>({ kind: 'choose-backup', pool, candidates });
	}

	chooseVoice(current: VoiceResiliency) {
		return this.ask<VoiceChoice | Back>({ kind: 'voice', current });
	}

	reviewPreflight(report: PreflightReport) {
		return this.ask<PreflightDecision>({ kind: 'preflight', report });
	}

	confirmPlan(plan: Plan) {
		return this.ask<PublishChoice>({ kind: 'confirm-plan', plan });
	}

	awaitTopologyBuilder(plan: Plan, lastCheck?: string, options: { canSimulate: boolean } = { canSimulate: false }) {
		return this.ask<TopologyBuilderAnswer>({ kind: 'topology-builder', plan, ...(lastCheck ? { lastCheck } : {}), canSimulate: options.canSimulate });
	}

	chooseCumulativeUpdate(servers: string[], canRun: boolean) {
		return this.ask<CumulativeUpdateChoice>({ kind: 'cumulative-update', servers, canRun });
	}

	decideFailure(failure: ServerFailure) {
		return this.ask<FailureDecision>({ kind: 'failure', failure });
	}

	runByHand(request: HandRun) {
		return this.ask<HandRunDecision>({ kind: 'by-hand', request });
	}

	decideUnknown(unknown: UnknownObservation) {
		return this.ask<UnknownDecision>({ kind: 'unknown', unknown });
	}

	decideReplication(behind: ReplicasBehind, signal: AbortSignal) {
		return this.ask<ReplicationDecision>({ kind: 'replication', behind }, { signal, value: 'wait' });
	}

	decideSyncTimeout(guidance: string[]) {
		return this.ask<'wait' | 'stop'>({ kind: 'sync-timeout', guidance });
	}
}
