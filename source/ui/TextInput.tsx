import { Text, useInput } from 'ink';
import { useState } from 'react';
import { sanitizeLine } from '../text/sanitize.js';
import { useTextEntry } from './text-entry.js';

interface Props {
	initial?: string;
	placeholder?: string;
	onSubmit(value: string): void;
	onBack?(): void;
	isActive?: boolean;
}

/** A one-line field: type, Backspace, Enter to submit, Esc to go back. */
export function TextInput({ initial = '', placeholder = '', onSubmit, onBack, isActive = true }: Props) {
	const [value, setValue] = useState(initial);
	useTextEntry(isActive);
	useInput(
		(input, key) => {
			if (key.return) onSubmit(value);
			else if (key.escape) onBack?.();
			else if (key.backspace || key.delete) setValue((current) => current.slice(0, -1));
			else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.tab) {
				setValue((current) => current + sanitizeLine(input));
			}
		},
		{ isActive },
	);
	return (
		<Text>
			{value === '' ? <Text dimColor>{placeholder}</Text> : value}
			<Text inverse> </Text>
		</Text>
	);
}
