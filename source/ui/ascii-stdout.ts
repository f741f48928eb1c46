import { transformedStdout } from './transformed-stdout.js';

const REPLACEMENTS: Record<string, string> = {
	'·': '.',
	'–': '-',
	'—': '-',
	'…': '.',
	'→': '>',
	'←': '<',
	'↔': '=',
	'↑': '^',
	'↓': 'v',
	'✓': '+',
	'✗': 'x',
	'⊘': '-',
	'❯': '>',
	'▸': '>',
	'▶': '>',
	'§': '#',
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
	return transformedStdout(stream, toAscii);
}

/** Terminals that cannot show Unicode get ASCII; state is always a symbol and a word, never colour alone. */
export function supportsUnicode(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
	if (env.SFB_PAIR_ASCII) return false;
	if (platform !== 'win32') return env.TERM !== 'linux';
	return Boolean(env.WT_SESSION) || env.TERM_PROGRAM === 'vscode' || env.TERM === 'xterm-256color' || Boolean(env.ConEmuTask);
}
