import { EnvironmentError, type PoolPatching } from '../environments/port.js';
import type { PatchStage } from '../procedure/state.js';
import { cumulativeUpdateCommand, failBackCommand, failOverCommand, upgradeReadinessCommand } from '../sfb/commands.js';
import { judgeCumulativeUpdate } from '../sfb/cumulative-update.js';
import type { FrontEndPool } from '../sfb/model.js';
import { upgradeDomainsOf, upgradeSchedule, type PoolUpgradeDomains, type ScheduledDomain } from '../sfb/upgrade-domains.js';
import { describeReadiness, domainsNamed, readyForDomain, type PoolUpgradeReadiness } from '../sfb/upgrade-readiness.js';
import { iso, pollInterval, type OperationContext } from './context.js';
import { probe } from './probes.js';
import { TaskFailure, type FleetWork } from './server-fleet.js';

type Servers = { fqdn: string; pool: string }[];

const READINESS_POLL_MS = 30_000;
const READINESS_TIMEOUT_MS = 30 * 60_000;

/** The pool's readiness, asked on one of its Front Ends; a refusal is said as the reason the domain cannot start. */
async function askReadiness(patching: PoolPatching, pool: FrontEndPool): Promise<PoolUpgradeReadiness | { failed: string }> {
	try {
		return await patching.readUpgradeReadiness(pool.fqdn);
	} catch (error) {
		if (!(error instanceof EnvironmentError)) throw error;
		return { failed: `${upgradeReadinessCommand(pool.servers[0] ?? pool.fqdn)} could not be asked: ${error.message}` };
	}
}

/** Each pool's upgrade domains: as its readiness output names them where it can be asked, else the lab's rule [unverified]. */
export async function upgradeDomainsOfPools(patching: PoolPatching | undefined, pools: FrontEndPool[]): Promise<PoolUpgradeDomains[]> {
	const domains = [];
	for (const pool of pools) {
		const readiness = patching ? await askReadiness(patching, pool) : undefined;
		const named = readiness === undefined || 'failed' in readiness ? undefined : domainsNamed(readiness);
		domains.push(upgradeDomainsOf(pool, named && Object.fromEntries(pool.servers.map((server) => [server, named[server.toLowerCase()] ?? ''] as const))));
	}
	return domains;
}

/**
 * The Cumulative Update done the way Microsoft patches a pool: per upgrade domain, once the pool is ready, each server
 * of the domain failed over, updated in silent mode, failed back. The domains come from the pools' readiness output,
 * else the lab's rule. A server found failed over (a run stopped mid-domain) is not failed over again; one already at
 * the CU level is not updated again: each is asked of the farm first.
 */
export async function cumulativeUpdateByDomainsWork(context: OperationContext, patching: PoolPatching, servers: Servers, pools: FrontEndPool[]): Promise<FleetWork> {
	const { session, environment, pacing } = context;
	const domainsOfPools = await upgradeDomainsOfPools(patching, pools);
	const poolByName = new Map(pools.map((pool) => [pool.fqdn, pool]));

	const stage = (server: string, value: PatchStage, onLine: (line: string) => void, command: string) => {
		session.dispatch({ type: 'task-stage', phase: 'cumulative-update', server, stage: value });
		onLine(command);
	};

	return {
		phase: 'cumulative-update',
		servers,
		domains: upgradeSchedule(domainsOfPools, context.cumulativeUpdatePools ?? 'one-after-another'),
		commandFor: (server) => `${failOverCommand(server)}; ${cumulativeUpdateCommand(server)}; ${failBackCommand(server)}`,
		async beforeDomain(domain: ScheduledDomain, signal: AbortSignal) {
			const pool = poolByName.get(domain.pool)!;
			const deadline = Date.now() + (pacing.readinessTimeoutMs ?? READINESS_TIMEOUT_MS);
			let noted = false;
			const ownFailedOver = (await Promise.all(domain.servers.map((server) => patching.isFailedOver(server).catch(() => false)))).filter(Boolean).length;
			for (;;) {
				const readiness = await askReadiness(patching, pool);
				const summary = 'failed' in readiness ? readiness.failed : describeReadiness(readiness);
				const ready = 'failed' in readiness ? undefined : readiness.ready;
				session.dispatch({ type: 'readiness-observed', pool: pool.fqdn, ready, summary });
				if (!('failed' in readiness) && readyForDomain(readiness, ownFailedOver)) return { ready: true };
				if (!noted) {
					context.recorder?.note(`${domain.domain} of ${pool.fqdn} waits: not ready for an upgrade, ${summary}${'raw' in readiness ? ` (${readiness.raw})` : ''}`, iso(Date.now()));
					noted = true;
				}
				if (Date.now() >= deadline) {
					const output = 'raw' in readiness ? `; it said ${readiness.raw}` : '';
					return { ready: false, reason: `${pool.fqdn} is not ready for an upgrade of ${domain.domain} (${domain.servers.join(', ')}): ${summary}${output}` };
				}
				await pacing.sleep(pollInterval(pacing.readinessPollMs ?? READINESS_POLL_MS), signal);
			}
		},
		async run(server, { signal, onLine }) {
			if (!(await patching.isFailedOver(server))) {
				stage(server, 'failover', onLine, failOverCommand(server));
				await patching.failOver(server, { signal, onLine });
			}
			const versions = await environment.readComponentVersions(server);
			const level = judgeCumulativeUpdate(versions.components, versions.source);
			let exitCode: number | undefined;
			if (level.state !== 'done') {
				stage(server, 'install', onLine, cumulativeUpdateCommand(server));
				const outcome = await environment.reapplyCumulativeUpdate(server, { signal, onLine });
				exitCode = outcome.exitCode;
				if (outcome.exitCode !== 0 && !outcome.rebootRequired) {
					throw new TaskFailure(
						`the update installer exited with ${outcome.exitCode}; ${server} is left failed over (its users are on the pool's other servers): fix the installer and retry, or fail it back by hand (${failBackCommand(server)})`,
						outcome.exitCode,
					);
				}
			}
			stage(server, 'failback', onLine, failBackCommand(server));
			await patching.failBack(server, { signal, onLine });
			return exitCode === undefined ? {} : { exitCode };
		},
		verify: (server) => probe(environment, { kind: 'cumulative-update', server }),
		explain: async (server, observation, result) =>
			`the update installer ${result.exitCode === undefined ? 'was not needed' : `exited with ${result.exitCode}`} on ${server}, but ${observation.evidence}`,
	};
}
