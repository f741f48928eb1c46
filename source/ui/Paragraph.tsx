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
export function Paragraph({
	children,
	inset = 0,
	indent = '',
	maxLines,
	more = (hidden) => `… ${hidden} more line${hidden === 1 ? '' : 's'}`,
	...style
}: { children: string; inset?: number; indent?: string; maxLines?: number | undefined; more?: (hidden: number) => string } & Omit<TextProps, 'children' | 'wrap'>) {
	const { columns } = useTerminalSize();
	const lines = paragraphLines(children, columns, inset, indent);
	if (maxLines === undefined || lines.length <= maxLines) return <Text {...style}>{lines.join('\n')}</Text>;
	const kept = Math.max(0, maxLines - 1);
	return (
		<>
			{kept > 0 && <Text {...style}>{lines.slice(0, kept).join('\n')}</Text>}
			<Text dimColor wrap="truncate-end">
				{more(lines.length - kept)}
			</Text>
		</>
	);
}

/** The lines of `text` as a Paragraph `inset` columns narrower than `columns` shows them. */
function paragraphLines(text: string, columns: number, inset: number, indent = ''): string[] {
	return wrapWords(text, Math.max(10, columns - inset), indent);
}

/** How many rows `text` takes as a Paragraph `inset` columns narrower than `columns`. */
export function paragraphRows(text: string, columns: number, inset = 0): number {
	return paragraphLines(text, columns, inset).length;
}
