import { Box, Text, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { useSymbols } from '../symbols.js';
import { initialSelectState, selectReducer, type SelectAction, type SelectOption, type SelectState } from './select-reducer.js';

interface Props<T> {
	options: SelectOption<T>[];
	onSelect(value: T): void;
	onBack?(): void;
	/** Lines available; a longer list scrolls around the focused option. */
	maxLines?: number;
	isActive?: boolean;
}

/** How many lines an option takes: its label, its detail line, and its hint (in full when focused). */
function linesOf(option: SelectOption<unknown>, focused: boolean, columns: number): number {
	const hintLines = option.hint ? (focused ? Math.ceil((option.hint.length + 5) / Math.max(20, columns)) : option.disabled ? 1 : 0) : 0;
	return 1 + (option.detail ? 1 : 0) + hintLines;
}

/** The options around the focused one that fit in `maxLines`, leaving a line for each "more" marker. */
function visibleWindow(options: SelectOption<unknown>[], focused: number, maxLines: number, columns: number): [number, number] {
	let start = focused;
	let end = focused + 1;
	let used = linesOf(options[focused]!, true, columns);
	for (let grew = true; grew; ) {
		grew = false;
		const markers = (start > 0 ? 1 : 0) + (end < options.length ? 1 : 0);
		if (end < options.length && used + linesOf(options[end]!, false, columns) + markers <= maxLines) {
			used += linesOf(options[end++]!, false, columns);
			grew = true;
		}
		if (start > 0 && used + linesOf(options[start - 1]!, false, columns) + markers <= maxLines) {
			used += linesOf(options[--start]!, false, columns);
			grew = true;
		}
	}
	return [start, end];
}

/**
 * A list to choose from. Focus lives in a ref as well as in state, so keys that arrive together
 * ("down, enter" typed ahead or pasted) act on the focus the previous key left, not on the last frame.
 */
export function Select<T>({ options, onSelect, onBack, maxLines = 12, isActive = true }: Props<T>) {
	const disabled = options.map((option) => Boolean(option.disabled));
	const [state, setState] = useState<SelectState>(() => initialSelectState(disabled));
	const latest = useRef(state);
	const symbols = useSymbols();
	const columns = useStdout().stdout.columns || 80;
	const act = (action: SelectAction) => {
		latest.current = selectReducer(latest.current, action);
		setState(latest.current);
	};
	const key = disabled.join(',');
	useEffect(() => act({ type: 'reset', disabled }), [key]);

	useInput(
		(input, keys) => {
			if (keys.upArrow || input === 'k') act({ type: 'up' });
			else if (keys.downArrow || input === 'j') act({ type: 'down' });
			else if (keys.return) {
				const option = options[latest.current.focused];
				if (option && !option.disabled) onSelect(option.value);
			} else if (keys.escape && onBack) onBack();
		},
		{ isActive },
	);

	if (options.length === 0) return null;
	const focused = Math.min(state.focused, options.length - 1);
	const [start, end] = visibleWindow(options, focused, Math.max(1, maxLines), columns);
	return (
		<Box flexDirection="column">
			{start > 0 && (
				<Text dimColor>
					{'  '}
					{symbols.arrowUp} {start} more
				</Text>
			)}
			{options.slice(start, end).map((option, offset) => {
				const index = start + offset;
				const isFocused = index === focused;
				return (
					<Box key={index} flexDirection="column">
						<Text color={option.disabled ? 'gray' : isFocused ? 'cyan' : undefined} bold={isFocused} wrap="truncate-end">
							{isFocused ? symbols.pointer : ' '} {option.disabled ? symbols.cross : ' '} {option.label}
						</Text>
						{option.detail && (
							<Text dimColor wrap="truncate-end">
								{'     '}
								{option.detail}
							</Text>
						)}
						{option.hint && (isFocused || option.disabled) && (
							<Text dimColor={!isFocused} color={isFocused && option.disabled ? 'yellow' : undefined} wrap={isFocused ? 'wrap' : 'truncate-end'}>
								{'     '}
								{option.hint}
							</Text>
						)}
					</Box>
				);
			})}
			{end < options.length && (
				<Text dimColor>
					{'  '}
					{symbols.arrowDown} {options.length - end} more
				</Text>
			)}
		</Box>
	);
}
