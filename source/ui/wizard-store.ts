import type { Session } from '../session/session.js';

/** What the wizard screen follows: the session once it exists, and how it ended. */
export class WizardStore {
	session: Session | undefined;
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

	attach(session: Session) {
		this.session = session;
		session.subscribe(() => this.notify());
		this.notify();
	}

	finish(recordPath: string | undefined, debriefPath?: string) {
		this.recordPath = recordPath;
		this.debriefPath = debriefPath;
		this.finished = true;
		this.notify();
	}

	notify() {
		this.version++;
		for (const listener of this.listeners) listener();
	}
}
