import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { BackupServiceStatus } from '../../sfb/backup-status.js';
import { statusCommand } from '../../sfb/commands.js';
import { isBootstrapperSuccess, BOOTSTRAPPER_REBOOT_REQUIRED } from '../../sfb/bootstrapper.js';
import type { BackEnd, FrontEndPool, PairingRequest, PoolInventory } from '../../sfb/model.js';
import { backEndsOf, renderTopologyDocument, writtenFileStore } from '../../sfb/topology-writer.js';
import {
	BACKUP_SERVICE,
	EnvironmentError,
	FRONT_END_SERVICE,
	type CentralManagementDatabase,
	type AccountFacts,
	type CommandOutcome,
	type PublishReport,
	type ComponentVersions,
	type DatabaseCheck,
	type Environment,
	type PoolPatching,
	type PoolDrill,
	type PoolFailoverOutcome,
	type PoolUsers,
	type PoolUnpairing,
	type ServerRestarting,
	type BackupDataReading,
	type FabricState,
	type ServerFacts,
	type ServerProbeRequest,
	type ReplicaStatus,
	type RunOptions,
	type ServiceStatus,
	type WritePairingOptions,
} from '../port.js';
import { DEFAULT_LAB_TIME_SCALE, systemClock, type Clock } from './clock.js';
import { farmFileAt, type FarmFile } from './farm-file.js';
import { LONG_AGO_MS, labFarmPath, openFarm, recordSyncRequest, saveFarm, settleRuns, topologySignatureFor, type FarmState, type ServerFarmState } from './farm-state.js';
import { checkBounds, TIME_SCALE } from '../../text/bounded-values.js';
import { writePrivateSnapshot } from '../../session/private-fs.js';
import { jitter, seededRandom } from './random.js';
import type { LabFault, Scenario, ScenarioPool } from './scenario.js';
import { crashTime, readLyncBackup, simulateBackupStatus, simulatedComponentVersions, simulatedReplica } from './simulation.js';
import { assignUpgradeDomains } from '../../sfb/upgrade-domains.js';
import type { PoolUpgradeReadiness } from '../../sfb/upgrade-readiness.js';
import { changesSinceLastSync, isSteadyOneWay, labUsersOf, managementFailoverTranscript, poolFailbackTranscript, poolFailoverTranscript, withBacklog } from './lab-drill.js';
import { bootstrapperTranscript, cumulativeUpdateTranscript, failoverTranscript, withServerOutput, type BootstrapperOutcome, type Transcript } from './transcripts.js';

export interface LabEnvironmentOptions {
	/** Where the farm file lives: `<stateDir>/lab/<scenario>.farm.json`. */
	stateDir: string;
	scenario: Scenario;
	clock?: Clock;
	/** How many times faster than the scenario's realistic seconds the farm runs; absent: the farm's own, else 20. */
	timeScale?: number;
}

const TAIL_LINES = 20;

/** Runs of this process still in progress, whichever LabEnvironment instance started them. */
const liveRunIds = new Set<string>();

export async function openLabEnvironment(options: LabEnvironmentOptions): Promise<LabEnvironment> {
	const clock = options.clock ?? systemClock;
	const file = labFarmPath(options.stateDir, options.scenario.name);
	// A lab opened before on the same farm in this process may still be writing it.
	await farmFileAt(file).written();
	const opened = openFarm(file, options.scenario, clock.now());
	const timeScale = options.timeScale ?? opened.farm.timeScale ?? DEFAULT_LAB_TIME_SCALE;
	const scale = checkBounds(timeScale, TIME_SCALE);
	if (!scale.ok) throw new EnvironmentError('failed', `the lab time scale ${scale.reason}`);
	const environment = new LabEnvironment(options.stateDir, options.scenario, clock, timeScale, opened.notice === undefined ? [] : [opened.notice]);
	const farm = environment.readFarm();
	if (farm.timeScale !== timeScale) saveFarm(environment.farmPath, { ...farm, timeScale });
	return environment;
}

/**
 * A simulated Skype for Business farm whose state lives on disk, re-read at every call (farm-file.ts), so a wizard
 * that dies mid-step (or a second process) finds the farm as it was left. Behaviour follows sfb-facts.md.
 */
export class LabEnvironment implements Environment, PoolPatching, PoolDrill, PoolUnpairing {
	readonly kind = 'lab';
	/** The lab runs the update installer itself, domain by domain. */
	readonly patching: PoolPatching = this;
	/** The failover drill: the lab's users sign in to the backup pool and back. */
	readonly restarting: ServerRestarting = this;
	readonly drill: PoolDrill = this;
	readonly unpairing: PoolUnpairing = this;
	readonly description: string;
	readonly farmPath: string;
	private readonly farmFile: FarmFile;

	private readonly poolsByFqdn: Map<string, ScenarioPool>;
	private readonly poolOfServer: Map<string, ScenarioPool>;
	private inventoryReads = 0;
	private backEndsRead: Record<string, BackEnd> | undefined;

	constructor(
		stateDir: string,
		readonly scenario: Scenario,
		private readonly clock: Clock,
		readonly timeScale: number,
		/** What the operator should know about the farm as it was opened (a stale farm set aside). */
		readonly notices: string[] = [],
	) {
		this.description = `LAB · scenario ${scenario.name} · simulated farm`;
		this.farmPath = labFarmPath(stateDir, scenario.name);
		this.farmFile = farmFileAt(this.farmPath);
		this.poolsByFqdn = new Map(scenario.pools.map((pool) => [pool.fqdn, pool]));
		this.poolOfServer = new Map(scenario.pools.flatMap((pool) => pool.servers.map((server) => [server, pool] as const)));
	}

	/** The farm as it stands now; a run whose process is gone reads as `interrupted`. */
	readFarm(): FarmState {
		return settleRuns(this.farmFile.load(this.scenario, this.clock.now()), isLiveRun);
	}

	async readInventory(): Promise<PoolInventory> {
		const farm = this.readFarm();
		const inventory: PoolInventory = {
			topologySignature: farm.topologySignature,
			pools: this.scenario.pools.map((pool) => ({ ...toFrontEndPool(pool), fileStore: writtenFileStore(toFrontEndPool(pool), this.scenario.otherClusters) })),
			pairings: Object.fromEntries(Object.entries(farm.pairings).map(([pool, pairing]) => [pool, pairing.backup])),
			deployed: Object.fromEntries(this.scenario.pools.map((pool) => [pool.fqdn, pool.deployed])),
			backEnds: this.backEnds(),
		};
		// Counted per opened lab, so a `pools` or `plan` run beforehand does not move the moment the fault strikes.
		this.inventoryReads += 1;
		// Someone else publishes between this read and the next: the signature changes once.
		const publish = this.activeFault(farm, (fault) => fault.type === 'topology-changed' && fault.afterInventoryReads === this.inventoryReads);
		if (publish) {
			this.strike(farm, publish);
			changeSignature(farm, this.scenario);
			this.farmFile.save(farm);
			await this.farmFile.written();
		}
		return inventory;
	}

	async snapshotTopology(file: string): Promise<string> {
		return writePrivateSnapshot(path.resolve(file), await this.readTopologyDocument());
	}

	/** The document as published now: the standby Central Management store is in it once the CMS pool's pairing defined one. */
	async readTopologyDocument(): Promise<string> {
		const farm = this.readFarm();
		const host = this.scenario.pools.find((pool) => pool.hostsCentralManagementStore);
		const standby = host && !farm.standbyStoreMissing ? farm.pairings[host.fqdn]?.backup : undefined;
		return this.topologyDocument(farm.topologySignature, standby);
	}

	async writePairing(request: PairingRequest, options: WritePairingOptions = {}): Promise<PublishReport | undefined> {
		const farm = this.readFarm();
		if (options.expectedSignature !== undefined && options.expectedSignature !== farm.topologySignature) {
			throw new EnvironmentError(
				'stale-topology',
				`the topology changed since the plan was made: it was ${options.expectedSignature}, it is now ${farm.topologySignature}; read the topology again and re-check the plan`,
			);
		}
		this.frontEndPool(request.pool);
		this.frontEndPool(request.backup);
		if (request.pool === request.backup) throw new EnvironmentError('failed', `${request.pool} cannot be its own backup pool`);
		for (const [pool, partner] of [
			[request.pool, request.backup],
			[request.backup, request.pool],
		] as const) {
			const current = farm.pairings[pool]?.backup;
			if (current !== undefined && current !== partner) {
				throw new EnvironmentError('failed', `${pool} is already paired with ${current}: a pool pairs with one other pool only (sfb-facts.md §1)`);
			}
		}
		const existing = farm.pairings[request.pool];
		const unchanged = existing?.backup === request.backup && sameVoice(existing.voice, request.voice);
		if (options.whatIf || unchanged) return undefined;

		farm.pairings[request.pool] = { backup: request.backup, voice: { ...request.voice } };
		farm.pairings[request.backup] = { backup: request.pool, voice: { ...request.voice } };
		farm.pairingWrites += 1;
		farm.publishedAt = this.clock.now();
		changeSignature(farm, this.scenario);
		const warnings = this.scenario.faults.flatMap((fault) => {
			if (fault.type !== 'file-share-permissions' || ![request.pool, request.backup].includes(fault.pool) || !this.activeFault(farm, (active) => active === fault)) return [];
			this.strike(farm, fault);
			return [filePermissionsWarning(this.frontEndPool(fault.pool))];
		});
		this.farmFile.save(farm);
		await this.farmFile.written();
		return { warnings };
	}

	async clearPairing(pool: string, partner: string, options: WritePairingOptions = {}): Promise<void> {
		const host = this.scenario.pools.find((each) => each.hostsCentralManagementStore)?.fqdn;
		if (host === pool || host === partner) {
			throw new EnvironmentError('failed', `${host} holds the Central Management store: its pairing (and the standby store) is undone in Topology Builder only`);
		}
		await this.unpair(pool, partner, options);
	}

	async publishUnpairAsTopologyBuilder(pool: string, partner: string): Promise<void> {
		await this.unpair(pool, partner, {});
	}

	/** Both directions gone, the standby store with them (it is defined by the CMS pool's pairing); each keeps the other's data. */
	private async unpair(pool: string, partner: string, options: WritePairingOptions): Promise<void> {
		const farm = this.readFarm();
		if (options.expectedSignature !== undefined && options.expectedSignature !== farm.topologySignature) {
			throw new EnvironmentError(
				'stale-topology',
				`the topology changed since the plan was made: it was ${options.expectedSignature}, it is now ${farm.topologySignature}; read the topology again and re-check the plan`,
			);
		}
		this.frontEndPool(pool);
		this.frontEndPool(partner);
		for (const [one, other] of [
			[pool, partner],
			[partner, pool],
		] as const) {
			const current = farm.pairings[one]?.backup;
			if (current !== undefined && current !== other) throw new EnvironmentError('failed', `${one} is paired with ${current}, not ${other}`);
		}
		if (farm.pairings[pool] === undefined && farm.pairings[partner] === undefined) return;
		delete farm.pairings[pool];
		delete farm.pairings[partner];
		const stale = (farm.staleBackupData ??= {});
		stale[pool] = [...new Set([...(stale[pool] ?? []), partner])];
		stale[partner] = [...new Set([...(stale[partner] ?? []), pool])];
		delete farm.standbyStoreMissing;
		farm.pairingWrites += 1;
		farm.publishedAt = this.clock.now();
		changeSignature(farm, this.scenario);
		this.farmFile.save(farm);
		await this.farmFile.written();
	}

	async removeBackupData(pool: string): Promise<void> {
		this.frontEndPool(pool);
		const farm = this.readFarm();
		const current = farm.pairings[pool]?.backup;
		const stale = farm.staleBackupData?.[pool];
		if (!stale || !farm.staleBackupData) return;
		// As documented: what it removes is the data of pools no longer paired with it; a partner's data stays.
		const kept = stale.filter((each) => each === current);
		if (kept.length === 0) delete farm.staleBackupData[pool];
		else farm.staleBackupData[pool] = kept;
		this.farmFile.save(farm);
		await this.farmFile.written();
	}

	async readBackupData(pool: string): Promise<BackupDataReading> {
		this.frontEndPool(pool);
		const stale = this.readFarm().staleBackupData?.[pool] ?? [];
		return { stalePools: stale, evidence: stale.length === 0 ? `${pool} keeps no user data of a former partner` : `${pool} keeps the user data of ${stale.join(', ')}` };
	}

	async readPairing(pool: string): Promise<string | undefined> {
		this.frontEndPool(pool);
		return this.readFarm().pairings[pool]?.backup;
	}

	async runBootstrapper(server: string, options: RunOptions = {}): Promise<CommandOutcome> {
		const pool = this.deployedPoolOf(server);
		const farm = this.readFarm();
		const unreachable = this.activeFault(farm, (fault) => fault.type === 'unreachable' && fault.server === server && fault.during === 'bootstrapper');
		if (unreachable) {
			this.strike(farm, unreachable);
			this.farmFile.save(farm);
			await this.farmFile.written();
			throw unreachableError(server);
		}
		const current = farm.servers[server]?.bootstrapper;
		if (current?.state === 'running') {
			throw new EnvironmentError('failed', `Bootstrapper is already running on ${server} (started ${new Date(current.startedAt).toISOString()})`);
		}

		const outcome = this.bootstrapperOutcome(farm, server);
		const output = this.activeFault(farm, (fault) => fault.type === 'server-output' && fault.server === server);
		if (output) this.strike(farm, output);
		const runId = randomUUID();
		const startedAt = this.clock.now();
		const serverState = this.serverState(farm, server);
		serverState.bootstrapper = { state: 'running', runId, pid: process.pid, startedAt };
		serverState.bootstrapperRuns += 1;
		// Bootstrapper lays the Backup Service down from RTM binaries: any CU applied before is undone for it.
		serverState.cuReapplied = false;
		// It reads the roles from the server's replica of the topology: one not yet updated by the publish shows none.
		const replicaCurrent = this.replicaOf(farm, server, startedAt).upToDate;
		const installsBackupService = farm.pairings[pool.fqdn] !== undefined && replicaCurrent;
		// Unpaired, and the server's replica says so: the topology assigns it no Backup Service, and Bootstrapper removes it.
		const removesBackupService = farm.pairings[pool.fqdn] === undefined && replicaCurrent;
		this.farmFile.save(farm);
		liveRunIds.add(runId);

		const runs = serverState.bootstrapperRuns;
		const durationMs = this.toWallMs(jitter(seededRandom(this.scenario.seed, 'bootstrapper', server, runs), this.bootstrapperSeconds(server), this.scenario.timings.jitter));
		const transcript = withServerOutput(
			bootstrapperTranscript({ server, version: pool.version, installsBackupService, outcome, startedAt, durationMs }),
			output?.type === 'server-output' ? output.lines : [],
		);
		try {
			const tail = await this.play(transcript, durationMs, options);
			await this.updateServer(server, (state) => {
				if (state.bootstrapper.state !== 'running' || state.bootstrapper.runId !== runId) return;
				const finishedAt = this.clock.now();
				const succeeded = isBootstrapperSuccess(transcript.exitCode);
				state.bootstrapper = { state: succeeded ? 'done' : 'failed', exitCode: transcript.exitCode, finishedAt };
				if (succeeded && installsBackupService) state.backupServiceInstalled = true;
				if (succeeded && removesBackupService) {
					state.backupServiceInstalled = false;
					state.lyncBackup = { state: 'Stopped' };
				}
			});
			return { exitCode: transcript.exitCode, rebootRequired: transcript.exitCode === BOOTSTRAPPER_REBOOT_REQUIRED, tail };
		} catch (error) {
			await this.updateServer(server, (state) => {
				if (state.bootstrapper.state === 'running' && state.bootstrapper.runId === runId) state.bootstrapper = { state: 'interrupted', startedAt };
			});
			throw error;
		} finally {
			liveRunIds.delete(runId);
		}
	}

	async reapplyCumulativeUpdate(server: string, options: RunOptions = {}): Promise<CommandOutcome> {
		const pool = this.deployedPoolOf(server);
		const farm = this.readFarm();
		const state = this.serverState(farm, server);
		const backupServiceNeedsUpdate = state.backupServiceInstalled && !state.cuReapplied && pool.cumulativeUpdate !== 'RTM';
		const missed = backupServiceNeedsUpdate
			? this.activeFault(farm, (fault) => fault.type === 'cumulative-update-not-applied' && fault.server === server)
			: undefined;
		const fails = this.activeFault(farm, (fault) => fault.type === 'cumulative-update-exit' && fault.server === server);
		for (const fault of [missed, fails]) if (fault) this.strike(farm, fault);
		if (missed || fails) this.farmFile.save(farm);
		const transcript = cumulativeUpdateTranscript({
			server,
			version: pool.version,
			cumulativeUpdate: pool.cumulativeUpdate,
			backupServiceNeedsUpdate,
			skipsBackupService: missed !== undefined,
			...(fails?.type === 'cumulative-update-exit' ? { failsWith: fails.exitCode } : {}),
		});
		const random = seededRandom(this.scenario.seed, 'cumulative-update', server, state.bootstrapperRuns);
		const durationMs = this.toWallMs(jitter(random, this.scenario.timings.cumulativeUpdateSeconds, this.scenario.timings.jitter));
		const tail = await this.play(transcript, durationMs, options);
		if (fails) return { exitCode: transcript.exitCode, rebootRequired: false, tail };
		await this.updateServer(server, (updated) => {
			this.keepCrashEvent(updated, this.deployedPoolOf(server));
			if (!missed) updated.cuReapplied = true;
			// The installer stops the services it patches; the operator starts LYNCBACKUP again (step 9).
			updated.lyncBackup = { state: 'Stopped' };
		});
		return { exitCode: transcript.exitCode, rebootRequired: false, tail };
	}

	/**
	 * Ready while every Front End of the pool is active: one failed over or down makes it Busy until it is back. The
	 * lab's rule; what SfB weighs exactly is not documented [unverified]. Each read counts against a `server-down` fault.
	 */
	async readUpgradeReadiness(pool: string): Promise<PoolUpgradeReadiness> {
		const scenarioPool = this.frontEndPool(pool);
		const farm = this.readFarm();
		const down = scenarioPool.servers.filter((server) => {
			const fault = this.activeFault(farm, (candidate) => candidate.type === 'server-down' && candidate.server === server);
			if (fault) this.strike(farm, fault);
			return fault !== undefined;
		});
		if (down.length > 0) this.farmFile.save(farm);
		const inactive = new Set([...down, ...scenarioPool.servers.filter((server) => farm.servers[server]?.failedOver)]);
		const domains = assignUpgradeDomains(scenarioPool.servers).map((domain) => ({ ...domain, ready: domain.servers.every((server) => !inactive.has(server)) }));
		const ready = inactive.size === 0;
		const state = ready ? 'Ready' : down.length > 0 ? 'InsufficientActiveFrontEnds' : 'Busy';
		const raw = JSON.stringify({
			PoolFqdn: pool,
			State: state,
			TotalFrontEnds: scenarioPool.servers.length,
			TotalActiveFrontEnds: scenarioPool.servers.length - inactive.size,
			InactiveFrontEnds: [...inactive],
			UpgradeDomains: domains.map((domain) => ({ UpgradeDomain: domain.name, FrontEnds: domain.servers, ReadyForUpgrade: domain.ready })),
		});
		return { pool, ready, state, frontEnds: scenarioPool.servers.length, activeFrontEnds: scenarioPool.servers.length - inactive.size, domains, raw };
	}

	async failOver(server: string, options: RunOptions = {}): Promise<CommandOutcome> {
		return this.moveUsers(server, 'failover', options);
	}

	async failBack(server: string, options: RunOptions = {}): Promise<CommandOutcome> {
		return this.moveUsers(server, 'failback', options);
	}

	async isFailedOver(server: string): Promise<boolean> {
		this.deployedPoolOf(server);
		const farm = this.readFarm();
		this.throwIfUnreachable(farm, server, 'service');
		this.throwIfRestarting(farm, server);
		return this.serverState(farm, server).failedOver === true;
	}

	/** A server never restarted booted a day before the farm was made. */
	async readBootTime(server: string): Promise<string> {
		this.deployedPoolOf(server);
		const farm = this.readFarm();
		this.throwIfRestarting(farm, server);
		return new Date(this.serverState(farm, server).bootedAt ?? (farm.createdAt ?? 0) - LONG_AGO_MS).toISOString();
	}

	/** Down for the scenario's restartSeconds, then up with that later boot time; with fault `restart-hangs`, down for good. */
	async restart(server: string): Promise<CommandOutcome> {
		this.deployedPoolOf(server);
		const farm = this.readFarm();
		this.throwIfRestarting(farm, server);
		const hangs = this.activeFault(farm, (fault) => fault.type === 'restart-hangs' && fault.server === server);
		if (hangs) this.strike(farm, hangs);
		const state = this.serverState(farm, server);
		state.downUntil = this.clock.now() + this.toWallMs(this.scenario.timings.restartSeconds);
		state.bootedAt = state.downUntil;
		if (hangs) state.hung = true;
		this.farmFile.save(farm);
		await this.farmFile.written();
		return { exitCode: 0, rebootRequired: false, tail: [`Restart-Computer: ${server} is restarting.`] };
	}

	/** While it restarts (or after a restart that hung) a server answers nothing, as over WinRM. */
	private throwIfRestarting(farm: FarmState, server: string): void {
		const state = farm.servers[server];
		if (state?.hung || (state?.downUntil !== undefined && this.clock.now() < state.downUntil)) throw unreachableError(server);
	}

	private async moveUsers(server: string, direction: 'failover' | 'failback', options: RunOptions): Promise<CommandOutcome> {
		this.deployedPoolOf(server);
		this.throwIfUnreachable(this.readFarm(), server, 'service');
		this.throwIfRestarting(this.readFarm(), server);
		const seconds = direction === 'failover' ? this.scenario.timings.failoverSeconds : this.scenario.timings.failbackSeconds;
		const tail = await this.play(failoverTranscript(server, direction), this.toWallMs(seconds), options);
		await this.updateServer(server, (state) => {
			state.failedOver = direction === 'failover';
		});
		return { exitCode: 0, rebootRequired: false, tail };
	}

	async readManagementStorePool(): Promise<string | undefined> {
		const host = this.scenario.pools.find((pool) => pool.hostsCentralManagementStore);
		return this.readFarm().managementStorePool ?? host?.fqdn;
	}

	/** Only to the pool that hosts the store or to the standby its pairing defined (the cmdlet fails over "to the database defined in the Topology Builder"). */
	async failOverManagementStore(toPool: string, options: RunOptions = {}): Promise<CommandOutcome> {
		this.frontEndPool(toPool);
		const host = this.scenario.pools.find((pool) => pool.hostsCentralManagementStore);
		if (!host) throw new EnvironmentError('failed', 'Invoke-CsManagementServerFailover: the topology defines no Central Management store on a Front End pool');
		const farm = this.readFarm();
		const standby = farm.standbyStoreMissing ? undefined : farm.pairings[host.fqdn]?.backup;
		if (toPool !== host.fqdn && toPool !== standby) {
			throw new EnvironmentError('failed', `Invoke-CsManagementServerFailover: no Central Management database is defined on the back end of ${toPool}; the topology defines the store on ${host.fqdn}${standby ? ` and its standby on ${standby}` : ' and no standby'}`);
		}
		const from = farm.managementStorePool ?? host.fqdn;
		if (from === toPool) return { exitCode: 0, rebootRequired: false, tail: [`The Central Management store master is already active on ${toPool}.`] };
		const tail = await this.play(managementFailoverTranscript(from, toPool), this.toWallMs(this.scenario.timings.managementFailoverSeconds), options);
		const after = this.readFarm();
		if (toPool === host.fqdn) delete after.managementStorePool;
		else after.managementStorePool = toPool;
		this.farmFile.save(after);
		await this.farmFile.written();
		return { exitCode: 0, rebootRequired: false, tail };
	}

	/**
	 * Without -DisasterMode the pool is still up, so its latest changes are exported first; the lab refuses that while the
	 * export is not steady (the lab's rule: what the cmdlet checks is not documented [unverified]). With -DisasterMode the
	 * backup's copy is used as it stands: what changed since the last export (fault `stale-sync`) is lost.
	 */
	async failOverPool(pool: string, disasterMode: boolean, options: RunOptions = {}): Promise<PoolFailoverOutcome> {
		this.frontEndPool(pool);
		const farm = this.readFarm();
		const backup = farm.pairings[pool]?.backup;
		if (backup === undefined) throw new EnvironmentError('failed', `Invoke-CsPoolFailOver: ${pool} has no backup pool; pair it first`);
		if (farm.poolFailovers?.[pool]) throw new EnvironmentError('failed', `Invoke-CsPoolFailOver: ${pool} is already failed over to ${backup}`);
		if (farm.poolFailovers?.[backup]) throw new EnvironmentError('failed', `Invoke-CsPoolFailOver: ${backup} is itself failed over to ${pool}; fail it back first`);
		const status = await this.readBackupStatus(pool);
		if (!disasterMode && !isSteadyOneWay(status)) {
			const behind = status.modules.filter((module) => !isSteadyOneWay({ ...status, modules: [module] })).map((module) => `${module.identity} ${module.exportStatus}`);
			throw new EnvironmentError('failed', `Invoke-CsPoolFailOver: the Backup Service of ${pool} is not in steady state (${behind.join(', ')}); wait until Get-CsBackupServiceStatus shows it steady both ways, or use -DisasterMode if the pool is down`);
		}
		const stale = disasterMode ? this.activeFault(this.readFarm(), (fault) => fault.type === 'stale-sync' && fault.pool === pool) : undefined;
		const homed = this.frontEndPool(pool).deployed ? labUsersOf(pool, this.scenario.usersPerPool) : [];
		const lostChanges = stale?.type === 'stale-sync' ? changesSinceLastSync(this.scenario.seed, pool, homed, stale.minutes) : [];
		const tail = await this.play(poolFailoverTranscript(pool, backup, disasterMode, lostChanges.length), this.toWallMs(this.scenario.timings.poolFailoverSeconds), options);
		const after = this.readFarm();
		if (stale) this.strike(after, stale);
		after.poolFailovers = { ...after.poolFailovers, [pool]: { at: this.clock.now(), disasterMode, lostChanges } };
		this.farmFile.save(after);
		await this.farmFile.written();
		return { exitCode: 0, rebootRequired: false, tail, lostChanges };
	}

	/** The users sign in to their pool again; the Backup Service then syncs both ways from scratch, which the drill waits for. */
	async failBackPool(pool: string, options: RunOptions = {}): Promise<CommandOutcome> {
		this.frontEndPool(pool);
		const farm = this.readFarm();
		const backup = farm.pairings[pool]?.backup;
		if (backup === undefined || !farm.poolFailovers?.[pool]) throw new EnvironmentError('failed', `Invoke-CsPoolFailBack: ${pool} is not failed over`);
		const tail = await this.play(poolFailbackTranscript(pool, backup), this.toWallMs(this.scenario.timings.poolFailbackSeconds), options);
		const after = this.readFarm();
		const { [pool]: _failedBack, ...others } = after.poolFailovers ?? {};
		after.poolFailovers = others;
		const now = this.clock.now();
		after.resyncFrom = { ...after.resyncFrom, [pool]: now, [backup]: now };
		this.farmFile.save(after);
		await this.farmFile.written();
		return { exitCode: 0, rebootRequired: false, tail };
	}

	async readPoolUsers(pool: string): Promise<PoolUsers> {
		const scenarioPool = this.frontEndPool(pool);
		const farm = this.readFarm();
		const servedBy = farm.poolFailovers?.[pool] ? farm.pairings[pool]?.backup : pool;
		const users = scenarioPool.deployed ? labUsersOf(pool, this.scenario.usersPerPool).map((sipAddress) => ({ sipAddress, homePool: pool, servedBy })) : [];
		return { pool, users, raw: JSON.stringify(users.map((user) => ({ SipAddress: user.sipAddress, RegistrarPool: user.homePool, ServedBy: user.servedBy }))) };
	}

	async startService(server: string, name: string): Promise<void> {
		const pool = this.deployedPoolOf(server);
		this.checkServiceName(server, name);
		const farm = this.readFarm();
		this.throwIfUnreachable(farm, server, 'service');
		const state = this.serverState(farm, server);
		if (state.bootstrapper.state !== 'done') {
			throw new EnvironmentError(
				'failed',
				`${BACKUP_SERVICE} is not installed on ${server}: Bootstrapper has not completed there (${describeRun(state.bootstrapper.state)}); run Bootstrapper.exe first`,
			);
		}
		if (!state.backupServiceInstalled) {
			throw new EnvironmentError(
				'failed',
				`${BACKUP_SERVICE} is not installed on ${server}: Bootstrapper ran before ${pool.fqdn} was paired; run Bootstrapper.exe again now that the pairing is published`,
			);
		}
		const reading = readLyncBackup(state, pool, this.scenario, this.clock.now(), this.toWallMs);
		if (reading.status.state === 'Running') return;
		if (reading.status.state !== 'StartPending') {
			this.keepCrashEvent(state, pool);
			state.lyncBackup = { state: 'Running', startedAt: this.clock.now() };
			this.farmFile.save(farm);
		}
		const startedAt = state.lyncBackup.startedAt ?? this.clock.now();
		const remaining = startedAt + this.toWallMs(this.scenario.timings.serviceStartSeconds) - this.clock.now();
		await Promise.all([this.farmFile.written(), this.clock.sleep(Math.max(0, remaining))]);
	}

	async readService(server: string, name: string): Promise<ServiceStatus> {
		const pool = this.poolOfServer.get(server);
		if (!pool) throw new EnvironmentError('failed', `${server} is not a Front End server of any pool in the topology`);
		const farm = this.readFarm();
		if (name.toUpperCase() === FRONT_END_SERVICE) {
			this.throwIfUnreachable(farm, server, 'deployment');
			this.throwIfRestarting(farm, server);
			if (!pool.deployed) return { state: 'NotInstalled' };
			// Invoke-CsComputerFailOver stops the Front End service (and disables it) until the failback.
			return { state: farm.servers[server]?.failedOver ? 'Stopped' : 'Running' };
		}
		this.checkServiceName(server, name);
		// As on a real server without Skype for Business Server installed: the service is simply not there.
		if (!pool.deployed) return { state: 'NotInstalled' };
		this.throwIfUnreachable(farm, server, 'service');
		return readLyncBackup(this.serverState(farm, server), pool, this.scenario, this.clock.now(), this.toWallMs).status;
	}

	async readReplication(server: string): Promise<ReplicaStatus> {
		this.deployedPoolOf(server);
		const replica = this.replicaOf(this.readFarm(), server, this.clock.now());
		const lastUpdateCreation = new Date(replica.lastUpdateCreation).toISOString();
		return {
			upToDate: replica.upToDate,
			lastUpdateCreation,
			raw: JSON.stringify({ ReplicaFqdn: server, UpToDate: replica.upToDate, LastUpdateCreation: lastUpdateCreation }),
		};
	}

	async pushReplication(server: string): Promise<void> {
		this.deployedPoolOf(server);
		await this.updateServer(server, (state) => {
			state.replicationPushedAt = this.clock.now();
		});
	}

	async readComponentVersions(server: string): Promise<ComponentVersions> {
		const pool = this.deployedPoolOf(server);
		const farm = this.readFarm();
		this.throwIfUnreachable(farm, server, 'service');
		const components = simulatedComponentVersions(this.serverState(farm, server), pool);
		return { components, source: 'Get-CsServerPatchVersion', raw: JSON.stringify(components) };
	}

	/**
	 * The active store on the back end of the pool that hosts it; once that pool is paired, the standby on its partner's
	 * back end, as publishing the pairing in Topology Builder defines it, unless it was published without one (fault
	 * `no-standby-store`).
	 */
	async readCentralManagementDatabases(): Promise<CentralManagementDatabase[]> {
		const host = this.scenario.pools.find((pool) => pool.hostsCentralManagementStore);
		if (!host) return [];
		const backEnds = this.backEnds();
		const farm = this.readFarm();
		const partner = farm.pairings[host.fqdn]?.backup;
		const pools = partner === undefined || farm.standbyStoreMissing ? [host.fqdn] : [host.fqdn, partner];
		return pools.flatMap((pool) => {
			const backEnd = backEnds[pool];
			if (!backEnd) return [];
			const identity = `CentralMgmtStore:${backEnd.sqlServer}`;
			const database = { identity, sqlServer: backEnd.sqlServer, ...(backEnd.instance ? { instance: backEnd.instance } : {}) };
			return [{ ...database, raw: JSON.stringify({ Identity: identity, PoolFqdn: backEnd.sqlServer, SqlInstanceName: backEnd.instance ?? null }) }];
		});
	}

	/**
	 * The operator's publish in Topology Builder, played by the lab for a training run: the pairing both ways and, where a
	 * pool holds the Central Management store, its standby on the partner's back end, unless the scenario's
	 * `no-standby-store` fault has an attempt left (the operator left the database out).
	 */
	async publishAsTopologyBuilder(request: PairingRequest): Promise<void> {
		await this.writePairing(request);
		const farm = this.readFarm();
		const holdsStore = [request.pool, request.backup].some((fqdn) => this.poolsByFqdn.get(fqdn)?.hostsCentralManagementStore);
		if (!holdsStore) return;
		const forgotten = this.activeFault(farm, (fault) => fault.type === 'no-standby-store');
		if (forgotten) this.strike(farm, forgotten);
		farm.standbyStoreMissing = forgotten !== undefined;
		farm.publishedAt = this.clock.now();
		changeSignature(farm, this.scenario);
		this.farmFile.save(farm);
		await this.farmFile.written();
	}

	async testCentralManagementDatabase(sqlServer: string, instance?: string): Promise<DatabaseCheck> {
		const databases = await this.readCentralManagementDatabases();
		const found = databases.some((database) => database.sqlServer.toLowerCase() === sqlServer.toLowerCase());
		const where = instance ? `${sqlServer}\\${instance}` : sqlServer;
		const detail = found ? `xds on ${where}, installed version matches the expected version` : `no Central Management database (xds) on ${where}`;
		return { succeeded: found, detail, raw: JSON.stringify({ SqlServerFqdn: sqlServer, SqlInstanceName: instance ?? null, DatabaseName: 'xds', Succeed: found }) };
	}

	async startBackupSync(pool: string): Promise<void> {
		this.frontEndPool(pool);
		const farm = this.readFarm();
		if (farm.pairings[pool] === undefined) {
			throw new EnvironmentError('failed', `Invoke-CsBackupServiceSync: ${pool} has no backup pool; publish the pairing first`);
		}
		recordSyncRequest(farm, pool, this.clock.now());
		this.farmFile.save(farm);
		await this.farmFile.written();
	}

	async readBackupStatus(pool: string): Promise<BackupServiceStatus> {
		const scenarioPool = this.frontEndPool(pool);
		const farm = this.readFarm();
		const denied = this.activeFault(farm, (fault) => fault.type === 'status-access-denied' && (fault.pool === undefined || fault.pool === pool));
		if (denied) {
			this.strike(farm, denied);
			this.farmFile.save(farm);
			await this.farmFile.written();
			throw new EnvironmentError(
				'access-denied',
				`${statusCommand(pool)}: access denied; the account running it must be a member of RTCUniversalServerAdmins`,
			);
		}
		const backup = farm.pairings[pool]?.backup;
		const backupPool = backup === undefined ? undefined : this.poolsByFqdn.get(backup);
		if (!backupPool) throw new EnvironmentError('failed', `Get-CsBackupServiceStatus: ${pool} has no backup pool; publish the pairing first`);
		const status = simulateBackupStatus({ scenario: this.scenario, farm, pool: scenarioPool, backupPool, now: this.clock.now(), toWallMs: this.toWallMs });
		const backlog = this.activeFault(farm, (fault) => fault.type === 'sync-backlog' && fault.pool === pool);
		if (!backlog) return status;
		this.strike(farm, backlog);
		this.farmFile.save(farm);
		await this.farmFile.written();
		return withBacklog(status);
	}

	/** Returns once the farm on disk holds every change of this process. */
	async dispose(): Promise<void> {
		await this.farmFile.written();
	}

	private topologyDocument(signature: string, standbyStorePool?: string): string {
		return renderTopologyDocument({
			signature,
			sites: this.scenario.sites,
			pools: this.scenario.pools.map(toFrontEndPool),
			otherClusters: this.scenario.otherClusters,
			...(standbyStorePool === undefined ? {} : { standbyStorePool }),
		});
	}

	/** Where the lab's topology document puts each pool's user store: worked out once, as the scenario never changes it. */
	private backEnds(): Record<string, BackEnd> {
		this.backEndsRead ??= backEndsOf({ pools: this.scenario.pools.map(toFrontEndPool), otherClusters: this.scenario.otherClusters });
		return this.backEndsRead;
	}

	async readAccount(): Promise<AccountFacts> {
		const farm = this.readFarm();
		const faulted = (type: LabFault['type']) => this.activeFault(farm, (fault) => fault.type === type) !== undefined;
		const domain = (this.scenario.pools[0]?.fqdn ?? 'lab.local').split('.').slice(1).join('.') || 'lab.local';
		return {
			user: `${domain.split('.')[0]?.toUpperCase() ?? 'LAB'}\\sfbadmin`,
			rtcUniversalServerAdmins: !faulted('not-rtc-admin'),
			domainAdmins: !faulted('no-setup-rights'),
			elevated: !faulted('not-elevated'),
			groupCount: 14,
		};
	}

	async readSetupPermission(): Promise<boolean> {
		return this.activeFault(this.readFarm(), (fault) => fault.type === 'no-setup-rights') === undefined;
	}

	async probeServer(server: string, request: ServerProbeRequest): Promise<ServerFacts> {
		const pool = this.deployedPoolOf(server);
		const farm = this.readFarm();
		this.throwIfUnreachable(farm, server, 'preflight');
		const faulted = (type: LabFault['type']) => this.activeFault(farm, (fault) => fault.type === type && 'server' in fault && fault.server === server) !== undefined;
		const virtual = pool.platform === 'virtual';
		const doubleHopDenied = faulted('double-hop-denied');
		const [name = server, ...domain] = server.split('.');
		return {
			connectMs: Math.round(jitter(seededRandom(this.scenario.seed, 'winrm', server), 180, 0.4)),
			frontEndService: faulted('front-end-stopped') ? 'Stopped' : 'Running',
			operatingSystem: `Microsoft ${pool.operatingSystem ?? 'Windows Server 2019'} Datacenter`,
			manufacturer: virtual ? 'Microsoft Corporation' : 'Dell Inc.',
			model: virtual ? 'Virtual Machine' : 'PowerEdge R740',
			distinguishedName: `CN=${name.toUpperCase()},OU=Skype Servers,${domain.map((part) => `DC=${part}`).join(',')}`,
			...(request.ownFileStore === undefined
				? {}
				: {
						fileStore: {
							path: request.ownFileStore,
							reachable: !doubleHopDenied,
							detail: doubleHopDenied ? `Access to the path '${request.ownFileStore}' is denied.` : 'listed',
						},
					}),
			...(request.partnerFileStoreHost === undefined ? {} : { partnerFileStore: { host: request.partnerFileStoreHost, open: !faulted('smb-blocked') } }),
		};
	}

	async readPoolFabric(pool: string): Promise<FabricState> {
		this.frontEndPool(pool);
		const fault = this.activeFault(this.readFarm(), (candidate) => candidate.type === 'fabric-missing-replicas' && candidate.pool === pool);
		const count = fault?.type === 'fabric-missing-replicas' ? fault.count : 0;
		const lines = [`Pool Fqdn: ${pool}`, 'Total number of services: 48', `Services with missing replicas: ${count}`];
		return { missing: [{ what: 'Services with missing replicas', count }], raw: lines.join('\n') };
	}

	private readonly toWallMs = (realisticSeconds: number): number => (realisticSeconds * 1000) / this.timeScale;

	private bootstrapperSeconds(server: string): number {
		return this.scenario.timings.bootstrapperSecondsPerServer[server] ?? this.scenario.timings.bootstrapperSeconds;
	}

	/** Which fault, if any, decides this run; each consumes one of its attempts. */
	private bootstrapperOutcome(farm: FarmState, server: string): BootstrapperOutcome {
		const anotherVersion = this.activeFault(farm, (fault) => fault.type === 'another-version-installed' && fault.server === server);
		if (anotherVersion) {
			this.strike(farm, anotherVersion);
			return { kind: 'another-version' };
		}
		const exit = this.activeFault(farm, (fault) => fault.type === 'bootstrapper-exit' && fault.server === server);
		if (exit?.type === 'bootstrapper-exit') {
			this.strike(farm, exit);
			return { kind: 'exit', exitCode: exit.exitCode };
		}
		const reboot = this.activeFault(farm, (fault) => fault.type === 'reboot-required' && fault.server === server);
		if (reboot) {
			this.strike(farm, reboot);
			return { kind: 'reboot-required' };
		}
		return { kind: 'success' };
	}

	/** Plays a transcript over (scaled) time, line by line; returns the last lines. */
	private async play(transcript: Transcript, durationMs: number, options: RunOptions): Promise<string[]> {
		const tail: string[] = [];
		const elapsedMs = durationMs * transcript.durationFactor;
		const startedAt = this.clock.now();
		for (const line of transcript.lines) {
			const due = startedAt + (line.at / transcript.durationFactor) * elapsedMs;
			await this.clock.sleep(Math.max(0, due - this.clock.now()), options.signal);
			tail.push(line.text);
			if (tail.length > TAIL_LINES) tail.shift();
			options.onLine?.(line.text);
		}
		return tail;
	}

	/** Before LYNCBACKUP's current run ends (a new start, the installer stopping it), its Event 4007, if it crashed, stays in the log. */
	private keepCrashEvent(state: ServerFarmState, pool: ScenarioPool): void {
		const crashedAt = crashTime(state, pool, this.scenario, this.toWallMs);
		if (crashedAt !== undefined && crashedAt <= this.clock.now()) state.backupCrashEvents = [...(state.backupCrashEvents ?? []), crashedAt].slice(-10);
	}

	private activeFault(farm: FarmState, matches: (fault: LabFault) => boolean): LabFault | undefined {
		return this.scenario.faults.find((fault) => matches(fault) && (farm.faultAttempts[faultKey(fault)] ?? 0) < attemptsOf(fault));
	}

	private strike(farm: FarmState, fault: LabFault): void {
		const key = faultKey(fault);
		farm.faultAttempts[key] = (farm.faultAttempts[key] ?? 0) + 1;
	}

	private replicaOf(farm: FarmState, server: string, at: number) {
		const faults = this.scenario.faults.filter((fault) => fault.type === 'replica-behind' && fault.server === server);
		const lag = faults.reduce((seconds, fault) => (fault.type === 'replica-behind' ? seconds + fault.seconds : seconds), 0);
		const pushIgnored = faults.some((fault) => fault.type === 'replica-behind' && fault.pushIgnored);
		return simulatedReplica(farm, this.toWallMs(lag), at, pushIgnored ? undefined : farm.servers[server]?.replicationPushedAt);
	}

	private throwIfUnreachable(farm: FarmState, server: string, during: 'service' | 'deployment' | 'preflight'): void {
		const fault = this.activeFault(farm, (candidate) => candidate.type === 'unreachable' && candidate.server === server && candidate.during === during);
		if (!fault) return;
		this.strike(farm, fault);
		this.farmFile.save(farm);
		throw unreachableError(server);
	}

	private async updateServer(server: string, change: (state: FarmState['servers'][string]) => void): Promise<void> {
		const farm = this.readFarm();
		change(this.serverState(farm, server));
		this.farmFile.save(farm);
		await this.farmFile.written();
	}

	private serverState(farm: FarmState, server: string): FarmState['servers'][string] {
		const state = farm.servers[server];
		if (!state) throw new EnvironmentError('failed', `lab farm ${this.farmPath} has no record of ${server}: remove the file to start afresh`);
		return state;
	}

	private frontEndPool(fqdn: string): ScenarioPool {
		const pool = this.poolsByFqdn.get(fqdn);
		if (pool) return pool;
		const other = this.scenario.otherClusters.find((cluster) => cluster.fqdn === fqdn);
		const reason = other ? `it is a ${other.roles.join('/')} cluster, not a Front End pool` : 'no such pool in the topology';
		throw new EnvironmentError('failed', `${fqdn}: ${reason}`);
	}

	private deployedPoolOf(server: string): ScenarioPool {
		const pool = this.poolOfServer.get(server);
		if (!pool) throw new EnvironmentError('failed', `${server} is not a Front End server of any pool in the topology`);
		if (!pool.deployed) {
			throw new EnvironmentError('failed', `${server}: pool ${pool.fqdn} is defined but not deployed, so Skype for Business Server is not installed on it yet`);
		}
		return pool;
	}

	private checkServiceName(server: string, name: string): void {
		if (name.toUpperCase() !== BACKUP_SERVICE) {
			throw new EnvironmentError('failed', `Cannot find any service with service name '${name}' on ${server} (the lab simulates ${BACKUP_SERVICE} and ${FRONT_END_SERVICE} only)`);
		}
	}
}

function toFrontEndPool(pool: ScenarioPool): FrontEndPool {
	return {
		fqdn: pool.fqdn,
		site: pool.site,
		edition: pool.edition,
		version: pool.version,
		servers: [...pool.servers],
		hostsCentralManagementStore: pool.hostsCentralManagementStore,
		...(pool.platform === undefined ? {} : { platform: pool.platform }),
		...(pool.operatingSystem === undefined ? {} : { operatingSystem: pool.operatingSystem }),
	};
}

function changeSignature(farm: FarmState, scenario: Scenario): void {
	farm.signatureChanges += 1;
	farm.topologySignature = topologySignatureFor(scenario, farm.signatureChanges);
}

function sameVoice(left: PairingRequest['voice'], right: PairingRequest['voice']): boolean {
	return left.automaticFailover === right.automaticFailover && left.failoverSeconds === right.failoverSeconds && left.failbackSeconds === right.failbackSeconds;
}

function faultKey(fault: LabFault): string {
	return JSON.stringify(fault);
}

function attemptsOf(fault: LabFault): number {
	return 'attempts' in fault ? fault.attempts : 1;
}

function unreachableError(server: string): EnvironmentError {
	return new EnvironmentError(
		'unreachable',
		`Connecting to remote server ${server} failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer.`,
	);
}

function describeRun(state: FarmState['servers'][string]['bootstrapper']['state']): string {
	return { 'not-run': 'it has not run', running: 'it is still running', done: 'done', failed: 'its last run failed', interrupted: 'its last run was interrupted' }[state];
}

function isLiveRun(run: { runId: string; pid: number }): boolean {
	if (run.pid === process.pid) return liveRunIds.has(run.runId);
	try {
		process.kill(run.pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The lab's wording of Enable-CsTopology's warning (ours: the real wording is [unverified]). */
function filePermissionsWarning(pool: FrontEndPool): string {
	const store = pool.fileStore ?? `\\\\fs.${pool.fqdn.split('.').slice(1).join('.')}\\share`;
	return `Could not set file share permissions on ${store} for ${pool.fqdn}: Access is denied. The RTC service groups may be unable to use the file store.`;
}
