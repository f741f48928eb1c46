import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, figure, runCli, temporaryDir, type Figure } from '../support/measure.js';
import { poolFqdn, writeBenchScenario } from '../support/scenarios.js';

/** Peak RSS of a whole `run --yes` on 2 × 50 servers, read by the process itself at exit. */
export async function memory(runs: number): Promise<Figure[]> {
	const peaks: number[] = [];
	const errors = new Set<string>();
	for (let run = 0; run < runs; run++) {
		const state = temporaryDir('memory');
		try {
			const scenario = writeBenchScenario(state.dir, 'bench-2x50', 50, {
				bootstrapperSeconds: 60, cumulativeUpdateSeconds: 60, serviceStartSeconds: 15, notInitializedSeconds: 30, nonSteadySeconds: 60,
			});
			const rssFile = path.join(state.dir, 'max-rss');
			const result = await runCli(
				['run', '--pool', poolFqdn('a'), '--backup', poolFqdn('b'), '--yes', '--scenario', scenario, '--state-dir', state.dir, '--time-scale', '1000', '--parallel', '5'],
				{ nodeArgs: ['--import', path.join(ROOT, 'bench/support/max-rss.mjs')], env: { SFB_PAIR_BENCH_RSS_FILE: rssFile } },
			);
			if (result.code !== 0) {
				errors.add(`run exited ${result.code}`);
				continue;
			}
			peaks.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
		} finally {
			state.remove();
		}
	}
	return [figure('memory.peak-rss', 'peak RSS, run --yes on 2 × 50 servers', 'MB', peaks, { limit: 150, comparison: '<=' }, errors.size > 0 ? [...errors].join('; ') : undefined)];
}
