const REPLACEMENTS: Record<string, string> = {
	'·': '.',
	'–': '-',
	'—': '-',
	'…': '.',
	'→': '>',
	'←': '<',
	'↔': '=',
	'╭': '+',
	'╮': '+',
	'╰': '+',
	'╯': '+',
	'│': '|',
	'─': '-',
};

/**
 * Every character the terminal cannot show becomes one ASCII character of the same width, so Ink's layout and
 * its line erasing stay right: separators, ellipses, arrows, box corners, and the braille spinner (`*`).
 */
export function toAscii(text: string): string {
	return text.replace(/[\u0080-\u{10ffff}]/gu, (character) => REPLACEMENTS[character] ?? (/[\u2800-\u28ff]/u.test(character) ? '*' : '?'));
}

/** The terminal stream with every write passed through `toAscii`; sizes and resize events are the terminal's. */
export function asciiStdout(stream: NodeJS.WriteStream): NodeJS.WriteStream {
	return new Proxy(stream, {
		get(target, property, receiver) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]) =>
					(target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? toAscii(chunk) : chunk, ...rest);
			}
			const value: unknown = Reflect.get(target, property, receiver);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}
