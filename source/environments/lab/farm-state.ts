import { createHash } from 'node:crypto';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readBoundedFileSync } from '../../session/bounded-read.js';
import { describeFsError, FileProblem, keepAside, privateSubfolder, replaceFileSync } from '../../session/private-fs.js';
import { TIME_SCALE } from '../../text/bounded-values.js';
import { parseJsonText } from '../../text/json-text.js';
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
	/** When LYNCBACKUP logged Event 4007 in earlier runs (the current run's crash is worked out from its start). */
	backupCrashEvents?: number[];
	/** When `Invoke-CsManagementStoreReplication` last pushed the configuration to this server's replica. */
	replicationPushedAt?: number;
	/** Invoke-CsComputerFailOver has run and Invoke-CsComputerFailBack not since: the server takes no users. */
	failedOver?: boolean;
	/** When it last started (Restart-Computer); before any restart, a day before the farm was made. */
	bootedAt?: number;
	/** Restarting: it answers nothing until then (and never, with `hung`). */
	downUntil?: number;
	/** A restart that never came back (fault `restart-hangs`): someone must look at its console. */
	hung?: boolean;
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
	/** When the farm was made from its scenario: the replicas' last update until a pairing is published. */
	createdAt?: number;
	/** When a pairing was last published; each replica catches up from then (fault `replica-behind`). */
	publishedAt?: number;
	/** The pairing of the pool that hosts the Central Management store was published without its standby store (fault `no-standby-store`). */
	standbyStoreMissing?: boolean;
	/** Pools failed over to their backup pool (Invoke-CsPoolFailOver) and not failed back yet. */
	poolFailovers?: Record<string, { at: number; disasterMode: boolean; lostChanges: string[] }>;
	/** The pool whose back end holds the active Central Management store, once Invoke-CsManagementServerFailover moved it. */
	managementStorePool?: string;
	/** pool → when its Backup Service started over after a failback: each direction syncs from scratch from then. */
	resyncFrom?: Record<string, number>;
	/** pool → the former partners whose user data it still keeps after an unpair, until `Remove-CsUserStoreBackupData`. */
	staleBackupData?: Record<string, string[]>;
}

export const LONG_AGO_MS = 24 * 60 * 60 * 1000;
const KEPT_SYNC_REQUESTS = 20;

export function labFarmPath(stateDir: string, scenarioName: string): string {
	return path.join(stateDir, 'lab', `${scenarioName}.farm.json`);
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
		createdAt: now,
		...(scenario.faults.some((fault) => fault.type === 'no-standby-store') ? { standbyStoreMissing: true } : {}),
	};
}

/** A farm file that cannot be used; it has been moved aside, and the message names where. Exit 2, like a damaged session file. */
export class LabFarmDamaged extends Error {
	readonly exitCode = 2;
	constructor(
		message: string,
		readonly movedTo: string,
	) {
		super(message);
		this.name = 'LabFarmDamaged';
	}
}

/** A farm file is a few kilobytes (a 2 × 50 server farm is about 40 kB). */
const MAX_FARM_BYTES = 16 * 1024 * 1024;

const count = { type: 'integer', minimum: 0 };
const instant = { type: 'number' };
/**
 * What a farm file must hold to be used. Fields beyond these are allowed, so a newer sfb-pair's additions do
 * not make the farm unreadable; the fields named here are checked for their types.
 */
const farmSchema = {
	type: 'object',
	required: ['version', 'scenario', 'scenarioFingerprint', 'topologySignature', 'signatureChanges', 'pairings', 'pairingWrites', 'servers', 'syncRequests', 'faultAttempts'],
	properties: {
		version: { const: FARM_FILE_VERSION },
		scenario: { type: 'string' },
		scenarioFingerprint: { type: 'string' },
		topologySignature: { type: 'string' },
		signatureChanges: count,
		pairingWrites: count,
		pairings: {
			type: 'object',
			additionalProperties: {
				type: 'object',
				required: ['backup', 'voice'],
				properties: {
					backup: { type: 'string' },
					voice: {
						type: 'object',
						required: ['automaticFailover', 'failoverSeconds', 'failbackSeconds'],
						properties: { automaticFailover: { type: 'boolean' }, failoverSeconds: count, failbackSeconds: count },
					},
				},
			},
		},
		servers: {
			type: 'object',
			additionalProperties: {
				type: 'object',
				required: ['bootstrapper', 'bootstrapperRuns', 'backupServiceInstalled', 'cuReapplied', 'lyncBackup'],
				properties: {
					bootstrapper: {
						type: 'object',
						required: ['state'],
						properties: {
							state: { enum: ['not-run', 'running', 'done', 'failed', 'interrupted'] },
							runId: { type: 'string' },
							pid: count,
							startedAt: instant,
							finishedAt: instant,
							exitCode: { type: 'integer' },
						},
					},
					bootstrapperRuns: count,
					backupServiceInstalled: { type: 'boolean' },
					cuReapplied: { type: 'boolean' },
					lyncBackup: { type: 'object', required: ['state'], properties: { state: { enum: ['Running', 'Stopped'] }, startedAt: instant } },
					backupCrashEvents: { type: 'array', items: instant },
					failedOver: { type: 'boolean' },
					bootedAt: instant,
					downUntil: instant,
					hung: { type: 'boolean' },
				},
			},
		},
		syncRequests: { type: 'object', additionalProperties: { type: 'array', items: instant } },
		faultAttempts: { type: 'object', additionalProperties: count },
		timeScale: { type: 'number', minimum: TIME_SCALE.min, maximum: TIME_SCALE.max },
		createdAt: instant,
		publishedAt: instant,
		standbyStoreMissing: { type: 'boolean' },
		poolFailovers: {
			type: 'object',
			additionalProperties: {
				type: 'object',
				required: ['at', 'disasterMode', 'lostChanges'],
				properties: { at: instant, disasterMode: { type: 'boolean' }, lostChanges: { type: 'array', items: { type: 'string' } } },
			},
		},
		managementStorePool: { type: 'string' },
		resyncFrom: { type: 'object', additionalProperties: instant },
		staleBackupData: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
	},
};

let validateFarm: ValidateFunction | undefined;

/** Why `data` is not a farm of this program's format, or undefined when it is one. */
function farmProblem(data: unknown): string | undefined {
	if (typeof data === 'object' && data !== null && 'version' in data && data.version !== FARM_FILE_VERSION) {
		return `has format version ${JSON.stringify(data.version)}, and this program reads ${FARM_FILE_VERSION}`;
	}
	validateFarm ??= new Ajv2020({ allErrors: false }).compile(farmSchema);
	if (validateFarm(data)) return undefined;
	const [error] = validateFarm.errors ?? [];
	const at = error?.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : 'the file';
	return `is not a farm file: ${at} ${error?.message ?? 'is not valid'}`;
}

type FarmRead = { kind: 'none' } | { kind: 'farm'; farm: FarmState } | { kind: 'damaged'; reason: string };

/** A folder, a pipe or a device in the farm's place is a FileProblem (exit 2): nothing there can be moved aside safely. */
function readFarmFile(file: string): FarmRead {
	let bytes: Buffer | undefined;
	try {
		bytes = readBoundedFileSync(file, { maxBytes: MAX_FARM_BYTES, what: 'a lab farm file' });
	} catch (error) {
		if (error instanceof FileProblem && error.reason.startsWith('it is a symbolic link')) return { kind: 'damaged', reason: 'is a symbolic link, not a file sfb-pair wrote' };
		if (error instanceof FileProblem && error.reason.includes('over the')) return { kind: 'damaged', reason: error.reason.replace(/^it /, '') };
		throw error;
	}
	if (bytes === undefined) return { kind: 'none' };
	const json = parseJsonText(bytes.toString('utf8'));
	if (!json.ok) return { kind: 'damaged', reason: json.reason };
	const problem = farmProblem(json.value);
	return problem === undefined ? { kind: 'farm', farm: json.value as FarmState } : { kind: 'damaged', reason: problem };
}

function damaged(file: string, reason: string, scenario: Scenario): LabFarmDamaged {
	const movedTo = keepAside(file, 'corrupt');
	return new LabFarmDamaged(
		`the lab farm ${file} could not be read (it ${reason}); it is kept as ${movedTo}: run the command again to start the farm afresh from scenario "${scenario.name}"`,
		movedTo,
	);
}

/**
 * Synchronous on purpose: the file is a few kilobytes, and a read-modify-write with no await inside cannot
 * interleave with another run of this process (eight Bootstrapper runs in parallel each record their end).
 * A damaged file is moved aside and named (LabFarmDamaged), like a damaged session file.
 */
export function loadFarm(file: string, scenario: Scenario, now: number): FarmState {
	const found = readFarmFile(file);
	if (found.kind === 'damaged') throw damaged(file, found.reason, scenario);
	if (found.kind === 'none') {
		const farm = initialFarm(scenario, now);
		saveFarm(file, farm);
		return farm;
	}
	if (found.farm.scenarioFingerprint !== fingerprintOf(scenario)) {
		throw new EnvironmentError('failed', `the lab farm ${file} was replaced while this command ran, by one made from another version of scenario "${scenario.name}": run the command again`);
	}
	return found.farm;
}

/**
 * The farm as a command finds it when it opens the lab. A farm made from another version of the scenario (a
 * trainer edited the scenario file, or a newer sfb-pair changed a built-in one) cannot be used: it is moved
 * aside, named in the notice, and a fresh farm starts from the scenario. Nothing is left to delete by hand.
 */
export function openFarm(file: string, scenario: Scenario, now: number): { farm: FarmState; notice?: string } {
	const found = readFarmFile(file);
	if (found.kind === 'farm' && found.farm.scenarioFingerprint !== fingerprintOf(scenario)) {
		const movedTo = keepAside(file, 'replaced');
		const farm = loadFarm(file, scenario, now);
		return { farm, notice: `the lab farm was made from another version of scenario "${scenario.name}" (its pools, sites or pairings changed): it is kept as ${movedTo}, and a fresh farm starts from the scenario` };
	}
	return { farm: loadFarm(file, scenario, now) };
}

/** Folders already made private by this process: a farm is saved at every step of every server. */
const preparedFolders = new Set<string>();

/** Makes the farm's folder private, once per process. */
export function prepareFarmFolder(file: string): void {
	const folder = path.dirname(file);
	if (preparedFolders.has(folder)) return;
	privateSubfolder(path.dirname(folder), path.basename(folder));
	preparedFolders.add(folder);
}

export function farmText(farm: FarmState): string {
	return `${JSON.stringify(farm, null, '\t')}\n`;
}

/** A failure to write the farm, as the one line every command gives for a file it cannot use (exit 2). */
export function farmWriteProblem(file: string, error: unknown): FileProblem {
	return error instanceof FileProblem ? error : new FileProblem(file, describeFsError(error), { cause: error });
}

/**
 * Temp file then rename, so a reader in another process sees the old farm or the new one, never half of one.
 * Synced: for a farm made or set aside as a command opens the lab; the work itself saves through FarmFile
 * (farm-file.ts), one write per turn of the event loop, not synced.
 */
export function saveFarm(file: string, farm: FarmState): void {
	try {
		prepareFarmFolder(file);
		replaceFileSync(file, farmText(farm));
	} catch (error) {
		throw farmWriteProblem(file, error);
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
