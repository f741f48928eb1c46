import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import { useState } from 'react';
import { useKeyHints } from './keys/hints.js';
import { PRIORITY, useKeys } from './keys/keys.js';

interface Props {
	title: string;
	/** One row each: the caller wraps them to the width. */
	lines: string[];
	rows: number;
	onClose(): void;
	/** Start at the end, and stay there as lines come (a server's output). */
	follow?: boolean;
}

/** A scrollable view over the screen, like `less`: ↑↓ j k, PgUp PgDn Space b, Home End g G; Esc or q closes it. */
export function Pager({ title, lines, rows, onClose, follow = false }: Props) {
	const screenReader = useIsScreenReaderEnabled();
	const page = Math.max(1, rows - 2);
	const last = Math.max(0, lines.length - page);
	const [top, setTop] = useState<number | 'end'>(follow ? 'end' : 0);
	const first = top === 'end' ? last : Math.min(top, last);
	const move = (to: number) => setTop(to >= last && follow ? 'end' : Math.max(0, Math.min(last, to)));
	useKeyHints('↑↓ PgUp PgDn Home End scroll · Esc close');
	useKeys(
		(input, key) => {
			if (key.escape || input === 'q' || key.tab) onClose();
			else if (key.upArrow || input === 'k') move(first - 1);
			else if (key.downArrow || input === 'j') move(first + 1);
			else if (key.pageUp || input === 'b') move(first - page);
			else if (key.pageDown || input === ' ') move(first + page);
			else if (key.home || input === 'g') move(0);
			else if (key.end || input === 'G') move(last);
			// A view over the screen takes every key but Ctrl+C, so nothing under it acts unseen.
			return true;
		},
		{ priority: PRIORITY.overlay },
	);
	const shown = screenReader ? lines : lines.slice(first, first + page);
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				{title}
				{!screenReader && lines.length > page ? `  (lines ${first + 1}–${Math.min(lines.length, first + page)} of ${lines.length})` : ''}
			</Text>
			{shown.map((line, index) => (
				<Text key={first + index} wrap="truncate-end">
					{line === '' ? ' ' : line}
				</Text>
			))}
		</Box>
	);
}

/** Whether the whole view is open; Tab opens it (the Pager's own keys close it). */
export function useWholeView(): [boolean, (viewing: boolean) => void] {
	const [viewing, setViewing] = useState(false);
	useKeys(
		(_input, key) => {
			if (!key.tab) return false;
			setViewing(true);
			return true;
		},
		{ isActive: !viewing },
	);
	return [viewing, setViewing];
}
