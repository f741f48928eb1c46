import { EventEmitter } from 'node:events';
import { splitKeys } from './split-keys.js';

const CTRL_C = '\u0003';
/** A key left unacknowledged this long (the screen busy, or gone) lets the next one through all the same. */
const ACK_TIMEOUT_MS = 250;

/** What Ink reads its input from: process.stdin, or a test's stand-in for it. */
export interface InputSource extends NodeJS.EventEmitter {
	isTTY?: boolean;
	read(): string | Buffer | null;
	setEncoding(encoding: BufferEncoding): unknown;
	setRawMode?(mode: boolean): unknown;
	ref?(): unknown;
	unref?(): unknown;
}

/**
 * The stdin given to Ink: it hands over one key per read. Ink 6.8 passes a run of plain characters to `useInput` as
 * one string, and a component that reads its state from its last render (ink-select-input) misses a key that comes
 * before React has run the effects that subscribe its new handler, which is later than the next turn of the event
 * loop (measured: about 10 ms). So each key waits for the screen's acknowledgement of the one before (KeyProvider
 * gives it from an effect of the same commit), for every component alike.
 *
 * While the screen moves from one prompt to the next, keys typed ahead wait (`hold`) so they reach the prompt they
 * were typed for, as keys wait in a terminal's buffer for the next question. Ctrl+C never waits.
 */
export class KeyStream extends EventEmitter {
	readonly isTTY: boolean;
	private readonly queue: string[] = [];
	private current: string | null = null;
	private scheduled = false;
	private held = false;

	constructor(private readonly source: InputSource) {
		super();
		this.isTTY = Boolean(source.isTTY);
	}

	setRawMode(mode: boolean): this {
		this.source.setRawMode?.(mode);
		if (mode) this.source.on('readable', this.onSourceReadable);
		else this.source.off('readable', this.onSourceReadable);
		return this;
	}

	setEncoding(): this {
		this.source.setEncoding('utf8');
		return this;
	}

	ref(): this {
		this.source.ref?.();
		return this;
	}

	unref(): this {
		this.source.unref?.();
		return this;
	}

	read(): string | null {
		const key = this.current;
		this.current = null;
		return key;
	}

	/** Keys wait while held; released, they go on one at a time. */
	hold(held: boolean): void {
		this.held = held;
		this.schedule();
	}

	private readonly onSourceReadable = () => {
		let chunk: string | Buffer | null;
		while ((chunk = this.source.read()) !== null) {
			for (const key of splitKeys(String(chunk))) {
				if (key === CTRL_C) this.deliver(key);
				else this.queue.push(key);
			}
		}
		this.schedule();
	};

	/**
	 * The screen (KeyProvider) acknowledges each key once React has committed what the key changed and run the effects
	 * that subscribe the handlers again. The next key waits for that, or for ACK_TIMEOUT_MS at most.
	 */
	private unacknowledged: NodeJS.Timeout | undefined;
	private paced = false;

	/** The screen takes part: from now on each key waits for the acknowledgement of the one before. */
	pace(): () => void {
		this.paced = true;
		return () => {
			this.paced = false;
			this.acknowledge();
		};
	}

	acknowledge(): void {
		if (this.unacknowledged === undefined) return;
		clearTimeout(this.unacknowledged);
		this.unacknowledged = undefined;
		this.schedule();
	}

	private schedule() {
		if (this.scheduled || this.held || this.unacknowledged !== undefined || this.queue.length === 0) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			if (this.held || this.unacknowledged !== undefined) return;
			const key = this.queue.shift();
			if (key === undefined) return;
			if (this.paced) this.unacknowledged = setTimeout(() => this.acknowledge(), ACK_TIMEOUT_MS);
			this.deliver(key);
			this.schedule();
		});
	}

	private deliver(key: string) {
		this.current = key;
		this.emit('readable');
	}
}
