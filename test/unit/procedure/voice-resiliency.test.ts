import { describe, expect, it } from 'vitest';
import { checkFailbackInterval, checkFailoverInterval, formatTimeSpan } from '../../../source/sfb/voice-resiliency.js';
import { parseDuration } from '../../../source/text/bounded-values.js';

describe('voice resiliency intervals', () => {
	it('reads seconds, minutes, hours and hh:mm:ss', () => {
		expect(parseDuration('300')).toBe(300);
		expect(parseDuration('5m')).toBe(300);
		expect(parseDuration('1h')).toBe(3600);
		expect(parseDuration('00:10:00')).toBe(600);
		expect(parseDuration('ten')).toBeUndefined();
		expect(parseDuration('00:61:00')).toBeUndefined();
	});

	it('raises a failover interval under 90 s to 90 s and says so', () => {
		expect(checkFailoverInterval('30')).toEqual({ ok: true, seconds: 90, note: expect.stringMatching(/raised to 90 s/) });
		expect(checkFailoverInterval('120')).toEqual({ ok: true, seconds: 120 });
	});

	it('refuses what is not an interval, and intervals out of range', () => {
		expect(checkFailoverInterval('soon')).toMatchObject({ ok: false, reason: expect.stringMatching(/not an interval/) });
		expect(checkFailoverInterval('25h')).toMatchObject({ ok: false });
		expect(checkFailbackInterval('10')).toMatchObject({ ok: false, reason: expect.stringMatching(/at least 30/) });
	});

	it('formats a TimeSpan for Set-CsRegistrar', () => {
		expect(formatTimeSpan(300)).toBe('00:05:00');
		expect(formatTimeSpan(3661)).toBe('01:01:01');
	});
});
