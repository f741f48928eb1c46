import { Box, Text } from 'ink';
import type { PreflightDecision } from '../../procedure/operator.js';
import { checksToAct, handRunCandidates, tallyChecks, type PreflightReport } from '../../procedure/preflight.js';
import { allCheckLines, checkLines } from '../../procedure/preflight-text.js';
import { Pager, useWholeView } from '../Pager.js';
import { Picker } from '../Picker.js';
import { useSymbols } from '../symbols.js';
import { useTerminalSize } from '../use-terminal-size.js';

/**
 * The pre-flight's result, before anything changes: the checks to act on, blocking first, each with its evidence and
 * what to do; the ok ones in one line (Tab lists every check). A blocking check offers only a check again or a stop;
 * warnings need an explicit "continue anyway".
 */
export function PreflightReview({ report, rows, onAnswer }: { report: PreflightReport; rows: number; onAnswer(value: PreflightDecision): void }) {
	const symbols = useSymbols();
	const { columns } = useTerminalSize();
	const [viewing, setViewing] = useWholeView();
	const width = Math.max(20, columns);
	if (viewing) return <Pager title="Pre-flight: every check (nothing has been changed)" lines={allCheckLines(report.checks, width)} rows={rows} onClose={() => setViewing(false)} />;
	const blocked = report.counts.blocking > 0;
	const hand = handRunCandidates(report.checks);
	const toAct = checksToAct(report.checks);
	const options: { label: string; value: PreflightDecision }[] = [
		...(blocked ? [] : [{ label: `Continue anyway: I have read the warning${report.counts.warning === 1 ? '' : 's'}`, value: 'continue' as const }]),
		...(blocked || hand.length === 0 ? [] : [{ label: `Continue; I run Bootstrapper myself on ${hand.length === 1 ? hand[0] : `${hand.length} servers`} (double hop refused)`, value: 'continue-by-hand' as const }]),
		{ label: 'Check again (after fixing)', value: 'recheck' },
		{ label: 'Quit: nothing has been changed', value: 'stop' },
	];
	// The title, the line of ok checks and the options stay in view; the checks take the rows left.
	const room = Math.max(3, rows - 2 - options.length);
	const lines: string[] = [];
	let listed = 0;
	for (const check of toAct) {
		const next = checkLines(check, width);
		if (lines.length + next.length > room && listed > 0) break;
		// One check longer than the rows: its first lines, and Tab shows it whole.
		lines.push(...(next.length > room ? [...next.slice(0, room - 1), '  … (Tab shows it whole)'] : next));
		listed++;
	}
	const unlisted = toAct.length - listed;
	return (
		<Box flexDirection="column">
			<Text bold color={blocked ? 'red' : 'yellow'} wrap="truncate-end">
				{`${blocked ? symbols.failed : symbols.warning} Pre-flight: ${tallyChecks(report.counts)}${blocked ? ' · pairing would fail or break a rule' : ''}`}
			</Text>
			{lines.map((line, index) => (
				<Text key={index} color={line.startsWith('BLOCKING') ? 'red' : line.startsWith('WARNING') ? 'yellow' : undefined} wrap="truncate-end">
					{line}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{`${unlisted > 0 ? `and ${unlisted} more to act on · ` : ''}${report.counts.ok} check${report.counts.ok === 1 ? '' : 's'} ok · Tab every check`}
			</Text>
			<Picker options={options} hints="Tab every check" onSelect={onAnswer} />
		</Box>
	);
}
