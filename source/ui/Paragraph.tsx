import { Text, type TextProps } from 'ink';
import { wrapWords } from '../text/wrap.js';
import { useTerminalSize } from './use-terminal-size.js';

/**
 * Prose broken into lines by wrapWords at the terminal's width, less `inset` (a border and its padding). Ink's own
 * wrap starts a line with the space it broke at whenever the line before fills the width exactly. Styles inside the
 * text (chalk) are kept on every line they cover.
 */
export function Paragraph({ children, inset = 0, ...style }: { children: string; inset?: number } & Omit<TextProps, 'children' | 'wrap'>) {
	const { columns } = useTerminalSize();
	return <Text {...style}>{wrapWords(children, Math.max(10, columns - inset)).join('\n')}</Text>;
}
