import { unicodeSymbols, type Symbols } from './symbols.js';
import { spinnerFrame } from './screen-clock.js';

/**
 * What a line of work (a server's task, a step of the drill or the unpair) is, as the screen marks it. `attention` is
 * anything the operator must look at that is not a failure: held for a restart, waiting on them, unverified, unknown.
 */
export type StatusKind = 'done' | 'failed' | 'skipped' | 'running' | 'pending' | 'attention';

/** One mark and one colour per kind, for every screen: the glyph comes from the symbols in use (Unicode, `--ascii`, a screen reader). */
export const STATUS_MARKS: Record<StatusKind, { symbol: keyof Symbols; color: string }> = {
	done: { symbol: 'done', color: 'green' },
	failed: { symbol: 'failed', color: 'red' },
	skipped: { symbol: 'skipped', color: 'yellow' },
	running: { symbol: 'running', color: 'cyan' },
	pending: { symbol: 'pending', color: 'gray' },
	attention: { symbol: 'warning', color: 'yellow' },
};

/**
 * The mark and colour of a status. Running work turns the spinner where the terminal has Unicode; with `--ascii` it
 * keeps its ASCII mark, and for a screen reader the words beside it say it (screenReaderSymbols has no glyph there).
 */
export function statusMark(kind: StatusKind, symbols: Symbols, now: number): { mark: string; color: string } {
	const { symbol, color } = STATUS_MARKS[kind];
	return { mark: kind === 'running' && symbols === unicodeSymbols ? spinnerFrame(now) : symbols[symbol], color };
}
