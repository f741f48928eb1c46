/**
 * Text from outside the program (topology documents, scenario files, server output) reaches the screen
 * and the change record only through these functions, so it can never move the cursor, clear the screen,
 * retitle the window, plant a hyperlink or overwrite a line to fake a prompt.
 */

/*
 * ECMA-48 escape sequences, in both their 7-bit (ESC …) and 8-bit (C1) spellings:
 * - CSI (ESC [ or U+009B): parameter bytes, intermediate bytes, one final byte.
 * - Control strings OSC (ESC ] / U+009D), DCS (ESC P / U+0090), SOS (ESC X / U+0098), PM (ESC ^ / U+009E),
 *   APC (ESC _ / U+009F): everything up to BEL, ST (ESC \ or U+009C). A terminal swallows an unterminated
 *   string to the end, and so does this.
 * - Any other ESC: intermediate bytes and one final byte (ESC c resets the terminal, ESC 7/8 save and
 *   restore the cursor, ESC ( B selects a character set).
 */
const escapeSequence = new RegExp(
	[
		'(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
		'(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[\\s\\S]*?(?:\\u0007|\\u001b\\\\|\\u009c|$)',
		'\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?',
	].join('|'),
	'g',
);

/* C0 controls except tab and line feed, DEL, C1 controls, and the bidirectional formatting characters that
 * can make text display in an order other than the one it is read in: the marks (LRM U+200E, RLM U+200F, ALM
 * U+061C), the embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069). */
// eslint-disable-next-line no-control-regex -- matching control characters is the purpose
const controlCharacter = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/* Carriage returns, and the Unicode line and paragraph separators some terminals break a line at. */
const lineBreak = /\r\n?|[\u2028\u2029]/g;

const tabWidth = 8;

function expandTabs(line: string): string {
	if (!line.includes('\t')) {
		return line;
	}
	let column = 0;
	let expanded = '';
	for (const character of line) {
		if (character === '\t') {
			const spaces = tabWidth - (column % tabWidth);
			expanded += ' '.repeat(spaces);
			column += spaces;
		} else {
			expanded += character;
			column += 1;
		}
	}
	return expanded;
}

/**
 * Printable text that keeps its line breaks. Carriage returns become line breaks, so a line that
 * overwrites another with `\r` shows both; tabs become spaces up to the next multiple of 8 columns.
 */
export function sanitizeForTerminal(text: string): string {
	return text
		.replace(escapeSequence, '')
		.replace(lineBreak, '\n')
		.replace(controlCharacter, '')
		.split('\n')
		.map(expandTabs)
		.join('\n');
}

/** One printable line: like `sanitizeForTerminal`, with the line breaks joined by single spaces. */
export function sanitizeLine(text: string): string {
	return sanitizeForTerminal(text)
		.split('\n')
		.filter((line) => line.length > 0)
		.join(' ');
}

/* What JSON.stringify leaves raw that a terminal may still act on or reorder: DEL, C1 controls, the line and
 * paragraph separators, and the bidirectional marks, overrides and isolates. */
const unsafeInJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `--json` output: the same data for a program, with every character a terminal could act on written as a
 * `\uXXXX` escape (JSON.stringify escapes only C0), so printing it is as safe as printing any other line.
 */
export function terminalSafeJson(value: unknown): string {
	return JSON.stringify(value, null, 2).replace(unsafeInJson, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
