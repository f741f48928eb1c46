import type { OutcomeKind } from '../procedure/state.js';
import type { ChangeRecordEntry, CommandResult, SessionEntry } from './change-record.js';
import { mermaidGantt, spansFromRecord } from './record-gantt.js';

type Entry<T extends ChangeRecordEntry['type']> = Extract<ChangeRecordEntry, { type: T }>;

function escapeInline(text: string): string {
	return text.replace(/[\\`*_{}[\]<>#|!~]/g, (character) => `\\${character}`);
}

function inlineCode(text: string): string {
	const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(longestRun + 1);
	const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
	return `${fence}${padding}${text}${padding}${fence}`;
}

function codeBlock(text: string, language = ''): string {
	const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(Math.max(3, longestRun + 1));
	return `${fence}${language}\n${text}\n${fence}`;
}

function duration(startedAt: string, endedAt: string): string | undefined {
	const milliseconds = Date.parse(endedAt) - Date.parse(startedAt);
	if (!Number.isFinite(milliseconds) || milliseconds < 0) {
		return undefined;
	}
	const seconds = Math.round(milliseconds / 1000);
	const minutes = Math.floor(seconds / 60);
	const hours = Math.floor(minutes / 60);
	if (hours > 0) return `${hours} h ${minutes % 60} min`;
	return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

const outcomeWords: Record<CommandResult, string> = {
	succeeded: 'succeeded',
	failed: 'FAILED',
	skipped: 'skipped',
	interrupted: 'INTERRUPTED',
	unknown: 'OUTCOME UNKNOWN',
};

export const OUTCOME_WORDS: Record<OutcomeKind, string> = { done: 'done', failed: 'failed', 'needs-operator': 'waiting on the operator', cancelled: 'cancelled' };

const concludedWords = { steady: 'steady state holds: the watch ends here', failed: 'the watch ends here: the sync failed', stopped: 'the watch was stopped here' };

function renderEntry(entry: ChangeRecordEntry, number: number, previousPoll: Map<string, number>): string[] {
	switch (entry.type) {
		case 'session':
			return [];
		case 'resumed':
			return [
				`### ${number}. Session resumed`,
				'',
				`- At: ${escapeInline(entry.at)}`,
				...(entry.operator ? [`- Operator: ${escapeInline(entry.operator)}`] : []),
				...(entry.host ? [`- Host: ${escapeInline(entry.host)}`] : []),
				...(entry.tool ? [`- Tool: ${escapeInline(entry.tool)}`] : []),
				`- Environment: ${escapeInline(entry.environment)}`,
			];
		case 'command': {
			const exit = entry.exitCode === undefined ? '' : ` (exit code ${entry.exitCode})`;
			const took = duration(entry.startedAt, entry.endedAt);
			const lines = [
				`### ${number}. Command on ${escapeInline(entry.target)}: ${outcomeWords[entry.outcome]}${exit}`,
				'',
				`- Started: ${escapeInline(entry.startedAt)}`,
				entry.outcome === 'unknown' && entry.verification === undefined
					? `- Not seen to end: sfb-pair ended first (noticed ${escapeInline(entry.endedAt)}); what the farm said after follows`
					: `- Ended: ${escapeInline(entry.endedAt)}${took === undefined ? '' : ` (${took})`}`,
				...(entry.verification === undefined ? [] : [`- Verified: ${escapeInline(entry.verification)}`]),
				'',
				codeBlock(entry.command, 'powershell'),
			];
			if (entry.tail !== undefined && entry.tail.length > 0) {
				const noun = entry.tail.length === 1 ? 'line' : `${entry.tail.length} lines`;
				lines.push('', `Output (last ${noun}):`, '', codeBlock(entry.tail.join('\n'), 'text'));
			}
			return lines;
		}
		case 'status': {
			const before = previousPoll.get(entry.pool);
			previousPoll.set(entry.pool, entry.poll);
			const unchanged =
				before === undefined
					? ''
					: entry.poll - before > 1
						? ` (polls ${before + 1}–${entry.poll - 1} unchanged)`
						: '';
			const verdict = entry.verdict === 'steady' ? 'steady' : `${entry.verdict}${entry.reason ? `: ${entry.reason}` : ''}`;
			const width = Math.max(8, ...entry.modules.map((module) => module.identity.length));
			const table = [
				`${'Identity'.padEnd(width)}  ${'ExportStatus'.padEnd(14)}  ImportStatus`,
				...entry.modules.map((module) => `${module.identity.padEnd(width)}  ${module.exportStatus.padEnd(14)}  ${module.importStatus}`),
			].join('\n');
			return [
				`### ${number}. Backup Service status of ${escapeInline(entry.pool)}, poll ${entry.poll}${unchanged}`,
				'',
				`- At: ${escapeInline(entry.at)}`,
				`- Verdict: ${escapeInline(verdict)}`,
				...(entry.concluded ? [`- ${concludedWords[entry.concluded]}`] : []),
				...(entry.explanations ?? []).map((explanation) => `- Note: ${escapeInline(explanation)}`),
				'',
				codeBlock(entry.command, 'powershell'),
				'',
				codeBlock(entry.modules.length > 0 ? table : '(no modules reported)', 'text'),
			];
		}
		case 'decision':
			return [
				`### ${number}. Decision: ${escapeInline(entry.what)}`,
				'',
				`- Choice: ${escapeInline(entry.choice)}`,
				...(entry.reason === undefined ? [] : [`- Reason: ${escapeInline(entry.reason.replace(/\n/g, ' '))}`]),
				`- At: ${escapeInline(entry.at)}`,
			];
		case 'note':
			return [`### ${number}. Note`, '', `- At: ${escapeInline(entry.at)}`, '', codeBlock(entry.text, 'text')];
		case 'snapshot':
			return [`### ${number}. Topology snapshot saved`, '', `- File: ${inlineCode(entry.path)}`, `- At: ${escapeInline(entry.at)}`];
		case 'ended':
			return [`### ${number}. Run ended: ${OUTCOME_WORDS[entry.outcome]}`, '', `- At: ${escapeInline(entry.at)}`, `- Reason: ${escapeInline(entry.reason)}`];
		case 'gap':
			return [`### ${number}. Part of this record is missing`, '', `- At: ${escapeInline(entry.at)}`, '', `**${escapeInline(entry.text)}**`];
	}
}

interface Run {
	started: SessionEntry | Entry<'resumed'>;
	ended?: Entry<'ended'>;
}

/** Each run of the session (the first, then each resume) with how it ended, if it said. */
function runsOf(entries: ChangeRecordEntry[], session: SessionEntry): Run[] {
	const runs: Run[] = [];
	for (const entry of entries) {
		if (entry.type === 'session' || entry.type === 'resumed') runs.push({ started: entry });
		else if (entry.type === 'ended') {
			if (runs.length === 0) runs.push({ started: session });
			runs[runs.length - 1]!.ended = entry;
		}
	}
	return runs.length > 0 ? runs : [{ started: session }];
}

function distinct(values: (string | undefined)[]): string | undefined {
	const known = [...new Set(values.filter((value): value is string => value !== undefined && value !== ''))];
	return known.length > 0 ? known.join('; ') : undefined;
}

/**
 * The change record as Markdown for the change ticket: who, where, with what, when and with which outcome first;
 * then every run of the session, the servers' timeline as a Mermaid gantt chart, and every entry in order.
 * `opened` is the header this process opened the record with: it names the pair as it is now.
 */
export function renderRecordMarkdown(entries: ChangeRecordEntry[], opened: SessionEntry): string {
	const session = entries.find((entry): entry is SessionEntry => entry.type === 'session') ?? opened;
	const pair = opened.pair ?? session.pair;
	const counts = new Map<CommandResult, number>();
	for (const entry of entries) {
		if (entry.type === 'command') {
			counts.set(entry.outcome, (counts.get(entry.outcome) ?? 0) + 1);
		}
	}
	const summary = (Object.keys(outcomeWords) as CommandResult[])
		.filter((outcome) => counts.has(outcome))
		.map((outcome) => `${counts.get(outcome)} ${outcome}`)
		.join(', ');
	const runs = runsOf(entries, session);
	const last = runs[runs.length - 1]!;
	const gaps = entries.filter((entry): entry is Entry<'gap'> => entry.type === 'gap');
	const polls = entries.filter((entry) => entry.type === 'status').length;
	const ended = last.ended
		? escapeInline(last.ended.at)
		: 'not recorded: the last run is still going, or ended without saying so (killed, or the machine stopped)';
	const outcome = last.ended ? `**${OUTCOME_WORDS[last.ended.outcome]}**: ${escapeInline(last.ended.reason)}` : 'not recorded';

	const lines = [
		`# ${escapeInline(session.title)}`,
		'',
		...(pair ? [`- Pair: ${escapeInline(pair.pool)} ↔ ${escapeInline(pair.backup)}`] : []),
		`- Outcome: ${outcome}`,
		`- Operator: ${escapeInline(distinct(runs.map((run) => run.started.operator)) ?? 'not recorded')}`,
		`- Host: ${escapeInline(distinct(runs.map((run) => run.started.host)) ?? 'not recorded')}`,
		`- Tool: ${escapeInline(distinct(runs.map((run) => run.started.tool)) ?? 'not recorded')}`,
		...(session.mode ? [`- Mode: ${escapeInline(session.mode)}`] : []),
		`- Environment: ${escapeInline(session.environment)}`,
		`- Started: ${escapeInline(session.at)}`,
		`- Ended: ${ended}`,
		`- Session: ${inlineCode(session.sessionId)}`,
		...(runs.length > 1 ? [`- Resumed: ${runs.length === 2 ? 'once' : `${runs.length - 1} times`}`] : []),
		`- Commands: ${summary === '' ? 'none yet' : summary}`,
		...(polls > 0 ? [`- Backup Service status: ${polls} ${polls === 1 ? 'poll' : 'polls'} recorded (each change, and where the watch ended)`] : []),
		...gaps.map((gap) => `- **Incomplete: ${escapeInline(gap.text)}**`),
	];
	if (runs.length > 1) {
		lines.push('', '## Runs', '', '| # | started | operator | host | tool | ended | outcome |', '|---|---|---|---|---|---|---|');
		runs.forEach((run, index) => {
			const cell = (text: string | undefined) => escapeInline(text ?? '–');
			const end = run.ended ? `${cell(run.ended.at)} | ${cell(OUTCOME_WORDS[run.ended.outcome])}` : '– | not recorded';
			lines.push(`| ${index + 1} | ${cell(run.started.at)} | ${cell(run.started.operator)} | ${cell(run.started.host)} | ${cell(run.started.tool)} | ${end} |`);
		});
	}
	const gantt = mermaidGantt(spansFromRecord(entries));
	if (gantt.length > 0) lines.push('', '## Timeline', '', ...gantt);
	lines.push('', '## What happened');
	let number = 0;
	const previousPoll = new Map<string, number>();
	for (const entry of entries) {
		if (entry.type !== 'session') {
			number += 1;
			lines.push('', ...renderEntry(entry, number, previousPoll));
		}
	}
	if (number === 0) {
		lines.push('', 'Nothing yet.');
	}
	return `${lines.join('\n')}\n`;
}
