import { parseDuration } from '../text/bounded-values.js';
import type { VoiceResiliency } from './model.js';

export const DEFAULT_VOICE: VoiceResiliency = { automaticFailover: true, failoverSeconds: 300, failbackSeconds: 600 };

/** Topology Builder raises a shorter failover interval to this (Topology Builder help). */
export const FAILOVER_FLOOR_SECONDS = 90;
/** Set-CsRegistrar accepts detection intervals from 30 seconds to 24 hours. */
const MAX_INTERVAL_SECONDS = 24 * 60 * 60;

export type IntervalCheck = { ok: true; seconds: number; note?: string } | { ok: false; reason: string };

export function checkFailoverInterval(text: string): IntervalCheck {
	const seconds = parseDuration(text);
	if (seconds === undefined) return { ok: false, reason: `"${text}" is not an interval: give seconds (300), minutes (5m) or hh:mm:ss` };
	if (seconds > MAX_INTERVAL_SECONDS) return { ok: false, reason: 'the failover interval can be at most 24 hours' };
	if (seconds < FAILOVER_FLOOR_SECONDS) {
		return { ok: true, seconds: FAILOVER_FLOOR_SECONDS, note: `${seconds} s is below the ${FAILOVER_FLOOR_SECONDS} s floor: raised to ${FAILOVER_FLOOR_SECONDS} s, as Topology Builder does` };
	}
	return { ok: true, seconds };
}

export function checkFailbackInterval(text: string): IntervalCheck {
	const seconds = parseDuration(text);
	if (seconds === undefined) return { ok: false, reason: `"${text}" is not an interval: give seconds (600), minutes (10m) or hh:mm:ss` };
	if (seconds < 30) return { ok: false, reason: 'the failback interval must be at least 30 seconds' };
	if (seconds > MAX_INTERVAL_SECONDS) return { ok: false, reason: 'the failback interval can be at most 24 hours' };
	return { ok: true, seconds };
}

/** hh:mm:ss, the TimeSpan form Set-CsRegistrar takes. */
export function formatTimeSpan(seconds: number): string {
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}
