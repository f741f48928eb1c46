// Preloaded with --import (and --expose-gc) into the wizard by bench/suites/working-day.ts: a working day in a
// few minutes. Time is simulated: Date, setTimeout and setInterval run on a clock that jumps to the next timer
// as soon as the work of the current instant is done (the next turn of the event loop), so every tick of the
// wizard's screen clock still happens, one simulated second apart, and Ink lays out, paints and writes every
// frame through its own code. I/O, React's scheduler (setImmediate) and microtasks stay real.
//
// Environment: SFB_PAIR_BENCH_DAY_FILE (where to write the result, JSON), SFB_PAIR_BENCH_DAY_MARKER (text of the
// frame that starts the day: the first running panel), SFB_PAIR_BENCH_DAY_SAMPLES (simulated seconds after
// the marker at which to read the memory, comma-separated; the process exits after the last). To see what
// grows: SFB_PAIR_BENCH_DAY_SNAPSHOTS=PREFIX writes a heap snapshot at each sample (compare them in DevTools).
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { stripVTControlCharacters } from 'node:util';
import v8 from 'node:v8';

const resultFile = process.env.SFB_PAIR_BENCH_DAY_FILE;
const marker = process.env.SFB_PAIR_BENCH_DAY_MARKER ?? ' running ';
const samplesAt = (process.env.SFB_PAIR_BENCH_DAY_SAMPLES ?? '300,28800').split(',').map((seconds) => Number(seconds) * 1000);

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
	if (awake || sampling) return;
	awake = true;
	realSetImmediate(jump);
}

function jump() {
	awake = false;
	if (sampling) return;
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
		observe();
		if (pending.size > 0) wake();
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

// What is measured: frames written once the day has started, and at each sample the memory the process holds.
// Between full collections the resident set also holds garbage: V8's young generation climbs by 30 MB or so
// over a few simulated minutes here, and its old generation by more over hours, until a major collection; one
// reading taken at random is as much that saw-tooth as the process. So the clock stops, and three times: a full
// collection, half a second of real time for V8 to give the freed pages back, a reading; the lowest is kept.
let startedAt;
let frames = 0;
const samples = [];
let sampling = false;
const realStarted = performance.now();
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
	if (startedAt === undefined && stripVTControlCharacters(String(chunk)).includes(marker)) startedAt = now;
	else if (startedAt !== undefined) frames++;
	return write(chunk, ...rest);
};

const anonymousResident = () => Number(/^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) * 1024;
const pause = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));

function observe() {
	if (sampling || startedAt === undefined || samples.length === samplesAt.length || now - startedAt < samplesAt[samples.length]) return;
	sampling = true;
	void sample().then(() => {
		sampling = false;
		if (samples.length < samplesAt.length) return wake();
		if (resultFile) writeFileSync(resultFile, JSON.stringify({ samples }));
		process.exit(0);
	});
}

async function sample() {
	const simulatedSeconds = (now - startedAt) / 1000;
	const readings = [];
	for (let round = 0; round < 3; round++) {
		globalThis.gc?.();
		await pause(500);
		readings.push({ rss: process.memoryUsage.rss(), rssAnon: anonymousResident() });
	}
	const memory = process.memoryUsage();
	const lowest = readings.reduce((low, reading) => (reading.rss < low.rss ? reading : low));
	samples.push({
		simulatedSeconds,
		frames,
		realSeconds: (performance.now() - realStarted) / 1000,
		rss: lowest.rss,
		rssAnon: lowest.rssAnon,
		readings: readings.map((reading) => reading.rss),
		heapUsed: memory.heapUsed,
		heapTotal: memory.heapTotal,
		external: memory.external,
	});
	if (process.env.SFB_PAIR_BENCH_DAY_SNAPSHOTS) v8.writeHeapSnapshot(`${process.env.SFB_PAIR_BENCH_DAY_SNAPSHOTS}-${samples.length}.heapsnapshot`);
}

// Nothing else may keep a day from ending: a safety net in real time.
realSetTimeout(() => {
	if (resultFile) writeFileSync(resultFile, JSON.stringify({ samples, error: `the day did not end within an hour of real time (simulated ${startedAt === undefined ? 'no start' : `${(now - startedAt) / 1000} s`})` }));
	process.exit(1);
}, 3_600_000).unref();
