import type { BackupModuleStatus, BackupServiceStatus, ExportState } from '../../sfb/backup-status.js';
import { CMS_MASTER_MODULE } from '../../sfb/backup-status.js';
import type { ComponentVersion } from '../../sfb/cumulative-update.js';
import type { ServiceStatus } from '../port.js';
import type { FarmState, ServerFarmState } from './farm-state.js';
import { jitter, seededRandom } from './random.js';
import { backupModulesOf, type Scenario, type ScenarioPool } from './scenario.js';
import { productName, rtmBuilds } from './transcripts.js';

/** Converts the scenario's realistic seconds to the lab clock's milliseconds. */
export type ToWallMs = (realisticSeconds: number) => number;

export const EVENT_4007_DETAIL =
	'Event 4007, LS Backup Service: System.NullReferenceException — the Cumulative Update was not re-applied after Bootstrapper (step 9 of the current deployment article)';

export interface LyncBackupReading {
	status: ServiceStatus;
	/** When the service finished starting, if it is running now. */
	runningSince?: number;
}

/**
 * LYNCBACKUP on one server. Bootstrapper installs it from RTM binaries; on a server with a Cumulative Update
 * that was not re-applied afterwards, it stops with Event 4007 a little after starting (sfb-facts.md §5 and §8: the deployment article's step 9; no public source names the event).
 */
export function readLyncBackup(server: ServerFarmState, pool: ScenarioPool, scenario: Scenario, now: number, toWallMs: ToWallMs): LyncBackupReading {
	if (!server.backupServiceInstalled) return { status: { state: 'NotInstalled' } };
	const { startedAt } = server.lyncBackup;
	// As the live side reads the event log: only an Event 4007 logged since the service was last started counts; with no
	// start known, the newest one does.
	const crashedSince = (since: number | undefined) => (server.backupCrashEvents ?? []).some((at) => since === undefined || at >= since);
	const stopped = (state: 'Stopped' | 'StartPending'): LyncBackupReading => ({ status: { state, ...(crashedSince(startedAt) ? { detail: EVENT_4007_DETAIL } : {}) } });
	if (server.lyncBackup.state === 'Stopped' || startedAt === undefined) return stopped('Stopped');

	const runningSince = startedAt + toWallMs(scenario.timings.serviceStartSeconds);
	if (now < runningSince) return stopped('StartPending');
	const crashAt = crashTime(server, pool, scenario, toWallMs);
	if (crashAt !== undefined && now >= crashAt) return { status: { state: 'Stopped', detail: EVENT_4007_DETAIL } };
	return { status: { state: 'Running' }, runningSince };
}

/** When the current run of LYNCBACKUP stops with Event 4007: a little after it starts, while the CU is not re-applied. */
export function crashTime(server: ServerFarmState, pool: ScenarioPool, scenario: Scenario, toWallMs: ToWallMs): number | undefined {
	const { startedAt } = server.lyncBackup;
	if (server.lyncBackup.state !== 'Running' || startedAt === undefined || pool.cumulativeUpdate === 'RTM' || server.cuReapplied) return undefined;
	return startedAt + toWallMs(scenario.timings.serviceStartSeconds) + toWallMs(scenario.timings.event4007CrashSeconds);
}

/**
 * One direction of the Backup Service, as `Get-CsBackupServiceStatus -PoolFqdn <pool>` reports it
 * (sfb-facts.md §6). Until LYNCBACKUP runs on every server of both pools, nothing has started. After the first
 * sync request, each module's export goes NotInitialized → NonSteadyState → SteadyState or FinalState
 * (chosen by the seed); CentralMgmt.CMSMaster stays NotInitialized on the pool that is not the CMS master.
 */
export function simulateBackupStatus(input: {
	scenario: Scenario;
	farm: FarmState;
	pool: ScenarioPool;
	backupPool: ScenarioPool;
	now: number;
	toWallMs: ToWallMs;
}): BackupServiceStatus {
	const { scenario, farm, pool, backupPool, now, toWallMs } = input;
	const modules = backupModulesOf(pool.version);
	const notInitialized = (identity: string): BackupModuleStatus => ({ identity, exportStatus: 'NotInitialized', importStatus: 'NormalState' });
	const status = (moduleStatuses: BackupModuleStatus[]): BackupServiceStatus => ({ pool: pool.fqdn, backupPool: backupPool.fqdn, modules: moduleStatuses });

	const servicesRunningSince = latestRunningSince([pool, backupPool], farm, scenario, now, toWallMs);
	const firstRequest = Math.min(...(farm.syncRequests[pool.fqdn] ?? []));
	if (servicesRunningSince === undefined || !Number.isFinite(firstRequest)) return status(modules.map(notInitialized));

	// While either pool is failed over, neither exports to the other: the pair is not steady until the failback.
	if (farm.poolFailovers?.[pool.fqdn] || farm.poolFailovers?.[backupPool.fqdn]) {
		return status(modules.map((identity) => (identity === CMS_MASTER_MODULE && !pool.hostsCentralManagementStore ? notInitialized(identity) : { identity, exportStatus: 'NonSteadyState', importStatus: 'NormalState' })));
	}
	const elapsed = now - Math.max(servicesRunningSince, firstRequest, farm.resyncFrom?.[pool.fqdn] ?? -Infinity);
	const slowBy = scenario.faults.reduce((extra, fault) => (fault.type === 'sync-slow' && fault.pool === pool.fqdn ? extra + fault.extraSeconds : extra), 0);
	const failing = new Set(scenario.faults.flatMap((fault) => (fault.type === 'sync-error' && fault.pool === pool.fqdn ? [fault.module] : [])));

	return status(
		modules.map((identity) => {
			if (identity === CMS_MASTER_MODULE && !pool.hostsCentralManagementStore) return notInitialized(identity);
			const random = seededRandom(scenario.seed, 'sync', pool.fqdn, identity);
			const { jitter: spread, sync } = scenario.timings;
			const initializing = toWallMs(jitter(random, sync.secondsNotInitialized, spread));
			const catchingUp = toWallMs(jitter(random, sync.secondsNonSteady, spread) + slowBy);
			const settled: ExportState = random() < 0.5 ? 'FinalState' : 'SteadyState';
			let exportStatus: ExportState;
			if (elapsed < initializing) exportStatus = 'NotInitialized';
			else if (failing.has(identity)) exportStatus = 'ErrorState';
			else if (elapsed < initializing + catchingUp) exportStatus = 'NonSteadyState';
			else exportStatus = settled;
			return { identity, exportStatus, importStatus: 'NormalState' };
		}),
	);
}

function latestRunningSince(pools: ScenarioPool[], farm: FarmState, scenario: Scenario, now: number, toWallMs: ToWallMs): number | undefined {
	let latest = -Infinity;
	for (const pool of pools) {
		for (const server of pool.servers) {
			const state = farm.servers[server];
			const reading = state ? readLyncBackup(state, pool, scenario, now, toWallMs) : undefined;
			if (reading?.runningSince === undefined) return undefined;
			latest = Math.max(latest, reading.runningSince);
		}
	}
	return latest;
}

/**
 * The components `Get-CsServerPatchVersion` lists on one server. The lab's build numbers are its own: the RTM build with
 * the CU's number as the last part (CU15 → 6.0.9319.15), so a trainee can read the level at a glance. Bootstrapper
 * installs the Backup Service at the RTM build; the CU re-applied brings it to the Core Components' build.
 */
export function simulatedComponentVersions(server: ServerFarmState, pool: ScenarioPool): ComponentVersion[] {
	const product = productName(pool.version);
	const rtm = rtmBuilds[pool.version === 'unknown' ? 'Skype for Business Server 2015' : pool.version];
	const update = /^CU(\d+)$/.exec(pool.cumulativeUpdate)?.[1];
	const core = update === undefined ? rtm : rtm.replace(/\.\d+$/, `.${update}`);
	const components = [
		{ name: `${product}, Core Components`, version: core },
		{ name: `${product}, Front End Server`, version: core },
	];
	if (server.backupServiceInstalled) components.push({ name: `${product}, Backup Service`, version: server.cuReapplied ? core : rtm });
	return components;
}

/**
 * The server's replica of the Central Management store: current from the moment of a publish plus the replica's lag
 * (fault `replica-behind`), or from a push made after the publish (`pushedAt`, unless the fault ignores pushes);
 * before that it still holds the update before the publish.
 */
export function simulatedReplica(farm: FarmState, lagMs: number, now: number, pushedAt?: number): { upToDate: boolean; lastUpdateCreation: number } {
	const publishedAt = farm.publishedAt;
	if (publishedAt === undefined) return { upToDate: true, lastUpdateCreation: farm.createdAt ?? now };
	const pushed = pushedAt !== undefined && pushedAt >= publishedAt ? pushedAt : Number.POSITIVE_INFINITY;
	const current = Math.min(publishedAt + lagMs, pushed);
	return now >= current ? { upToDate: true, lastUpdateCreation: current } : { upToDate: false, lastUpdateCreation: farm.createdAt ?? publishedAt };
}
