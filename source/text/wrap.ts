import stringWidth from 'string-width';

/** A word longer than the line, cut into pieces that fit. */
function cutWord(word: string, width: number): string[] {
	const pieces: string[] = [];
	let piece = '';
	for (const character of word) {
		if (piece !== '' && stringWidth(piece + character) > width) {
			pieces.push(piece);
			piece = '';
		}
		piece += character;
	}
	if (piece !== '') pieces.push(piece);
	return pieces;
}

/**
 * Text broken into lines of at most `width` columns, between words (a word longer than a line is cut); lines after
 * the first start with `indent`. Always at least one line.
 */
export function wrapWords(text: string, width: number, indent = ''): string[] {
	// A line that fits keeps its spacing (aligned columns, an indent).
	if (stringWidth(text) <= width) return [text];
	const lines: string[] = [];
	let line = '';
	const room = () => Math.max(1, width - (lines.length > 0 ? stringWidth(indent) : 0));
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const candidate = line === '' ? word : `${line} ${word}`;
		if (stringWidth(candidate) <= room()) {
			line = candidate;
			continue;
		}
		if (line !== '') lines.push(line);
		const pieces = cutWord(word, room());
		for (const piece of pieces.slice(0, -1)) lines.push(piece);
		line = pieces.at(-1) ?? '';
	}
	lines.push(line);
	return lines.map((entry, index) => (index > 0 ? indent + entry : entry));
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
