/**
 * JSON read from files sfb-pair does not control (scenario files, and its own files, which anyone may have
 * edited or linked elsewhere). The parser's own messages quote the text around a mistake, which could be the
 * start of another file (a session file linked to /etc/shadow): only the position is kept.
 */

/** Deeper than any file sfb-pair reads or writes; far shallower than what overflows a recursive validator. */
export const MAX_JSON_DEPTH = 64;

export type JsonParsed = { ok: true; value: unknown } | { ok: false; reason: string };

/** The deepest nesting of arrays and objects, stopping once past `limit`; strings are skipped. */
export function nestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let index = 0; index < text.length; index++) {
		const character = text.charCodeAt(index);
		if (inString) {
			if (character === 0x5c) index++;
			else if (character === 0x22) inString = false;
		} else if (character === 0x22) inString = true;
		else if (character === 0x5b || character === 0x7b) {
			depth++;
			if (depth > deepest) {
				deepest = depth;
				if (deepest > limit) return deepest;
			}
		} else if (character === 0x5d || character === 0x7d) depth--;
	}
	return deepest;
}

function lineAndColumn(text: string, position: number): string {
	const before = text.slice(0, position);
	const line = before.split('\n').length;
	const column = position - before.lastIndexOf('\n');
	return `line ${line}, column ${column}`;
}

/** Parses `text` (a leading byte-order mark allowed), refusing nesting deeper than `maxDepth`. */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): JsonParsed {
	const body = text.replace(/^\uFEFF/, '');
	if (body.trim() === '') return { ok: false, reason: 'is empty' };
	if (nestingDepth(body, maxDepth) > maxDepth) return { ok: false, reason: `nests arrays and objects deeper than ${maxDepth} levels` };
	try {
		return { ok: true, value: JSON.parse(body) as unknown };
	} catch (error) {
		const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
		const unexpectedEnd = /end of (JSON )?input/i.test(error instanceof Error ? error.message : '');
		const where = position !== undefined ? ` at ${lineAndColumn(body, Number(position))}` : unexpectedEnd ? ': it ends too soon (cut off?)' : '';
		return { ok: false, reason: `is not valid JSON${where}` };
	}
}
