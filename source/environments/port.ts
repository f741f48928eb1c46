import type { BackupServiceStatus } from '../sfb/backup-status.js';
import type { ComponentVersion } from '../sfb/cumulative-update.js';
import type { FrontEndPool, PairingRequest, PoolInventory } from '../sfb/model.js';
import type { PoolUpgradeReadiness } from '../sfb/upgrade-readiness.js';

export type EnvironmentKind = 'lab' | 'live';

export interface CommandOutcome {
	exitCode: number;
	/** Exit code 3010: the server wants a reboot before the role is fully usable. */
	rebootRequired: boolean;
	/** The last lines the command printed, for panels and the change record. */
	tail: string[];
}

export type ServiceState = 'Running' | 'Stopped' | 'StartPending' | 'StopPending' | 'NotInstalled' | 'Unknown';

export interface ServiceStatus {
	state: ServiceState;
	/** What the server's event log says about the service, e.g. Event 4007 after a crash. */
	detail?: string;
}

/** What Enable-CsTopology said while it enabled the topology. */
export interface PublishReport {
	/** Its warnings, from its warning stream and its -Report file, each once. */
	warnings: string[];
	/** A copy of its -Report file in the state folder, when it wrote one. */
	reportPath?: string;
}

export interface WritePairingOptions {
	whatIf?: boolean;
	/**
	 * The topology signature the plan was made against. When the published topology no longer has it,
	 * someone else published in between: the write is refused with kind 'stale-topology'.
	 */
	expectedSignature?: string;
}

/** What `Get-CsManagementStoreReplicationStatus -ReplicaFqdn <server>` says about one server's replica. */
export interface ReplicaStatus {
	/** `UpToDate`: the replica holds the latest configuration the master has (documented by the cmdlet's examples). */
	upToDate: boolean;
	/** `LastUpdateCreation`, ISO 8601 when it could be read as a time (documented by the cmdlet's examples). */
	lastUpdateCreation?: string;
	/** Every property returned, as text: the object's other properties are not documented [unverified]. */
	raw: string;
}

/**
 * One entry of `Get-CsService -CentralManagementDatabase`. The cmdlet's output objects are not described by a public
 * source [unverified]: the SQL Server is read from `PoolFqdn` (as for every Get-CsService role), else from the
 * `CentralMgmtStore:<fqdn>` identity; `raw` keeps every property.
 */
export interface CentralManagementDatabase {
	identity: string;
	sqlServer: string;
	instance?: string;
	raw: string;
}

/**
 * What `Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn <sql>` said. `succeeded` is the `Succeed` property
 * [unverified name], undefined when the output had no such property: then nobody can tell.
 */
export interface DatabaseCheck {
	succeeded: boolean | undefined;
	/** What it said, on one line: the database, its versions, or the error. */
	detail: string;
	raw: string;
}

export interface ComponentVersions {
	components: ComponentVersion[];
	/** Which read gave them, for the evidence: a cmdlet, or the registry where the cmdlet is missing. */
	source: string;
	raw: string;
}

/** The account sfb-pair runs as, from its security token on the jump box (`whoami /groups`). */
export interface AccountFacts {
	user: string;
	/** Member of RTCUniversalServerAdmins (by name: the group has no well-known SID). */
	rtcUniversalServerAdmins: boolean;
	/** Member of the domain's Domain Admins (SID ending -512), even where the token holds it for deny only. */
	domainAdmins: boolean;
	/** The token is elevated: its integrity level is High (S-1-16-12288) or System; null when the token names no level. */
	elevated: boolean | null;
	/** How many groups the token holds, for the evidence. */
	groupCount: number;
}

/** What one Front End says when asked through its remote session (pre-flight). */
export interface ServerFacts {
	/** How long opening the session (if it was not open) and the first command took, in milliseconds. */
	connectMs: number;
	/** The Front End service (RTCSRV) on the server. */
	frontEndService: ServiceState;
	/** `Win32_OperatingSystem.Caption`, e.g. "Microsoft Windows Server 2019 Datacenter". */
	operatingSystem: string;
	/** `Win32_ComputerSystem.Manufacturer` and `.Model`, e.g. "Microsoft Corporation" / "Virtual Machine". */
	manufacturer: string;
	model: string;
	/** The server's own computer account, from its Group Policy state in the registry [unverified where no GPO applied]. */
	distinguishedName?: string;
	/** The own pool's file store listed from the server: a command that needs the Kerberos double hop. */
	fileStore?: { path: string; reachable: boolean; detail: string };
	/** TCP 445 from the server to the partner pool's file store. */
	partnerFileStore?: { host: string; open: boolean };
}

export interface ServerProbeRequest {
	/** UNC path of the server's own pool's file store (the double-hop test). */
	ownFileStore?: string;
	/** Host of the partner pool's file store (the SMB test). */
	partnerFileStoreHost?: string;
}

/** `Get-CsPoolFabricState -PoolFqdn <pool>`, read tolerantly: its output is not documented [unverified]. */
export interface FabricState {
	/** Each count of services missing a replica the output states, e.g. missing primary, missing secondaries. */
	missing: { what: string; count: number }[];
	/** Every line of the output, for the evidence when no count could be read. */
	raw: string;
}

/** The shape of one cmdlet's output for `doctor --capture`: names and types, never values. */
export interface CmdletShape {
	command: string;
	/** What came back: the type name and each property's name and type, nested a few levels; or the error. */
	shape: unknown;
}

/** Whether one Front End can read the update installer on its share, from its own session (pre-flight). */
export interface InstallerAccess {
	/** The installer's UNC path (--cu-installer). */
	path: string;
	readable: boolean;
	/** Its size when it could, else the error that refused it. */
	detail: string;
}

export interface RunOptions {
	onLine?: (line: string) => void;
	signal?: AbortSignal;
}

/**
 * An error an operator can act on. `kind` lets callers tell failures apart without parsing text;
 * `message` is one line that says what happened and what to do.
 */
export class EnvironmentError extends Error {
	constructor(
		readonly kind:
			| 'access-denied'
			| 'unreachable'
			| 'cmdlet-missing'
			| 'module-missing'
			| 'timeout'
			| 'failed'
			| 'unexpected-output'
			| 'stale-topology',
		message: string,
		readonly rawOutput?: string,
	) {
		super(message);
		this.name = 'EnvironmentError';
	}
}

/**
 * Patching a pool the way Microsoft patches one: per upgrade domain, each server failed over, updated and failed back.
 * Present where the environment can run the update installer itself (the lab; live with --cu-installer).
 */
export interface PoolPatching {
	/** The pool's upgrade readiness, asked on one of its Front Ends (the cmdlet runs only there). */
	readUpgradeReadiness(pool: string): Promise<PoolUpgradeReadiness>;
	/** `Invoke-CsComputerFailOver -ComputerName <server>`: its users move to the pool's other servers, its services stop. */
	failOver(server: string, options?: RunOptions): Promise<CommandOutcome>;
	/** `Invoke-CsComputerFailBack -ComputerName <server>`: the server takes users again. */
	failBack(server: string, options?: RunOptions): Promise<CommandOutcome>;
	/** Whether the server is failed over now (its Front End service stopped and held), from the farm. */
	isFailedOver(server: string): Promise<boolean>;
}

/**
 * Restarting a Front End held at Bootstrapper exit 3010, the way a pool's server is patched (manage-front-end-servers.md):
 * failed over, restarted, failed back. Present where the environment can restart a server (the lab; live).
 */
export interface ServerRestarting extends Pick<PoolPatching, 'failOver' | 'failBack' | 'isFailedOver'> {
	/** When the server last started (`Win32_OperatingSystem.LastBootUpTime`), ISO 8601; an unreachable server throws 'unreachable'. */
	readBootTime(server: string): Promise<string>;
	/**
	 * `Restart-Computer -ComputerName <server> -Force`, without -Wait: it asks and returns. Whether the server came back
	 * is for readBootTime to tell. Never the computer this program runs on.
	 */
	restart(server: string): Promise<CommandOutcome>;
}

/** One user homed on a pool, and the pool that serves the user now: the home pool, or its backup during a failover. */
export interface UserPlacement {
	sipAddress: string;
	/** The user's Registrar pool (`Get-CsUser` RegistrarPool): a failover does not rehome anyone (CMDLET Invoke-CsPoolFailOver). */
	homePool: string;
	/** The pool the user signs in to now; undefined when the output said nothing readable about it [unverified live]. */
	servedBy: string | undefined;
}

export interface PoolUsers {
	pool: string;
	/** The users read (live: a sample of the pool's users, not necessarily all of them). */
	users: UserPlacement[];
	/** Every property returned, as text, for the evidence. */
	raw: string;
}

/** What `Invoke-CsPoolFailOver` did, beyond its output: what a disaster-mode failover could not carry over. */
export interface PoolFailoverOutcome extends CommandOutcome {
	/** Changes made on the pool after its last export to the backup, lost by a disaster-mode failover (the lab knows them; a live farm does not say). */
	lostChanges?: string[];
}

/**
 * The disaster-recovery drill after a pairing: the Central Management store and the pool failed over to the backup pool
 * and back (DR-PLAN; CMDLET Invoke-CsPoolFailOver, Invoke-CsPoolFailBack, Invoke-CsManagementServerFailover).
 */
export interface PoolDrill {
	/** The Front End pool whose Central Management store is the active master now; undefined when the farm did not say. */
	readManagementStorePool(): Promise<string | undefined>;
	/** `Invoke-CsManagementServerFailover`, run so that `toPool`'s back end holds the active store (the standby defined in the topology). */
	failOverManagementStore(toPool: string, options?: RunOptions): Promise<CommandOutcome>;
	/** `Invoke-CsPoolFailOver -PoolFqdn <pool> [-DisasterMode]`: the pool's users sign in to its backup pool. */
	failOverPool(pool: string, disasterMode: boolean, options?: RunOptions): Promise<PoolFailoverOutcome>;
	/** `Invoke-CsPoolFailBack -PoolFqdn <pool>`: the pool's users sign in to it again. */
	failBackPool(pool: string, options?: RunOptions): Promise<CommandOutcome>;
	/** Users homed on the pool and where each signs in now (`Get-CsUser` / `Get-CsUserPoolInfo`). */
	readPoolUsers(pool: string): Promise<PoolUsers>;
}

/** What `readBackupData` found: the pools whose user data `pool` still keeps though they are no longer its partner. */
export interface BackupDataReading {
	/** Undefined where the farm cannot say: no cmdlet reads a pool's backup user store back [unverified]. */
	stalePools: string[] | undefined;
	/** One line of evidence a person can check. */
	evidence: string;
}

/**
 * Undoing a pairing, the way back (issue 19): the association cleared, the backup user data removed. Bootstrapper,
 * the Backup Service and the Central Management databases are read and run through the rest of the port.
 */
export interface PoolUnpairing {
	/**
	 * The cmdlet path: both Registrars without a backup (`Set-CsRegistrar -BackupRegistrar $null`, [unverified] as the
	 * Topology Builder equivalent), then `Enable-CsTopology`. Refused ('stale-topology') when the signature moved. Where the environment reads them,
	 * answers Enable-CsTopology's warnings and its -Report file, as the pairing's publish does.
	 */
	clearPairing(pool: string, partner: string, options?: WritePairingOptions): Promise<PublishReport | void>;
	/** The lab only: plays the operator's Topology Builder publish without the association (and without the standby store). */
	publishUnpairAsTopologyBuilder?(pool: string, partner: string): Promise<void>;
	/** `Remove-CsUserStoreBackupData -PoolFqdn <pool> -Force`: the data of pools no longer paired with it. Its output is none. */
	removeBackupData(pool: string): Promise<void>;
	readBackupData(pool: string): Promise<BackupDataReading>;
}

/**
 * Where commands go. The wizard, the operations and the read-only commands use only this interface;
 * the lab (a simulated farm on disk) and the live side (SkypeForBusiness cmdlets through PowerShell)
 * implement it.
 */
export interface Environment {
	readonly kind: EnvironmentKind;
	/** One line for the screen, e.g. "LAB · scenario default" or "LIVE · pwsh 7.6 · SkypeForBusiness". */
	readonly description: string;
	/** How many times faster than real time this farm runs; absent means 1, a real farm. */
	readonly timeScale?: number;

	/** Front End pools, pairings and deployment state, from the published topology. */
	readInventory(): Promise<PoolInventory>;
	/** Saves the published topology document (`Get-CsTopology -AsXml`) to a file; returns the path. */
	snapshotTopology(file: string): Promise<string>;
	/** The published topology document, `Get-CsTopology -AsXml`, as text. */
	readTopologyDocument(): Promise<string>;
	/**
	 * The lab only: plays the operator's publish in Topology Builder for a training run (the pairing both ways and, for a
	 * pair that holds the Central Management store, its standby). A live farm has none: a person clicks.
	 */
	publishAsTopologyBuilder?(request: PairingRequest): Promise<void>;
	/**
	 * Writes the pairing in both directions and enables the topology. With whatIf, changes nothing. The publish, once
	 * started, runs to its end whatever is cancelled meanwhile: a topology enabled half way is worse than a late stop.
	 */
	writePairing(request: PairingRequest, options?: WritePairingOptions): Promise<PublishReport | void>;
	/** The backup pool the published configuration names for `pool`, if any. */
	readPairing(pool: string): Promise<string | undefined>;

	/** Bootstrapper.exe on one server; output lines stream through onLine as they come. */
	runBootstrapper(server: string, options?: RunOptions): Promise<CommandOutcome>;
	/** Where a Bootstrapper run of this session found Bootstrapper.exe on the server (live: from its Front End service). */
	bootstrapperFound?(server: string): string | undefined;
	/** The Cumulative Update installer re-run on one server, so the Backup Service matches the CU. */
	reapplyCumulativeUpdate(server: string, options?: RunOptions): Promise<CommandOutcome>;

	/** Upgrade domains, readiness, failover and failback, where this environment runs the installer itself. */
	readonly patching?: PoolPatching;
	/** Failover, restart and failback of one Front End (a server held at Bootstrapper exit 3010). */
	readonly restarting?: ServerRestarting;
	/** The failover drill of a paired pool: present where the environment can run it. */
	readonly drill?: PoolDrill;
	/** The way back: clearing a pairing and its backup data. */
	readonly unpairing?: PoolUnpairing;

	startService(server: string, name: string): Promise<void>;
	/** A Windows service on one server: LYNCBACKUP, or RTCSRV (installed on a server once its pool is deployed). */
	readService(server: string, name: string): Promise<ServiceStatus>;
	/** `Get-CsManagementStoreReplicationStatus -ReplicaFqdn <server>`: is the server's copy of the topology current? */
	readReplication(server: string): Promise<ReplicaStatus>;
	/** `Invoke-CsManagementStoreReplication -ReplicaFqdn <server>`: asks the master to push the latest configuration to that replica now. */
	pushReplication(server: string): Promise<void>;
	/** The versions of the Skype for Business Server components installed on one server (Core Components, Backup Service…). */
	readComponentVersions(server: string): Promise<ComponentVersions>;

	/** `Get-CsService -CentralManagementDatabase`: the Central Management databases the topology defines (active and standby). */
	readCentralManagementDatabases(): Promise<CentralManagementDatabase[]>;
	/** `Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn <sqlServer> [-SqlInstanceName <instance>]` */
	testCentralManagementDatabase(sqlServer: string, instance?: string): Promise<DatabaseCheck>;
	/** Pre-flight: the account this program runs as. */
	readAccount(): Promise<AccountFacts>;
	/** Pre-flight: `Test-CsSetupPermission -ComputerOU <ou>`, whether the OU holds the rights Enable-CsTopology needs. */
	readSetupPermission(ou: string): Promise<boolean>;
	/** Pre-flight: one Front End through its remote session: the time it took, its OS and platform, the file stores. */
	probeServer(server: string, request: ServerProbeRequest): Promise<ServerFacts>;
	/** Pre-flight: can the server read the `--cu-installer` installer, from its own session? Present only with one (live). */
	readonly readInstallerAccess?: (server: string) => Promise<InstallerAccess>;
	/** Pre-flight: `Get-CsPoolFabricState -PoolFqdn <pool>`. */
	readPoolFabric(pool: string): Promise<FabricState>;
	/** `doctor --capture`: the shape of every cmdlet output the live side reads; absent where there are no cmdlets (the lab). */
	captureShapes?(pools: FrontEndPool[]): Promise<CmdletShape[]>;

	/** `Invoke-CsBackupServiceSync -PoolFqdn <pool>` */
	startBackupSync(pool: string): Promise<void>;
	/** `Get-CsBackupServiceStatus -PoolFqdn <pool>` */
	readBackupStatus(pool: string): Promise<BackupServiceStatus>;

	/**
	 * Ends the environment's work. A farm change under way that must not stop half way (a publish, the unpair's publish,
	 * a failover) is waited for, never cut short; `onWait` is called first, for the operator to be told.
	 */
	dispose(options?: DisposeOptions): Promise<void>;
}

export interface DisposeOptions {
	/** Called once for each kind of change waited for, with what to tell the operator (what it waits for, and why). */
	onWait?: (notice: string) => void;
}

export const BACKUP_SERVICE = 'LYNCBACKUP';
/** The Front End service: a server that has it installed has been deployed. */
export const FRONT_END_SERVICE = 'RTCSRV';
