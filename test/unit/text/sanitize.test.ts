import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeForTerminal, sanitizeLine, terminalSafeJson } from '../../../source/text/sanitize.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

// Everything a terminal could act on: C0 except tab and newline, DEL, C1, bidi overrides and isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point of the test
const actionable = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\t]/;

describe('bidirectional marks and Unicode line separators', () => {
	it.each([
		['left-to-right mark U+200E', 'a\u200eb', 'ab'],
		['right-to-left mark U+200F', 'a\u200fb', 'ab'],
		['Arabic letter mark U+061C', 'a\u061cb', 'ab'],
	])('removes the %s', (_name, input, expected) => {
		expect(sanitizeForTerminal(input)).toBe(expected);
		expect(sanitizeLine(input)).toBe(expected);
	});

	it.each([
		['line separator U+2028', 'a\u2028b'],
		['paragraph separator U+2029', 'a\u2029b'],
	])('breaks the line at a %s, and a single line joins it with a space', (_name, input) => {
		expect(sanitizeForTerminal(input)).toBe('a\nb');
		expect(sanitizeLine(input)).toBe('a b');
	});

	it('escapes every one of them in --json, keeping the data', () => {
		const text = 'x\u200e\u200f\u061c\u2028\u2029y';
		const json = terminalSafeJson({ text });
		expect(json).toContain('x\\u200e\\u200f\\u061c\\u2028\\u2029y');
		expect(JSON.parse(json)).toEqual({ text });
	});
});

describe('sanitizeForTerminal', () => {
	it('keeps ordinary text, Unicode and line breaks as they are', () => {
		const text = 'Pool pool1.contoso.com — 3 servers ✓\nsite: Zürich, 東京\n';
		expect(sanitizeForTerminal(text)).toBe(text);
	});

	it.each([
		['clear screen', `before${ESC}[2Jafter`, 'beforeafter'],
		['cursor home + erase line', `${ESC}[H${ESC}[2Kline`, 'line'],
		['colour with parameters', `${ESC}[1;31mred${ESC}[0m`, 'red'],
		['private mode (hide cursor)', `${ESC}[?25lx${ESC}[?25h`, 'x'],
		['cursor up to overwrite earlier lines', `ok${ESC}[3Afake`, 'okfake'],
		['8-bit CSI U+009B', `a\u009b2Jb`, 'ab'],
		['window title ended by BEL', `${ESC}]0;pwned${BEL}text`, 'text'],
		['window title ended by ST', `${ESC}]2;pwned${ST}text`, 'text'],
		['8-bit OSC ended by 8-bit ST', `\u009d0;pwned\u009ctext`, 'text'],
		['OSC 8 hyperlink keeps only its visible text', `${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}`, 'click'],
		['DCS string', `${ESC}Pq#0;2;0;0;0${ST}after`, 'after'],
		['8-bit DCS string', `\u0090payload\u009cafter`, 'after'],
		['APC, PM and SOS strings', `${ESC}_apc${ST}${ESC}^pm${ST}${ESC}Xsos${ST}ok`, 'ok'],
		['full reset ESC c', `${ESC}cstill here`, 'still here'],
		['save/restore cursor', `${ESC}7a${ESC}8b`, 'ab'],
		['character set selection', `${ESC}(0lqk${ESC}(B`, 'lqk'],
		['lone ESC at the end', `text${ESC}`, 'text'],
		['unterminated CSI at the end', `text${ESC}[12;`, 'text'],
	])('strips %s', (_name, input, expected) => {
		expect(sanitizeForTerminal(input)).toBe(expected);
	});

	it('swallows an unterminated control string to the end, as a terminal would', () => {
		expect(sanitizeForTerminal(`shown${ESC}]0;title never ends`)).toBe('shown');
	});

	it('turns a carriage-return overwrite into separate lines so neither half is hidden', () => {
		expect(sanitizeForTerminal('Bootstrapper failed\rBootstrapper succeeded')).toBe(
			'Bootstrapper failed\nBootstrapper succeeded',
		);
		expect(sanitizeForTerminal('line one\r\nline two')).toBe('line one\nline two');
	});

	it('removes backspaces so erased text stays visible', () => {
		expect(sanitizeForTerminal('exit code 1\b\b\b\b\b\b\b\b\b\b\bexit code 0')).toBe('exit code 1exit code 0');
	});

	it('removes NUL, bell, vertical tab, form feed, DEL and C1 controls', () => {
		expect(sanitizeForTerminal('a\u0000b\u0007c\u000bd\u000ce\u007ff\u0085g\u008dh')).toBe('abcdefgh');
	});

	it('removes bidirectional overrides that would show text in another order', () => {
		expect(sanitizeForTerminal('user \u202eexe.tset\u202c ok\u2066x\u2069')).toBe('user exe.tset okx');
	});

	it('expands tabs to the next multiple of eight columns', () => {
		expect(sanitizeForTerminal('ab\tc\n\td')).toBe('ab      c\n        d');
	});

	it('cannot fake a prompt: a hostile line keeps no control over the screen', () => {
		const hostile = `${ESC}[2J${ESC}[HPS C:\\> ${ESC}]0;Administrator${BEL}Type your password:\r\u009b1A`;
		const clean = sanitizeForTerminal(hostile);
		expect(clean).toBe('PS C:\\> Type your password:\n');
		expect(clean).not.toMatch(actionable);
	});

	it('never leaves anything a terminal acts on, whatever the input', () => {
		const hostileCharacter = fc.constantFrom(ESC, '\u009b', '\u009d', '\u0090', BEL, '\r', '\b', '\t', '[', ']', '\\', ';', '\u0000');
		const input = fc.array(fc.oneof(fc.string(), hostileCharacter, fc.string({ unit: 'binary' })), { maxLength: 30 }).map((parts) => parts.join(''));
		fc.assert(
			fc.property(input, (text) => {
				const clean = sanitizeForTerminal(text);
				expect(clean).not.toMatch(actionable);
				expect(sanitizeForTerminal(clean)).toBe(clean);
			}),
		);
	});
});

describe('sanitizeLine', () => {
	it('joins lines with single spaces and drops empty ones', () => {
		expect(sanitizeLine('first\n\nsecond\r\nthird\n')).toBe('first second third');
	});

	it('strips escape sequences like sanitizeForTerminal', () => {
		expect(sanitizeLine(`${ESC}[31mfe01.contoso.com${ESC}[0m\n${ESC}]0;x${BEL}`)).toBe('fe01.contoso.com');
	});

	it('keeps leading indentation of a single line', () => {
		expect(sanitizeLine('  indented')).toBe('  indented');
	});

	it('never returns a line break or control character', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary' }), (text) => {
				expect(sanitizeLine(text)).not.toMatch(/[\n\r]/);
				expect(sanitizeLine(text)).not.toMatch(actionable);
			}),
		);
	});
});

describe('terminalSafeJson', () => {
	it('writes C1 controls, separators and bidi overrides as escapes, so a pool name cannot act on the terminal', () => {
		const hostile = { pool: `pool\u009b2J\u202eevil\u2028.contoso.com\u007f` };
		const json = terminalSafeJson(hostile);
		expect(json).toBe('{\n  "pool": "pool\\u009b2J\\u202eevil\\u2028.contoso.com\\u007f"\n}');
	});

	it('gives back exactly the data for a program, with nothing a terminal acts on', () => {
		fc.assert(
			fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
				const document = { value, text };
				const json = terminalSafeJson(document);
				expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(document)));
				expect(json.replaceAll('\n', '')).not.toMatch(actionable);
				expect(json).not.toMatch(/[\u2028\u2029]/);
			}),
		);
	});
});
