import { Box, Text } from 'ink';
import { syncFailedOnFarm, syncGuidance } from '../operations/sync-watch.js';
import { recap, recapColumns, type RecapRow } from '../procedure/recap.js';
import type { ProcedureState } from '../procedure/state.js';
import { clockTime, describeColumn, FAILED_MARK, serverLabels, spansFromState, textTimeline, timelineLegend } from '../procedure/timeline.js';
import { sanitizeLine } from '../text/sanitize.js';
import { labelledPath, wrapWords } from '../text/wrap.js';
import { formatElapsed } from './format.js';
import { useSymbols } from './symbols.js';

const HEADLINES = { done: 'Done', failed: 'Failed', 'needs-operator': 'Waiting on you', cancelled: 'Cancelled' } as const;
/** Below this many characters a timeline says too little: the change record's gantt chart has it. */
const NARROWEST_TIMELINE = 8;
/** Where the rows do not all fit, the servers that need a look (failed, cut short, skipped, retried) are kept first. */
function attention(row: RecapRow): number {
	if (row.failed > 0 || row.interrupted > 0) return 0;
	if (row.skipped > 0) return 1;
	if (row.retried > 0) return 2;
	return 3;
}

/** Below 72 columns the counts take their short names, to leave the timeline room. */
const SHORT_NAMES: Record<ReturnType<typeof recapColumns>[number], string> = { ok: 'ok', changed: 'chg', failed: 'fail', skipped: 'skip', retried: 'rtry', interrupted: 'intr' };
const WIDE = 72;

const COUNT_COLORS: Partial<Record<keyof RecapRow, string>> = { changed: 'yellow', failed: 'red', skipped: 'cyan', interrupted: 'red' };

/** A timeline bar in runs of one character, so failures stand out in red and idle time stays dim. */
function Bar({ bar, idle }: { bar: string; idle: string }) {
	const runs = bar.match(/(.)\1*/gu) ?? [];
	return (
		<>
			{runs.map((run, index) => (
				<Text key={index} {...(run.startsWith(FAILED_MARK) ? { color: 'red' } : run.startsWith(idle) ? { dimColor: true } : { color: 'green' })}>
					{run}
				</Text>
			))}
		</>
	);
}

/**
 * The end of a session: the outcome and the time taken, then Ansible's recap per server (ok, changed, failed,
 * skipped, retried) beside a compact timeline of its phases, and where the record is.
 */
export function Summary({
	state,
	recordPath,
	debriefPath,
	notices = [],
	rows,
	columns = 80,
	now = Date.now(),
}: {
	state: ProcedureState;
	recordPath?: string;
	debriefPath?: string;
	/** What the operator must know about the record (part of it missing). */
	notices?: string[];
	rows: number;
	columns?: number;
	now?: number;
}) {
	const symbols = useSymbols();
	const outcome = state.outcome;
	if (!outcome) return null;
	const color = outcome.kind === 'done' ? 'green' : outcome.kind === 'failed' ? 'red' : 'yellow';
	const symbol = outcome.kind === 'done' ? symbols.done : outcome.kind === 'failed' ? symbols.failed : symbols.warning;

	const all = recap(state);
	const counts = recapColumns(all);
	const short = serverLabels(state.serverOrder);
	const labelOf = new Map(state.serverOrder.map((fqdn, index) => [fqdn, short[index] ?? fqdn]));
	const label = (row: RecapRow) => labelOf.get(row.name) ?? row.name;
	const nameWidth = Math.max(...all.map((row) => label(row).length));
	const heading = (count: (typeof counts)[number]) => (columns < WIDE ? SHORT_NAMES[count] : count);
	const countsWidth = counts.reduce((width, count) => width + heading(count).length + 1, 0);
	const timelineWidth = columns - 1 - nameWidth - countsWidth - 2;
	const timeline =
		timelineWidth >= NARROWEST_TIMELINE ? textTimeline(spansFromState(state, now), state.serverOrder, timelineWidth, symbols.pending) : undefined;
	const bars = new Map(timeline?.rows.map((row) => [row.server, row.bar]));

	// Broken here, not by Ink: a continuation keeps its indent and never starts with the space it broke at; a path is cut
	// only where it is wider than the line, under its label.
	const width = Math.max(10, columns);
	const headline = wrapWords(`${symbol} ${HEADLINES[outcome.kind]}: ${sanitizeLine(outcome.reason)} (took ${formatElapsed(outcome.at - state.startedAt)})`, width, '  ');
	const legend = timeline ? wrapWords(`${timelineLegend(symbols.separator)} ${symbols.separator} ${describeColumn(timeline.columnMs)}`, width, '  ') : [];
	const snapshot = state.publish.snapshotPath ? labelledPath('Topology before the change:', state.publish.snapshotPath, width) : [];
	const files = [...(recordPath ? labelledPath('Change record:', recordPath, width) : []), ...(debriefPath ? labelledPath('Training debrief:', debriefPath, width) : [])];
	const resumeHint = outcome.kind === 'done' ? [] : wrapWords('Run sfb-pair again to resume: the farm is re-checked first.', width);
	const notes = notices.map((notice) => wrapWords(`${symbols.warning} ${sanitizeLine(notice)}`, width, '  ').join('\n'));
	// After a module's ErrorState, not when the farm could not be asked at all (access denied): then the headline says why.
	const guidance = (syncFailedOnFarm(state) && state.pair ? ['What to check:', ...syncGuidance([{ fqdn: state.pair.pool }, { fqdn: state.pair.backup }], state.publish.warnings).map((line) => `  - ${line}`)] : []).map((line) =>
		wrapWords(line.trimStart(), width - (line.length - line.trimStart().length), '  ')
			.map((part) => ' '.repeat(line.length - line.trimStart().length) + part)
			.join('\n'),
	);
	// Everything but the server rows, as tall as it is drawn: the frame must stay shorter than the screen.
	const aroundServers = [...headline, 'heading', ...legend, ...guidance, ...snapshot, ...notes, ...files, ...resumeHint].join('\n').split('\n').length;
	const room = rows - aroundServers;
	const kept = new Set([all[0], ...[...all.slice(1)].sort((a, b) => attention(a) - attention(b)).slice(0, Math.max(0, room - 2))]);
	const shown = all.length <= room ? all : all.filter((row) => kept.has(row));

	return (
		<Box flexDirection="column">
			<Text color={color} bold>
				{headline.join('\n')}
			</Text>
			<Text dimColor wrap="truncate-end">
				{''.padEnd(nameWidth)} {counts.map(heading).join(' ')}
				{timeline ? `  from ${clockTime(timeline.from)} UTC` : ''}
			</Text>
			{shown.map((row) => (
				<Text key={row.name} wrap="truncate-end">
					{label(row).padEnd(nameWidth)}
					{counts.map((count) => (
						<Text key={count} {...(row[count] > 0 && COUNT_COLORS[count] ? { color: COUNT_COLORS[count] } : {})}>
							{' '}
							{String(row[count]).padStart(heading(count).length)}
						</Text>
					))}
					{bars.has(row.name) && (
						<>
							{'  '}
							<Bar bar={bars.get(row.name)!} idle={symbols.pending} />
						</>
					)}
				</Text>
			))}
			{all.length > shown.length && <Text dimColor>… {all.length - shown.length} more servers in the change record</Text>}
			{legend.length > 0 && <Text dimColor>{legend.join('\n')}</Text>}
			{guidance.map((line) => (
				<Text key={line}>{line}</Text>
			))}
			{snapshot.length > 0 && <Text>{snapshot.join('\n')}</Text>}
			{notes.map((note, index) => (
				<Text key={index} color="yellow">
					{note}
				</Text>
			))}
			{files.length > 0 && <Text>{files.join('\n')}</Text>}
			{resumeHint.length > 0 && <Text>{resumeHint.join('\n')}</Text>}
		</Box>
	);
}
