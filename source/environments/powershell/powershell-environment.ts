import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupServiceStatus } from '../../sfb/backup-status.js';
import { bootstrapperFromServicePath, isBootstrapperSuccess, BOOTSTRAPPER_REBOOT_REQUIRED } from '../../sfb/bootstrapper.js';
import type { FrontEndPool, PairingRequest, PoolInventory, TopologyDocument } from '../../sfb/model.js';
import { sameNameTwice } from '../../sfb/pairing-rules.js';
import { readTopologyDocument, TopologyReadError } from '../../sfb/topology-reader.js';
import { formatTimeSpan } from '../../sfb/voice-resiliency.js';
import { publishWarnings, reportShape } from '../../sfb/publish-warnings.js';
import {
	type CentralManagementDatabase,
	type DatabaseCheck,
	EnvironmentError,
	FRONT_END_SERVICE,
	type AccountFacts,
	type CmdletShape,
	type DisposeOptions,
	type PublishReport,
	type CommandOutcome,
	type ComponentVersions,
	type Environment,
	type FabricState,
	type ServerFacts,
	type ServerProbeRequest,
	type ReplicaStatus,
	type RunOptions,
	type ServiceStatus,
	type WritePairingOptions,
	type InstallerAccess,
	type PoolPatching,
	type ServerRestarting,
	type PoolDrill,
	type BackupDataReading,
	type PoolUnpairing,
} from '../port.js';
import { PowerShellDrill } from './powershell-drill.js';
import type { PoolUpgradeReadiness } from '../../sfb/upgrade-readiness.js';
import { PUBLISH_WAIT_NOTICE, UNPAIR_WAIT_NOTICE } from '../../procedure/publish-wait.js';
import { INSTALLER_REBOOT_REQUIRED, INSTALLER_SILENT_SWITCH } from '../../sfb/update-installer.js';
import { parseBootTime, parseFailedOver, parseInstallerAccess, parseReadiness, parseRestartRequested } from './patching-outputs.js';
import { probeInstallerScript, readBootTimeScript, readFailedOverScript, readinessCmdlet, readReadinessScript, restartServerScript, startInstallerScript, startMoveScript, type MoveCmdlet } from './patching-scripts.js';
import { appendPrivateFile, ensurePrivateDirectory, writePrivateSnapshot } from '../../session/private-fs.js';
import {
	CMS_DATABASES_COMMAND,
	fabricCommand,
	frontEndPathCommand,
	patchVersionCommand,
	readServiceCommand,
	registrarReadCommand,
	relationshipCommand,
	pushReplicationCommand,
	replicationCommand,
	setupPermissionCommand,
	startServiceCommand,
	statusCommand,
	syncCommand,
	testCmsDatabaseCommand,
	writePairingSummary,
	clearPairingSummary,
	removeBackupDataCommand,
	bootTimeCommand,
	restartCommand,
} from '../../sfb/commands.js';
import { resolvePowerShellExecutable } from './executable.js';
import { powershellLiteral } from './literal.js';
import {
	parseBackupRelationship,
	parseBackupStatus,
	parseBootstrapperPoll,
	parseBootstrapperRun,
	parseCmsDatabases,
	parseComponents,
	parseDatabaseCheck,
	parseReplication,
	parseFrontEndProbes,
	parseInventoryOutput,
	parsePairingOutput,
	parsePublishOutput,
	parseRegistrars,
	parseServiceStatus,
	sameFqdn,
	asList,
} from './outputs.js';
import {
	closeRemoteSessionsScript,
	probeFrontEndScript,
	readBackupStatusScript,
	readCmsDatabasesScript,
	readComponentVersionsScript,
	readInventoryScript,
	readReplicationScript,
	readPairingScript,
	readServiceScript,
	readFrontEndPathScript,
	readTopologyScript,
	receiveBootstrapperScript,
	pushReplicationScript,
	startBackupSyncScript,
	startBootstrapperScript,
	startServiceScript,
	stopRemoteJobScript,
	testCmsDatabaseScript,
	writePairingScript,
	clearPairingScript,
	removeBackupDataScript,
	type SessionInfo,
} from './scripts.js';
import { PowerShellSession, type ScriptRun } from './session.js';
import { parseAccount, parseFabric, parseServerFacts, parseSetupPermission } from './preflight-outputs.js';
import { captureShapesScript, probeServerScript, readAccountScript, readPoolFabricScript, readSetupPermissionScript } from './preflight-scripts.js';

export interface PowerShellEnvironmentOptions {
	/** `--powershell PATH`; else NODE_POWERSHELL; else powershell.exe on Windows, pwsh elsewhere. */
	executable?: string;
	/** Where the transcript of every script goes, and where relative snapshot paths are resolved. */
	stateDir: string;
	/** Ceiling for one ordinary command (not Bootstrapper.exe); default two minutes. */
	timeoutMs?: number;
	/** A folder put first on PSModulePath before the module is imported. */
	modulePath?: string;
	/** PowerShell sessions at most, one per command in flight (default MAX_SESSIONS). */
	sessions?: number;
	/** `--cu-installer`: SkypeServerUpdateInstaller.exe on a share; with it the environment patches pools itself. */
	cuInstaller?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Starting PowerShell and importing the module is not a command: on a busy jump box it can take a minute. */
const START_TIMEOUT_MS = 180_000;
/** Bootstrapper.exe installs roles and can take a long time; the operator can still cancel it. */
const BOOTSTRAPPER_TIMEOUT_MS = 60 * 60_000;
/**
 * PowerShell processes run side by side, one per command in flight (see bench/powershell-sessions.ts for the
 * measurements). A Front End's remote session lives in one of them, so its commands go there.
 */
export const MAX_SESSIONS = 6;
/** How often a running Bootstrapper.exe is asked for the lines it printed. */
const BOOTSTRAPPER_POLL_MS = 200;
/** Closing the remote sessions at the end must not hold the exit for long when a server has gone away. */
const CLOSE_TIMEOUT_MS = 15_000;
const TAIL_LINES = 20;
const TRANSCRIPT_FILE = 'powershell-transcript.log';
/** Where copies of Enable-CsTopology's -Report files are kept, in the state folder. */
const REPORTS_FOLDER = 'reports';

export async function createPowerShellEnvironment(options: PowerShellEnvironmentOptions): Promise<PowerShellEnvironment> {
	const executable = resolvePowerShellExecutable(options.executable);
	const start = async () => {
		const { session, info } = await PowerShellSession.start({
			executable: executable.path,
			...(options.modulePath === undefined ? {} : { modulePath: options.modulePath }),
			timeoutMs: Math.max(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, START_TIMEOUT_MS),
		});
		if (info.module === null) {
			await session.dispose();
			throw moduleMissing(executable.requested, info);
		}
		return { session, info };
	};
	ensurePrivateDirectory(options.stateDir, 'state folder');
	const first = await start();
	return new PowerShellEnvironment(first.session, first.info, async () => (await start()).session, options);
}

function moduleMissing(executable: string, info: SessionInfo): EnvironmentError {
	if (info.importFailures.length > 0) {
		return new EnvironmentError(
			'module-missing',
			`The SkypeForBusiness module is installed but did not load in ${executable}: ${info.importFailures[0]}`,
			info.importFailures.join('\n'),
		);
	}
	return new EnvironmentError(
		'module-missing',
		`Neither the SkypeForBusiness nor the Lync module is installed for ${executable}: run on a server with the Skype for Business Server management tools, or use --lab for the simulated farm`,
	);
}

export class PowerShellEnvironment implements Environment, PoolUnpairing {
	readonly kind = 'live' as const;
	readonly unpairing: PoolUnpairing = this;
	readonly description: string;
	/** Every PowerShell process started and not yet ended. */
	private readonly processes = new Set<PowerShellSession>();
	private readonly busy = new Set<PowerShellSession>();
	private starting = 0;
	private readonly maxProcesses: number;
	/** Which process holds each Front End's remote session (by lower-case name). */
	private readonly hosts = new Map<string, PowerShellSession>();
	/** Commands waiting for a process to come free. */
	private waiting: (() => void)[] = [];
	private readonly timeoutMs: number;
	private disposed = false;
	/** When this process last started each service (server's clock, ISO 8601): older events are not about that start. */
	private readonly serviceStarts = new Map<string, string>();
	/** Bootstrapper.exe where a run found it on each server, for the command an operator runs there by hand. */
	private readonly bootstrappersFound = new Map<string, string>();
	/**
	 * Farm changes under way that nothing may cut short (a publish, the unpair's publish, a failover), each with what the
	 * operator is told while dispose waits for it.
	 */
	private readonly unstoppable = new Map<Promise<unknown>, string>();
	/** Each pool's Front Ends and version, from the last topology read: where a pool's readiness can be asked. */
	private poolsRead = new Map<string, FrontEndPool>();
	readonly patching?: PoolPatching;
	/** A Front End held at Bootstrapper exit 3010: failed over, restarted and failed back, in its own session. */
	readonly restarting: ServerRestarting = {
		failOver: (server, run) => this.moveUsers(server, 'Invoke-CsComputerFailOver', run),
		failBack: (server, run) => this.moveUsers(server, 'Invoke-CsComputerFailBack', run),
		isFailedOver: (server) => this.isFailedOver(server),
		readBootTime: (server) => this.readBootTime(server),
		restart: (server) => this.restartServer(server),
	};
	readonly readInstallerAccess?: (server: string) => Promise<InstallerAccess>;
	/** The failover drill; its cmdlets run in this environment's processes. */
	readonly drill: PoolDrill = new PowerShellDrill(
		(body, run) => this.run(body, run),
		(body, run) => this.runToTheEnd(body, run),
		() => this.readInventory(),
	);

	constructor(
		first: PowerShellSession,
		info: SessionInfo,
		private readonly startSession: () => Promise<PowerShellSession>,
		private readonly options: PowerShellEnvironmentOptions,
	) {
		this.processes.add(first);
		this.maxProcesses = options.sessions ?? MAX_SESSIONS;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const shell = info.edition === 'Desktop' ? 'Windows PowerShell' : 'pwsh';
		this.description = `LIVE · ${shell} ${info.version} · ${info.module ?? 'no module'}`;
		if (options.cuInstaller !== undefined) {
			this.patching = {
				readUpgradeReadiness: (pool) => this.readUpgradeReadiness(pool),
				failOver: (server, run) => this.moveUsers(server, 'Invoke-CsComputerFailOver', run),
				failBack: (server, run) => this.moveUsers(server, 'Invoke-CsComputerFailBack', run),
				isFailedOver: (server) => this.isFailedOver(server),
			};
			this.readInstallerAccess = (server) => this.installerAccess(server, options.cuInstaller!);
		}
	}

	async readInventory(): Promise<PoolInventory> {
		const action = 'Get-CsTopology -AsXml; Get-CsService -Registrar';
		const output = parseInventoryOutput(await this.run(readInventoryScript(), { action }));
		const document = readPublishedTopology(output.topology);
		this.poolsRead = new Map(document.frontEndPools.map((pool) => [pool.fqdn.toLowerCase(), pool]));
		const twice = sameNameTwice(document.frontEndPools);
		if (twice) {
			throw new EnvironmentError(
				'unexpected-output',
				`The published topology names one Front End pool twice, as ${twice[0].fqdn} and ${twice[1].fqdn} (host names ignore case): correct it in Topology Builder before pairing`,
				output.topology,
			);
		}
		const signature = document.signature ?? unexpected('The published topology has no Signature attribute', output.topology);

		const pairings: Record<string, string> = {};
		for (const setting of parseRegistrars(output.registrars)) {
			const pool = poolNamed(document.frontEndPools, setting.pool);
			if (pool !== undefined && setting.backup !== undefined) {
				pairings[pool.fqdn] = poolNamed(document.frontEndPools, setting.backup)?.fqdn ?? setting.backup;
			}
		}

		const servers = [...new Set(document.frontEndPools.flatMap((pool) => pool.servers))];
		const probes = await this.probeFrontEnds(servers);
		const installed = new Map(probes.map((probe) => [probe.server.toLowerCase(), 'installed' in probe ? probe.installed : null]));
		// A server that could not be asked leaves its pool's deployment unknown (null), never "not deployed".
		const deployed = Object.fromEntries(
			document.frontEndPools.map((pool) => {
				const answers = pool.servers.map((server) => installed.get(server.toLowerCase()) ?? null);
				const state = answers.length === 0 || answers.includes(false) ? false : answers.includes(null) ? null : true;
				return [pool.fqdn, state];
			}),
		);

		return { topologySignature: signature, pools: document.frontEndPools, pairings, deployed, backEnds: document.backEnds };
	}

	/**
	 * Asks each server for its Front End service. Servers whose sessions one process already holds are asked there;
	 * the others together, in one process that opens their sessions side by side.
	 */
	private async probeFrontEnds(servers: string[]) {
		const byHost = new Map<PowerShellSession | undefined, string[]>();
		for (const server of servers) {
			const host = this.hostOf(server);
			byHost.set(host, [...(byHost.get(host) ?? []), server]);
		}
		const answers = await Promise.all(
			[...byHost.values()].map(async (group) =>
				parseFrontEndProbes(
					await this.run(probeFrontEndScript(group), { action: `Get-CsWindowsService -Name '${FRONT_END_SERVICE}' on every Front End`, remote: group }),
				),
			),
		);
		return answers.flat();
	}

	async snapshotTopology(file: string): Promise<string> {
		const xml = await this.readTopologyDocument();
		readPublishedTopology(xml);
		return writePrivateSnapshot(path.resolve(this.options.stateDir, file), xml);
	}

	async writePairing(request: PairingRequest, options: WritePairingOptions = {}): Promise<PublishReport | undefined> {
		const intervals = {
			failover: timeSpan(request.voice.failoverSeconds, 'failover'),
			failback: timeSpan(request.voice.failbackSeconds, 'failback'),
		};
		await this.refuseStaleTopology(options.expectedSignature);
		const whatIf = options.whatIf === true;
		const summary = writePairingSummary(request.pool, request.backup);
		if (whatIf) {
			await this.run(writePairingScript(request, intervals, true), { action: `${summary.replace(/; Enable-CsTopology$/, '')} -WhatIf` });
			return undefined;
		}
		return this.keepReport(await this.runToTheEnd(writePairingScript(request, intervals, false), { action: `${summary} -Report`, waitNotice: PUBLISH_WAIT_NOTICE }));
	}

	/** The publish's warnings, and its -Report file kept in the state folder. */
	private async keepReport(value: unknown): Promise<PublishReport> {
		const output = parsePublishOutput(value);
		const warnings = publishWarnings(output.warnings, output.report);
		if (output.report === undefined) return { warnings };
		const stamp = new Date().toISOString().replace(/[:.]/g, '-');
		const reportPath = await writePrivateSnapshot(path.resolve(this.options.stateDir, REPORTS_FOLDER, `Enable-CsTopology-${stamp}.html`), output.report).catch(() => undefined);
		return { warnings, ...(reportPath === undefined ? {} : { reportPath }) };
	}

	/** A farm change run to its end: no timeout, no signal, and dispose waits for it (telling the operator `waitNotice`). */
	private async runToTheEnd(body: string, run: { action: string; waitNotice: string }): Promise<unknown> {
		const running = this.run(body, { action: run.action, timeoutMs: null });
		this.unstoppable.set(running, run.waitNotice);
		try {
			return await running;
		} finally {
			this.unstoppable.delete(running);
		}
	}

	private async refuseStaleTopology(expected: string | undefined): Promise<void> {
		if (expected === undefined) return;
		const current = readPublishedTopology(await this.readTopologyDocument()).signature;
		if (current !== expected) {
			throw new EnvironmentError(
				'stale-topology',
				`The published topology changed since the plan was made (Signature ${expected} is now ${current ?? 'absent'}): read the pools again and confirm a new plan`,
			);
		}
	}

	async clearPairing(pool: string, partner: string, options: WritePairingOptions = {}): Promise<PublishReport> {
		await this.refuseStaleTopology(options.expectedSignature);
		return this.keepReport(await this.runToTheEnd(clearPairingScript(pool, partner), { action: `${clearPairingSummary(pool, partner)} -Report`, waitNotice: UNPAIR_WAIT_NOTICE }));
	}

	async removeBackupData(pool: string): Promise<void> {
		await this.run(removeBackupDataScript(pool), { action: removeBackupDataCommand(pool) });
	}

	/** Nothing reads a pool's backup user store back: the cmdlet that removes it returns nothing (cmdlet reference, Outputs: None). */
	async readBackupData(pool: string): Promise<BackupDataReading> {
		return { stalePools: undefined, evidence: `no cmdlet reads the backup user data of ${pool} back (Remove-CsUserStoreBackupData returns nothing)` };
	}

	async readPairing(pool: string): Promise<string | undefined> {
		const output = parsePairingOutput(await this.run(readPairingScript(pool), { action: `${registrarReadCommand(pool)}; ${relationshipCommand(pool)}` }));
		const fromRegistrar = parseRegistrars(output.registrar).find((setting) => sameFqdn(setting.pool, pool))?.backup;
		const fromRelationship = parseBackupRelationship(pool, output.relationship);
		const disagree = (said: string) =>
			new EnvironmentError('unexpected-output', `The read-backs disagree about ${pool}: its BackupRegistrar is ${fromRegistrar ?? 'empty'} but ${said}`, JSON.stringify(output));
		if (fromRegistrar !== undefined && fromRelationship !== undefined && !sameFqdn(fromRegistrar, fromRelationship)) {
			throw disagree(`${relationshipCommand(pool)} names ${fromRelationship}`);
		}
		if (fromRegistrar !== undefined && output.relationshipNotFound !== undefined) {
			throw disagree(`${relationshipCommand(pool)} answered: ${output.relationshipNotFound}`);
		}
		return fromRegistrar ?? fromRelationship;
	}

	async runBootstrapper(server: string, options: RunOptions = {}): Promise<CommandOutcome> {
		const { tail, onLine } = tailOf(options.onLine);
		const bootstrapper = await this.locateBootstrapper(server);
		const value = await this.runBootstrapperJob(server, bootstrapper.path, onLine, options.signal);
		const run = parseBootstrapperRun(value);
		if (run.kind === 'missing') {
			throw new EnvironmentError(
				'failed',
				`Bootstrapper.exe is not on ${server} where its Front End service's install path puts it (${run.path}, from ${bootstrapper.servicePath}): check the installation there`,
			);
		}
		this.bootstrappersFound.set(server, bootstrapper.path);
		if (!isBootstrapperSuccess(run.exitCode)) {
			const lastLine = [...tail].reverse().find((line) => line.trim() !== '')?.trim() ?? 'it printed nothing';
			throw new EnvironmentError(
				'failed',
				`Bootstrapper.exe on ${server} exited with code ${run.exitCode}: ${lastLine}`,
				tail.join('\n'),
			);
		}
		return { exitCode: run.exitCode, rebootRequired: run.exitCode === BOOTSTRAPPER_REBOOT_REQUIRED, tail };
	}

	bootstrapperFound(server: string): string | undefined {
		return this.bootstrappersFound.get(server);
	}

	/** Bootstrapper.exe's path on the server, from its Front End service's install path; a path that cannot be read stops here. */
	private async locateBootstrapper(server: string): Promise<{ path: string; servicePath: string }> {
		const value = await this.run(readFrontEndPathScript(server), { action: frontEndPathCommand(server), server, remote: [server] });
		const pathName = isObject(value) && typeof value.pathName === 'string' ? value.pathName : null;
		const location = bootstrapperFromServicePath(pathName);
		if ('reason' in location) throw new EnvironmentError('failed', `Bootstrapper.exe cannot be located on ${server}: ${location.reason}`, JSON.stringify(value));
		return { path: location.path, servicePath: pathName ?? '' };
	}

	/**
	 * Bootstrapper.exe runs as a job in the server's session, looked at every BOOTSTRAPPER_POLL_MS; between looks the
	 * process that holds the session runs other servers' commands. A cancel or the timeout stops the job, which stops
	 * Bootstrapper.exe on the server, and leaves the session open. A job whose session broke is started once more in a
	 * re-opened session (Bootstrapper installs only what is missing, so a second run is safe).
	 */
	private runBootstrapperJob(server: string, bootstrapper: string, onLine: (text: string) => void, signal: AbortSignal | undefined): Promise<unknown> {
		return this.runRemoteJob(server, `Bootstrapper.exe on ${server}`, (reopen) => startBootstrapperScript(server, bootstrapper, reopen), { onLine, signal, restartable: true });
	}

	/**
	 * A long command on one server, run as a job in its session and looked at every BOOTSTRAPPER_POLL_MS (see
	 * runBootstrapperJob). Only a `restartable` command (one that does only what is missing) is started again when its
	 * session breaks; any other is reported unreachable, and what it did is for the probes to tell.
	 */
	private async runRemoteJob(
		server: string,
		action: string,
		script: (reopen: boolean) => string,
		job_: { onLine: (text: string) => void; signal: AbortSignal | undefined; restartable: boolean },
	): Promise<unknown> {
		const { onLine, signal, restartable } = job_;
		const remote = { action, server, remote: [server] };
		// The signal is looked at between looks, never handed to a script: a script it cuts short ends its process,
		// and with it every session that process holds.
		const start = async (reopen: boolean) => {
			const id = await this.run(script(reopen), remote);
			if (typeof id !== 'number') unexpected(`${action}: starting it as a job did not answer the job's id`, JSON.stringify(id));
			return id;
		};
		if (signal?.aborted) throw abortReason(signal);
		const deadline = Date.now() + BOOTSTRAPPER_TIMEOUT_MS;
		let job = await start(false);
		let restarted = false;
		let outcome: unknown;
		for (;;) {
			const poll = parseBootstrapperPoll(await this.run(receiveBootstrapperScript(server, job), { ...remote, unrecorded: true }));
			for (const item of poll.items) {
				if (signal?.aborted) break;
				if (item.kind === 'line') onLine(String(item.text));
				else outcome = item;
			}
			if (poll.finished && poll.lost && restartable && !restarted) {
				restarted = true;
				job = await start(true);
				continue;
			}
			if (poll.finished && poll.lost) {
				const again = restartable ? ', and again once re-opened' : '';
				throw new EnvironmentError('unreachable', `${server}: its remote session broke while ${action.replace(/ on \S+$/, '')} ran${again}: check the network and WinRM on ${server}, then retry this server`);
			}
			if (poll.finished) return outcome ?? { kind: 'none' };
			const stopping = signal?.aborted
				? abortReason(signal)
				: Date.now() > deadline
					? new EnvironmentError('timeout', `${action} did not finish within ${BOOTSTRAPPER_TIMEOUT_MS / 60_000} min: it was stopped on the server`)
					: undefined;
			if (stopping !== undefined) {
				await this.run(stopRemoteJobScript(job), remote).catch(() => undefined);
				throw stopping;
			}
			await pause(BOOTSTRAPPER_POLL_MS, signal);
		}
	}

	/**
	 * The installer from `--cu-installer`, in silent mode, as a job in the server's session. Without it, its location
	 * and version are the operator's knowledge, not the topology's: say so.
	 */
	async reapplyCumulativeUpdate(server: string, options: RunOptions = {}): Promise<CommandOutcome> {
		const installer = this.options.cuInstaller;
		if (installer === undefined) {
			throw new EnvironmentError(
				'failed',
				`The live environment cannot locate the Cumulative Update installer: run SkypeServerUpdateInstaller.exe on ${server} yourself (or give --cu-installer), then confirm here that it finished`,
			);
		}
		const action = `${installer} ${INSTALLER_SILENT_SWITCH} on ${server}`;
		const { tail, onLine } = tailOf(options.onLine);
		// The installer applies only the updates a server lacks, so a run cut off by a broken session is started again.
		const items = await this.runRemoteJob(server, action, (reopen) => startInstallerScript(server, installer, reopen), { onLine, signal: options.signal, restartable: true });
		const end = lastItem(items);
		if (end?.kind === 'unreadable') {
			throw new EnvironmentError(
				'failed',
				`${server} cannot read ${installer} from its session (${String(end.text).trim()}): give its computer account read access to the share, or allow the Kerberos double hop to the file server; sfb-pair doctor --cu-installer checks every Front End`,
			);
		}
		const exitCode = end?.kind === 'exit' ? Number(end.exitCode) : Number.NaN;
		if (!Number.isInteger(exitCode)) unexpected(`${action} ended without an exit code`, JSON.stringify(items));
		return { exitCode, rebootRequired: exitCode === INSTALLER_REBOOT_REQUIRED, tail };
	}

	/** Asked on the pool's Front Ends in turn, in each one's session, until one answers (the cmdlets run only there). */
	private async readUpgradeReadiness(pool: string): Promise<PoolUpgradeReadiness> {
		const known = this.poolsRead.get(pool.toLowerCase()) ?? (await this.readInventory(), this.poolsRead.get(pool.toLowerCase()));
		if (known === undefined || known.servers.length === 0) {
			throw new EnvironmentError('failed', `${pool} is not a Front End pool of the published topology, or has no Front Ends: its upgrade readiness cannot be asked`);
		}
		const cmdlet = readinessCmdlet(known.version);
		let lastError: EnvironmentError | undefined;
		for (const server of known.servers) {
			const command = `${cmdlet} on ${server}`;
			try {
				return parseReadiness(known.fqdn, command, await this.run(readReadinessScript(server, cmdlet), { action: command, server, remote: [server] }));
			} catch (error) {
				if (!(error instanceof EnvironmentError) || error.kind !== 'unreachable') throw error;
				lastError = error;
			}
		}
		throw lastError!;
	}

	/** Invoke-CsComputerFailOver or -FailBack for one server, run in its own session as a job (either can take a long while). */
	private async moveUsers(server: string, cmdlet: MoveCmdlet, options: RunOptions = {}): Promise<CommandOutcome> {
		const action = `${cmdlet} -ComputerName ${powershellLiteral(server)}`;
		const { tail, onLine } = tailOf(options.onLine);
		const items = await this.runRemoteJob(server, action, () => startMoveScript(server, cmdlet), { onLine, signal: options.signal, restartable: false });
		const end = lastItem(items);
		if (end?.kind === 'error') throw new EnvironmentError('failed', `${action} failed: ${String(end.text).trim() || 'it gave no reason'}`, tail.join('\n'));
		if (end?.kind !== 'exit') unexpected(`${action} ended without saying so`, JSON.stringify(items));
		return { exitCode: 0, rebootRequired: false, tail };
	}

	private async isFailedOver(server: string): Promise<boolean> {
		const command = `Get-CimInstance Win32_Service -Filter "Name = '${FRONT_END_SERVICE}'" on ${server}`;
		return parseFailedOver(server, command, await this.run(readFailedOverScript(server), { action: command, server, remote: [server] }));
	}

	private async readBootTime(server: string): Promise<string> {
		const command = bootTimeCommand(server);
		return parseBootTime(command, await this.run(readBootTimeScript(server), { action: command, server, remote: [server] }));
	}

	/** Asked in the process that holds the server's session, which it then drops: the restart ends it. */
	private async restartServer(server: string): Promise<CommandOutcome> {
		const command = restartCommand(server);
		parseRestartRequested(command, await this.run(restartServerScript(server), { action: command, server, remote: [server] }));
		return { exitCode: 0, rebootRequired: false, tail: [`${command}: the restart was asked for`] };
	}

	private async installerAccess(server: string, installer: string): Promise<InstallerAccess> {
		const command = `Get-Item -LiteralPath ${powershellLiteral(installer)} on ${server}`;
		return parseInstallerAccess(installer, command, await this.run(probeInstallerScript(server, installer), { action: command, server, remote: [server] }));
	}

	async startService(server: string, name: string): Promise<void> {
		const startedAt = await this.run(startServiceScript(server, name), { action: startServiceCommand(server, name), server, remote: [server] });
		// The server's clock, not this one's: the event log is filtered on the server, and the two may be minutes apart.
		if (typeof startedAt === 'string' && !Number.isNaN(Date.parse(startedAt))) this.serviceStarts.set(serviceKey(server, name), startedAt);
	}

	async readService(server: string, name: string): Promise<ServiceStatus> {
		const since = this.serviceStarts.get(serviceKey(server, name));
		const value = await this.run(readServiceScript(server, name, since), { action: readServiceCommand(server, name), server, remote: [server] });
		return parseServiceStatus(server, name, value);
	}

	async readReplication(server: string): Promise<ReplicaStatus> {
		return parseReplication(server, await this.run(readReplicationScript(server), { action: replicationCommand(server) }));
	}

	async readComponentVersions(server: string): Promise<ComponentVersions> {
		const value = await this.run(readComponentVersionsScript(server), { action: patchVersionCommand(server), server, remote: [server] });
		const output = parseComponents(server, value);
		return { components: output.components, source: output.source, raw: JSON.stringify(value) };
	}

	async readCentralManagementDatabases(): Promise<CentralManagementDatabase[]> {
		return parseCmsDatabases(await this.run(readCmsDatabasesScript(), { action: CMS_DATABASES_COMMAND }));
	}

	async testCentralManagementDatabase(sqlServer: string, instance?: string): Promise<DatabaseCheck> {
		return parseDatabaseCheck(await this.run(testCmsDatabaseScript(sqlServer, instance), { action: testCmsDatabaseCommand(sqlServer, instance) }));
	}

	async pushReplication(server: string): Promise<void> {
		await this.run(pushReplicationScript(server), { action: pushReplicationCommand(server) });
	}

	async readAccount(): Promise<AccountFacts> {
		return parseAccount(await this.run(readAccountScript(), { action: 'whoami /groups' }));
	}

	async readSetupPermission(ou: string): Promise<boolean> {
		const command = setupPermissionCommand(ou);
		return parseSetupPermission(command, await this.run(readSetupPermissionScript(ou), { action: command }));
	}

	async probeServer(server: string, request: ServerProbeRequest): Promise<ServerFacts> {
		const value = await this.run(probeServerScript(server, request.ownFileStore, request.partnerFileStoreHost), {
			action: `Invoke-Command -ComputerName ${powershellLiteral(server)} (pre-flight: WinRM, the file stores, CIM)`,
			server,
			remote: [server],
		});
		return parseServerFacts(server, value, request);
	}

	async readPoolFabric(pool: string): Promise<FabricState> {
		return parseFabric(await this.run(readPoolFabricScript(pool), { action: fabricCommand(pool) }));
	}

	async captureShapes(pools: FrontEndPool[]): Promise<CmdletShape[]> {
		const servers = pools.flatMap((pool) => pool.servers.slice(0, 1));
		const value = await this.run(captureShapesScript(pools), { action: 'doctor --capture: the shape of every cmdlet output read', remote: servers });
		const shapes = asList(value).map((item) => {
			const entry = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
			return { command: String(entry.command ?? ''), shape: entry.shape ?? null };
		});
		return [...shapes, await this.publishReportShape()];
	}

	/** The doctor publishes nothing: Enable-CsTopology's -Report is captured from the newest one kept in the state folder. */
	private async publishReportShape(): Promise<CmdletShape> {
		const command = 'Enable-CsTopology -Report (the newest report kept in the state folder)';
		const folder = path.join(this.options.stateDir, REPORTS_FOLDER);
		const newest = (await readdir(folder).catch(() => [] as string[])).filter((name) => /^Enable-CsTopology-.*\.html$/.test(name)).sort().at(-1);
		if (newest === undefined) return { command, shape: { absent: 'sfb-pair has not published from this state folder' } };
		const text = await readFile(path.join(folder, newest), 'utf8').catch(() => undefined);
		return { command, shape: text === undefined ? { error: 'unreadable' } : reportShape(text) };
	}

	async startBackupSync(pool: string): Promise<void> {
		await this.run(startBackupSyncScript(pool), { action: syncCommand(pool) });
	}

	async readBackupStatus(pool: string): Promise<BackupServiceStatus> {
		const value = await this.run(readBackupStatusScript(pool), { action: statusCommand(pool) });
		return parseBackupStatus(pool, asList(value));
	}

	/**
	 * Closes every remote session (Remove-PSSession) in the processes that hold them, then ends every process. A
	 * process still running a command is given until CLOSE_TIMEOUT_MS to finish it.
	 */
	async dispose(options: DisposeOptions = {}): Promise<void> {
		if (this.disposed) return;
		const running = [...this.unstoppable];
		if (running.length > 0) {
			for (const notice of new Set(running.map(([, waitNotice]) => waitNotice))) options.onWait?.(notice);
			await Promise.all(running.map(([change]) => change.catch(() => undefined)));
		}
		this.disposed = true;
		this.wakeWaiting();
		const holding = new Set(this.hosts.values());
		this.hosts.clear();
		await Promise.all(
			[...this.processes].map(async (shell) => {
				if (holding.has(shell) && (await this.idleWithin(shell, CLOSE_TIMEOUT_MS))) {
					await shell.run(closeRemoteSessionsScript(), { action: 'Remove-PSSession', timeoutMs: CLOSE_TIMEOUT_MS }).catch(() => undefined);
				}
				await shell.dispose();
			}),
		);
		this.processes.clear();
	}

	async readTopologyDocument(): Promise<string> {
		const value = await this.run(readTopologyScript(), { action: 'Get-CsTopology -AsXml' });
		return typeof value === 'string' ? value : unexpected('Get-CsTopology -AsXml did not return the topology document', JSON.stringify(value));
	}

	/**
	 * Runs a script body in a PowerShell process, and notes it in the transcript (a routine look at a running job
	 * only when it fails: five a second for an hour would bury what ran). A script that reaches servers
	 * (`remote`) runs in the process holding their sessions, waiting for it if it is busy; else in any free process,
	 * one started when none is free and fewer than the maximum run.
	 */
	private async run(body: string, run: Omit<ScriptRun, 'timeoutMs'> & { timeoutMs?: number | null; remote?: string[]; unrecorded?: boolean }): Promise<unknown> {
		const { remote = [], unrecorded = false, ...script } = run;
		const shell = await this.acquire(remote);
		for (const server of remote) this.hosts.set(server.toLowerCase(), shell);
		const started = new Date();
		try {
			const value = await shell.run(body, { ...script, timeoutMs: run.timeoutMs === undefined ? this.timeoutMs : run.timeoutMs });
			if (!unrecorded) await this.note(started, run.action, body, 'done');
			return value;
		} catch (error) {
			await this.note(started, run.action, body, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
			throw error;
		} finally {
			this.release(shell);
		}
	}

	private async acquire(remote: string[]): Promise<PowerShellSession> {
		for (;;) {
			if (this.disposed) throw new EnvironmentError('failed', 'The PowerShell environment was closed');
			const host = remote.length > 0 ? this.hostOf(remote[0]!) : undefined;
			const free = host !== undefined ? (this.busy.has(host) ? undefined : host) : this.freeProcess();
			if (free !== undefined) {
				this.busy.add(free);
				return free;
			}
			if (host === undefined && this.processes.size + this.starting < this.maxProcesses) {
				this.starting++;
				try {
					const started = await this.startSession();
					if (this.disposed) {
						await started.dispose();
						continue;
					}
					this.processes.add(started);
					this.busy.add(started);
					return started;
				} finally {
					this.starting--;
					this.wakeWaiting();
				}
			}
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
	}

	/** A free process, preferring one that holds no remote session so that those stay free for their servers. */
	private freeProcess(): PowerShellSession | undefined {
		const holding = new Set(this.hosts.values());
		const free = [...this.processes].filter((shell) => shell.alive && !this.busy.has(shell));
		return free.find((shell) => !holding.has(shell)) ?? free[0];
	}

	/** The process holding a server's session; one whose process has ended is forgotten (its sessions ended with it). */
	private hostOf(server: string): PowerShellSession | undefined {
		const host = this.hosts.get(server.toLowerCase());
		if (host === undefined || host.alive) return host;
		this.hosts.delete(server.toLowerCase());
		return undefined;
	}

	private release(shell: PowerShellSession): void {
		this.busy.delete(shell);
		if (!shell.alive || this.disposed) {
			this.processes.delete(shell);
			for (const [server, host] of this.hosts) if (host === shell) this.hosts.delete(server);
			if (!this.disposed) void shell.dispose();
		}
		this.wakeWaiting();
	}

	private wakeWaiting(): void {
		const waiting = this.waiting;
		this.waiting = [];
		for (const wake of waiting) wake();
	}

	/** Whether the process is free, or comes free within `ms`. */
	private async idleWithin(shell: PowerShellSession, ms: number): Promise<boolean> {
		const deadline = Date.now() + ms;
		while (this.busy.has(shell) && Date.now() < deadline) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, deadline - Date.now());
				this.waiting.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return !this.busy.has(shell) && shell.alive;
	}

	/**
	 * The transcript is a record of what ran, not a step of the procedure: a command that did its work is not
	 * reported as failed because its note could not be written.
	 */
	private async note(started: Date, action: string, body: string, outcome: string): Promise<void> {
		const entry = `=== ${started.toISOString()} ${action}\n${body}\n--- ${outcome}\n\n`;
		await appendPrivateFile(path.join(this.options.stateDir, TRANSCRIPT_FILE), entry).catch(() => undefined);
	}
}

/** The last lines a command printed, kept beside the caller's own onLine. */
function tailOf(forward: ((line: string) => void) | undefined): { tail: string[]; onLine: (line: string) => void } {
	const tail: string[] = [];
	return {
		tail,
		onLine: (line) => {
			tail.push(line);
			if (tail.length > TAIL_LINES) tail.shift();
			forward?.(line);
		},
	};
}

/** A remote job's outcome item (its kind and fields), as runRemoteJob gives it. */
function lastItem(outcome: unknown): { kind: string; [key: string]: unknown } | undefined {
	return typeof outcome === 'object' && outcome !== null && 'kind' in outcome ? (outcome as { kind: string }) : undefined;
}

function abortReason(signal: AbortSignal): unknown {
	return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Waits `ms`, or less when the signal aborts (the caller looks at the signal next). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, { once: true });
	});
}

function readPublishedTopology(xml: string): TopologyDocument {
	try {
		return readTopologyDocument(xml, 'The published topology (Get-CsTopology -AsXml)');
	} catch (error) {
		if (error instanceof TopologyReadError) throw new EnvironmentError('unexpected-output', error.message, xml);
		throw error;
	}
}

function poolNamed(pools: FrontEndPool[], fqdn: string): FrontEndPool | undefined {
	return pools.find((pool) => sameFqdn(pool.fqdn, fqdn));
}

/** Set-CsRegistrar takes 30 s to 24 h; a whole day is written as 1.00:00:00 because 24:00:00 is not a TimeSpan. */
function timeSpan(seconds: number, which: string): string {
	if (!Number.isInteger(seconds) || seconds < 30 || seconds > 86_400) {
		throw new EnvironmentError('failed', `The ${which} interval must be a whole number of seconds from 30 to 86400, not ${seconds}`);
	}
	return seconds === 86_400 ? '1.00:00:00' : formatTimeSpan(seconds);
}

function unexpected(message: string, raw: string): never {
	throw new EnvironmentError('unexpected-output', message, raw);
}

function serviceKey(server: string, name: string): string {
	return `${server.toLowerCase()} ${name.toUpperCase()}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
