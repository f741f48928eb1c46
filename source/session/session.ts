import type { ProcedureEvent } from '../procedure/events.js';
import { reduce } from '../procedure/reducer.js';
import type { ProcedureState } from '../procedure/state.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<ProcedureEvent, 'at'>;

export interface Checkpointer {
	save(state: ProcedureState): void;
}

/** Output lines change no decision: they are shown live but not worth a disk write each. */
const UNCHECKPOINTED: ReadonlySet<ProcedureEvent['type']> = new Set(['task-output']);

/**
 * Owns the session state. Every event goes through the reducer and is checkpointed before dispatch
 * returns, so the next action starts only once the disk knows what happened.
 */
export class Session {
	private current: ProcedureState;
	private readonly listeners = new Set<(state: ProcedureState, event: ProcedureEvent) => void>();

	constructor(
		state: ProcedureState,
		private checkpointer: Checkpointer | undefined,
		private readonly now: () => number = Date.now,
	) {
		this.current = state;
	}

	get state(): ProcedureState {
		return this.current;
	}

	dispatch(event: NewEvent): ProcedureState {
		const timed = { ...event, at: this.now() } as ProcedureEvent;
		this.current = reduce(this.current, timed);
		if (!UNCHECKPOINTED.has(timed.type)) this.checkpointer?.save(this.current);
		for (const listener of this.listeners) listener(this.current, timed);
		return this.current;
	}

	/** Writes the current state, e.g. once more before exit, so the last output lines are kept too. */
	flush(): void {
		this.checkpointer?.save(this.current);
	}

	/** From the moment the pair is known, every event is checkpointed (before that there is nothing to resume). */
	attach(checkpointer: Checkpointer): void {
		this.checkpointer = checkpointer;
		checkpointer.save(this.current);
	}

	subscribe(listener: (state: ProcedureState, event: ProcedureEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
