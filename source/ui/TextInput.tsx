import { Text } from 'ink';
import { useRef, useState } from 'react';
import { sanitizeLine } from '../text/sanitize.js';
import { PRIORITY, useKeys } from './keys/keys.js';

interface Props {
	initial?: string;
	placeholder?: string;
	onSubmit(value: string): void;
	onBack?(): void;
	isActive?: boolean;
}

/**
 * A one-line field: type, Backspace, Enter to submit, Esc to go back. It hears keys before the wizard's shortcuts,
 * so q and ? are letters here. Keys come one at a time, so "publx⌫ish⏎" pasted in one piece is "publish" submitted.
 */
export function TextInput({ initial = '', placeholder = '', onSubmit, onBack, isActive = true }: Props) {
	const value = useRef(initial);
	const [shown, setShown] = useState(initial);
	const update = (next: string) => {
		value.current = next;
		setShown(next);
	};
	useKeys(
		(input, key) => {
			if (key.escape) {
				if (!onBack) return false;
				onBack();
				return true;
			}
			if (key.backspace || key.delete) {
				update([...value.current].slice(0, -1).join(''));
				return true;
			}
			if (key.return) {
				onSubmit(value.current);
				return true;
			}
			if (key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.ctrl || key.meta || !input) return false;
			update(value.current + sanitizeLine(input));
			return true;
		},
		{ isActive, priority: PRIORITY.text },
	);
	return (
		<Text>
			{shown === '' ? <Text dimColor>{placeholder}</Text> : shown}
			<Text inverse> </Text>
		</Text>
	);
}
