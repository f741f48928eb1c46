import type { ProcedureEvent } from '../procedure/events.js';
import { reduce } from '../procedure/reducer.js';
import type { ProcedureState } from '../procedure/state.js';
import { CheckpointQueue } from './checkpoint-queue.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<ProcedureEvent, 'at'>;

export interface Checkpointer {
	/** Resolves once the state is on disk. */
	save(state: ProcedureState): Promise<void>;
}

/** Output lines change no decision: they are shown live but not worth a disk write each. */
const UNCHECKPOINTED: ReadonlySet<ProcedureEvent['type']> = new Set(['task-output']);

/**
 * Owns the session state. Every event goes through the reducer and is queued for the checkpoint; the disk
 * catches up in the background, and `checkpointed()` is what the next action waits for, so no action
 * starts before the disk knows what happened.
 */
export class Session {
	private current: ProcedureState;
	private queue: CheckpointQueue<ProcedureState> | undefined;
	private readonly listeners = new Set<(state: ProcedureState, event: ProcedureEvent) => void>();

	constructor(
		state: ProcedureState,
		checkpointer: Checkpointer | undefined,
		private readonly now: () => number = Date.now,
	) {
		this.current = state;
		if (checkpointer) this.queue = new CheckpointQueue((saved) => checkpointer.save(saved));
	}

	get state(): ProcedureState {
		return this.current;
	}

	dispatch(event: NewEvent): ProcedureState {
		const timed = { ...event, at: this.now() } as ProcedureEvent;
		this.current = reduce(this.current, timed);
		if (!UNCHECKPOINTED.has(timed.type)) this.queue?.request(this.current);
		for (const listener of this.listeners) listener(this.current, timed);
		return this.current;
	}

	/** Resolves once every checkpointed event so far is on disk; rejects with the write's error if one failed. */
	async checkpointed(): Promise<void> {
		await this.queue?.written();
	}

	/** Writes the current state, e.g. once more before exit, so the last output lines are kept too. */
	async flush(): Promise<void> {
		this.queue?.request(this.current);
		await this.checkpointed();
	}

	/** From the moment the pair is known, every event is checkpointed (before that there is nothing to resume). */
	attach(checkpointer: Checkpointer): void {
		this.queue = new CheckpointQueue((saved) => checkpointer.save(saved));
		this.queue.request(this.current);
	}

	subscribe(listener: (state: ProcedureState, event: ProcedureEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
