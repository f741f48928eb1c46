import path from 'node:path';
import { writeJson } from './measure.js';

export interface BenchTimings {
	bootstrapperSeconds: number;
	cumulativeUpdateSeconds: number;
	/** Invoke-CsComputerFailOver and Invoke-CsComputerFailBack around each server's installer. */
	failoverSeconds?: number;
	failbackSeconds?: number;
	serviceStartSeconds: number;
	notInitializedSeconds: number;
	nonSteadySeconds: number;
}

export const poolFqdn = (pool: 'a' | 'b') => `pool-${pool}.bench.contoso.com`;

/** Two Enterprise pools of `servers` each, one per site, and the Central Management store's Standard Edition server, with a CU to re-apply and no jitter, so durations are exact. */
export function writeBenchScenario(dir: string, name: string, servers: number, timings: BenchTimings): string {
	const pool = (letter: 'a' | 'b', site: string) => ({
		fqdn: poolFqdn(letter),
		site,
		edition: 'Enterprise',
		version: 'Skype for Business Server 2015',
		servers: Array.from({ length: servers }, (_, index) => `${letter}-fe${String(index + 1).padStart(2, '0')}.bench.contoso.com`),
		platform: 'virtual',
		operatingSystem: 'Windows Server 2016',
		hostsCentralManagementStore: false,
		cumulativeUpdate: 'CU12',
	});
	// As in most farms, the Central Management store is on a pool outside the pair: a pair holding it goes through Topology Builder.
	const store = {
		fqdn: 'cms.bench.contoso.com',
		site: 'Alpha',
		edition: 'Standard',
		version: 'Skype for Business Server 2015',
		servers: ['cms.bench.contoso.com'],
		platform: 'virtual',
		operatingSystem: 'Windows Server 2016',
		hostsCentralManagementStore: true,
		cumulativeUpdate: 'CU12',
	};
	return writeJson(path.join(dir, `${name}.json`), {
		name,
		description: `bench: two pools of ${servers} servers`,
		seed: 7,
		sites: [
			{ id: '1', name: 'Alpha' },
			{ id: '2', name: 'Beta' },
		],
		pools: [pool('a', 'Alpha'), pool('b', 'Beta'), store],
		timings: {
			bootstrapperSeconds: timings.bootstrapperSeconds,
			cumulativeUpdateSeconds: timings.cumulativeUpdateSeconds,
			...(timings.failoverSeconds === undefined ? {} : { failoverSeconds: timings.failoverSeconds }),
			...(timings.failbackSeconds === undefined ? {} : { failbackSeconds: timings.failbackSeconds }),
			serviceStartSeconds: timings.serviceStartSeconds,
			jitter: 0,
			sync: { secondsNotInitialized: timings.notInitializedSeconds, secondsNonSteady: timings.nonSteadySeconds },
		},
	});
}
