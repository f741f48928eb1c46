import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { BackupServiceStatus } from '../../sfb/backup-status.js';
import { isBootstrapperSuccess, BOOTSTRAPPER_FOLDERS, BOOTSTRAPPER_REBOOT_REQUIRED } from '../../sfb/bootstrapper.js';
import type { FrontEndPool, PairingRequest, PoolInventory, TopologyDocument } from '../../sfb/model.js';
import { sameNameTwice } from '../../sfb/pairing-rules.js';
import { readTopologyDocument, TopologyReadError } from '../../sfb/topology-reader.js';
import { formatTimeSpan } from '../../sfb/voice-resiliency.js';
import {
	EnvironmentError,
	FRONT_END_SERVICE,
	type CommandOutcome,
	type ComponentVersions,
	type Environment,
	type ReplicaStatus,
	type RunOptions,
	type ServiceStatus,
	type WritePairingOptions,
} from '../port.js';
import { appendPrivateFile, ensurePrivateDirectory, writePrivateSnapshot } from '../../session/private-fs.js';
import {
	patchVersionCommand,
	readServiceCommand,
	registrarReadCommand,
	relationshipCommand,
	replicationCommand,
	startServiceCommand,
	statusCommand,
	syncCommand,
	writePairingSummary,
} from '../../sfb/commands.js';
import { resolvePowerShellExecutable } from './executable.js';
import {
	parseBackupRelationship,
	parseBackupStatus,
	parseBootstrapperRun,
	parseComponents,
	parseReplication,
	parseFrontEndProbes,
	parseInventoryOutput,
	parseLineEvent,
	parsePairingOutput,
	parseRegistrars,
	parseServiceStatus,
	sameFqdn,
	asList,
} from './outputs.js';
import {
	probeFrontEndScript,
	readBackupStatusScript,
	readComponentVersionsScript,
	readInventoryScript,
	readReplicationScript,
	readPairingScript,
	readServiceScript,
	readTopologyScript,
	runBootstrapperScript,
	startBackupSyncScript,
	startServiceScript,
	writePairingScript,
	type SessionInfo,
} from './scripts.js';
import { PowerShellSession, type ScriptRun } from './session.js';

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
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Starting PowerShell and importing the module is not a command: on a busy jump box it can take a minute. */
const START_TIMEOUT_MS = 180_000;
/** Bootstrapper.exe installs roles and can take a long time; the operator can still cancel it. */
const BOOTSTRAPPER_TIMEOUT_MS = 60 * 60_000;
/**
 * Sessions run side by side, one per command in flight: Bootstrapper.exe on several servers at once
 * streams each server's lines through its own session (see bench/powershell-sessions.ts for the measurements).
 */
export const MAX_SESSIONS = 6;
const TAIL_LINES = 20;
const TRANSCRIPT_FILE = 'powershell-transcript.log';

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

export class PowerShellEnvironment implements Environment {
	readonly kind = 'live' as const;
	readonly description: string;
	private readonly idle: PowerShellSession[];
	private readonly active = new Set<PowerShellSession>();
	private readonly limit: LimitFunction;
	private readonly timeoutMs: number;
	private disposed = false;

	constructor(
		first: PowerShellSession,
		info: SessionInfo,
		private readonly startSession: () => Promise<PowerShellSession>,
		private readonly options: PowerShellEnvironmentOptions,
	) {
		this.idle = [first];
		this.limit = pLimit(options.sessions ?? MAX_SESSIONS);
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const shell = info.edition === 'Desktop' ? 'Windows PowerShell' : 'pwsh';
		this.description = `LIVE · ${shell} ${info.version} · ${info.module ?? 'no module'}`;
	}

	async readInventory(): Promise<PoolInventory> {
		const action = 'Get-CsTopology -AsXml; Get-CsService -Registrar';
		const output = parseInventoryOutput(await this.run(readInventoryScript(), { action }));
		const document = readPublishedTopology(output.topology);
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
		const probes = parseFrontEndProbes(
			servers.length === 0
				? []
				: await this.run(probeFrontEndScript(servers), { action: `Get-CsWindowsService -Name '${FRONT_END_SERVICE}' on every Front End` }),
		);
		const installed = new Map(probes.map((probe) => [probe.server.toLowerCase(), 'installed' in probe ? probe.installed : null]));
		// A server that could not be asked leaves its pool's deployment unknown (null), never "not deployed".
		const deployed = Object.fromEntries(
			document.frontEndPools.map((pool) => {
				const answers = pool.servers.map((server) => installed.get(server.toLowerCase()) ?? null);
				const state = answers.length === 0 || answers.includes(false) ? false : answers.includes(null) ? null : true;
				return [pool.fqdn, state];
			}),
		);

		return { topologySignature: signature, pools: document.frontEndPools, pairings, deployed };
	}

	async snapshotTopology(file: string): Promise<string> {
		const xml = await this.readTopologyXml();
		readPublishedTopology(xml);
		return writePrivateSnapshot(path.resolve(this.options.stateDir, file), xml);
	}

	async writePairing(request: PairingRequest, options: WritePairingOptions = {}): Promise<void> {
		const intervals = {
			failover: timeSpan(request.voice.failoverSeconds, 'failover'),
			failback: timeSpan(request.voice.failbackSeconds, 'failback'),
		};
		if (options.expectedSignature !== undefined) {
			const xml = await this.readTopologyXml();
			const current = readPublishedTopology(xml).signature;
			if (current !== options.expectedSignature) {
				throw new EnvironmentError(
					'stale-topology',
					`The published topology changed since the plan was made (Signature ${options.expectedSignature} is now ${current ?? 'absent'}): read the pools again and confirm a new plan`,
				);
			}
		}
		const whatIf = options.whatIf === true;
		await this.run(writePairingScript(request, intervals, whatIf), {
			action: whatIf ? `${writePairingSummary(request.pool, request.backup).replace(/; Enable-CsTopology$/, '')} -WhatIf` : writePairingSummary(request.pool, request.backup),
		});
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
		const tail: string[] = [];
		const value = await this.run(runBootstrapperScript(server), {
			action: `Bootstrapper.exe on ${server}`,
			server,
			timeoutMs: BOOTSTRAPPER_TIMEOUT_MS,
			...(options.signal === undefined ? {} : { signal: options.signal }),
			onEvent: (payload) => {
				const { text } = parseLineEvent(payload);
				tail.push(text);
				if (tail.length > TAIL_LINES) tail.shift();
				options.onLine?.(text);
			},
		});
		const run = parseBootstrapperRun(value);
		if (run.kind === 'missing') {
			const folders = Object.values(BOOTSTRAPPER_FOLDERS).join(', ');
			throw new EnvironmentError(
				'failed',
				`Bootstrapper.exe was not found on ${server}: looked in ${folders} on its fixed drives (${run.drives || 'none reported'})`,
			);
		}
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

	/** The CU installer's location and version are the operator's knowledge, not the topology's: say so. */
	async reapplyCumulativeUpdate(server: string): Promise<CommandOutcome> {
		throw new EnvironmentError(
			'failed',
			`The live environment cannot locate the Cumulative Update installer: run SkypeServerUpdateInstaller.exe on ${server} yourself, then confirm here that it finished`,
		);
	}

	async startService(server: string, name: string): Promise<void> {
		await this.run(startServiceScript(server, name), { action: startServiceCommand(server, name), server });
	}

	async readService(server: string, name: string): Promise<ServiceStatus> {
		const value = await this.run(readServiceScript(server, name), { action: readServiceCommand(server, name), server });
		return parseServiceStatus(server, name, value);
	}

	async readReplication(server: string): Promise<ReplicaStatus> {
		return parseReplication(server, await this.run(readReplicationScript(server), { action: replicationCommand(server) }));
	}

	async readComponentVersions(server: string): Promise<ComponentVersions> {
		const value = await this.run(readComponentVersionsScript(server), { action: patchVersionCommand(server), server });
		const output = parseComponents(server, value);
		return { components: output.components, source: output.source, raw: JSON.stringify(value) };
	}

	async startBackupSync(pool: string): Promise<void> {
		await this.run(startBackupSyncScript(pool), { action: syncCommand(pool) });
	}

	async readBackupStatus(pool: string): Promise<BackupServiceStatus> {
		const value = await this.run(readBackupStatusScript(pool), { action: statusCommand(pool) });
		return parseBackupStatus(pool, asList(value));
	}

	async dispose(): Promise<void> {
		this.disposed = true;
		const sessions = [...this.idle, ...this.active];
		this.idle.length = 0;
		await Promise.all(sessions.map((session) => session.dispose()));
	}

	private async readTopologyXml(): Promise<string> {
		const value = await this.run(readTopologyScript(), { action: 'Get-CsTopology -AsXml' });
		return typeof value === 'string' ? value : unexpected('Get-CsTopology -AsXml did not return the topology document', JSON.stringify(value));
	}

	/** Runs a script body on an idle session (starting one when none is idle), and notes it in the transcript. */
	private run(body: string, run: Omit<ScriptRun, 'timeoutMs'> & { timeoutMs?: number }): Promise<unknown> {
		return this.limit(async () => {
			if (this.disposed) throw new EnvironmentError('failed', `${run.action} could not run: the PowerShell environment was closed`);
			const session = this.takeIdleSession() ?? (await this.startSession());
			this.active.add(session);
			const started = new Date();
			try {
				const value = await session.run(body, { ...run, timeoutMs: run.timeoutMs ?? this.timeoutMs });
				await this.note(started, run.action, body, 'done');
				return value;
			} catch (error) {
				await this.note(started, run.action, body, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
				throw error;
			} finally {
				this.active.delete(session);
				if (session.alive && !this.disposed) this.idle.push(session);
				else await session.dispose();
			}
		});
	}

	/** An idle session whose process is still running; one that died while idle is let go. */
	private takeIdleSession(): PowerShellSession | undefined {
		for (let session = this.idle.pop(); session !== undefined; session = this.idle.pop()) {
			if (session.alive) return session;
		}
		return undefined;
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
