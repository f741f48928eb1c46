import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import SelectInput, { type IndicatorProps, type ItemProps } from 'ink-select-input';
import { useState, type FC } from 'react';
import { wrapWords } from '../text/wrap.js';
import { useKeyHints } from './keys/hints.js';
import { PRIORITY, useKeys, usePromptsActive } from './keys/keys.js';
import { Pager } from './Pager.js';
import { useSymbols } from './symbols.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface PickerOption<T> {
	value: T;
	label: string;
	/** Details on a line of their own under the label. */
	detail?: string;
	/** Why it cannot be chosen; it can still be focused, to read the reason in full under the list. */
	refused?: string;
	/** Shown in full under the list while the option is focused (a warning, a state). */
	note?: string;
}

interface Props<T> {
	options: PickerOption<T>[];
	onSelect(value: T): void;
	onBack?(): void;
	/** The option focused at first: the one chosen last time, when the operator comes back. */
	initialIndex?: number;
	/** Rows the list, its position line and the reason under it may take together. */
	rows?: number;
	isActive?: boolean;
	/** More keys for the hints line, after the picker's own. */
	hints?: string;
	/** Part of a view over the screen: it listens while the prompts under the view do not. */
	overlay?: boolean;
}

/** Options kept in view however long the reason under the list. */
const MIN_OPTIONS_SHOWN = 4;

type RowProps = ItemProps & { detail?: string; refused?: boolean };

function Pointer({ isSelected = false }: IndicatorProps) {
	const symbols = useSymbols();
	return (
		<Box marginRight={1} flexShrink={0} aria-hidden>
			<Text color="cyan">{isSelected ? symbols.pointer : ' '}</Text>
		</Box>
	);
}

function Row({ isSelected = false, label, detail, refused = false }: RowProps) {
	const symbols = useSymbols();
	const screenReader = useIsScreenReaderEnabled();
	if (screenReader) {
		return (
			<Box aria-role="option" aria-state={{ selected: isSelected, disabled: refused }}>
				<Text>
					{label}
					{detail ? `, ${detail}` : ''}
					{refused ? ', refused' : ''}
				</Text>
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text color={refused ? 'gray' : isSelected ? 'cyan' : undefined} bold={isSelected} wrap="truncate-end">
				{refused ? symbols.cross : ' '} {label}
			</Text>
			{detail && (
				<Text dimColor wrap="truncate-end">
					{'  '}
					{detail}
				</Text>
			)}
		</Box>
	);
}

/** Lines the reason area under the list takes: as many as the longest note needs, so focus moves never change the frame's height. */
function noteLines(options: PickerOption<unknown>[], width: number): number {
	return Math.max(0, ...options.map((option) => noteText(option)).map((text) => (text ? wrapWords(text, width).length : 0)));
}

const noteText = (option: PickerOption<unknown> | undefined) => (option?.refused ? `Refused: ${option.refused}` : option?.note);

/**
 * A list to choose from, on ink-select-input: its rows, the focused option's whole reason or note in a fixed area under
 * the list, Esc to go back. A refused option can be focused but not chosen. When the list is longer than the rows it
 * has, ink-select-input turns it like a wheel; the position line says where the focus is.
 */
export function Picker<T>({ options, onSelect, onBack, initialIndex = 0, rows = 12, isActive = true, hints, overlay = false }: Props<T>) {
	const start = Math.min(Math.max(0, initialIndex), Math.max(0, options.length - 1));
	const [focused, setFocused] = useState(start);
	const [insisted, setInsisted] = useState(false);
	const [reading, setReading] = useState(false);
	const { columns } = useTerminalSize();
	const promptsActive = usePromptsActive();
	const screenReader = useIsScreenReaderEnabled();
	const active = isActive && !reading && (overlay || promptsActive);
	useKeys(
		(_input, key) => {
			if (!key.escape || !onBack) return false;
			onBack();
			return true;
		},
		{ isActive: active, ...(overlay ? { priority: PRIORITY.overlay } : {}) },
	);
	useKeyHints(active ? ['↑↓ move', 'Enter choose', ...(onBack ? ['Esc back'] : []), ...(hints ? [hints] : [])].join(' · ') : undefined);
	const width = Math.max(20, columns - 2);
	const perOption = options.some((option) => option.detail) && !screenReader ? 2 : 1;
	// The list keeps room for a few options; a reason longer than what is left is cut, and Enter shows it whole.
	const listRows = Math.min(options.length, MIN_OPTIONS_SHOWN) * perOption + (options.length > MIN_OPTIONS_SHOWN ? 1 : 0);
	const areaLines = screenReader ? noteLines(options, width) : Math.min(noteLines(options, width), Math.max(2, rows - listRows - 1));
	const limit = Math.max(1, Math.floor((rows - areaLines - 1) / perOption));
	const limited = options.length > limit;
	const items = options.map((option, index) => ({
		key: String(index),
		label: option.label,
		value: index,
		...(option.detail ? { detail: option.detail } : {}),
		refused: option.refused !== undefined,
	}));
	const note = noteText(options[focused]);
	const wrapped = note ? wrapWords(note, width) : [];
	const cut = wrapped.length > areaLines;
	const noteRows = cut ? [...wrapped.slice(0, areaLines - 1), '… Enter on it shows the whole reason'] : wrapped;
	if (reading && note) {
		return <Pager title={options[focused]?.label.trim() ?? ''} lines={wrapped} rows={rows} onClose={() => setReading(false)} />;
	}
	return (
		<Box flexDirection="column">
			<Box flexDirection="column" aria-role="list">
				<SelectInput
					items={items}
					// Read at mount only: back from the whole reason, the list comes back on the option it was on.
					initialIndex={focused}
					isFocused={active}
					{...(limited ? { limit } : {})}
					indicatorComponent={Pointer}
					itemComponent={Row as FC<ItemProps>}
					onHighlight={(item) => {
						setFocused(item.value);
						setInsisted(false);
					}}
					onSelect={(item) => {
						const option = options[item.value];
						if (!option) return;
						if (option.refused !== undefined) {
							setInsisted(true);
							if (cut) setReading(true);
						}
						else onSelect(option.value);
					}}
				/>
			</Box>
			{limited && (
				<Text dimColor>
					{'  '}
					{focused + 1} of {options.length}
				</Text>
			)}
			{areaLines > 0 && (
				<Box flexDirection="column" height={screenReader ? undefined : areaLines}>
					{noteRows.map((line, index) => (
						<Text key={index} color={options[focused]?.refused ? (insisted ? 'red' : 'yellow') : undefined} bold={insisted} wrap="truncate-end">
							{line}
						</Text>
					))}
				</Box>
			)}
		</Box>
	);
}
