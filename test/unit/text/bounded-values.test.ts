import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDuration, checkNumber, formatDuration, MAX_TIMER_MS, PACING, parseDuration, SCENARIO_SECONDS, TIME_SCALE } from '../../../source/text/bounded-values.js';
import { nestingDepth, parseJsonText } from '../../../source/text/json-text.js';

describe('durations', () => {
	it.each([
		['300', 300],
		['300s', 300],
		['5m', 300],
		['1h', 3600],
		['01:30:00', 5400],
		[' 45 s ', 45],
	])('reads %j as %i seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

	it.each(['', 'soon', '-5', '1.5h', '5d', '00:61:00', '1e3', '9'.repeat(13)])('does not read %j', (text) => expect(parseDuration(text)).toBeUndefined());

	it('refuses what is out of bounds, saying the bounds', () => {
		expect(checkDuration('600h', PACING.serviceSettle)).toEqual({ ok: false, reason: 'must be from 1 s to 1h, not 600h' });
		expect(checkDuration('0', PACING.syncPoll)).toMatchObject({ ok: false });
		expect(checkDuration('2m', PACING.syncPoll)).toEqual({ ok: true, value: 120 });
	});

	it('says seconds back as the operator would write them', () => {
		expect([45, 90, 300, 3600, 5400].map(formatDuration)).toEqual(['45 s', '90 s', '5m', '1h', '1h 30m']);
	});

	it('keeps every wait a valid timer: the longest of each, at the slowest lab clock, is under 2³¹−1 ms', () => {
		for (const bounds of [...Object.values(PACING), SCENARIO_SECONDS]) expect((bounds.max * 1000) / TIME_SCALE.min).toBeLessThanOrEqual(MAX_TIMER_MS);
	});

	it('accepts any duration the parser reads and the bounds allow, and nothing outside them', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 200_000 }), (seconds) => {
				const result = checkDuration(String(seconds), PACING.syncTimeout);
				expect(result.ok).toBe(seconds >= PACING.syncTimeout.min && seconds <= PACING.syncTimeout.max);
			}),
		);
	});
});

describe('numbers', () => {
	it.each(['1e308', '1e-300', 'Infinity', 'NaN', '0', '-3', '0x10', ''])('refuses %j as a time scale', (text) => expect(checkNumber(text, TIME_SCALE).ok).toBe(false));
	it.each(['1', '20', '2000', '10000', '2.5'])('accepts %j as a time scale', (text) => expect(checkNumber(text, TIME_SCALE)).toEqual({ ok: true, value: Number(text) }));
	it('refuses a fraction where a whole number is wanted', () => expect(checkNumber('2.5', { min: 1, max: 64 }, { integer: true })).toEqual({ ok: false, reason: '"2.5" is not a whole number' }));
});

describe('JSON from files', () => {
	it('refuses nesting past the limit before parsing, without a stack overflow', () => {
		const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
		expect(parseJsonText(deep)).toEqual({ ok: false, reason: 'nests arrays and objects deeper than 64 levels' });
		expect(nestingDepth('{"a": "[[[[[["}')).toBe(1);
		expect(parseJsonText(`${'['.repeat(64)}${']'.repeat(64)}`).ok).toBe(true);
	});

	it('never quotes the text in its reason, only where the mistake is', () => {
		const result = parseJsonText('root:x:0:0:secret-hash:/root:/bin/bash\n');
		expect(result.ok).toBe(false);
		expect(JSON.stringify(result)).not.toMatch(/root|secret/);
		expect(parseJsonText('{"a": 1,\n "b": }')).toEqual({ ok: false, reason: expect.stringMatching(/^is not valid JSON( at line 2, column \d+)?$/) });
		expect(parseJsonText('')).toEqual({ ok: false, reason: 'is empty' });
	});
});
