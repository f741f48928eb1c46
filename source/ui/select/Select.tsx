import { Box, Text, useInput } from 'ink';
import { useEffect, useReducer } from 'react';
import { useSymbols } from '../symbols.js';
import { initialSelectState, selectReducer, type SelectOption } from './select-reducer.js';

interface Props<T> {
	options: SelectOption<T>[];
	onSelect(value: T): void;
	onBack?(): void;
	/** Rows available; a longer list scrolls around the focused option. */
	visibleRows?: number;
	isActive?: boolean;
}

export function Select<T>({ options, onSelect, onBack, visibleRows = 10, isActive = true }: Props<T>) {
	const disabled = options.map((option) => Boolean(option.disabled));
	const [state, dispatch] = useReducer(selectReducer, disabled, initialSelectState);
	const symbols = useSymbols();
	const key = disabled.join(',');
	useEffect(() => dispatch({ type: 'reset', disabled }), [key]);

	useInput(
		(input, keys) => {
			if (keys.upArrow || input === 'k') dispatch({ type: 'up' });
			else if (keys.downArrow || input === 'j') dispatch({ type: 'down' });
			else if (keys.return) {
				const option = options[state.focused];
				if (option && !option.disabled) onSelect(option.value);
			} else if (keys.escape && onBack) onBack();
		},
		{ isActive },
	);

	const rows = Math.max(1, visibleRows);
	const start = Math.min(Math.max(0, state.focused - Math.floor(rows / 2)), Math.max(0, options.length - rows));
	const shown = options.slice(start, start + rows);
	return (
		<Box flexDirection="column">
			{start > 0 && <Text dimColor>  {symbols.arrowUp} {start} more</Text>}
			{shown.map((option, offset) => {
				const index = start + offset;
				const focused = index === state.focused;
				return (
					<Box key={index} flexDirection="column">
						<Text color={option.disabled ? 'gray' : focused ? 'cyan' : undefined} bold={focused} wrap="truncate-end">
							{focused ? symbols.pointer : ' '} {option.disabled ? symbols.cross : ' '} {option.label}
						</Text>
						{option.hint && (focused || option.disabled) && (
							<Text dimColor wrap="truncate-end">
								{'     '}
								{option.hint}
							</Text>
						)}
					</Box>
				);
			})}
			{start + rows < options.length && <Text dimColor>  {symbols.arrowDown} {options.length - start - rows} more</Text>}
		</Box>
	);
}
