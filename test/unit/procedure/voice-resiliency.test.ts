import { describe, expect, it } from 'vitest';
import { checkFailbackInterval, checkFailoverInterval, formatTimeSpan, parseInterval } from '../../../source/sfb/voice-resiliency.js';

describe('voice resiliency intervals', () => {
	it('reads seconds, minutes, hours and hh:mm:ss', () => {
		expect(parseInterval('300')).toBe(300);
		expect(parseInterval('5m')).toBe(300);
		expect(parseInterval('1h')).toBe(3600);
		expect(parseInterval('00:10:00')).toBe(600);
		expect(parseInterval('ten')).toBeUndefined();
		expect(parseInterval('00:61:00')).toBeUndefined();
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
