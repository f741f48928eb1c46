import { transformedStdout } from './transformed-stdout.js';

const SPOKEN: [RegExp, string][] = [
	[/ · /g, ', '],
	[/·/g, ','],
	[/↔/g, 'with'],
	[/→/g, 'to'],
	[/←/g, 'from'],
	[/↑↓/g, 'Up and Down'],
	[/↑/g, 'Up'],
	[/↓/g, 'Down'],
	[/…/g, '...'],
	[/[─–—]/g, '-'],
	[/[✓✗⊘▸▶❯]/g, ''],
];

/** Text as a screen reader should say it: separators and arrows in words, state glyphs (always beside a word) dropped. */
export function spoken(text: string): string {
	return SPOKEN.reduce((result, [pattern, words]) => result.replace(pattern, words), text);
}

/** The terminal stream with every write passed through `spoken`; Ink's screen-reader mode lays nothing out on a grid. */
export function spokenStdout(stream: NodeJS.WriteStream): NodeJS.WriteStream {
	return transformedStdout(stream, spoken);
}
