/** The checkpoint could not be written: nothing more may be done, since a resume could not trust it. */
export class CheckpointFailure extends Error {}

interface Waiter {
	/** The request the caller needs on disk. */
	request: number;
	resolve(): void;
	reject(error: CheckpointFailure): void;
}

/**
 * Keeps a checkpoint up to date without making the event loop wait on the disk: states come in as fast as
 * events happen, one write is in flight at a time, and when it lands only the newest waiting state is
 * written next. States requested in the same turn of the event loop share one write.
 */
export class CheckpointQueue<T> {
	private requested = 0;
	private stored = 0;
	private waiting: { state: T; request: number } | undefined;
	private draining = false;
	private failure: CheckpointFailure | undefined;
	private readonly waiters = new Set<Waiter>();

	constructor(private readonly write: (state: T) => Promise<void>) {}

	request(state: T): void {
		if (this.failure) return;
		this.requested += 1;
		this.waiting = { state, request: this.requested };
		if (!this.draining) {
			this.draining = true;
			setImmediate(() => void this.drain());
		}
	}

	/** Resolves once every state requested so far is on disk (later requests are not waited for); rejects once a write failed. */
	written(): Promise<void> {
		if (this.failure) return Promise.reject(this.failure);
		if (this.stored >= this.requested) return Promise.resolve();
		return new Promise((resolve, reject) => this.waiters.add({ request: this.requested, resolve, reject }));
	}

	private async drain(): Promise<void> {
		try {
			while (this.waiting) {
				const { state, request } = this.waiting;
				this.waiting = undefined;
				await this.write(state);
				this.stored = request;
				for (const waiter of this.waiters) {
					if (waiter.request > request) continue;
					this.waiters.delete(waiter);
					waiter.resolve();
				}
			}
		} catch (error) {
			this.failure = new CheckpointFailure(error instanceof Error ? error.message : String(error), { cause: error });
			for (const waiter of this.waiters) waiter.reject(this.failure);
			this.waiters.clear();
		} finally {
			this.draining = false;
		}
	}
}
