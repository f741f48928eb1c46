import type { EnvironmentKind } from '../environments/port.js';
import type { Session } from '../session/session.js';

const OUTPUT_REFRESH_MS = 200;

/** What the wizard screen follows: the session once it exists, and how it ended. */
export class WizardStore {
	session: Session | undefined;
	/** One line about the farm, once it is open: "LAB · scenario default · simulated farm". */
	description: string | undefined;
	recordPath: string | undefined;
	debriefPath: string | undefined;
	finished = false;
	/** What the operator must know about the session's files (part of the change record missing), newest last. */
	readonly notices: string[] = [];
	private readonly listeners = new Set<() => void>();
	private readonly noticeListeners = new Set<(text: string) => void>();
	private version = 0;

	subscribe = (listener: () => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getVersion = () => this.version;

	private pendingOutput: NodeJS.Timeout | undefined;
	/** Clocks that redraw the screen on their own (see redrawnByClock). */
	private clocks = 0;

	/** Lab or live is known from the command line, before the farm is open. */
	constructor(readonly kind: EnvironmentKind) {}

	/** What the operator should know before anything else: where non-default settings came from, a farm set aside. */
	notes: string[] = [];

	setEnvironment(description: string, notes: string[] = []) {
		this.description = description;
		this.notes = [...this.notes, ...notes];
		this.notify();
	}

	attach(session: Session) {
		this.session = session;
		session.subscribe((_state, event) => (event.type === 'task-output' ? this.notifySoon() : this.notify()));
		this.notify();
	}

	/**
	 * While the screen redraws on a clock of its own (its spinners turn while a task runs), output lines wait for
	 * its next tick: a redraw of their own would add frames, each a full layout and paint, without showing more.
	 * Returns the release; lines that came after the clock's last tick are then drawn as usual.
	 */
	redrawnByClock(): () => void {
		this.clocks++;
		clearTimeout(this.pendingOutput);
		this.pendingOutput = undefined;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.clocks--;
			this.notifySoon();
		};
	}

	/** Output lines come by the dozen a second from many servers: without a clock, the screen follows them five times a second. */
	private notifySoon() {
		if (this.clocks > 0) return;
		this.pendingOutput ??= setTimeout(() => {
			this.pendingOutput = undefined;
			this.notify();
		}, OUTPUT_REFRESH_MS);
	}

	notice(text: string) {
		this.notices.push(text);
		for (const listener of this.noticeListeners) listener(text);
		this.notify();
	}

	onNotice(listener: (text: string) => void): () => void {
		this.noticeListeners.add(listener);
		return () => this.noticeListeners.delete(listener);
	}

	finish(recordPath: string | undefined, debriefPath?: string) {
		this.recordPath = recordPath;
		this.debriefPath = debriefPath;
		this.finished = true;
		this.notify();
	}

	notify() {
		clearTimeout(this.pendingOutput);
		this.pendingOutput = undefined;
		this.version++;
		for (const listener of this.listeners) listener();
	}
}
