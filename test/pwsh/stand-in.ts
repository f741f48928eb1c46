import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoOperator } from '../../source/cli/auto-operator.js';
import { driveProcedure, type DriveOptions, type DriveResult } from '../../source/cli/procedure-driver.js';
import type { Environment } from '../../source/environments/port.js';
import { findSessions } from '../../source/session/session-files.js';
import type { BackEnd, FrontEndPool, Site } from '../../source/sfb/model.js';
import { readTopologyDocument } from '../../source/sfb/topology-reader.js';
import { renderTopologyDocument } from '../../source/sfb/topology-writer.js';
import { DEFAULT_VOICE } from '../../source/sfb/voice-resiliency.js';

/** The folder that holds the stand-in SkypeForBusiness module, for PSModulePath. */
export const STAND_IN_MODULES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'modules');

export const SITES: Site[] = [
	{ id: '1', name: 'Contoso Seattle' },
	{ id: '2', name: 'Contoso Dublin' },
];

export const POOL_A: FrontEndPool = {
	fqdn: 'pool01.contoso.com',
	site: 'Contoso Seattle',
	edition: 'Enterprise',
	version: 'Skype for Business Server 2015',
	servers: ['sea-fe01.contoso.com', 'sea-fe02.contoso.com', 'sea-fe03.contoso.com'],
	// The store is elsewhere unless a test asks for it here (createStandInFarm's centralManagementStore): a pair that
	// holds it is paired in Topology Builder only.
	hostsCentralManagementStore: false,
};

export const POOL_B: FrontEndPool = {
	fqdn: 'pool02.contoso.com',
	site: 'Contoso Dublin',
	edition: 'Enterprise',
	version: 'Skype for Business Server 2015',
	servers: ['dub-fe01.contoso.com', 'dub-fe02.contoso.com', 'dub-fe03.contoso.com'],
	hostsCentralManagementStore: false,
};

export const BOOTSTRAPPER_ON_D = 'D:\\Program Files\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe';

export interface StandInServer {
	reachable: boolean;
	remotingAccessDenied: boolean;
	drives: string[];
	/** Where Bootstrapper.exe is on this server; null when the product is not installed. */
	bootstrapperPath: string | null;
	bootstrapper: { exitCodes: number[]; runs: number; lineDelayMs: number; failureLines: string[] };
	/** Windows service name → status; a service that is absent is not installed. */
	services: Record<string, string>;
	cuReapplied: boolean;
	/** The build of the server's Core Components (ours): the level the CU brings the Backup Service to. */
	coreVersion: string;
	/** The server has Get-CsServerPatchVersion (ours: SfB 2015 from its November 2015 CU); without it, the registry is read. */
	patchVersionCmdlet: boolean;
	/** How long after a publish this server's replica of the Central Management store is up to date (ours). */
	replicaLagMs: number;
	/** Invoke-CsManagementStoreReplication does not bring this replica up to date (ours: its replication is broken). */
	replicaPushIgnored?: boolean;
	/** When Invoke-CsManagementStoreReplication last pushed to this replica (ours). */
	replicationPushedAt?: number;
	backupCrashAt: number | null;
	events: { providerName: string; id: number; time: string; message: string }[];
	// Pre-flight (sfb-pair doctor), each absent by default: what CIM, the registry and the network say on the server.
	operatingSystem?: string;
	manufacturer?: string;
	model?: string;
	distinguishedName?: string;
	/** Its remote session is refused the file store (the Kerberos double hop). */
	doubleHopDenied?: boolean;
	/** TCP 445 to the partner pool's file store is closed. */
	smbBlocked?: boolean;
	/** Win32_Service RTCSRV's PathName (ours); absent: derived from bootstrapperPath, as the product lays its folders out. */
	frontEndServicePath?: string | null;
	/** A service started here reads StartPending until the test says otherwise (ours). */
	startPending?: boolean;
	// Patching a pool (issue 14), each absent by default.
	/** Invoke-CsComputerFailOver stopped and disabled its services, and Invoke-CsComputerFailBack has not undone it. */
	failedOver?: boolean;
	/** The fault: it counts as an inactive Front End, so its pool's PoolUpgradeState is InsufficientActiveFrontEnds. */
	frontEndDown?: boolean;
	/** Its session is refused the installer's share (the Kerberos double hop). */
	shareDenied?: boolean;
	/** The update installer's exit code for each run, the last repeated (default 0), and how many runs it had. */
	installer?: { exitCodes: number[]; runs: number };
	// Restarting a held server (issue 13), each absent by default.
	/** Win32_OperatingSystem.LastBootUpTime in ms (absent: 1 January 2020). */
	lastBootUpTime?: number;
	/** Restart-Computer took it down: it answers nothing until then. */
	downUntil?: number;
	/** The fault: a restart takes it down for good. */
	restartNeverReturns?: boolean;
	/** How many times Restart-Computer restarted it. */
	restarts?: number;
}

export interface StandInRegistrar {
	backupRegistrar: string | null;
	enableAutomaticFailover: boolean;
	failureDetectionInterval: string;
	failbackDetectionInterval: string;
	isDirector: boolean;
}

export interface StandInState {
	topologyFile: string;
	signature: string;
	enabledSignature: string;
	/** When the farm was made: its replicas' last update before any publish (ours). */
	createdAt: number;
	/** When a pairing was last written (ours): each replica is current from then plus its lag. */
	publishedAt: number | null;
	registrars: Record<string, StandInRegistrar>;
	backupRegistrarShape: 'string' | 'object';
	/** 'unrecognised' answers with an object that names no backup pool. */
	relationshipShape: 'object' | 'string' | 'unrecognised';
	cmsPool: string;
	/** Each pool's back end, as the topology document names it (ours: where the stand-in keeps its CMS databases). */
	backEnds: Record<string, BackEnd>;
	/** The fault: the pairing of the CMS pool was published without its standby store (ours). */
	standbyStoreMissing: boolean;
	pools: Record<string, string[]>;
	servers: Record<string, StandInServer>;
	crashAfterMs: number;
	syncRequestedAt: Record<string, number>;
	syncSettleMs: number;
	deniedCmdlets: string[];
	missingCmdlets: string[];
	slowCmdlets: Record<string, number>;
	/** Connections asked for per server (ours): a New-PSSession, a one-off Invoke-Command -ComputerName or a cmdlet's -ComputerName. */
	connections: Record<string, number>;
	/** How long each call that opens connections waits, as a Kerberos handshake does on a real network (ours). */
	connectionDelayMs: number;
	/** Calls that opened connections, each waiting connectionDelayMs once: more than one per run means some were opened one after another (ours). */
	handshakeWaits: number;
	/** Remove-PSSession calls per server (ours). */
	closedSessions: Record<string, number>;
	/** Servers whose open session breaks the next time it is used, once each (ours). */
	breakSessions: string[];
	/** Pre-flight (sfb-pair doctor): the jump box's token (each false fails its check) and Test-CsSetupPermission's answer. */
	account?: { user?: string; rtcUniversalServerAdmins?: boolean; domainAdmins?: boolean; elevated?: boolean; setupPermission?: boolean };
	/** Enable-CsTopology's warnings, written to its warning stream and its -Report file (ours; fault). */
	publishWarnings?: string[];
	/** Pre-flight: services missing a replica per pool, in Get-CsPoolFabricState's output (ours). */
	fabricMissing?: Record<string, number>;
	/** Patching (ours): a UNC share root → the local folder that holds its files. */
	shares?: Record<string, string>;
	/** Patching (ours): every failover, installer run and failback, in the order they happened. */
	patchingLog?: { action: 'failover' | 'install' | 'failback' | 'restart'; server: string; at: number }[];
	/** How long Restart-Computer keeps a server down (ours; default 300 ms). */
	restartDelayMs?: number;
	/** Drill (ours): pools failed over (pool → backup), the pool whose store is active after a store failover, users per pool (3 when absent). */
	failedOver?: Record<string, string>;
	activeCmsPool?: string;
	usersPerPool?: number;
	/** Unpair: pool → the former partners whose user data it keeps until Remove-CsUserStoreBackupData (ours). */
	staleBackupData?: Record<string, string[]>;
	/** The most recent cmdlet calls, with the PowerShell process that made each. */
	calls: { cmdlet: string; at: number; pid?: number; parameters: Record<string, unknown> }[];
}

export interface StandInFarm {
	dir: string;
	statePath: string;
	read(): StandInState;
	update(change: (state: StandInState) => void): void;
	/**
	 * What the operator does in Topology Builder (ours): pairs POOL_A and POOL_B both ways and publishes; the topology
	 * document then holds the standby Central Management store on POOL_B's back end, unless standbyStoreMissing.
	 */
	publishInTopologyBuilder(): void;
	/** What the operator does by hand on each server: run the CU installer, so the Backup Service stops crashing. */
	reapplyCumulativeUpdate(servers: string[]): void;
	remove(): void;
}

export function standInServer(overrides: Partial<StandInServer> = {}): StandInServer {
	return {
		reachable: true,
		remotingAccessDenied: false,
		drives: ['C:', 'D:'],
		bootstrapperPath: BOOTSTRAPPER_ON_D,
		bootstrapper: { exitCodes: [0], runs: 0, lineDelayMs: 15, failureLines: [] },
		services: { RTCSRV: 'Running' },
		cuReapplied: true,
		coreVersion: '6.0.9319.534',
		patchVersionCmdlet: true,
		replicaLagMs: 0,
		backupCrashAt: null,
		events: [],
		...overrides,
	};
}

/**
 * A two-pool farm on disk, unpaired and deployed; `customise` adjusts the state before it is written. With
 * `centralManagementStore`, POOL_A hosts the Central Management store (else no pool of the topology does).
 */
export function createStandInFarm(customise: (state: StandInState) => void = () => undefined, options: { centralManagementStore?: boolean } = {}): StandInFarm {
	const dir = mkdtempSync(path.join(tmpdir(), 'sfb-standin-'));
	const statePath = path.join(dir, 'farm.json');
	const pools = [{ ...POOL_A, hostsCentralManagementStore: options.centralManagementStore === true }, POOL_B];
	const signature = '5f0c8e42-9a1d-4b7e-8c3f-2d6a1e9b7c40';
	const topology = renderTopologyDocument({ signature, sites: SITES, pools });
	writeFileSync(path.join(dir, 'topology.xml'), topology);

	const unpaired = (): StandInRegistrar => ({
		backupRegistrar: null,
		enableAutomaticFailover: false,
		failureDetectionInterval: '00:05:00',
		failbackDetectionInterval: '00:10:00',
		isDirector: false,
	});
	const state: StandInState = {
		topologyFile: 'topology.xml',
		signature,
		enabledSignature: signature,
		createdAt: Date.now() - 86_400_000,
		publishedAt: null,
		registrars: Object.fromEntries(pools.map((pool) => [pool.fqdn, unpaired()])),
		backupRegistrarShape: 'string',
		relationshipShape: 'object',
		cmsPool: options.centralManagementStore ? POOL_A.fqdn : '',
		backEnds: readTopologyDocument(topology, 'topology.xml').backEnds,
		standbyStoreMissing: false,
		pools: Object.fromEntries(pools.map((pool) => [pool.fqdn, pool.servers])),
		servers: Object.fromEntries(pools.flatMap((pool) => pool.servers.map((server) => [server, standInServer()]))),
		crashAfterMs: 150,
		syncRequestedAt: {},
		syncSettleMs: 600,
		deniedCmdlets: [],
		missingCmdlets: [],
		slowCmdlets: {},
		connections: {},
		connectionDelayMs: 0,
		handshakeWaits: 0,
		closedSessions: {},
		breakSessions: [],
		calls: [],
	};
	customise(state);
	writeFileSync(statePath, JSON.stringify(state, null, '\t'));

	// The stand-in's sessions replace the state by a rename, so a read here never sees half a file. Their lock is one
	// this process cannot take: change the farm only while nothing is asking it anything, or a session's write undoes it.
	const read = () => JSON.parse(readFileSync(statePath, 'utf8')) as StandInState;
	const update = (change: (state: StandInState) => void) => {
		const current = read();
		change(current);
		const temporary = `${statePath}.${process.pid}.tmp`;
		writeFileSync(temporary, JSON.stringify(current, null, '\t'));
		renameSync(temporary, statePath);
	};
	return {
		dir,
		statePath,
		read,
		update,
		publishInTopologyBuilder: () =>
			update((current) => {
				current.registrars[POOL_A.fqdn]!.backupRegistrar = `Registrar:${POOL_B.fqdn}`;
				current.registrars[POOL_B.fqdn]!.backupRegistrar = `Registrar:${POOL_A.fqdn}`;
				current.signature = '9a1b7c40-5f0c-4b7e-8c3f-2d6a1e9b8e42';
				current.enabledSignature = current.signature;
				current.publishedAt = Date.now();
				const standby = current.standbyStoreMissing ? {} : { standbyStorePool: POOL_B.fqdn };
				writeFileSync(path.join(dir, current.topologyFile), renderTopologyDocument({ signature: current.signature, sites: SITES, pools, ...standby }));
			}),
		reapplyCumulativeUpdate: (servers) =>
			update((current) => {
				for (const server of servers) {
					const entry = current.servers[server];
					if (entry) entry.cuReapplied = true;
				}
			}),
		// A session the test left behind may still be replacing the state when the test ends: retry while it finishes.
		remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
	};
}

/**
 * The procedure on the stand-in pair (POOL_A backed up by POOL_B), driven in this process as `run --yes` drives it,
 * continuing the unfinished session in `stateDir` when there is one. `options` replace the defaults.
 */
export function driveStandInPair(environment: Environment, stateDir: string, options: Partial<DriveOptions> = {}): Promise<DriveResult> {
	const resume = findSessions(stateDir).unfinished[0];
	return driveProcedure({
		environment,
		stateDir,
		operator: autoOperator({ pool: POOL_A.fqdn, backup: POOL_B.fqdn, voice: DEFAULT_VOICE, retries: 1 }),
		...(resume ? { resume } : {}),
		pair: { pool: POOL_A.fqdn, backup: POOL_B.fqdn },
		perPool: 3,
		signal: new AbortController().signal,
		pacing: { syncPollSeconds: 0.2, serviceSettleSeconds: 0.3 },
		identity: { operator: 'CONTOSO\\alice', host: 'JUMP01', tool: 'sfb-pair test', mode: 'run --yes' },
		...options,
		onSession: () => undefined,
	});
}

/** Waits until the stand-in has logged a call to `cmdlet`, and answers the PowerShell process that made it. */
export async function processCalling(farm: StandInFarm, cmdlet: string): Promise<number> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const call = farm.read().calls.find((entry) => entry.cmdlet === cmdlet);
		if (call?.pid !== undefined) return call.pid;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`${cmdlet} was not called`);
}
