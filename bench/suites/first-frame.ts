import { buildSync } from 'esbuild';
import path from 'node:path';
import { BUILD_DIR, CLI, ROOT, figure, inPty, temporaryDir, type Figure } from '../support/measure.js';

const MARKER = 'LAB';

/** Cold starts of `sfb-pair --lab` and of a bare one-line Ink app, alternated, in an 80×24 pty. */
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
	const wizard: number[] = [];
	const bare: number[] = [];
	const ratios: number[] = [];
	const errors = new Set<string>();
	const time = (command: string[]) => {
		const result = inPty(command, { columns: 80, rows: 24, marker: MARKER });
		if (result.error) errors.add(result.error);
		return result.firstFrameMs;
	};
	for (let run = 0; run < runs; run++) {
		const state = temporaryDir('first-frame');
		try {
			const ink = time([process.execPath, baseline]);
			const app = time([process.execPath, CLI, '--lab', '--state-dir', state.dir]);
			if (ink !== null && app !== null) {
				bare.push(ink);
				wizard.push(app);
				ratios.push(app / ink);
			}
		} finally {
			state.remove();
		}
	}
	const note = errors.size > 0 ? [...errors].join('; ') : undefined;
	return [
		figure('first-frame.bare-ink', 'first frame: bare Ink app (one line)', 'ms', bare),
		figure('first-frame.wizard', 'first frame: sfb-pair --lab', 'ms', wizard),
		figure('first-frame.ratio', 'first frame: sfb-pair / bare Ink', 'ratio', ratios, { limit: 1.3, comparison: '<=' }, note),
	];
}
