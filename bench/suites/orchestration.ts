import { bootstrapperTranscript, cumulativeUpdateTranscript } from '../../source/environments/lab/transcripts.js';
import { assignUpgradeDomains } from '../../source/sfb/upgrade-domains.js';
import { figure, runCli, temporaryDir, type Figure } from '../support/measure.js';
import { poolFqdn, writeBenchScenario, type BenchTimings } from '../support/scenarios.js';

const SERVERS = 12;
const TIME_SCALE = 200;
/** Realistic seconds short enough for a quick run, long enough that the overhead is a small part. */
export const TIMINGS: BenchTimings = {
	bootstrapperSeconds: 60,
	cumulativeUpdateSeconds: 60,
	failoverSeconds: 20,
	failbackSeconds: 10,
	serviceStartSeconds: 15,
	notInitializedSeconds: 30,
	nonSteadySeconds: 55,
};
const SERVICE_SETTLE_SECONDS = 20;
const SYNC_POLL_SECONDS = 10;
const STEADY_POLLS = 3;

/** One Bootstrapper run, in realistic seconds, as the lab plays it. */
export function bootstrapperSeconds(timings: BenchTimings): number {
	return timings.bootstrapperSeconds * bootstrapperTranscript({ ...COMMON, installsBackupService: true, outcome: { kind: 'success' }, startedAt: 0, durationMs: 1 }).durationFactor;
}

/** The Cumulative Update with no overhead: two pools one after the other, each domain's failover, installer and failback. */
export function cumulativeUpdateSeconds(timings: BenchTimings, servers: number): number {
	const update = cumulativeUpdateTranscript({ ...COMMON, cumulativeUpdate: 'CU12', backupServiceNeedsUpdate: true }).durationFactor;
	return 2 * assignUpgradeDomains(Array.from({ length: servers }, (_, index) => `s${index}`)).length * ((timings.failoverSeconds ?? 60) + timings.cumulativeUpdateSeconds * update + (timings.failbackSeconds ?? 30));
}

const COMMON = { server: 'x', version: 'Skype for Business Server 2015' as const };

/**
 * Steps 8 to 10 with no overhead, in realistic seconds: Bootstrapper runs each pool's servers one at a time, the pools
 * side by side; the CU goes by upgrade domain, one pool after the other; all services start at once and settle; then
 * the sync is polled from the moment it is requested until `STEADY_POLLS` polls in a row see steady state.
 */
export function idealSeconds(timings: BenchTimings, servers: number): number {
	const firstSteadyPoll = Math.ceil((timings.notInitializedSeconds + timings.nonSteadySeconds) / SYNC_POLL_SECONDS);
	return (
		servers * bootstrapperSeconds(timings) +
		cumulativeUpdateSeconds(timings, servers) +
		timings.serviceStartSeconds +
		SERVICE_SETTLE_SECONDS +
		(firstSteadyPoll + STEADY_POLLS - 1) * SYNC_POLL_SECONDS
	);
}

/**
 * The calls that change the farm one after another on the longest path of steps 8–10: each Bootstrapper run of one
 * pool, each upgrade domain's failover, installer and failback in both pools, the services' start (all at once) and the
 * sync's request. Each waits for the checkpoint and the change record to be on disk before it starts, and the lab's
 * call for its farm file before it returns: costs in real milliseconds that the time scale does not shrink.
 */
export function serialFarmCalls(servers: number): number {
	const domains = assignUpgradeDomains(Array.from({ length: servers }, (_, index) => `s${index}`)).length;
	return servers + 2 * domains * 3 + 1 + 1;
}

/** `run --yes` on 2 × 12 servers: the wall time from "step 8" to "step 10 … done" over the ideal schedule. */
export async function orchestration(runs: number): Promise<Figure[]> {
	const idealMs = (idealSeconds(TIMINGS, SERVERS) * 1000) / TIME_SCALE;
	const walls: number[] = [];
	const ratios: number[] = [];
	const errors = new Set<string>();
	for (let run = 0; run < runs; run++) {
		const state = temporaryDir('orchestration');
		try {
			const scenario = writeBenchScenario(state.dir, 'bench-2x12', SERVERS, TIMINGS);
			const result = await runCli([
				'run', '--pool', poolFqdn('a'), '--backup', poolFqdn('b'), '--yes', '--scenario', scenario, '--state-dir', state.dir,
				'--time-scale', String(TIME_SCALE), '--service-settle', String(SERVICE_SETTLE_SECONDS), '--sync-poll', String(SYNC_POLL_SECONDS),
			]);
			const start = result.lines.find((line) => / step 8 /.test(line.text));
			const end = result.lines.find((line) => / step 10 .*: done/.test(line.text));
			if (result.code !== 0 || !start || !end) {
				errors.add(`run exited ${result.code}: ${result.stderr.trim().split('\n').pop() ?? ''}`);
				continue;
			}
			walls.push(end.at - start.at);
			ratios.push((end.at - start.at) / idealMs);
		} finally {
			state.remove();
		}
	}
	const calls = serialFarmCalls(SERVERS);
	const note = `ideal ${Math.round(idealMs)} ms at time scale ${TIME_SCALE}${errors.size > 0 ? `; ${[...errors].join('; ')}` : ''}`;
	return [
		figure('orchestration.wall', 'steps 8–10 wall time, 2 × 12 servers', 'ms', walls),
		figure('orchestration.ratio', 'steps 8–10: wall / ideal schedule', 'ratio', ratios, { limit: 1.02, comparison: '<=' }, note),
		figure(
			'orchestration.per-call',
			`steps 8–10: (wall − ideal) / ${calls} farm calls in a row`,
			'ms',
			walls.map((wall) => (wall - idealMs) / calls),
			undefined,
			`${calls} calls change the farm one after another on the longest path; at time scale ${TIME_SCALE} each real millisecond they wait is ${TIME_SCALE / 1000} s of the schedule`,
		),
	];
}
