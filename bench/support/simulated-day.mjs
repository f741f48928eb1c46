// Preloaded with --import (and --expose-gc) into the wizard by bench/suites/working-day.ts: a working day in a
// few minutes. Time is simulated: Date, setTimeout and setInterval run on a clock that jumps to the next timer
// as soon as the work of the current instant is done (the next turn of the event loop), so every tick of the
// wizard's screen clock still happens, one simulated second apart, and Ink lays out, paints and writes every
// frame through its own code. I/O, React's scheduler (setImmediate) and microtasks stay real.
//
// Environment: SFB_PAIR_BENCH_DAY_FILE (where to write the result, JSON), SFB_PAIR_BENCH_DAY_MARKER (text of the
// frame that starts the day: the first running panel), SFB_PAIR_BENCH_DAY_SAMPLES (simulated seconds after
// the marker at which to start reading the memory, comma-separated), SFB_PAIR_BENCH_DAY_WINDOW (simulated
// seconds each reading lasts, 600 unless set; the process exits at the end of the last). To see what grows:
// SFB_PAIR_BENCH_DAY_SNAPSHOTS=PREFIX writes a heap snapshot after each window (compare them in DevTools), and
// SFB_PAIR_BENCH_DAY_SERIES=1 keeps every reading of the resident set.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { stripVTControlCharacters } from 'node:util';
import v8 from 'node:v8';

const resultFile = process.env.SFB_PAIR_BENCH_DAY_FILE;
const marker = process.env.SFB_PAIR_BENCH_DAY_MARKER ?? ' running ';
const samplesAt = (process.env.SFB_PAIR_BENCH_DAY_SAMPLES ?? '300,28800').split(',').map((seconds) => Number(seconds) * 1000);
const windowMs = Number(process.env.SFB_PAIR_BENCH_DAY_WINDOW ?? 600) * 1000;

const RealDate = Date;
let now = RealDate.now();

/** Pending timers by id, each due at a simulated instant; ties fire in the order they were set. */
const pending = new Map();
let nextId = 1;
let sequence = 0;

class SimulatedTimer {
	constructor(id) {
		this.id = id;
	}
	ref() {
		return this;
	}
	unref() {
		return this;
	}
	hasRef() {
		return true;
	}
	refresh() {
		const entry = pending.get(this.id);
		if (entry) Object.assign(entry, { due: now + entry.delay, order: sequence++ });
		return this;
	}
	close() {
		pending.delete(this.id);
		return this;
	}
	[Symbol.toPrimitive]() {
		return this.id;
	}
}

function schedule(callback, delay, args, repeat) {
	const id = nextId++;
	const wait = Math.max(1, Number(delay) || 0);
	pending.set(id, { callback, args, delay: wait, due: now + wait, order: sequence++, repeat });
	wake();
	return new SimulatedTimer(id);
}

function cancel(timer) {
	if (timer === undefined || timer === null) return;
	pending.delete(typeof timer === 'object' ? timer.id : Number(timer));
}

let awake = false;
/** One jump per turn of the event loop: whatever the last instant set off (renders, writes, awaits) runs first. */
function wake() {
	if (awake) return;
	awake = true;
	realSetImmediate(jump);
}

function jump() {
	awake = false;
	let earliest;
	for (const [id, entry] of pending) if (!earliest || entry.due < earliest[1].due || (entry.due === earliest[1].due && entry.order < earliest[1].order)) earliest = [id, entry];
	if (!earliest) return;
	const [id, entry] = earliest;
	now = Math.max(now, entry.due);
	if (entry.repeat) Object.assign(entry, { due: now + entry.delay, order: sequence++ });
	else pending.delete(id);
	try {
		entry.callback(...entry.args);
	} finally {
		if (pending.size > 0) wake();
		observe();
	}
}

class SimulatedDate extends RealDate {
	constructor(...args) {
		if (args.length === 0) super(now);
		else super(...args);
	}
	static now() {
		return now;
	}
}

globalThis.Date = SimulatedDate;
globalThis.setTimeout = (callback, delay, ...args) => schedule(callback, delay, args, false);
globalThis.setInterval = (callback, delay, ...args) => schedule(callback, delay, args, true);
globalThis.clearTimeout = cancel;
globalThis.clearInterval = cancel;

// What is measured: frames written once the day has started, and the memory over a window after each sample
// point: the resident set every simulated second, then the heap after a full garbage collection, what the
// process really holds. The resident set climbs by 30 MB or so as V8 fills its young generation, over three to
// six simulated minutes here, and falls back when it is emptied: one reading is as much that saw-tooth as the
// process. The window's floor (its lowest reading, the young generation just emptied) is comparable from one
// window to the next, as long as the window holds a fall: ten minutes.
let startedAt;
let frames = 0;
const samples = [];
let window;
const realStarted = performance.now();
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
	if (startedAt === undefined && stripVTControlCharacters(String(chunk)).includes(marker)) startedAt = now;
	else if (startedAt !== undefined) frames++;
	return write(chunk, ...rest);
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const anonymousResident = () => Number(/^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) * 1024;

function observe() {
	if (startedAt === undefined || samples.length === samplesAt.length) return;
	const elapsed = now - startedAt;
	const from = samplesAt[samples.length];
	if (elapsed < from) return;
	window ??= { rss: [], rssAnon: [], lastSecond: -1 };
	const second = Math.floor(elapsed / 1000);
	if (second !== window.lastSecond) {
		window.lastSecond = second;
		window.rss.push(process.memoryUsage.rss());
		window.rssAnon.push(anonymousResident());
	}
	if (elapsed < from + windowMs) return;
	globalThis.gc?.();
	globalThis.gc?.();
	const memory = process.memoryUsage();
	samples.push({
		simulatedSeconds: from / 1000,
		frames,
		realSeconds: (performance.now() - realStarted) / 1000,
		rss: median(window.rss),
		rssMin: Math.min(...window.rss),
		rssMax: Math.max(...window.rss),
		rssAnon: median(window.rssAnon),
		heapUsed: memory.heapUsed,
		heapTotal: memory.heapTotal,
		external: memory.external,
		...(process.env.SFB_PAIR_BENCH_DAY_SERIES ? { series: window.rss } : {}),
	});
	window = undefined;
	if (process.env.SFB_PAIR_BENCH_DAY_SNAPSHOTS) v8.writeHeapSnapshot(`${process.env.SFB_PAIR_BENCH_DAY_SNAPSHOTS}-${samples.length}.heapsnapshot`);
	if (samples.length < samplesAt.length) return;
	if (resultFile) writeFileSync(resultFile, JSON.stringify({ samples }));
	process.exit(0);
}

// Nothing else may keep a day from ending: a safety net in real time.
realSetTimeout(() => {
	if (resultFile) writeFileSync(resultFile, JSON.stringify({ samples, error: `the day did not end within an hour of real time (simulated ${startedAt === undefined ? 'no start' : `${(now - startedAt) / 1000} s`})` }));
	process.exit(1);
}, 3_600_000).unref();
