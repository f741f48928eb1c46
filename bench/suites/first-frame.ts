import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import path from 'node:path';
import { BUILD_DIR, CLI, ROOT, figure, inPty, temporaryDir, type Figure } from '../support/measure.js';

const MARKER = 'LAB';
const BUNDLE = path.join(ROOT, 'dist/sfb-pair.mjs');

/**
 * Cold starts in an 80×24 pty, alternated within each run: a bare one-line Ink app, `sfb-pair --lab` as
 * installed (the `bin`, dist/cli.js and its chunks) and as the single file of `npm run bundle`.
 */
export function firstFrame(runs: number): Figure[] {
	const baseline = path.join(BUILD_DIR, 'first-frame-baseline.js');
	buildSync({
		entryPoints: [path.join(ROOT, 'bench/support/first-frame-baseline.tsx')],
		bundle: true,
		platform: 'node',
		format: 'esm',
		packages: 'external',
		jsx: 'automatic',
		outfile: baseline,
		logLevel: 'warning',
	});
	execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, stdio: 'ignore' });
	const bare: number[] = [];
	const bin: number[] = [];
	const bundle: number[] = [];
	const binRatios: number[] = [];
	const bundleRatios: number[] = [];
	const errors = new Set<string>();
	const time = (command: string[]) => {
		const result = inPty(command, { columns: 80, rows: 24, marker: MARKER });
		if (result.error) errors.add(result.error);
		return result.firstFrameMs;
	};
	const commands = (stateDir: string) => [[process.execPath, baseline], [process.execPath, CLI, '--lab', '--state-dir', stateDir], [process.execPath, BUNDLE, '--lab', '--state-dir', stateDir]];
	for (let run = 0; run < runs; run++) {
		const state = temporaryDir('first-frame');
		try {
			// Each run starts with the next of the three, so none always starts right after another or first.
			const order = [0, 1, 2].map((offset) => (run + offset) % 3);
			const measured: (number | null)[] = [];
			for (const which of order) measured[which] = time(commands(state.dir)[which]!);
			const [ink, installed, single] = measured;
			if (ink != null && installed != null && single != null) {
				bare.push(ink);
				bin.push(installed);
				bundle.push(single);
				binRatios.push(installed / ink);
				bundleRatios.push(single / ink);
			}
		} finally {
			state.remove();
		}
	}
	const note = errors.size > 0 ? [...errors].join('; ') : undefined;
	return [
		figure('first-frame.bare-ink', 'first frame: bare Ink app (one line)', 'ms', bare),
		figure('first-frame.wizard', 'first frame: sfb-pair --lab (bin)', 'ms', bin),
		figure('first-frame.bundle', 'first frame: sfb-pair --lab (bundle)', 'ms', bundle),
		figure('first-frame.ratio', 'first frame: bin / bare Ink', 'ratio', binRatios, { limit: 1.1, comparison: '<=' }, note),
		figure('first-frame.bundle-ratio', 'first frame: bundle / bare Ink', 'ratio', bundleRatios, { limit: 1.0, comparison: '<=' }),
	];
}
