import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { sanitizeLine } from '../text/sanitize.js';
import { useTextEntry } from './text-entry.js';

interface Props {
	initial?: string;
	placeholder?: string;
	onSubmit(value: string): void;
	onBack?(): void;
	isActive?: boolean;
}

/**
 * A one-line field: type, Backspace, Enter to submit, Esc to go back. Pasted text can arrive in one
 * chunk with its Enter ("publish\r"), so a line end inside the input submits what came before it.
 */
export function TextInput({ initial = '', placeholder = '', onSubmit, onBack, isActive = true }: Props) {
	const value = useRef(initial);
	const [shown, setShown] = useState(initial);
	useTextEntry(isActive);
	const update = (next: string) => {
		value.current = next;
		setShown(next);
	};
	useInput(
		(input, key) => {
			if (key.escape) return onBack?.();
			if (key.backspace || key.delete) return update(value.current.slice(0, -1));
			if (key.return) return onSubmit(value.current);
			if (!input || key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return;
			const lineEnd = input.search(/[\r\n]/);
			if (lineEnd === -1) return update(value.current + sanitizeLine(input));
			update(value.current + sanitizeLine(input.slice(0, lineEnd)));
			onSubmit(value.current);
		},
		{ isActive },
	);
	return (
		<Text>
			{shown === '' ? <Text dimColor>{placeholder}</Text> : shown}
			<Text inverse> </Text>
		</Text>
	);
}
