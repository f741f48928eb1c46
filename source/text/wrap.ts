import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** Hard: a word longer than the line is cut; trim: no line starts with the space it was broken at (Ink's own wrap keeps it). */
const WRAP_OPTIONS = { hard: true, trim: true } as const;

/**
 * The text after wrap-ansi's first line, as one text again: a space where the text had one, none inside a word it cut.
 * wrap-ansi closes the styles at each line's end and opens them again on the next, so the pieces join cleanly.
 */
function afterFirstLine(text: string, lines: string[]): string {
	const plain = stripVTControlCharacters(text);
	let position = stripVTControlCharacters(lines[0]!).length;
	let rest = '';
	for (const line of lines.slice(1)) {
		const visible = stripVTControlCharacters(line);
		const at = plain.indexOf(visible, position);
		rest += rest !== '' && at > position ? ` ${line}` : line;
		position = (at < 0 ? position : at) + visible.length;
	}
	return rest;
}

/**
 * Text broken into lines of at most `width` columns, between words (a word longer than a line is cut), colours and
 * wide characters measured as the terminal shows them; lines after the first start with `indent`. Always at least
 * one line. A text that fits keeps its spacing (aligned columns, an indent); one that does not has its runs of
 * spaces and line breaks made single spaces.
 */
export function wrapWords(text: string, width: number, indent = ''): string[] {
	if (stringWidth(text) <= width) return [text];
	const words = text.split(/\s+/).filter(Boolean).join(' ');
	const lines = wrapAnsi(words, Math.max(1, width), WRAP_OPTIONS).split('\n');
	if (indent === '' || lines.length === 1) return lines;
	const room = Math.max(1, width - stringWidth(indent));
	const rest = wrapAnsi(afterFirstLine(words, lines), room, WRAP_OPTIONS).split('\n');
	return [lines[0]!, ...rest.map((line) => indent + line)];
}

/**
 * A text that must stay as it is (a path): cut every `width` columns, never at a space, so each piece is exactly the
 * text's next characters. Wide characters are measured as the terminal shows them.
 */
export function hardBreak(text: string, width: number): string[] {
	const room = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (const character of text) {
		if (line !== '' && stringWidth(line + character) > room) {
			lines.push(line);
			line = '';
		}
		line += character;
	}
	return [...lines, line];
}

/**
 * A label and a path (a record, a snapshot): the path starts after the label and, where it is wider than the rest of the
 * line, goes on under `indent`, cut only at the width, so it never runs to the terminal's first column. The rows are
 * those Ink's own wrap would take: a summary has few to spare.
 */
export function labelledPath(label: string, path: string, width: number, indent = '  '): string[] {
	const whole = `${label} ${path}`;
	if (stringWidth(whole) <= width) return [whole];
	const [first = '', ...rest] = hardBreak(path, Math.max(1, width - stringWidth(label) - 1));
	const after = rest.join('');
	return [`${label} ${first}`, ...(after === '' ? [] : hardBreak(after, width - stringWidth(indent)).map((piece) => indent + piece))];
}

/** The words of a PowerShell command, keeping a quoted string (with its doubled quotes) and a { … } block whole. */
function commandWords(command: string): string[] {
	const words: string[] = [];
	let word = '';
	let quote: string | undefined;
	let depth = 0;
	for (const character of command) {
		if (quote) {
			word += character;
			if (character === quote) quote = undefined;
			continue;
		}
		if (character === "'" || character === '"') quote = character;
		else if (character === '{') depth++;
		else if (character === '}') depth = Math.max(0, depth - 1);
		if (character === ' ' && depth === 0) {
			if (word !== '') words.push(word);
			word = '';
			continue;
		}
		word += character;
	}
	if (word !== '') words.push(word);
	return words;
}

/**
 * A PowerShell command broken before a parameter (`-Name`) when it is wider than `width`, each line but the last
 * ending in a backtick so the lines still paste as one command. A part that cannot be broken stays whole.
 */
export function wrapCommand(command: string, width: number, indent = '    '): string[] {
	if (stringWidth(command) <= width) return [command];
	const parts: string[] = [];
	for (const word of commandWords(command)) {
		const last = parts.at(-1);
		if (last === undefined || (word.startsWith('-') && !/^-\d/.test(word))) parts.push(word);
		else parts[parts.length - 1] = `${last} ${word}`;
	}
	const lines: string[] = [];
	let line = '';
	for (const part of parts) {
		const prefix = lines.length > 0 ? indent : '';
		const candidate = line === '' ? part : `${line} ${part}`;
		if (line === '' || stringWidth(prefix + candidate) + 2 <= width) {
			line = candidate;
			continue;
		}
		lines.push(`${prefix}${line} \``);
		line = part;
	}
	lines.push((lines.length > 0 ? indent : '') + line);
	return lines;
}
