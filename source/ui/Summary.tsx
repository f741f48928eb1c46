import { Box, Text } from 'ink';
import { syncFailedOnFarm, syncGuidance } from '../operations/sync-watch.js';
import stringWidth from 'string-width';
import { recap, recapColumns, type RecapRow } from '../procedure/recap.js';
import type { ProcedureState } from '../procedure/state.js';
import { clockTime, describeColumn, FAILED_MARK, serverLabels, spansFromState, textTimeline, timelineLegend } from '../procedure/timeline.js';
import { sanitizeLine } from '../text/sanitize.js';
import { formatElapsed } from './format.js';
import { useSymbols } from './symbols.js';

const HEADLINES = { done: 'Done', failed: 'Failed', 'needs-operator': 'Waiting on you', cancelled: 'Cancelled' } as const;
/** Below this many characters a timeline says too little: the change record's gantt chart has it. */
const NARROWEST_TIMELINE = 8;
/** Rows a line takes on screen, wrapped word by word as Ink wraps it; a word longer than a row goes on where the row has room. */
function heightOf(text: string, columns: number): number {
	let rows = 1;
	let used = 0;
	for (const word of text.split(' ')) {
		const width = stringWidth(word);
		const start = used === 0 ? 0 : used + 1;
		if (start + width <= columns) {
			used = start + width;
		} else if (width > columns) {
			const rest = width - (columns - start);
			rows += Math.ceil(rest / columns);
			used = rest % columns || columns;
		} else {
			rows++;
			used = width;
		}
	}
	return rows;
}

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

	const headline = `${symbol} ${HEADLINES[outcome.kind]}: ${sanitizeLine(outcome.reason)} (took ${formatElapsed(outcome.at - state.startedAt)})`;
	const legend = timeline ? `${timelineLegend(symbols.separator)} ${symbols.separator} ${describeColumn(timeline.columnMs)}` : undefined;
	const snapshot = state.publish.snapshotPath ? `Topology before the change: ${state.publish.snapshotPath}` : undefined;
	const files = [recordPath && `Change record: ${recordPath}`, debriefPath && `Training debrief: ${debriefPath}`];
	const resumeHint = outcome.kind === 'done' ? undefined : 'Run sfb-pair again to resume: the farm is re-checked first.';
	const notes = notices.map((notice) => `${symbols.warning} ${sanitizeLine(notice)}`);
	// After a module's ErrorState, not when the farm could not be asked at all (access denied): then the headline says why.
	const guidance = syncFailedOnFarm(state) && state.pair ? ['What to check:', ...syncGuidance([{ fqdn: state.pair.pool }, { fqdn: state.pair.backup }], state.publish.warnings).map((line) => `  - ${line}`)] : [];
	// Everything but the server rows, as tall as it will be drawn: the frame must stay shorter than the screen.
	const aroundServers = [headline, 'heading', legend, ...guidance, snapshot, ...notes, ...files, resumeHint]
		.filter((text): text is string => Boolean(text))
		.reduce((height, text) => height + heightOf(text, columns), 0);
	const room = rows - aroundServers;
	const kept = new Set([all[0], ...[...all.slice(1)].sort((a, b) => attention(a) - attention(b)).slice(0, Math.max(0, room - 2))]);
	const shown = all.length <= room ? all : all.filter((row) => kept.has(row));

	return (
		<Box flexDirection="column">
			<Text color={color} bold>
				{headline}
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
			{legend && <Text dimColor>{legend}</Text>}
			{guidance.map((line) => (
				<Text key={line}>{line}</Text>
			))}
			{snapshot && <Text>{snapshot}</Text>}
			{notes.map((note, index) => (
				<Text key={index} color="yellow">
					{note}
				</Text>
			))}
			{files.map((file) => file && <Text key={file}>{file}</Text>)}
			{resumeHint && <Text>{resumeHint}</Text>}
		</Box>
	);
}
