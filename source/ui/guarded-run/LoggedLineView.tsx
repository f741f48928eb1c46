import { Text } from 'ink';
import type { LoggedLine, LogTone } from '../../procedure/guarded-run.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { hardBreak, wrapWords } from '../../text/wrap.js';
import { formatElapsed } from '../format.js';
import { useSymbols, type Symbols } from '../symbols.js';

const TONE_COLORS: Record<LogTone, string | undefined> = { done: 'green', failed: 'red', warning: 'yellow', plain: undefined, dim: undefined };

function toneSymbol(tone: LogTone, symbols: Symbols): string {
	return tone === 'done' ? `${symbols.done} ` : tone === 'failed' ? `${symbols.failed} ` : '';
}

/** One line of a run's scrollback: its mark and colour, wrapped under its own indent; a path cut only where it must be. */
export function LoggedLineView({ line, columns }: { line: LoggedLine; columns: number }) {
	const symbols = useSymbols();
	const text = `${toneSymbol(line.tone, symbols)}${sanitizeLine(line.text)}${line.elapsedMs === undefined ? '' : ` (${formatElapsed(line.elapsedMs)})`}`;
	if (line.verbatim) {
		// A path: cut at the width under its indent, never at a space, so its pieces are the path's characters.
		return (
			<Text>
				{hardBreak(text, Math.max(10, columns - 2))
					.map((piece) => `  ${piece}`)
					.join('\n')}
			</Text>
		);
	}
	// The line's indent kept, continuations under its text past the mark.
	const indent = /^ */.exec(text)?.[0] ?? '';
	const hanging = ' '.repeat(Math.min(Math.floor(columns / 3), toneSymbol(line.tone, symbols).length + 2));
	return (
		<Text {...(TONE_COLORS[line.tone] ? { color: TONE_COLORS[line.tone] } : {})} dimColor={line.tone === 'dim'}>
			{wrapWords(text.slice(indent.length), Math.max(20, columns - indent.length), hanging)
				.map((part) => indent + part)
				.join('\n')}
		</Text>
	);
}
