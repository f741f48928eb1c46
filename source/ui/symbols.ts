import { createContext, useContext } from 'react';

export interface Symbols {
	done: string;
	failed: string;
	skipped: string;
	pending: string;
	running: string;
	active: string;
	warning: string;
	pointer: string;
	cross: string;
	arrowUp: string;
	arrowDown: string;
	pair: string;
	separator: string;
}

export const unicodeSymbols: Symbols = {
	done: '✓',
	failed: '✗',
	skipped: '⊘',
	pending: '·',
	running: '▸',
	active: '▶',
	warning: '!',
	pointer: '❯',
	cross: '✗',
	arrowUp: '↑',
	arrowDown: '↓',
	pair: '↔',
	separator: '·',
};

export const asciiSymbols: Symbols = {
	done: '+',
	failed: 'x',
	skipped: '-',
	pending: '.',
	running: '>',
	active: '>',
	warning: '!',
	pointer: '>',
	cross: 'x',
	arrowUp: '^',
	arrowDown: 'v',
	pair: '<->',
	separator: '|',
};

/**
 * For a screen reader: no glyph for a state that a word beside it already says (it would be read out as "check mark
 * done"), words where the glyph stands alone.
 */
export const screenReaderSymbols: Symbols = {
	done: '',
	failed: '',
	skipped: '',
	pending: '',
	running: '',
	active: '',
	warning: 'Warning:',
	pointer: '',
	cross: 'refused:',
	arrowUp: 'up',
	arrowDown: 'down',
	pair: 'with',
	separator: ',',
};

export const SymbolsContext = createContext<Symbols>(unicodeSymbols);
export const useSymbols = () => useContext(SymbolsContext);
