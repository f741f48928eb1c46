import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, ROOT, figure, inPty, runCli, temporaryDir, type Figure } from '../support/measure.js';
import { poolFqdn, writeBenchScenario } from '../support/scenarios.js';

const SERVERS = 12;
const HOUR = 3600;
/** The first sample, the reference: five minutes into step 8. */
const EARLY_SECONDS = 5 * 60;

/** One sample of bench/support/simulated-day.mjs: the resident set and the heap after full garbage collections. */
interface Sample {
	simulatedSeconds: number;
	frames: number;
	realSeconds: number;
	rss: number;
	heapUsed: number;
}

const megabytes = (bytes: number) => bytes / 1024 / 1024;

/**
 * A working day of step 8 in the wizard, on 2 × 12 servers one at a time per pool (Bootstrapper 40 minutes a
 * server, its output at the transcript's pace), drawn in an 80×24 pty. `run --yes` is stopped as step 8
 * starts; the wizard resumes it at time scale 1 under bench/support/simulated-day.mjs, which runs its clock
 * as fast as the work allows while every screen-clock tick still draws its frame through Ink. The resident set
 * and the heap are read after full garbage collections (see simulated-day.mjs for why), 5 minutes and `hours`
 * hours after the first panel runs.
 */
export async function workingDay(runs: number, hours: number): Promise<Figure[]> {
	const ratios: number[] = [];
	const early: number[] = [];
	const late: number[] = [];
	const heapGrowth: number[] = [];
	const framesPerSecond: number[] = [];
	const realMinutes: number[] = [];
	const errors = new Set<string>();
	const daySeconds = hours * HOUR;
	for (let run = 0; run < runs; run++) {
		const state = temporaryDir('working-day');
		try {
			// A little longer than the day, so step 8 is still running at its last sample.
			const bootstrapperSeconds = Math.ceil((daySeconds + EARLY_SECONDS) / SERVERS) + 60;
			const scenario = writeBenchScenario(state.dir, 'bench-day', SERVERS, {
				bootstrapperSeconds, cumulativeUpdateSeconds: 60, serviceStartSeconds: 15, notInitializedSeconds: 30, nonSteadySeconds: 60,
			});
			const common = ['--scenario', scenario, '--state-dir', state.dir];
			await runCli(['run', '--pool', poolFqdn('a'), '--backup', poolFqdn('b'), '--yes', ...common, '--time-scale', '1000'], { stopWhen: (line) => / step 8 /.test(line) });
			const resultFile = path.join(state.dir, 'day.json');
			const preload = path.join(ROOT, 'bench/support/simulated-day.mjs');
			const result = inPty([process.execPath, '--expose-gc', '--import', preload, CLI, '--resume', ...common, '--time-scale', '1'], {
				columns: 80,
				rows: 24,
				marker: ' running ',
				untilExitWithin: 3600,
				env: {
					...process.env,
					SFB_PAIR_BENCH_DAY_FILE: resultFile,
					SFB_PAIR_BENCH_DAY_SAMPLES: `${EARLY_SECONDS},${daySeconds}`,
				},
			});
			let day: { samples: Sample[]; error?: string };
			try {
				day = JSON.parse(readFileSync(resultFile, 'utf8')) as typeof day;
			} catch {
				errors.add(result.error ?? 'the wizard wrote no result');
				continue;
			}
			const [first, last] = day.samples;
			if (day.error || !first || !last) {
				errors.add(day.error ?? 'fewer samples than asked for');
				continue;
			}
			ratios.push(last.rss / first.rss);
			early.push(megabytes(first.rss));
			late.push(megabytes(last.rss));
			heapGrowth.push(megabytes(last.heapUsed - first.heapUsed));
			framesPerSecond.push((last.frames - first.frames) / (last.simulatedSeconds - first.simulatedSeconds));
			realMinutes.push(last.realSeconds / 60);
		} finally {
			state.remove();
		}
	}
	const failures = errors.size > 0 ? `; ${[...errors].join('; ')}` : '';
	const day = `${hours} h`;
	const list = (values: number[], digits: number) => values.map((value) => value.toFixed(digits)).join(', ');
	return [
		figure('memory-day.rss-early', 'working day: RSS 5 min into step 8', 'MB', early),
		figure('memory-day.rss-late', `working day: RSS ${day} into step 8`, 'MB', late),
		figure('memory-day.heap-growth', `working day: heap after GC, ${day} − 5 min`, 'MB', heapGrowth),
		figure(
			'memory-day.ratio',
			`working day: RSS ${day} / 5 min`,
			'ratio',
			ratios,
			{ limit: 1.1, comparison: '<=' },
			`2 × 12 servers, one at a time per pool, 80×24, read after full garbage collections; ` +
				`${list(framesPerSecond, 2)} writes per simulated second; ${list(realMinutes, 1)} min of real time${failures}`,
		),
	];
}
