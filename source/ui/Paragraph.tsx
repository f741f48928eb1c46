import { Text, type TextProps } from 'ink';
import { wrapWords } from '../text/wrap.js';
import { useTerminalSize } from './use-terminal-size.js';

/** The columns a round border and its one column of padding take on each side. */
export const BORDERED = 4;

/**
 * Prose broken into lines by wrapWords at the terminal's width, less `inset` (a border and its padding). Ink's own
 * wrap starts a line with the space it broke at whenever the line before fills the width exactly. Styles inside the
 * text (chalk) are kept on every line they cover; lines after the first start with `indent`.
 */
export function Paragraph({ children, inset = 0, indent = '', ...style }: { children: string; inset?: number; indent?: string } & Omit<TextProps, 'children' | 'wrap'>) {
	const { columns } = useTerminalSize();
	return <Text {...style}>{wrapWords(children, Math.max(10, columns - inset), indent).join('\n')}</Text>;
}
