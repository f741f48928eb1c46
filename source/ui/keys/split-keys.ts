const ESC = '\u001B';

const isCsiFinal = (code: number) => code >= 0x40 && code <= 0x7e;

/** Where a CSI sequence that starts at `start` (after its ESC [ prefix of `prefix` characters) ends; -1 if unfinished. */
function csiEnd(text: string, start: number, prefix: number): number {
	for (let index = start + prefix; index < text.length; index++) {
		const code = text.charCodeAt(index);
		// ESC [ [ A: the Linux console's function keys.
		if (code === 0x5b && index === start + prefix) continue;
		if (isCsiFinal(code)) return index + 1;
		if (code < 0x20 || code > 0x3f) return index;
	}
	return -1;
}

/** The length of the escape sequence at `start`: CSI, SS3, Alt plus a key, or a lone Escape. */
function escapeLength(text: string, start: number): number {
	const next = text[start + 1];
	if (next === undefined) return 1;
	if (next === '[') {
		const end = csiEnd(text, start, 2);
		return end === -1 ? text.length - start : end - start;
	}
	if (next === 'O') return Math.min(3, text.length - start);
	if (next === ESC) {
		// Alt with an arrow key; otherwise two Escapes pressed in a row.
		if (text[start + 2] !== '[') return 1;
		const end = csiEnd(text, start, 3);
		return end === -1 ? text.length - start : end - start;
	}
	return 1 + (text.codePointAt(start + 1)! > 0xffff ? 2 : 1);
}

/**
 * What the terminal sent, one key each: an escape sequence whole, every other character on its own, so a run like
 * "ab⌫c⏎" pasted or typed ahead over a slow link is three letters, a Backspace and an Enter, not one string.
 * A line feed (a pasted line end, Ctrl+J) is an Enter, CR LF one Enter.
 */
export function splitKeys(text: string): string[] {
	const keys: string[] = [];
	for (let index = 0; index < text.length; ) {
		if (text[index] === ESC) {
			const length = escapeLength(text, index);
			keys.push(text.slice(index, index + length));
			index += length;
			continue;
		}
		if (text[index] === '\r' && text[index + 1] === '\n') {
			keys.push('\r');
			index += 2;
			continue;
		}
		const character = String.fromCodePoint(text.codePointAt(index)!);
		keys.push(character === '\n' ? '\r' : character);
		index += character.length;
	}
	return keys;
}
