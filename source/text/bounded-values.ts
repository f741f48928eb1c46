/**
 * Durations and scales typed by a person (flags, settings, scenario files), each read by one parser and
 * held within bounds. Node turns a timer delay above 2³¹−1 ms into 1 ms, so an unbounded `--service-settle
 * 600h` would count LYNCBACKUP as started after a millisecond: every bound here keeps the longest wait,
 * divided by the slowest lab clock, under that ceiling.
 */

/** The longest delay `setTimeout` honours (about 24.8 days); anything longer fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Bounds {
	/** The least value accepted, in the value's unit. */
	min: number;
	max: number;
}

export type Checked = { ok: true; value: number } | { ok: false; reason: string };

const units: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Seconds from "300", "300s", "5m", "1h" or "hh:mm:ss"; undefined when the text is none of these. */
export function parseDuration(text: string): number | undefined {
	const trimmed = text.trim();
	const withUnit = /^(\d{1,12})\s*([smh])?$/i.exec(trimmed);
	if (withUnit) return Number(withUnit[1]) * (units[(withUnit[2] ?? 's').toLowerCase()] ?? 1);
	const clock = /^(\d{1,4}):([0-5]\d):([0-5]\d)$/.exec(trimmed);
	if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
	return undefined;
}

/** "90 s", "5m", "1h 30m": how a number of seconds is said back to the operator. */
export function formatDuration(seconds: number): string {
	if (seconds < 60 || seconds % 60 !== 0) return `${seconds} s`;
	const hours = Math.floor(seconds / 3600);
	const minutes = (seconds % 3600) / 60;
	if (hours === 0) return `${minutes}m`;
	return minutes === 0 ? `${hours}h` : `${hours}h ${minutes}m`;
}

/** A duration within bounds (seconds), or the reason it is not one. */
export function checkDuration(text: string, bounds: Bounds): Checked {
	const seconds = parseDuration(text);
	if (seconds === undefined) return { ok: false, reason: `"${text}" is not a duration: give seconds (30), minutes (5m), hours (1h) or hh:mm:ss` };
	return checkBounds(seconds, bounds, formatDuration);
}

/** A number within bounds, or the reason it is not one. */
export function checkNumber(text: string, bounds: Bounds, options: { integer?: boolean } = {}): Checked {
	const trimmed = text.trim();
	const value = /^[+]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
	if (!Number.isFinite(value) || (options.integer && !Number.isInteger(value))) {
		return { ok: false, reason: `"${text}" is not ${options.integer ? 'a whole number' : 'a number'}` };
	}
	return checkBounds(value, bounds, String);
}

export function checkBounds(value: number, bounds: Bounds, format: (value: number) => string = String): Checked {
	if (!Number.isFinite(value) || value < bounds.min || value > bounds.max) {
		return { ok: false, reason: `must be from ${format(bounds.min)} to ${format(bounds.max)}, not ${format(value)}` };
	}
	return { ok: true, value };
}

/** The lab's clock runs this many times faster than real time: never slower than real, never so fast a run is a blur. */
export const TIME_SCALE: Bounds = { min: 1, max: 10_000 };

/** The pace of the sync watch and the service start, in seconds, on a live farm (the lab divides them by its scale). */
export const PACING = {
	syncPoll: { min: 1, max: 60 * 60 },
	syncTimeout: { min: 1, max: 24 * 60 * 60 },
	serviceSettle: { min: 1, max: 60 * 60 },
} as const satisfies Record<string, Bounds>;

/** A scenario's realistic durations, in seconds: a day at most, which at real time is still a valid timer. */
export const SCENARIO_SECONDS: Bounds = { min: 0, max: 24 * 60 * 60 };

/** Servers at once inside a pool during Bootstrapper. */
export const PARALLEL: Bounds = { min: 1, max: 64 };
/** One server's Cumulative Update (failover, installer, failback), in minutes, for the plan's estimate. */
export const CU_MINUTES: Bounds = { min: 1, max: 600 };
