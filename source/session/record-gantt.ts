import { PHASE_NAMES, SERVER_PHASES } from '../procedure/state.js';
import type { PhaseSpan } from '../procedure/timeline.js';
import type { ChangeRecordEntry } from './change-record.js';

/** Every attempt of every per-server phase the record holds, in the order they were recorded. */
export function spansFromRecord(entries: ChangeRecordEntry[]): PhaseSpan[] {
	const spans: PhaseSpan[] = [];
	for (const entry of entries) {
		if (entry.type !== 'command' || entry.phase === undefined) continue;
		const start = Date.parse(entry.startedAt);
		const end = Date.parse(entry.endedAt);
		if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
		const outcome = entry.outcome === 'succeeded' ? 'succeeded' : entry.outcome === 'failed' ? 'failed' : 'interrupted';
		spans.push({ server: entry.target, phase: entry.phase, start, end: Math.max(start, end), outcome });
	}
	return spans;
}

/** `2026-11-26 07:20:00`, in UTC like every time in the record. */
function ganttTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Mermaid reads `:` as the end of a task's name and `;`/`#` as syntax: a name keeps none of them. */
function ganttText(text: string): string {
	return text.replace(/[:;#\n\r]/g, ' ').replace(/\s+/g, ' ').trim();
}

const TAGS: Record<PhaseSpan['outcome'], string> = { succeeded: 'done', failed: 'crit', interrupted: 'active', running: 'active' };
const WORDS: Record<PhaseSpan['outcome'], string> = { succeeded: '', failed: ' (failed)', interrupted: ' (interrupted)', running: ' (running)' };

/**
 * What the chart shows, named by the phases it holds: "Bootstrapper on each server (UTC)" for an unpair's record,
 * "Bootstrapper, CU re-apply and LYNCBACKUP on each server (UTC)" for a whole pairing's. Phases, not step numbers: the
 * pairing, the unpair and the drill number their steps differently.
 */
function ganttTitle(spans: PhaseSpan[]): string {
	const names = SERVER_PHASES.filter((phase) => spans.some((span) => span.phase === phase)).map((phase) => PHASE_NAMES[phase]);
	const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
	return `${listed} on each server (UTC)`;
}

/**
 * The spans as a Mermaid gantt chart, one section per server, which GitHub, GitLab, Azure DevOps and most wikis
 * draw where the record is kept. A span shorter than a second is drawn a second long, or it would not show.
 */
export function mermaidGantt(spans: PhaseSpan[]): string[] {
	if (spans.length === 0) return [];
	const title = ganttTitle(spans);
	const servers = [...new Set([...spans].sort((a, b) => a.start - b.start).map((span) => span.server))];
	const length = Math.max(...spans.map((span) => span.end)) - Math.min(...spans.map((span) => span.start));
	// Under ten minutes (a lab run, a small pool) the minutes alone would put every bar on one tick.
	const axis = length < 10 * 60_000 ? '%H:%M:%S' : '%H:%M';
	const lines = ['```mermaid', 'gantt', `    title ${ganttText(title)}`, '    dateFormat YYYY-MM-DD HH:mm:ss', `    axisFormat ${axis}`];
	for (const server of servers) {
		lines.push(`    section ${ganttText(server)}`);
		for (const span of spans.filter((each) => each.server === server)) {
			const end = Math.max(span.end, span.start + 1000);
			lines.push(`    ${ganttText(PHASE_NAMES[span.phase])}${WORDS[span.outcome]} :${TAGS[span.outcome]}, ${ganttTime(span.start)}, ${ganttTime(end)}`);
		}
	}
	lines.push('```');
	return lines;
}
