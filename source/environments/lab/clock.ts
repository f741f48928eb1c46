/** Time as the lab sees it, in real milliseconds. */
export interface Clock {
	now(): number;
	/** Resolves after `ms`; rejects with the signal's reason when the signal aborts first. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The scenario's realistic seconds run this many times faster on the wall clock (a 120 s Bootstrapper run takes 6 s). */
export const DEFAULT_LAB_TIME_SCALE = 20;

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: (ms, signal) =>
		new Promise<void>((resolve, reject) => {
			if (signal?.aborted) {
				reject(abortReason(signal));
				return;
			}
			const dueAt = Date.now() + Math.max(0, ms);
			let timer: NodeJS.Timeout | undefined;
			const onAbort = () => {
				clearTimeout(timer);
				reject(abortReason(signal));
			};
			// A timer may fire a millisecond before Date.now() reaches its delay, and the lab reads the farm by Date.now():
			// a service slept into Running must read Running when the sleep ends.
			const wait = () => {
				timer = setTimeout(() => {
					if (Date.now() < dueAt) {
						wait();
						return;
					}
					signal?.removeEventListener('abort', onAbort);
					resolve();
				}, Math.max(0, dueAt - Date.now()));
			};
			wait();
			signal?.addEventListener('abort', onAbort, { once: true });
		}),
};

interface PendingSleep {
	dueAt: number;
	order: number;
	resolve: () => void;
}

/**
 * A clock for tests. `advance(ms)` moves time and wakes every sleep that has come due, earliest first.
 * With `autoAdvance` (the default) a sleep needs no test code: once the current turn of work has settled,
 * time jumps to the earliest pending sleep, so concurrent sleeps overlap as they would on a real clock and
 * a simulated ten-minute run finishes in a few milliseconds. The lab reads its farm synchronously and no
 * lab call sleeps on its farm's writes, so when things happen depends on the sleeps alone.
 */
export class ManualClock implements Clock {
	private current: number;
	private readonly autoAdvance: boolean;
	private readonly pending: PendingSleep[] = [];
	private sequence = 0;
	private jumpScheduled = false;

	constructor(options: { start?: number; autoAdvance?: boolean } = {}) {
		this.current = options.start ?? Date.UTC(2024, 4, 6, 9, 0, 0);
		this.autoAdvance = options.autoAdvance ?? true;
	}

	now(): number {
		return this.current;
	}

	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			if (signal?.aborted) {
				reject(abortReason(signal));
				return;
			}
			const entry: PendingSleep = {
				dueAt: this.current + Math.max(0, ms),
				order: this.sequence++,
				resolve: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			const onAbort = () => {
				this.remove(entry);
				reject(abortReason(signal));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.pending.push(entry);
			this.scheduleJump();
		});
	}

	advance(ms: number): void {
		const target = this.current + ms;
		for (let next = this.earliest(); next && next.dueAt <= target; next = this.earliest()) {
			this.current = Math.max(this.current, next.dueAt);
			this.remove(next);
			next.resolve();
		}
		this.current = target;
	}

	private scheduleJump(): void {
		if (!this.autoAdvance || this.jumpScheduled) return;
		this.jumpScheduled = true;
		setImmediate(() => {
			this.jumpScheduled = false;
			const next = this.earliest();
			if (!next) return;
			this.advance(Math.max(0, next.dueAt - this.current));
			if (this.pending.length > 0) this.scheduleJump();
		});
	}

	private earliest(): PendingSleep | undefined {
		let found: PendingSleep | undefined;
		for (const entry of this.pending) {
			if (!found || entry.dueAt < found.dueAt || (entry.dueAt === found.dueAt && entry.order < found.order)) found = entry;
		}
		return found;
	}

	private remove(entry: PendingSleep): void {
		const index = this.pending.indexOf(entry);
		if (index !== -1) this.pending.splice(index, 1);
	}
}

function abortReason(signal: AbortSignal | undefined): unknown {
	return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
