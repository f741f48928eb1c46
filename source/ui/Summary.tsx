import { Box, Text } from 'ink';
import { recap, recapColumns, type RecapRow } from '../procedure/recap.js';
import type { ProcedureState } from '../procedure/state.js';
import { clockTime, describeColumn, FAILED_MARK, serverLabels, spansFromState, textTimeline, timelineLegend } from '../procedure/timeline.js';
import { sanitizeLine } from '../text/sanitize.js';
import { formatElapsed } from './format.js';
import { useSymbols } from './symbols.js';

const HEADLINES = { done: 'Done', failed: 'Failed', 'needs-operator': 'Waiting on you', cancelled: 'Cancelled' } as const;
/** Below this many characters a timeline says too little: the change record's gantt chart has it. */
const NARROWEST_TIMELINE = 8;
/** Headline, time, table heading, legend, record, resume hint: what the rows of servers share the screen with. */
const OTHER_ROWS = 8;

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
 * The end of a session: the pair, the outcome, time taken, then Ansible's recap per server (ok, changed, failed,
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
	// A narrow screen wraps the legend onto a second row.
	const shown = all.slice(0, Math.max(1, rows - OTHER_ROWS - notices.length - (columns < WIDE ? 1 : 0)));
	const nameWidth = Math.max(...shown.map((row) => label(row).length));
	const heading = (count: (typeof counts)[number]) => (columns < WIDE ? SHORT_NAMES[count] : count);
	const countsWidth = counts.reduce((width, count) => width + heading(count).length + 1, 0);
	const timelineWidth = columns - 1 - nameWidth - countsWidth - 2;
	const timeline =
		timelineWidth >= NARROWEST_TIMELINE ? textTimeline(spansFromState(state, now), state.serverOrder, timelineWidth, symbols.pending) : undefined;
	const bars = new Map(timeline?.rows.map((row) => [row.server, row.bar]));

	return (
		<Box flexDirection="column">
			<Text color={color} bold>
				{symbol} {HEADLINES[outcome.kind]}: {sanitizeLine(outcome.reason)}
			</Text>
			<Text>Time taken {formatElapsed(outcome.at - state.startedAt)}</Text>
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
			{timeline && (
				<Text dimColor>
					{timelineLegend(symbols.separator)} {symbols.separator} {describeColumn(timeline.columnMs)}
				</Text>
			)}
			{state.publish.snapshotPath && <Text>Topology before the change: {state.publish.snapshotPath}</Text>}
			{notices.map((notice, index) => (
				<Text key={index} color="yellow">
					{symbols.warning} {sanitizeLine(notice)}
				</Text>
			))}
			{recordPath && <Text>Change record: {recordPath}</Text>}
			{debriefPath && <Text>Training debrief: {debriefPath}</Text>}
			{outcome.kind !== 'done' && <Text>Run sfb-pair again to resume: the farm is re-checked first.</Text>}
		</Box>
	);
}
