import { Box, Text } from 'ink';
import { wrapWords } from '../../text/wrap.js';
import { useKeyHints } from '../keys/hints.js';
import { Pager, useWholeView } from '../Pager.js';
import { TextInput } from '../TextInput.js';

/** The plan's lines wrapped to the width, continuations under their own indent. */
export function wrapPlan(lines: string[], columns: number): string[] {
	return lines.flatMap((line) => {
		const indent = /^\s*/.exec(line)?.[0] ?? '';
		return wrapWords(line.trimStart(), Math.max(20, columns - indent.length), '  ').map((part) => indent + part);
	});
}

/**
 * The plan above the question, cut to the rows (Tab opens it whole), then the word to type. Only the word, exactly,
 * goes ahead; anything else says so and asks again; Esc goes back having changed nothing.
 */
export function GuardedConfirm({
	title,
	planLines,
	word,
	wrongAnswer,
	attempts,
	rows,
	columns,
	onTyped,
	onBack,
}: {
	title: string;
	planLines: string[];
	word: string;
	wrongAnswer: string | undefined;
	attempts: number;
	rows: number;
	columns: number;
	onTyped(text: string): void;
	onBack(): void;
}) {
	const [viewing, setViewing] = useWholeView();
	useKeyHints(viewing ? undefined : `type ${word}, then Enter · Tab the whole plan · Esc back`);
	const wrapped = wrapPlan(planLines, columns);
	const question = wrapWords(`Type ${word} and press Enter to go ahead, or Esc to go back. Nothing has changed yet.`, columns);
	const wrong = wrongAnswer === undefined ? [] : wrapWords(`Nothing was changed: only the word ${word}, in lower case, goes ahead (you typed "${wrongAnswer}").`, columns);
	const titleRows = wrapWords(title, columns).length;
	const room = Math.max(1, rows - titleRows - question.length - 1 - wrong.length);
	const cut = wrapped.length > room;
	const shown = cut ? wrapped.slice(0, room - 1) : wrapped;
	if (viewing) return <Pager title={`${title} (nothing has changed yet)`} lines={wrapPlan([title, ...planLines], columns)} rows={rows} onClose={() => setViewing(false)} />;
	return (
		<Box flexDirection="column">
			<Text bold>{title}</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate-end">
					{line}
				</Text>
			))}
			{cut && <Text dimColor>… {wrapped.length - shown.length} more lines: Tab shows the whole plan</Text>}
			<Text>{question.join('\n')}</Text>
			<Text>
				{'> '}
				<TextInput key={attempts} onSubmit={onTyped} onBack={onBack} />
			</Text>
			{wrong.length > 0 && <Text color="yellow">{wrong.join('\n')}</Text>}
		</Box>
	);
}
