import { SERVER_PHASES, type ProcedureState, type ServerPhase } from './state.js';

/** One attempt of one phase on one server, in epoch milliseconds. */
export interface PhaseSpan {
	server: string;
	phase: ServerPhase;
	start: number;
	end: number;
	outcome: 'succeeded' | 'failed' | 'interrupted' | 'running';
}

/** The letter a phase is drawn with in the text timeline. */
export const PHASE_LETTERS: Record<ServerPhase, string> = { bootstrapper: 'B', 'cumulative-update': 'C', 'backup-service': 'S' };
export const FAILED_MARK = 'x';

/**
 * Each server's phases as the checkpoint knows them: the latest attempt of each (the change record keeps every
 * attempt). A phase still running ends now, or where the session ended, which cut it short.
 */
export function spansFromState(state: ProcedureState, now: number): PhaseSpan[] {
	const spans: PhaseSpan[] = [];
	for (const fqdn of state.serverOrder) {
		const server = state.servers[fqdn];
		if (!server) continue;
		for (const phase of SERVER_PHASES) {
			const task = server.tasks[phase];
			if (task.startedAt === undefined) continue;
			const base = { server: fqdn, phase, start: task.startedAt };
			if (task.state === 'running') {
				const ended = state.outcome?.at;
				spans.push({ ...base, end: Math.max(task.startedAt, ended ?? now), outcome: ended === undefined ? 'running' : 'interrupted' });
			} else if (task.endedAt !== undefined) {
				// A skipped phase that has a start ran and failed first.
				spans.push({ ...base, end: Math.max(task.startedAt, task.endedAt), outcome: task.state === 'succeeded' ? 'succeeded' : 'failed' });
			}
		}
	}
	return spans;
}

export interface TextTimeline {
	from: number;
	to: number;
	/** How long one character stands for. */
	columnMs: number;
	rows: { server: string; bar: string }[];
}

/**
 * The spans as one line per server, `width` characters from the first start to the last end: each phase its
 * letter (B, C, S), a failed attempt `x`, idle time `idle`. Every span shows at least one character; a later
 * span drawn over the same character wins, so a retry that succeeds covers the failure before it.
 */
export function textTimeline(spans: PhaseSpan[], servers: string[], width: number, idle = '·'): TextTimeline | undefined {
	if (spans.length === 0 || width < 1) return undefined;
	const from = Math.min(...spans.map((span) => span.start));
	const to = Math.max(from + 1, ...spans.map((span) => span.end));
	const columnMs = (to - from) / width;
	const column = (time: number) => Math.min(width - 1, Math.max(0, Math.floor((time - from) / columnMs)));
	const ordered = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
	const rows = servers.map((server) => {
		const cells = Array.from({ length: width }, () => idle);
		for (const span of ordered.filter((each) => each.server === server)) {
			const mark = span.outcome === 'failed' ? FAILED_MARK : PHASE_LETTERS[span.phase];
			const last = Math.max(column(span.start), Math.ceil((span.end - from) / columnMs) - 1);
			for (let index = column(span.start); index <= Math.min(width - 1, last); index++) cells[index] = mark;
		}
		return { server, bar: cells.join('') };
	});
	return { from, to, columnMs, rows };
}

/** "1 character is about 2 min" */
export function describeColumn(columnMs: number): string {
	const seconds = columnMs / 1000;
	if (seconds < 1) return `1 character is about ${Math.max(1, Math.round(columnMs))} ms`;
	if (seconds < 90) return `1 character is about ${Math.round(seconds)} s`;
	if (seconds < 90 * 60) return `1 character is about ${Math.round(seconds / 60)} min`;
	return `1 character is about ${(seconds / 3600).toFixed(1)} h`;
}

export function timelineLegend(separator = '·'): string {
	return [
		`${PHASE_LETTERS.bootstrapper} Bootstrapper`,
		`${PHASE_LETTERS['cumulative-update']} CU`,
		`${PHASE_LETTERS['backup-service']} LYNCBACKUP`,
		`${FAILED_MARK} failed`,
	].join(` ${separator} `);
}

/** Host names where they tell the servers apart (`fe01-redmond`), the full names where they do not. */
export function serverLabels(servers: string[]): string[] {
	const hosts = servers.map((fqdn) => fqdn.split('.')[0] || fqdn);
	return new Set(hosts.map((host) => host.toLowerCase())).size === hosts.length ? hosts : servers;
}

/** `07:12:05` in UTC, like the change record. */
export function clockTime(ms: number): string {
	return new Date(ms).toISOString().slice(11, 19);
}
