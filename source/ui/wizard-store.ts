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
	private readonly listeners = new Set<() => void>();
	private version = 0;

	subscribe = (listener: () => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getVersion = () => this.version;

	private pendingOutput: NodeJS.Timeout | undefined;

	/** Lab or live is known from the command line, before the farm is open. */
	constructor(readonly kind: EnvironmentKind) {}

	setEnvironment(description: string) {
		this.description = description;
		this.notify();
	}

	attach(session: Session) {
		this.session = session;
		session.subscribe((_state, event) => (event.type === 'task-output' ? this.notifySoon() : this.notify()));
		this.notify();
	}

	/** Output lines come by the dozen a second from many servers: the screen follows them five times a second. */
	private notifySoon() {
		this.pendingOutput ??= setTimeout(() => {
			this.pendingOutput = undefined;
			this.notify();
		}, OUTPUT_REFRESH_MS);
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
