import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { VoiceResiliency } from '../../sfb/model.js';
import { EnvironmentError } from '../port.js';
import { seededGuid, seededRandom } from './random.js';
import type { Scenario } from './scenario.js';

export const FARM_FILE_VERSION = 1;

export type BootstrapperState =
	| { state: 'not-run' }
	| { state: 'running'; runId: string; pid: number; startedAt: number }
	| { state: 'done'; exitCode: number; finishedAt: number }
	| { state: 'failed'; exitCode: number; finishedAt: number }
	| { state: 'interrupted'; startedAt: number };

export interface ServerFarmState {
	bootstrapper: BootstrapperState;
	bootstrapperRuns: number;
	/** Set by a successful Bootstrapper run while the pool was paired: the topology then assigns the Backup Service. */
	backupServiceInstalled: boolean;
	/** The CU was re-applied after the last Bootstrapper run (which puts the Backup Service back to RTM binaries). */
	cuReapplied: boolean;
	lyncBackup: { state: 'Running' | 'Stopped'; startedAt?: number };
}

/** The farm as it stands on disk. Times are the lab clock's milliseconds. */
export interface FarmState {
	version: typeof FARM_FILE_VERSION;
	scenario: string;
	/** The scenario's structure this farm was made from; a changed structure makes the file stale. */
	scenarioFingerprint: string;
	topologySignature: string;
	signatureChanges: number;
	pairings: Record<string, { backup: string; voice: VoiceResiliency }>;
	/** writePairing calls that changed something. */
	pairingWrites: number;
	servers: Record<string, ServerFarmState>;
	/** pool → the times `Invoke-CsBackupServiceSync` was requested for it. */
	syncRequests: Record<string, number[]>;
	/** fault key → how many times the fault has already struck. */
	faultAttempts: Record<string, number>;
	/** The time scale the farm last ran at; later commands without --time-scale keep it, so times stay consistent. */
	timeScale?: number;
}

const LONG_AGO_MS = 24 * 60 * 60 * 1000;
const KEPT_SYNC_REQUESTS = 20;

export function labFarmPath(stateDir: string, scenarioName: string): string {
	return path.join(stateDir, 'lab', `${scenarioName}.farm.json`);
}

/** Forgets the farm's state: the next use starts again from the scenario. */
export async function resetLabFarm(stateDir: string, scenarioName: string): Promise<void> {
	await rm(labFarmPath(stateDir, scenarioName), { force: true });
}

export function topologySignatureFor(scenario: Scenario, change: number): string {
	if (change === 0 && scenario.signature !== undefined) return scenario.signature;
	return seededGuid(seededRandom(scenario.seed, 'topology-signature', change));
}

/** The farm a scenario describes, before anyone has touched it. Pools paired in the scenario are fully in service. */
export function initialFarm(scenario: Scenario, now: number): FarmState {
	const pairings: FarmState['pairings'] = {};
	for (const pairing of scenario.pairings) {
		pairings[pairing.pool] = { backup: pairing.backup, voice: pairing.voice };
		pairings[pairing.backup] = { backup: pairing.pool, voice: pairing.voice };
	}
	const servers: FarmState['servers'] = {};
	const syncRequests: FarmState['syncRequests'] = {};
	const longAgo = now - LONG_AGO_MS;
	for (const pool of scenario.pools) {
		const inService = pool.deployed && pairings[pool.fqdn] !== undefined;
		if (inService) syncRequests[pool.fqdn] = [longAgo];
		for (const server of pool.servers) {
			servers[server] = inService
				? {
						bootstrapper: { state: 'done', exitCode: 0, finishedAt: longAgo },
						bootstrapperRuns: 1,
						backupServiceInstalled: true,
						cuReapplied: true,
						lyncBackup: { state: 'Running', startedAt: longAgo },
					}
				: {
						bootstrapper: { state: 'not-run' },
						bootstrapperRuns: 0,
						backupServiceInstalled: false,
						cuReapplied: false,
						lyncBackup: { state: 'Stopped' },
					};
		}
	}
	return {
		version: FARM_FILE_VERSION,
		scenario: scenario.name,
		scenarioFingerprint: fingerprintOf(scenario),
		topologySignature: topologySignatureFor(scenario, 0),
		signatureChanges: 0,
		pairings,
		pairingWrites: 0,
		servers,
		syncRequests,
		faultAttempts: {},
	};
}

/**
 * Synchronous on purpose: the file is a few kilobytes, and a read-modify-write with no await inside cannot
 * interleave with another run of this process (eight Bootstrapper runs in parallel each record their end).
 */
export function loadFarm(file: string, scenario: Scenario, now: number): FarmState {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw new EnvironmentError('failed', `lab farm ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
		}
		const farm = initialFarm(scenario, now);
		saveFarm(file, farm);
		return farm;
	}
	let farm: FarmState;
	try {
		farm = JSON.parse(text) as FarmState;
	} catch {
		throw new EnvironmentError('failed', `lab farm ${file} is not valid JSON: remove it to start the farm afresh from scenario "${scenario.name}"`);
	}
	if (farm.version !== FARM_FILE_VERSION) {
		throw new EnvironmentError('failed', `lab farm ${file} has format version ${String(farm.version)}, this program reads ${FARM_FILE_VERSION}: remove it to start afresh`);
	}
	if (farm.scenarioFingerprint !== fingerprintOf(scenario)) {
		throw new EnvironmentError(
			'failed',
			`lab farm ${file} was made from a different version of scenario "${scenario.name}" (its pools, sites or pairings changed): remove it to start afresh`,
		);
	}
	return farm;
}

/** Temp file then rename, so a reader in another process sees the old farm or the new one, never half of one. */
export function saveFarm(file: string, farm: FarmState): void {
	mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
	try {
		writeFileSync(temporary, `${JSON.stringify(farm, null, '\t')}\n`, { mode: 0o600 });
		renameSync(temporary, file);
	} catch (error) {
		rmSync(temporary, { force: true });
		throw new EnvironmentError('failed', `lab farm ${file} cannot be written: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
}

export function recordSyncRequest(farm: FarmState, pool: string, now: number): void {
	farm.syncRequests[pool] = [...(farm.syncRequests[pool] ?? []), now].slice(-KEPT_SYNC_REQUESTS);
}

/**
 * A run recorded as `running` whose process is gone, or which this process does not know (it was started by
 * an earlier instance that died), is what a real server is left with: an unfinished run.
 */
export function settleRuns(farm: FarmState, isLive: (run: { runId: string; pid: number }) => boolean): FarmState {
	for (const server of Object.values(farm.servers)) {
		const run = server.bootstrapper;
		if (run.state === 'running' && !isLive(run)) server.bootstrapper = { state: 'interrupted', startedAt: run.startedAt };
	}
	return farm;
}

function fingerprintOf(scenario: Scenario): string {
	const structure = {
		sites: scenario.sites,
		pools: scenario.pools,
		otherClusters: scenario.otherClusters,
		pairings: scenario.pairings,
		signature: scenario.signature,
	};
	return createHash('sha256').update(JSON.stringify(structure)).digest('hex').slice(0, 16);
}

/** The time scale stored in a farm file, if there is a readable one. */
export function storedTimeScale(file: string): number | undefined {
	try {
		const scale = (JSON.parse(readFileSync(file, 'utf8')) as Partial<FarmState>).timeScale;
		return typeof scale === 'number' && scale > 0 ? scale : undefined;
	} catch {
		return undefined;
	}
}
