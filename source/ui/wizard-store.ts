import type { EnvironmentKind } from '../environments/port.js';
import { describeEvent } from '../procedure/describe-event.js';
import type { ProcedureEvent } from '../procedure/events.js';
import type { ServerPhase } from '../procedure/state.js';
import type { Session } from '../session/session.js';
import { sanitizeLine } from '../text/sanitize.js';

const OUTPUT_REFRESH_MS = 200;
/** A server's output kept for the output view; Bootstrapper prints a few hundred lines, so this is all of it in practice. */
export const OUTPUT_LINES_VIEWED = 5000;

export interface LogLine {
	id: number;
	text: string;
	color?: string;
	/** A command to copy: never wrapped (the terminal folds it, so a copy of it stays one line). */
	verbatim?: boolean;
}

/** Events written above the live screen, once, where they stay in the scrollback. */
const LOGGED: ReadonlySet<ProcedureEvent['type']> = new Set([
	'farm-observed',
	'step-finished',
	'pair-chosen',
	'snapshot-taken',
	'pairing-verified',
	'task-succeeded',
	'task-failed',
	'task-skipped',
	'task-reset',
	'restart-stage',
	'procedure-resumed',
	'preflight-accepted',
	'by-hand-set',
	'by-hand-asked',
]);

const COLORS: Partial<Record<ProcedureEvent['type'], string>> = {
	'task-failed': 'red',
	'task-skipped': 'yellow',
	'task-reset': 'yellow',
	'step-finished': 'green',
};

export interface WizardStoreOptions {
	/** Also log each server as it starts: a screen reader then hears every change of state, and the panels stay quiet. */
	announceStarts?: boolean;
}

/** What the wizard screen follows: the session once it exists, what it logged, every server's output, and how it ended. */
export class WizardStore {
	session: Session | undefined;
	/** One line about the farm, once it is open: "LAB · scenario default · simulated farm". */
	description: string | undefined;
	recordPath: string | undefined;
	debriefPath: string | undefined;
	finished = false;
	/** What the operator must know about the session's files (part of the change record missing), newest last. */
	readonly notices: string[] = [];
	/** How long one server takes in each phase before any has finished here (the lab's scenario timings), for the time left. */
	expectedMs: Partial<Record<ServerPhase, number>> = {};
	/** Lines for the scrollback, in order; append-only, as Ink's Static wants them. */
	log: LogLine[] = [];
	private readonly listeners = new Set<() => void>();
	private version = 0;
	private readonly output = new Map<string, string[]>();

	subscribe = (listener: () => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getVersion = () => this.version;

	private pendingOutput: NodeJS.Timeout | undefined;
	/** Clocks that redraw the screen on their own (see redrawnByClock). */
	private clocks = 0;

	/** Lab or live is known from the command line, before the farm is open. */
	constructor(
		readonly kind: EnvironmentKind,
		private readonly options: WizardStoreOptions = {},
	) {}

	/** What the operator should know before anything else: where non-default settings came from, a farm set aside. */
	notes: string[] = [];

	setEnvironment(description: string, notes: string[] = []) {
		this.description = description;
		this.notes = [...this.notes, ...notes];
		this.notify();
	}

	/** A line of the wizard's own for the scrollback. */
	say(text: string, color?: string) {
		this.log = [...this.log, { id: this.log.length, text: sanitizeLine(text), ...(color ? { color } : {}) }];
		this.notify();
	}

	/** `resumed`: the session comes from a checkpoint, and the farm is re-checked before it is trusted. */
	attach(session: Session, resumed = false) {
		this.session = session;
		if (resumed) {
			const pair = session.state.pair;
			this.say(`Resuming ${pair ? `${pair.pool} ↔ ${pair.backup}` : 'the session'}: re-checking the farm before trusting the checkpoint.`, 'cyan');
		}
		session.subscribe((state, event) => {
			this.keepOutput(event);
			// A publish in Topology Builder is the operator's: its line carries the topology before and after. One by
			// sfb-pair is worth lines of its own when Enable-CsTopology warned.
			const byOperator = event.type === 'pairing-written' && event.method === 'topology-builder';
			const warned = event.type === 'pairing-written' && (event.warnings?.length ?? 0) > 0;
			const logged = LOGGED.has(event.type) || byOperator || warned || (this.options.announceStarts && event.type === 'task-started');
			const text = logged ? describeEvent(state, event) : undefined;
			if (text) {
				const color = warned ? 'yellow' : COLORS[event.type];
				const commands = event.type === 'by-hand-asked';
				this.log = [...this.log, ...text.split('\n').map((line, index) => ({ id: this.log.length + index, text: sanitizeLine(line), ...(color ? { color } : {}), ...(commands && index > 0 ? { verbatim: true } : {}) }))];
			}
			if (event.type === 'task-output' && !text) this.notifySoon();
			else this.notify();
		});
		this.notify();
	}

	/** Everything a server printed in a phase this session, attempt after attempt. */
	outputOf(server: string, phase: ServerPhase): string[] {
		return this.output.get(`${phase} ${server}`) ?? [];
	}

	private keepOutput(event: ProcedureEvent) {
		if (event.type !== 'task-started' && event.type !== 'task-output') return;
		const key = `${event.phase} ${event.server}`;
		const lines = this.output.get(key) ?? [];
		if (event.type === 'task-started') {
			const attempt = (this.session?.state.servers[event.server]?.tasks[event.phase].attempts ?? 1);
			if (lines.length > 0 || attempt > 1) lines.push(`── attempt ${attempt} ──`);
		} else lines.push(sanitizeLine(event.line));
		if (lines.length > OUTPUT_LINES_VIEWED) lines.splice(0, lines.length - OUTPUT_LINES_VIEWED);
		this.output.set(key, lines);
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

	/** Said in the scrollback at once, and again in the summary. */
	notice(text: string) {
		this.notices.push(text);
		this.say(`warning: ${text}`, 'yellow');
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
