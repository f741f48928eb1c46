/** The checkpoint could not be written: nothing more may be done, since a resume could not trust it. */
export class CheckpointFailure extends Error {}

interface Waiter {
	/** The request the caller needs on disk. */
	request: number;
	resolve(): void;
	reject(error: CheckpointFailure): void;
}

/** Writes in flight at once: a state requested while one write is slow starts its own, rather than wait for it. */
const WRITES_IN_FLIGHT = 2;

/**
 * Keeps a checkpoint up to date without making the event loop wait on the disk: states come in as fast as
 * events happen, and states requested in the same turn of the event loop share one write. A write starts as
 * soon as it is requested, even while an earlier one is still in flight (two at most; beyond that only the
 * newest waiting state is written next), so a caller waits for its own write, not for the one before as well.
 * The write function must allow that: a write that lands must leave its state on disk in place of every
 * earlier one, whichever finishes first (replaceFile renames in call order; an fsync covers what came before it).
 */
export class CheckpointQueue<T> {
	private requested = 0;
	private stored = 0;
	private waiting: { state: T; request: number } | undefined;
	private scheduled = false;
	private inFlight = 0;
	private failure: CheckpointFailure | undefined;
	private readonly waiters = new Set<Waiter>();

	constructor(private readonly write: (state: T) => Promise<void>) {}

	request(state: T): void {
		if (this.failure) return;
		this.requested += 1;
		this.waiting = { state, request: this.requested };
		if (!this.scheduled) {
			this.scheduled = true;
			setImmediate(() => {
				this.scheduled = false;
				this.start();
			});
		}
	}

	/** Resolves once every state requested so far is on disk (later requests are not waited for); rejects once a write failed. */
	written(): Promise<void> {
		if (this.failure) return Promise.reject(this.failure);
		if (this.stored >= this.requested) return Promise.resolve();
		return new Promise((resolve, reject) => this.waiters.add({ request: this.requested, resolve, reject }));
	}

	private start(): void {
		if (!this.waiting || this.failure || this.inFlight >= WRITES_IN_FLIGHT) return;
		const { state, request } = this.waiting;
		this.waiting = undefined;
		this.inFlight += 1;
		this.write(state).then(
			() => {
				this.inFlight -= 1;
				this.stored = Math.max(this.stored, request);
				for (const waiter of this.waiters) {
					if (waiter.request > this.stored) continue;
					this.waiters.delete(waiter);
					waiter.resolve();
				}
				this.start();
			},
			(error: unknown) => {
				this.inFlight -= 1;
				this.failure ??= new CheckpointFailure(error instanceof Error ? error.message : String(error), { cause: error });
				for (const waiter of this.waiters) waiter.reject(this.failure);
				this.waiters.clear();
			},
		);
	}
}
