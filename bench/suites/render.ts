import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bootstrapperTranscript } from '../../source/environments/lab/transcripts.js';
import { CLI, figure, inPty, runCli, temporaryDir, type Figure } from '../support/measure.js';
import { poolFqdn, writeBenchScenario } from '../support/scenarios.js';

const COLUMNS = 80;
const ROWS = 24;
const SERVERS = 12;
const TIME_SCALE = 20;
const BOOTSTRAPPER_SECONDS = 400;
/**
 * Seconds after the panels appear. The first of them include V8 compiling Ink's and React's paint path on
 * background threads, a start-up cost: they are reported on their own, and the budget holds for the streaming
 * that follows, while the runs (20 s each) still write most of their lines.
 */
const WINDOWS = { start: { delay: 0.5, seconds: 1.5 }, streaming: { delay: 2, seconds: 4 } };

export interface FrameAnalysis {
	/** `\x1b[2J` and `\x1b[3J`: what Ink writes when a frame is as tall as the terminal. */
	clears: number;
	/** The tallest frame Ink erased before drawing the next, from its cursor-up sequences. */
	tallestFrame: number;
}

/** Frames as Ink draws them: `eraseLines(n)` is n − 1 × (erase line, cursor up 1); the incremental mode moves up n. */
/* eslint-disable no-control-regex -- escape sequences are what is being counted */
export function analyseFrames(raw: string): FrameAnalysis {
	const clears = raw.match(/\x1b\[[23]J/g)?.length ?? 0;
	let tallestFrame = 0;
	for (const run of raw.match(/(?:\x1b\[2K\x1b\[1A)+/g) ?? []) tallestFrame = Math.max(tallestFrame, run.length / '\x1b[2K\x1b[1A'.length);
	for (const [, lines] of raw.matchAll(/\x1b\[(\d+)A/g)) tallestFrame = Math.max(tallestFrame, Number(lines) + 1);
	return { clears, tallestFrame };
}
/* eslint-enable no-control-regex */

/** Output lines per second all servers produce in a window, from the transcript's own timing (runs start with the panels). */
function linesPerSecond(window: { delay: number; seconds: number }): number {
	const runSeconds = BOOTSTRAPPER_SECONDS / TIME_SCALE;
	const { lines } = bootstrapperTranscript({
		server: 'x', version: 'Skype for Business Server 2015', installsBackupService: true, outcome: { kind: 'success' }, startedAt: 0, durationMs: 1,
	});
	const inWindow = lines.filter((line) => line.at * runSeconds >= window.delay && line.at * runSeconds < window.delay + window.seconds).length;
	return (inWindow * SERVERS * 2) / window.seconds;
}

/**
 * The wizard with 24 Bootstrapper runs streaming at once in an 80×24 pty: `run --yes` is stopped as step 8
 * starts, then the wizard resumes it with --parallel 12, and its CPU time is read over two windows.
 */
export async function renderCost(runs: number): Promise<Figure[]> {
	const start: number[] = [];
	const streaming: number[] = [];
	const heights: number[] = [];
	const clears: number[] = [];
	const errors = new Set<string>();
	for (let run = 0; run < runs; run++) {
		const state = temporaryDir('render');
		try {
			const scenario = writeBenchScenario(state.dir, 'bench-render', SERVERS, {
				bootstrapperSeconds: BOOTSTRAPPER_SECONDS, cumulativeUpdateSeconds: 60, serviceStartSeconds: 15, notInitializedSeconds: 30, nonSteadySeconds: 60,
			});
			const common = ['--scenario', scenario, '--state-dir', state.dir, '--time-scale', String(TIME_SCALE)];
			await runCli(['run', '--pool', poolFqdn('a'), '--backup', poolFqdn('b'), '--yes', ...common], { stopWhen: (line) => / step 8 /.test(line) });
			const rawOut = path.join(state.dir, 'pty.raw');
			const result = inPty([process.execPath, CLI, '--resume', '--parallel', String(SERVERS), ...common], {
				columns: COLUMNS, rows: ROWS, marker: ' running ', windows: [WINDOWS.start, WINDOWS.streaming], rawOut,
			});
			const [first, then] = result.windows;
			if (result.error || !first || !then) {
				errors.add(result.error ?? 'no CPU reading');
				continue;
			}
			start.push((first.cpuSeconds / first.windowSeconds) * 100);
			streaming.push((then.cpuSeconds / then.windowSeconds) * 100);
			const frames = analyseFrames(readFileSync(rawOut, 'latin1'));
			heights.push(frames.tallestFrame);
			clears.push(frames.clears);
		} finally {
			state.remove();
		}
	}
	const describe = (window: { delay: number; seconds: number }) =>
		`${window.delay}–${window.delay + window.seconds} s after the panels appear, ${Math.round(linesPerSecond(window))} lines/s from 24 servers`;
	const failures = errors.size > 0 ? `; ${[...errors].join('; ')}` : '';
	return [
		figure('render.cpu-start', 'render: CPU as 24 panels start (80×24)', '% core', start, undefined, `${describe(WINDOWS.start)}${failures}`),
		figure('render.cpu', 'render: CPU while 24 panels stream (80×24)', '% core', streaming, { limit: 5, comparison: '<=' }, describe(WINDOWS.streaming)),
		figure('render.tallest-frame', 'render: tallest frame (rows − 1 = 23)', 'rows', heights, { limit: ROWS - 1, comparison: '<=' }),
		figure('render.clears', 'render: full-screen clears', 'count', clears, { limit: 0, comparison: '<=' }),
	];
}
