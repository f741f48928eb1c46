import { assignUpgradeDomains } from '../../source/sfb/upgrade-domains.js';
import { figure, runCli, temporaryDir, type Figure } from '../support/measure.js';
import { poolFqdn, writeBenchScenario } from '../support/scenarios.js';
import { bootstrapperSeconds, cumulativeUpdateSeconds, TIMINGS } from './orchestration.js';

const SERVERS = 12;
const TIME_SCALE = 100;
/** Within this much of the ideal the lab's upgrade domains allow. */
const SLACK = 1.05;

/** Bootstrapper and the CU of one `run --yes`: from "step 8" to "step CU … done", and Bootstrapper alone. */
async function measure(parallel: string): Promise<{ both: number; bootstrapper: number } | string> {
	const state = temporaryDir('upgrade-domains');
	try {
		const scenario = writeBenchScenario(state.dir, 'bench-domains', SERVERS, TIMINGS);
		const result = await runCli(['run', '--pool', poolFqdn('a'), '--backup', poolFqdn('b'), '--yes', '--scenario', scenario, '--state-dir', state.dir, '--time-scale', String(TIME_SCALE), '--parallel', parallel], {
			stopWhen: (line) => / step CU .*: done/.test(line),
		});
		const start = result.lines.find((line) => / step 8 /.test(line.text));
		const bootstrapped = result.lines.find((line) => / step 8 .*: done/.test(line.text));
		const patched = result.lines.find((line) => / step CU .*: done/.test(line.text));
		if (!start || !bootstrapped || !patched) return `--parallel ${parallel} exited ${result.code}: ${result.stderr.trim().split('\n').pop() ?? ''}`;
		return { both: patched.at - start.at, bootstrapper: bootstrapped.at - start.at };
	} finally {
		state.remove();
	}
}

/**
 * Bootstrapper plus the CU on 2 × 12 servers with `--parallel domain` against one server at a time per pool, as ratios
 * measured side by side: Bootstrapper alone ideally takes domains ÷ servers (8 ÷ 12) of the time, and with the CU
 * (by domain in both runs) the ratio of the two ideal schedules.
 */
export async function upgradeDomainRuns(runs: number): Promise<Figure[]> {
	const domains = assignUpgradeDomains(Array.from({ length: SERVERS }, (_, index) => `s${index}`)).length;
	const bootstrapperIdeal = domains / SERVERS;
	const cu = cumulativeUpdateSeconds(TIMINGS, SERVERS);
	const bothIdeal = (domains * bootstrapperSeconds(TIMINGS) + cu) / (SERVERS * bootstrapperSeconds(TIMINGS) + cu);
	const bothRatios: number[] = [];
	const bootstrapperRatios: number[] = [];
	const walls: number[] = [];
	const errors = new Set<string>();
	for (let run = 0; run < runs; run++) {
		const [byDomain, oneAtATime] = [await measure('domain'), await measure('1')];
		if (typeof byDomain === 'string' || typeof oneAtATime === 'string') {
			for (const error of [byDomain, oneAtATime]) if (typeof error === 'string') errors.add(error);
			continue;
		}
		walls.push(byDomain.both);
		bothRatios.push(byDomain.both / oneAtATime.both);
		bootstrapperRatios.push(byDomain.bootstrapper / oneAtATime.bootstrapper);
	}
	const note = `${domains} upgrade domains in a ${SERVERS}-server pool; ideal ${bootstrapperIdeal.toFixed(3)} for Bootstrapper, ${bothIdeal.toFixed(3)} with the CU; time scale ${TIME_SCALE}${errors.size > 0 ? `; ${[...errors].join('; ')}` : ''}`;
	return [
		figure('domains.wall', 'Bootstrapper + CU wall time, --parallel domain, 2 × 12', 'ms', walls),
		figure('domains.bootstrapper-ratio', 'Bootstrapper: --parallel domain / --parallel 1', 'ratio', bootstrapperRatios, { limit: Number((bootstrapperIdeal * SLACK).toFixed(3)), comparison: '<=' }, note),
		figure('domains.ratio', 'Bootstrapper + CU: --parallel domain / --parallel 1', 'ratio', bothRatios, { limit: Number((bothIdeal * SLACK).toFixed(3)), comparison: '<=' }),
	];
}
