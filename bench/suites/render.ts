import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bootstrapperTranscript } from '../../source/environments/lab/transcripts.js';
import { CLI, figure, inPty, runCli, temporaryDir, type Figure } from '../support/measure.js';
import { poolFqdn, writeBenchScenario } from '../support/scenarios.js';

const COLUMNS = 80;
const ROWS = 24;
const SERVERS = 12;
const TIME_SCALE = 20;
const BOOTSTRAPPER_SECONDS = 150;
const WINDOW = { delay: 1, seconds: 4 };

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

/**
 * The wizard with 24 Bootstrapper runs streaming at once in an 80×24 pty: `run --yes` is stopped as step 8
 * starts, then the wizard resumes it with --parallel 12, and its CPU time is read over a few seconds of streaming.
 */
export async function renderCost(runs: number): Promise<Figure[]> {
	const linesPerRun = bootstrapperTranscript({
		server: 'x', version: 'Skype for Business Server 2015', installsBackupService: true, outcome: { kind: 'success' }, startedAt: 0, durationMs: 1,
	}).lines.length;
	const linesPerSecond = (linesPerRun * SERVERS * 2) / (BOOTSTRAPPER_SECONDS / TIME_SCALE);
	const cpu: number[] = [];
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
				columns: COLUMNS, rows: ROWS, marker: ' running ', window: WINDOW, rawOut,
			});
			if (result.error || result.cpuSeconds === null || result.windowSeconds === null) {
				errors.add(result.error ?? 'no CPU reading');
				continue;
			}
			cpu.push((result.cpuSeconds / result.windowSeconds) * 100);
			const frames = analyseFrames(readFileSync(rawOut, 'latin1'));
			heights.push(frames.tallestFrame);
			clears.push(frames.clears);
		} finally {
			state.remove();
		}
	}
	const note = `${Math.round(linesPerSecond)} lines/s from 24 servers; ${WINDOW.seconds} s window${errors.size > 0 ? `; ${[...errors].join('; ')}` : ''}`;
	return [
		figure('render.cpu', 'render: CPU while 24 panels stream (80×24)', '% core', cpu, { limit: 5, comparison: '<=' }, note),
		figure('render.tallest-frame', 'render: tallest frame (rows − 1 = 23)', 'rows', heights, { limit: ROWS - 1, comparison: '<=' }),
		figure('render.clears', 'render: full-screen clears', 'count', clears, { limit: 0, comparison: '<=' }),
	];
}
