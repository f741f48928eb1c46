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
	return new Proxy(stream, {
		get(target, property, receiver) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]) =>
					(target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? spoken(chunk) : chunk, ...rest);
			}
			const value: unknown = Reflect.get(target, property, receiver);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}
