import { createHash } from 'node:crypto';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { readBoundedFileSync } from '../../session/bounded-read.js';
import { parseJsonText } from '../../text/json-text.js';
import type { Edition, Platform, ProductVersion, Site, TopologyDocument, VoiceResiliency } from '../../sfb/model.js';
import { HOST_NAME, isHostName } from '../../sfb/host-name.js';
import { BACKUP_MODULES, HOST_NAME_FORMAT, RGS_MODULE, scenarioSchema, topologyOverlaySchema } from './scenario-schema.js';
import accessDeniedScenario from './scenarios/access-denied.json' with { type: 'json' };
import anotherVersionScenario from './scenarios/another-version.json' with { type: 'json' };
import bootstrapFailureScenario from './scenarios/bootstrap-failure.json' with { type: 'json' };
import restartNeededScenario from './scenarios/restart-needed.json' with { type: 'json' };
import cmsNoStandbyScenario from './scenarios/cms-no-standby.json' with { type: 'json' };
import cmsPairScenario from './scenarios/cms-pair.json' with { type: 'json' };
import cmsStandardPartnerScenario from './scenarios/cms-standard-partner.json' with { type: 'json' };
import cuInstallerFailsScenario from './scenarios/cu-installer-fails.json' with { type: 'json' };
import cuNotReappliedScenario from './scenarios/cu-not-reapplied.json' with { type: 'json' };
import defaultScenario from './scenarios/default.json' with { type: 'json' };
import deploymentUnreachableScenario from './scenarios/deployment-unreachable.json' with { type: 'json' };
import enterpriseHappyScenario from './scenarios/enterprise-happy.json' with { type: 'json' };
import mixedDeploymentScenario from './scenarios/mixed-deployment.json' with { type: 'json' };
import notDeployedScenario from './scenarios/not-deployed.json' with { type: 'json' };
import poolNotReadyScenario from './scenarios/pool-not-ready.json' with { type: 'json' };
import replicaBehindScenario from './scenarios/replica-behind.json' with { type: 'json' };
import serverUnreachableScenario from './scenarios/server-unreachable.json' with { type: 'json' };
import standardEditionScenario from './scenarios/standard-edition.json' with { type: 'json' };
import syncErrorScenario from './scenarios/sync-error.json' with { type: 'json' };
import fileSharePermissionsScenario from './scenarios/file-share-permissions.json' with { type: 'json' };
import syncSlowScenario from './scenarios/sync-slow.json' with { type: 'json' };
import topologyChangedScenario from './scenarios/topology-changed.json' with { type: 'json' };
import preflightBlockedScenario from './scenarios/preflight-blocked.json' with { type: 'json' };
import unpairRepairScenario from './scenarios/unpair-repair.json' with { type: 'json' };
import unsupportedPairsScenario from './scenarios/unsupported-pairs.json' with { type: 'json' };
import drillScenario from './scenarios/drill.json' with { type: 'json' };
import drillNotSteadyScenario from './scenarios/drill-not-steady.json' with { type: 'json' };
import drillStaleSyncScenario from './scenarios/drill-stale-sync.json' with { type: 'json' };

export interface ScenarioPool {
	fqdn: string;
	/** The site's name, as in the topology. */
	site: string;
	edition: Edition;
	version: ProductVersion;
	servers: string[];
	platform?: Platform;
	operatingSystem?: string;
	hostsCentralManagementStore: boolean;
	/** False: defined in the topology but never installed (step 7 of the procedure). */
	deployed: boolean;
	/** "RTM" or "CU<n>": the update the servers run, which Bootstrapper undoes for the Backup Service (sfb-facts.md §5). */
	cumulativeUpdate: string;
}

export interface ScenarioPairing {
	pool: string;
	backup: string;
	voice: VoiceResiliency;
}

export interface LabTimings {
	bootstrapperSeconds: number;
	bootstrapperSecondsPerServer: Record<string, number>;
	cumulativeUpdateSeconds: number;
	serviceStartSeconds: number;
	/** How long LYNCBACKUP runs before Event 4007 stops it when the CU was not re-applied. */
	event4007CrashSeconds: number;
	/** Invoke-CsComputerFailOver until the server's users are moved and its services stopped. */
	failoverSeconds: number;
	/** Invoke-CsComputerFailBack until the server takes users again. */
	failbackSeconds: number;
	/** Restart-Computer until the server answers over WinRM again. */
	restartSeconds: number;
	/** Invoke-CsPoolFailOver until the pool's users can sign in to its backup pool. */
	poolFailoverSeconds: number;
	/** Invoke-CsPoolFailBack until the pool's users sign in to it again. */
	poolFailbackSeconds: number;
	/** Invoke-CsManagementServerFailover until the other store is the active master. */
	managementFailoverSeconds: number;
	/** Each run's duration varies by up to this fraction, from the seeded generator. */
	jitter: number;
	sync: { secondsNotInitialized: number; secondsNonSteady: number };
}

export type LabFault =
	| { type: 'bootstrapper-exit'; server: string; exitCode: number; attempts: number }
	| { type: 'another-version-installed'; server: string; attempts: number }
	| { type: 'unreachable'; server: string; attempts: number; during: 'bootstrapper' | 'service' | 'deployment' | 'preflight' }
	/** `pushIgnored`: Invoke-CsManagementStoreReplication does not bring it up to date either (its replication is broken). */
	| { type: 'replica-behind'; server: string; seconds: number; pushIgnored: boolean }
	| { type: 'reboot-required'; server: string; attempts: number }
	| { type: 'cumulative-update-not-applied'; server: string; attempts: number }
	| { type: 'cumulative-update-exit'; server: string; exitCode: number; attempts: number }
	| { type: 'server-down'; server: string; attempts: number }
	/** Restart-Computer on the server: it goes down and never answers again (someone must look at its console). */
	| { type: 'restart-hangs'; server: string; attempts: number }
	| { type: 'sync-slow'; pool: string; extraSeconds: number }
	| { type: 'sync-error'; pool: string; module: string }
	/** The pool's export reads NonSteadyState (a backlog building) for this many status reads: the pair is not steady yet. */
	| { type: 'sync-backlog'; pool: string; attempts: number }
	/** The pool's last export to its backup was this long ago: a disaster-mode failover loses what its users changed since. */
	| { type: 'stale-sync'; pool: string; minutes: number }
	| { type: 'status-access-denied'; pool?: string; attempts: number }
	| { type: 'topology-changed'; afterInventoryReads: number }
	| { type: 'no-standby-store'; attempts: number }
	/** Enable-CsTopology warns that it could not set the permissions on `pool`'s file store, on each publish while attempts last. */
	| { type: 'file-share-permissions'; pool: string; attempts: number }
	| { type: 'server-output'; server: string; lines: string[]; attempts: number }
	// Pre-flight (sfb-pair doctor): what the account, the network and the pool's fabric can get wrong.
	| { type: 'smb-blocked'; server: string }
	| { type: 'double-hop-denied'; server: string }
	| { type: 'fabric-missing-replicas'; pool: string; count: number }
	| { type: 'front-end-stopped'; server: string }
	| { type: 'not-rtc-admin' }
	| { type: 'not-elevated' }
	| { type: 'no-setup-rights' };

/** A validated scenario: every optional field of the file has its value. */
export interface Scenario {
	name: string;
	description: string;
	seed: number;
	/** The topology Signature the farm starts with; derived from the seed when absent. */
	signature?: string;
	sites: Site[];
	pools: ScenarioPool[];
	otherClusters: { fqdn: string; site: string; roles: string[] }[];
	pairings: ScenarioPairing[];
	/** How many users each Front End pool homes (the drill moves them to the backup pool and back). */
	usersPerPool: number;
	timings: LabTimings;
	faults: LabFault[];
}

type WithOptional<T, K extends PropertyKey> = T extends unknown ? Omit<T, K & keyof T> & Partial<Pick<T, K & keyof T>> : never;

/** What a scenario file may leave out: everything with a default. */
export type ScenarioInput = Omit<Partial<Scenario>, 'pools' | 'timings' | 'pairings' | 'faults'> & {
	faults?: WithOptional<LabFault, 'attempts' | 'during'>[];
	extends?: string;
	pools?: (Pick<ScenarioPool, 'fqdn' | 'site' | 'edition' | 'version' | 'servers'> & Partial<ScenarioPool>)[];
	pairings?: (Omit<ScenarioPairing, 'voice'> & { voice?: VoiceResiliency })[];
	timings?: Partial<Omit<LabTimings, 'sync'>> & { sync?: Partial<LabTimings['sync']> };
};

/** What an exported topology document does not say, for `scenarioFromTopology`. */
export type TopologyOverlay = Omit<ScenarioInput, 'sites' | 'pools' | 'otherClusters' | 'extends'> & {
	pools?: (Pick<ScenarioPool, 'fqdn'> & Partial<Pick<ScenarioPool, 'deployed' | 'cumulativeUpdate' | 'platform' | 'operatingSystem'>>)[];
};

/** A scenario that cannot be used; `message` is one line naming the file and the field. */
export class ScenarioError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ScenarioError';
	}
}

/** In the order `sfb-pair scenarios` lists them: the farm, then the procedure's path from start to finish. */
const builtInScenarios: Record<string, unknown> = {
	default: defaultScenario,
	'enterprise-happy': enterpriseHappyScenario,
	'standard-edition': standardEditionScenario,
	'cms-standard-partner': cmsStandardPartnerScenario,
	'cms-pair': cmsPairScenario,
	'cms-no-standby': cmsNoStandbyScenario,
	'not-deployed': notDeployedScenario,
	'mixed-deployment': mixedDeploymentScenario,
	'unsupported-pairs': unsupportedPairsScenario,
	'deployment-unreachable': deploymentUnreachableScenario,
	'server-unreachable': serverUnreachableScenario,
	'replica-behind': replicaBehindScenario,
	'bootstrap-failure': bootstrapFailureScenario,
	'restart-needed': restartNeededScenario,
	'another-version': anotherVersionScenario,
	'cu-not-reapplied': cuNotReappliedScenario,
	'pool-not-ready': poolNotReadyScenario,
	'cu-installer-fails': cuInstallerFailsScenario,
	'sync-slow': syncSlowScenario,
	'sync-error': syncErrorScenario,
	'file-share-permissions': fileSharePermissionsScenario,
	'access-denied': accessDeniedScenario,
	'topology-changed': topologyChangedScenario,
	'preflight-blocked': preflightBlockedScenario,
	drill: drillScenario,
	'drill-not-steady': drillNotSteadyScenario,
	'drill-stale-sync': drillStaleSyncScenario,
	'unpair-repair': unpairRepairScenario,
};

/** Compiled on first use: compiling costs a noticeable part of start-up, and an overlay is rarely given. */
let ajv: Ajv | undefined;
const compiled = new Map<object, ValidateFunction>();
function validatorFor(schema: object): ValidateFunction {
	ajv ??= new Ajv({ useDefaults: true, discriminator: true, allErrors: false }).addFormat(HOST_NAME_FORMAT, isHostName);
	let validate = compiled.get(schema);
	if (!validate) {
		validate = ajv.compile(schema);
		compiled.set(schema, validate);
	}
	return validate;
}

/** Fields a topology overlay cannot give, because the exported document already holds them. */
const DOCUMENT_FIELDS = new Set(['sites', 'otherClusters', 'site', 'edition', 'version', 'servers', 'hostsCentralManagementStore']);

export function listScenarios(): { name: string; description: string }[] {
	return Object.entries(builtInScenarios).map(([name, raw]) => ({
		name,
		description: String((raw as { description?: unknown }).description ?? ''),
	}));
}

/** A built-in scenario by name, or a scenario JSON file by path. */
export async function loadScenario(nameOrFile: string): Promise<Scenario> {
	const builtIn = builtInScenarios[nameOrFile];
	if (builtIn !== undefined && !looksLikePath(nameOrFile)) return parseScenario(builtIn, `${nameOrFile}.json`);

	if (!looksLikePath(nameOrFile)) {
		const names = Object.keys(builtInScenarios).join(', ');
		throw new ScenarioError(`unknown scenario "${nameOrFile}": the built-in scenarios are ${names}, or give the path of a .json file`);
	}
	const source = path.basename(nameOrFile);
	return parseScenario(await readJsonFile(nameOrFile, source), source);
}

/**
 * The overlay file given with `--topology`: what an exported topology document does not hold (name, seed,
 * pairings, timings, faults, and per pool `deployed`, `cumulativeUpdate`, `platform`, `operatingSystem`).
 * Its shape is checked here; whether its pools and servers exist is checked by `scenarioFromTopology`.
 */
export async function loadTopologyOverlay(file: string): Promise<TopologyOverlay> {
	const source = path.basename(file);
	const candidate = await readJsonFile(file, source);
	const validateOverlayShape = validatorFor(topologyOverlaySchema);
	if (!validateOverlayShape(candidate)) {
		const [error] = validateOverlayShape.errors ?? [];
		throw new ScenarioError(`${source}: ${error ? describeSchemaError(error, 'a topology overlay') : 'is not a valid topology overlay'}`);
	}
	return candidate as TopologyOverlay;
}

/** A scenario is a few kilobytes; a megabyte is far more than any farm a trainer would describe. */
const MAX_SCENARIO_BYTES = 1024 * 1024;

async function readJsonFile(file: string, source: string): Promise<unknown> {
	const bytes = readBoundedFileSync(file, { maxBytes: MAX_SCENARIO_BYTES, what: 'a scenario file', followSymlinks: true });
	if (bytes === undefined) throw new ScenarioError(`${source}: cannot read ${file}: no such file`);
	const json = parseJsonText(bytes.toString('utf8'));
	if (!json.ok) throw new ScenarioError(`${source}: ${json.reason.replace(/^is not valid JSON/, 'not valid JSON')}`);
	return json.value;
}

/** Validates a parsed scenario (built-in or from a file named `source`) and fills in its defaults. */
export function parseScenario(raw: unknown, source: string): Scenario {
	const merged = withBase(raw, source);
	const candidate: unknown = structuredClone(merged);
	const validateShape = validatorFor(scenarioSchema);
	if (!validateShape(candidate)) {
		const [error] = validateShape.errors ?? [];
		throw new ScenarioError(`${source}: ${error ? describeSchemaError(error) : 'is not a valid scenario'}`);
	}
	const { extends: _base, ...scenario } = candidate as unknown as Scenario & { extends?: string };
	const problem = findInconsistency(scenario);
	if (problem) throw new ScenarioError(`${source}: ${problem}`);
	return scenario;
}

/**
 * A scenario from an exported topology document (read from `source`); the overlay (read from `overlaySource`)
 * adds what the document does not hold. Errors name the overlay, which is where a bad reference is written.
 */
export function scenarioFromTopology(document: TopologyDocument, overlay: TopologyOverlay = {}, source = 'topology', overlaySource = source): Scenario {
	const { pools: poolOverlays = [], ...rest } = overlay;
	const known = new Set(document.frontEndPools.map((pool) => pool.fqdn));
	const strayIndex = poolOverlays.findIndex((pool) => !known.has(pool.fqdn));
	if (strayIndex !== -1) {
		throw new ScenarioError(
			`${overlaySource}: pools[${strayIndex}].fqdn "${poolOverlays[strayIndex]?.fqdn}" is not a Front End pool of the topology document${overlaySource === source ? '' : ` ${source}`}`,
		);
	}
	const raw = {
		name: topologyFarmName(document, source),
		description: `Farm built from the exported topology ${source}`,
		seed: 1,
		...(document.signature === undefined ? {} : { signature: document.signature }),
		...rest,
		sites: document.sites,
		pools: document.frontEndPools.map((pool) => ({
			fqdn: pool.fqdn,
			site: pool.site,
			edition: pool.edition,
			version: pool.version,
			servers: pool.servers,
			hostsCentralManagementStore: pool.hostsCentralManagementStore,
			...(pool.platform === undefined ? {} : { platform: pool.platform }),
			...(pool.operatingSystem === undefined ? {} : { operatingSystem: pool.operatingSystem }),
			...withoutFqdn(poolOverlays.find((entry) => entry.fqdn === pool.fqdn)),
		})),
		otherClusters: document.otherClusters.map((cluster) => ({
			...cluster,
			roles: cluster.roles.length > 0 ? cluster.roles : ['unknown'],
		})),
	};
	return parseScenario(raw, overlaySource);
}

/**
 * A lab built from a topology document is named after the file and what the document holds, so each class
 * topology keeps a farm of its own (`lab/topology-contoso-3f2a9c.farm.json`) and loading a second one never
 * meets the first one's farm. An edited document is another farm too; an overlay's own `name` wins.
 */
export function topologyFarmName(document: TopologyDocument, source: string): string {
	const stem = path.basename(source).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40);
	const digest = createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 6);
	return `topology-${stem === '' ? '' : `${stem.replace(/[-.]+$/, '')}-`}${digest}`;
}

/** The Backup Service modules a pool of this version reports. */
export function backupModulesOf(version: ProductVersion): string[] {
	return version === 'Skype for Business Server 2019' ? [...BACKUP_MODULES, RGS_MODULE] : [...BACKUP_MODULES];
}

function withoutFqdn<T extends { fqdn: string }>(entry: T | undefined): Omit<T, 'fqdn'> | Record<string, never> {
	if (!entry) return {};
	const { fqdn: _fqdn, ...rest } = entry;
	return rest;
}

function looksLikePath(nameOrFile: string): boolean {
	return /[\\/]/.test(nameOrFile) || nameOrFile.toLowerCase().endsWith('.json');
}

/** `extends` names a built-in scenario whose fields the file's own fields replace, one top-level field at a time. */
function withBase(raw: unknown, source: string, seen: string[] = []): unknown {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
	const base = (raw as { extends?: unknown }).extends;
	if (typeof base !== 'string') return raw;
	const baseRaw = builtInScenarios[base];
	if (baseRaw === undefined) {
		throw new ScenarioError(`${source}: extends must name a built-in scenario (${Object.keys(builtInScenarios).join(', ')}), not "${base}"`);
	}
	if (seen.includes(base)) throw new ScenarioError(`${source}: extends "${base}" loops back on itself`);
	const { extends: _own, ...own } = raw as Record<string, unknown>;
	return { ...(withBase(baseRaw, source, [...seen, base]) as Record<string, unknown>), ...own };
}

function describeSchemaError(error: ErrorObject, kind: 'a scenario' | 'a topology overlay' = 'a scenario'): string {
	const at = fieldPath(error.instancePath);
	const subject = at === '' ? kind.replace(/^an? /, 'the ') : at;
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'required':
			return `${joinField(at, String(params.missingProperty))} is required`;
		case 'additionalProperties': {
			const field = String(params.additionalProperty);
			const fromDocument = kind === 'a topology overlay' && DOCUMENT_FIELDS.has(field) ? ': the topology document gives it' : '';
			return `${joinField(at, field)} is not a field of ${at === '' ? kind : at}${fromDocument}`;
		}
		case 'enum':
			return `${subject} must be ${alternatives((params.allowedValues as unknown[]).map((value) => JSON.stringify(value)))}`;
		case 'discriminator': {
			const types = (scenarioSchema.properties.faults.items.oneOf as { properties: { type: { const: string } } }[])
				.map((shape) => JSON.stringify(shape.properties.type.const));
			return `${joinField(at, 'type')} must be ${alternatives(types)}`;
		}
		case 'type':
			return `${subject} must be ${article(String(params.type))}`;
		case 'minimum':
			return `${subject} must be at least ${String(params.limit)}`;
		case 'maximum':
			return `${subject} must be at most ${String(params.limit)}`;
		case 'minItems':
			return `${subject} must have at least ${String(params.limit)} ${Number(params.limit) === 1 ? 'entry' : 'entries'}`;
		case 'minLength':
			return `${subject} must not be empty`;
		case 'maxLength':
			return `${subject} must be at most ${String(params.limit)} characters`;
		case 'pattern':
			return `${subject} ${patternHint(at)}`;
		case 'format':
			return `${subject} must be ${HOST_NAME}`;
		case 'not':
			return `${subject} must not be 0 or 3010, which Bootstrapper ends with on success`;
		default:
			return `${subject} ${error.message ?? 'is not valid'}`;
	}
}

function patternHint(at: string): string {
	if (at === 'name') return 'may hold only letters, digits, ".", "_" and "-" (it names the farm file)';
	return 'must be "RTM" or "CU" and a number, e.g. "CU15"';
}

function fieldPath(instancePath: string): string {
	return instancePath
		.split('/')
		.slice(1)
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
		.reduce((joined, part) => (/^\d+$/.test(part) ? `${joined}[${part}]` : joinField(joined, part)), '');
}

function joinField(parent: string, field: string): string {
	const safe = /^[A-Za-z_$][\w$]*$/.test(field) ? field : JSON.stringify(field);
	if (parent === '') return safe;
	return safe.startsWith('"') ? `${parent}[${safe}]` : `${parent}.${safe}`;
}

function alternatives(values: string[]): string {
	if (values.length <= 2) return values.join(' or ');
	return `one of ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function article(type: string): string {
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Cross-field rules a schema cannot say: references between pools, sites, servers and faults. */
function findInconsistency(scenario: Scenario): string | undefined {
	const siteNames = new Set<string>();
	for (const [index, site] of scenario.sites.entries()) {
		if (siteNames.has(site.name)) return `sites[${index}].name "${site.name}" appears twice`;
		if (scenario.sites.findIndex((other) => other.id === site.id) !== index) return `sites[${index}].id "${site.id}" appears twice`;
		siteNames.add(site.name);
	}

	// Host names ignore case: pool01 and POOL01 are one pool, and the second could never be chosen.
	const clusterNames = new Map<string, string>();
	const serverPools = new Map<string, ScenarioPool>();
	const twice = (name: string, earlier: string) => (earlier === name ? 'appears twice' : `is ${earlier} again (host names ignore case)`);
	for (const [index, pool] of scenario.pools.entries()) {
		const at = `pools[${index}]`;
		if (!siteNames.has(pool.site)) return `${at}.site "${pool.site}" is not one of the sites (${[...siteNames].join(', ')})`;
		const earlier = clusterNames.get(pool.fqdn.toLowerCase());
		if (earlier !== undefined) return `${at}.fqdn "${pool.fqdn}" ${twice(pool.fqdn, earlier)}`;
		clusterNames.set(pool.fqdn.toLowerCase(), pool.fqdn);
		if (pool.edition === 'Standard' && pool.servers.length !== 1) return `${at}.servers: a Standard Edition pool is one server, not ${pool.servers.length}`;
		for (const [serverIndex, server] of pool.servers.entries()) {
			const owner = serverPools.get(server.toLowerCase());
			if (owner) {
				const sameName = owner.servers.find((name) => name.toLowerCase() === server.toLowerCase()) ?? server;
				return `${at}.servers[${serverIndex}] "${server}" is already a server of ${owner.fqdn}${sameName === server ? '' : ` (as ${sameName}: host names ignore case)`}`;
			}
			serverPools.set(server.toLowerCase(), pool);
		}
	}
	const cmsHosts = scenario.pools.filter((pool) => pool.hostsCentralManagementStore);
	if (cmsHosts.length > 1) return `only one pool can host the active Central Management store, not ${cmsHosts.map((pool) => pool.fqdn).join(' and ')}`;

	for (const [index, cluster] of scenario.otherClusters.entries()) {
		if (!siteNames.has(cluster.site)) return `otherClusters[${index}].site "${cluster.site}" is not one of the sites`;
		const earlier = clusterNames.get(cluster.fqdn.toLowerCase());
		if (earlier !== undefined) return `otherClusters[${index}].fqdn "${cluster.fqdn}" ${twice(cluster.fqdn, earlier)}`;
		clusterNames.set(cluster.fqdn.toLowerCase(), cluster.fqdn);
	}

	const poolNames = new Set(scenario.pools.map((pool) => pool.fqdn));
	const paired = new Set<string>();
	for (const [index, pairing] of scenario.pairings.entries()) {
		for (const field of ['pool', 'backup'] as const) {
			const fqdn = pairing[field];
			if (!poolNames.has(fqdn)) return `pairings[${index}].${field} "${fqdn}" is not one of the pools`;
			if (paired.has(fqdn)) return `pairings[${index}].${field} "${fqdn}" is already paired: a pool pairs with one other pool only`;
		}
		if (pairing.pool === pairing.backup) return `pairings[${index}] pairs ${pairing.pool} with itself`;
		paired.add(pairing.pool).add(pairing.backup);
	}

	const isServer = (name: string) => scenario.pools.some((pool) => pool.servers.includes(name));
	for (const server of Object.keys(scenario.timings.bootstrapperSecondsPerServer)) {
		if (!isServer(server)) return `timings.bootstrapperSecondsPerServer names "${server}", which is not a Front End server of any pool`;
	}

	for (const [index, fault] of scenario.faults.entries()) {
		const at = `faults[${index}]`;
		if ('server' in fault && !isServer(fault.server)) return `${at}.server "${fault.server}" is not a Front End server of any pool`;
		if ('pool' in fault && fault.pool !== undefined && !poolNames.has(fault.pool)) return `${at}.pool "${fault.pool}" is not one of the pools`;
		if (fault.type === 'sync-error') {
			const pool = scenario.pools.find((entry) => entry.fqdn === fault.pool);
			if (pool && !backupModulesOf(pool.version).includes(fault.module)) {
				return `${at}.module ${fault.module} is reported only by Skype for Business Server 2019 pools, and ${pool.fqdn} is ${pool.version}`;
			}
		}
	}
	return undefined;
}
