import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../../source/ui/keys/split-keys.js';

describe('splitKeys', () => {
	it('gives each plain character of a run its own key, Backspace and Enter included', () => {
		expect(splitKeys('ab\u007Fc\r')).toEqual(['a', 'b', '\u007F', 'c', '\r']);
		expect(splitKeys('\r\r\r\r\r')).toHaveLength(5);
	});

	it('keeps escape sequences whole: arrows, Alt with an arrow, function keys, the Linux console', () => {
		expect(splitKeys('\u001B[B\u001B[Bj\r')).toEqual(['\u001B[B', '\u001B[B', 'j', '\r']);
		expect(splitKeys('\u001B\u001B[A')).toEqual(['\u001B\u001B[A']);
		expect(splitKeys('\u001B[15~\u001BOP\u001B[[A')).toEqual(['\u001B[15~', '\u001BOP', '\u001B[[A']);
	});

	it('reads two Escapes in a row as two Escapes, and Alt+letter as one key', () => {
		expect(splitKeys('\u001B\u001B')).toEqual(['\u001B', '\u001B']);
		expect(splitKeys('\u001Bx')).toEqual(['\u001Bx']);
	});

	it('takes a pasted line end (LF or CR LF) as one Enter, and keeps characters outside the BMP whole', () => {
		expect(splitKeys('tb\r\nx\ny')).toEqual(['t', 'b', '\r', 'x', '\r', 'y']);
		expect(splitKeys('a😀b')).toEqual(['a', '😀', 'b']);
	});
});
