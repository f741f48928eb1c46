import { describe, expect, it } from 'vitest';
import { toAscii } from '../../../source/ui/ascii-stdout.js';
import { unicodeSymbols } from '../../../source/ui/symbols.js';

describe('toAscii', () => {
	it('gives every glyph the interface draws an ASCII look-alike, never a question mark', () => {
		const drawn = [...Object.values(unicodeSymbols).join(''), ...'↑↓←→↔·…–—╭╮╰╯│─§⠋⠙⠹'];
		for (const glyph of drawn) {
			const ascii = toAscii(glyph);
			expect(ascii, glyph).toMatch(/^[\u0020-\u007e]+$/);
			expect(ascii, glyph).not.toContain('?');
		}
	});

	it('keeps the width of a key hint, so the hints line lays out the same', () => {
		expect(toAscii('↑↓ move · Enter choose')).toBe('^v move . Enter choose');
	});

	it('shows a character it has no look-alike for as one question mark', () => {
		expect(toAscii('日')).toBe('?');
	});
});
