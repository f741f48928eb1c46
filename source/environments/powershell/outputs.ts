import { Ajv, type JSONSchemaType } from 'ajv';
import type { BackupModuleStatus, BackupServiceStatus } from '../../sfb/backup-status.js';
import { CMS_DATABASES_COMMAND, patchVersionCommand, readServiceCommand, relationshipCommand, replicationCommand, statusCommand } from '../../sfb/commands.js';
import { EnvironmentError, type CentralManagementDatabase, type DatabaseCheck, type ReplicaStatus, type ServiceState, type ServiceStatus } from '../port.js';
import { BACKUP_CRASH_EVENT_ID, BACKUP_CRASH_PROVIDER, type SessionInfo } from './scripts.js';

/**
 * What comes back from PowerShell, checked before it is believed. Shapes the public documentation confirms
 * are validated with JSON schemas; shapes marked [unverified] in sfb-facts.md are read leniently, accepting
 * the plausible variants, and anything else is refused as 'unexpected-output' with the raw output attached.
 */

/** The error record that stopped a script, flattened by ConvertTo-SfbPairFailure. */
export interface PowerShellFailure {
	message: string;
	exceptionTypes: string[];
	exceptionMessages: string[];
	errorId: string;
	category: string;
	target: string;
	command: string;
}

export type Envelope = { ok: true; value: unknown } | { ok: false; error: PowerShellFailure };

const ajv = new Ajv({ allErrors: false });

const failureSchema: JSONSchemaType<PowerShellFailure> = {
	type: 'object',
	properties: {
		message: { type: 'string' },
		exceptionTypes: { type: 'array', items: { type: 'string' } },
		exceptionMessages: { type: 'array', items: { type: 'string' } },
		errorId: { type: 'string' },
		category: { type: 'string' },
		target: { type: 'string' },
		command: { type: 'string' },
	},
	required: ['message', 'exceptionTypes', 'exceptionMessages', 'errorId', 'category', 'target', 'command'],
};

const validateEnvelope = ajv.compile<Envelope>({
	oneOf: [
		{ type: 'object', properties: { ok: { const: true }, value: {} }, required: ['ok'] },
		{ type: 'object', properties: { ok: { const: false }, error: failureSchema }, required: ['ok', 'error'] },
	],
});

const validateSessionInfo = ajv.compile<SessionInfo>({
	type: 'object',
	properties: {
		edition: { type: 'string' },
		version: { type: 'string' },
		pid: { type: 'integer' },
		module: { type: ['string', 'null'] },
		importFailures: { type: 'array', items: { type: 'string' } },
	},
	required: ['edition', 'version', 'pid', 'module', 'importFailures'],
});

export interface InventoryOutput {
	topology: string;
	registrars: unknown[];
}

const validateInventory = ajv.compile<InventoryOutput>({
	type: 'object',
	properties: { topology: { type: 'string' }, registrars: { type: 'array' } },
	required: ['topology', 'registrars'],
});

/** One server's Front End service: installed, not installed (ObjectNotFound), or the error that kept it from telling. */
export type FrontEndProbe = { server: string; installed: boolean } | { server: string; error: PowerShellFailure };

const validateProbe = ajv.compile<FrontEndProbe>({
	oneOf: [
		{ type: 'object', properties: { server: { type: 'string' }, installed: { type: 'boolean' } }, required: ['server', 'installed'] },
		{ type: 'object', properties: { server: { type: 'string' }, error: failureSchema }, required: ['server', 'error'] },
	],
});

export interface PairingOutput {
	registrar: unknown[];
	relationship: unknown[];
	/** Get-CsPoolBackupRelationship refused with ObjectNotFound: how it may answer for a pool without a backup [unverified]. */
	relationshipNotFound?: string;
}

const validatePairing = ajv.compile<PairingOutput>({
	type: 'object',
	properties: { registrar: { type: 'array' }, relationship: { type: 'array' }, relationshipNotFound: { type: 'string' } },
	required: ['registrar', 'relationship'],
});

export interface ReplicationOutput {
	upToDate: unknown;
	lastUpdateCreation: string | null;
	record: unknown;
}

const validateReplication = ajv.compile<ReplicationOutput>({
	type: 'object',
	properties: { upToDate: {}, lastUpdateCreation: { type: ['string', 'null'] }, record: {} },
	required: ['upToDate', 'record'],
});

export interface ComponentsOutput {
	source: string;
	components: { name: string; version: string }[];
}

const validateComponents = ajv.compile<ComponentsOutput>({
	type: 'object',
	properties: {
		source: { type: 'string' },
		components: {
			type: 'array',
			items: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } }, required: ['name', 'version'] },
		},
	},
	required: ['source', 'components'],
});

export type BootstrapperRun =
	| { kind: 'exit'; exitCode: number; path: string }
	| { kind: 'missing'; path: string };

const validateBootstrapperRun = ajv.compile<BootstrapperRun>({
	oneOf: [
		{
			type: 'object',
			properties: { kind: { const: 'exit' }, exitCode: { type: 'integer' }, path: { type: 'string' } },
			required: ['kind', 'exitCode', 'path'],
		},
		{
			type: 'object',
			properties: { kind: { const: 'missing' }, path: { type: 'string' } },
			required: ['kind', 'path'],
		},
	],
});

interface ServiceOutput {
	installed: boolean;
	status?: string;
	crash?: { time: string; message: string } | null;
}

const validateServiceOutput = ajv.compile<ServiceOutput>({
	type: 'object',
	properties: {
		installed: { type: 'boolean' },
		status: { type: 'string' },
		crash: {
			type: ['object', 'null'],
			properties: { time: { type: 'string' }, message: { type: 'string' } },
			required: ['time', 'message'],
		},
	},
	required: ['installed'],
});

/** One look at a remote job running Bootstrapper.exe: what it printed since the last look (lines, then its outcome). */
export interface BootstrapperPoll {
	finished: boolean;
	/** The job failed because its session to the server broke. */
	lost: boolean;
	items: ({ kind: 'line'; text: string } | { kind: string; [key: string]: unknown })[];
}

const validateBootstrapperPoll = ajv.compile<BootstrapperPoll>({
	type: 'object',
	properties: {
		finished: { type: 'boolean' },
		lost: { type: 'boolean' },
		items: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, text: { type: 'string' } }, required: ['kind'] } },
	},
	required: ['finished', 'lost', 'items'],
});

/** A frame's payload: base64 of UTF-8 JSON. */
export function decodeFrame(payload: string): unknown {
	return JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
}

export function parseEnvelope(value: unknown, raw: string): Envelope {
	if (validateEnvelope(value)) return value;
	throw new EnvironmentError('unexpected-output', 'PowerShell answered in a shape the adapter does not know', raw);
}

function checked<T>(validate: ((value: unknown) => value is T) & { errors?: unknown }, what: string) {
	return (value: unknown): T => {
		if (validate(value)) return value;
		throw new EnvironmentError('unexpected-output', `${what} came back in an unexpected shape`, JSON.stringify(value));
	};
}

export const parseSessionInfo = checked(validateSessionInfo, 'The PowerShell session check');
export const parseInventoryOutput = checked(validateInventory, 'Get-CsTopology -AsXml with Get-CsService -Registrar');
export const parsePairingOutput = checked(validatePairing, 'Get-CsService with Get-CsPoolBackupRelationship');
export const parseBootstrapperRun = checked(validateBootstrapperRun, 'The Bootstrapper.exe run');
export const parseBootstrapperPoll = checked(validateBootstrapperPoll, 'The Bootstrapper.exe job');

/**
 * `Get-CsServerPatchVersion` on the server (ComponentName, Version: the names Microsoft's own scripts read; the
 * cmdlet reference does not document its output [unverified]), or the installed products where the cmdlet is
 * missing (DisplayName, DisplayVersion [unverified: whether a CU moves DisplayVersion]).
 */
export function parseComponents(server: string, value: unknown): ComponentsOutput {
	const components = asList(value);
	if (components.length === 1 && validateComponents(components[0])) return components[0];
	throw new EnvironmentError('unexpected-output', `${patchVersionCommand(server)} came back in an unexpected shape`, JSON.stringify(value));
}

/**
 * `Get-CsManagementStoreReplicationStatus -ReplicaFqdn <server>`: UpToDate and LastUpdateCreation are the properties
 * the cmdlet reference's examples use; the rest of Microsoft.Rtc.Management.Xds.ReplicaState is not documented, so it is
 * kept as raw text. Exactly one replica is expected.
 */
export function parseReplication(server: string, value: unknown): ReplicaStatus {
	const command = replicationCommand(server);
	const raw = JSON.stringify(value);
	const records = asList(value);
	if (records.length !== 1 || !validateReplication(records[0])) {
		throw new EnvironmentError('unexpected-output', `${command} returned ${records.length === 0 ? 'no replica' : 'an unexpected shape'}`, raw);
	}
	const record = records[0];
	const upToDate = typeof record.upToDate === 'boolean' ? record.upToDate : /^(true|false)$/i.test(String(record.upToDate)) ? /^true$/i.test(String(record.upToDate)) : undefined;
	if (upToDate === undefined) throw new EnvironmentError('unexpected-output', `${command} returned no readable UpToDate`, raw);
	const created = record.lastUpdateCreation?.trim();
	return { upToDate, ...(created ? { lastUpdateCreation: created } : {}), raw };
}

/** ConvertTo-Json writes a single result as an object and several as an array. */
export function asList(value: unknown): unknown[] {
	if (value === null || value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

export function parseFrontEndProbes(value: unknown): FrontEndProbe[] {
	return asList(value).map(checked(validateProbe, 'The Front End service check'));
}

/** A record from ConvertTo-SfbPairRecord: a string, or an object with its text and properties. */
type PowerShellRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is PowerShellRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const fqdnPattern = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

const servicePrefix = /^[A-Za-z]+:/;

/** "Registrar:pool.contoso.com", "UserServer:pool.contoso.com" or a bare FQDN → the FQDN. */
function fqdnFromText(text: string): string | undefined {
	const bare = text.trim().replace(servicePrefix, '');
	return fqdnPattern.test(bare) ? bare : undefined;
}

const nameProperties = ['PoolFqdn', 'Fqdn', 'Name', 'Identity', 'ServiceId'];

/**
 * A pool named by a string, or by an object that carries the name in one of its usual properties. An object's
 * own text counts only in the service-identity form ("Registrar:pool.contoso.com"): without a ToString of its
 * own, an object's text is its .NET type name, which looks like an FQDN too.
 */
export function fqdnFromValue(value: unknown): string | undefined {
	if (typeof value === 'string') return fqdnFromText(value);
	if (!isRecord(value)) return undefined;
	for (const property of nameProperties) {
		const found = fqdnFromValue(value[property]);
		if (found !== undefined) return found;
	}
	const text = value['#text'];
	return typeof text === 'string' && servicePrefix.test(text.trim()) ? fqdnFromText(text) : undefined;
}

function isEmpty(value: unknown): boolean {
	return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function hasProperty(record: PowerShellRecord, name: string): boolean {
	return Object.keys(record).some((candidate) => candidate.toLowerCase() === name.toLowerCase());
}

export function property(record: PowerShellRecord, name: string): unknown {
	const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : record[key];
}

/**
 * `Get-CsService -CentralManagementDatabase` [unverified shape]: the SQL Server from `PoolFqdn` (as every
 * Get-CsService object carries it) or the `CentralMgmtStore:<fqdn>` identity, the instance from `SqlInstanceName`.
 * An object that names no SQL Server makes the whole answer unknown, so a database is never dropped from the count.
 */
export function parseCmsDatabases(value: unknown): CentralManagementDatabase[] {
	const raw = JSON.stringify(value);
	return asList(value).map((record) => {
		const sqlServer = fqdnFromValue(record);
		if (sqlServer === undefined) throw new EnvironmentError('unexpected-output', `${CMS_DATABASES_COMMAND} returned a database that names no SQL Server`, raw);
		const text = isRecord(record) ? record['#text'] : record;
		const identity = typeof text === 'string' && text.trim() !== '' ? text.trim() : `CentralMgmtStore:${sqlServer}`;
		const instance = isRecord(record) ? property(record, 'SqlInstanceName') : undefined;
		return { identity, sqlServer, ...(typeof instance === 'string' && instance.trim() !== '' ? { instance: instance.trim() } : {}), raw: JSON.stringify(record) };
	});
}

/**
 * `Test-CsDatabase` [unverified shape]: every result must carry `Succeed`; the check succeeded when each does. Anything
 * else (no result, no Succeed, a value that is not True or False) leaves `succeeded` undefined: nobody can tell.
 */
export function parseDatabaseCheck(value: unknown): DatabaseCheck {
	const raw = JSON.stringify(value);
	const records = asList(value).filter(isRecord);
	const verdicts = records.map((record) => {
		const succeed = property(record, 'Succeed');
		if (typeof succeed === 'boolean') return succeed;
		return /^(true|false)$/i.test(String(succeed)) ? /^true$/i.test(String(succeed)) : undefined;
	});
	const said = (name: string) => {
		const values = records.map((record) => property(record, name)).filter((each): each is string => typeof each === 'string' && each.trim() !== '');
		return values.length === 0 ? [] : [`${name} ${values.join('/')}`];
	};
	const named = [...said('DatabaseName'), ...said('InstalledVersion'), ...said('ExpectedVersion')].join(', ');
	const detail = named || (records.length === 0 ? 'no result' : 'no database named');
	const succeeded = records.length === 0 || verdicts.includes(undefined) ? undefined : verdicts.every(Boolean);
	return { succeeded, detail, raw };
}

export interface RegistrarSetting {
	pool: string;
	backup?: string;
}

/**
 * Each Registrar's pool and BackupRegistrar [unverified property name and type]: a string such as
 * "Registrar:pool02.contoso.com", or an object naming the pool.
 */
export function parseRegistrars(records: unknown[]): RegistrarSetting[] {
	return records.map((record) => {
		const raw = JSON.stringify(record);
		if (!isRecord(record)) {
			throw new EnvironmentError('unexpected-output', 'Get-CsService -Registrar returned something that is not a Registrar', raw);
		}
		const pool = fqdnFromValue(property(record, 'PoolFqdn')) ?? fqdnFromValue(property(record, 'Identity'));
		if (pool === undefined) {
			throw new EnvironmentError('unexpected-output', 'A Registrar from Get-CsService -Registrar names no pool', raw);
		}
		if (!hasProperty(record, 'BackupRegistrar')) {
			// Absent is not empty: without the property nothing says whether the pool has a backup.
			throw new EnvironmentError('unexpected-output', `The Registrar of ${pool} has no BackupRegistrar property, so whether it is paired cannot be told`, raw);
		}
		const backupValue = property(record, 'BackupRegistrar');
		if (isEmpty(backupValue)) return { pool };
		const backup = fqdnFromValue(backupValue);
		if (backup === undefined) {
			throw new EnvironmentError('unexpected-output', `The BackupRegistrar of ${pool} does not name a pool`, raw);
		}
		return { pool, backup };
	});
}

/**
 * The backup pool Get-CsPoolBackupRelationship reports for `pool` [unverified property names]: a bare FQDN,
 * or an object with a property whose name mentions the backup.
 */
export function parseBackupRelationship(pool: string, records: unknown[]): string | undefined {
	const named = records.flatMap((record) => {
		if (typeof record === 'string') return isEmpty(record) ? [] : [fqdnFromText(record) ?? unrecognised(record)];
		if (!isRecord(record)) return [unrecognised(record)];
		const backupKeys = Object.keys(record).filter((key) => /backup/i.test(key) && !isEmpty(record[key]));
		for (const key of backupKeys) {
			const found = fqdnFromValue(record[key]);
			if (found !== undefined) return [found];
		}
		const text = fqdnFromValue({ '#text': record['#text'] });
		if (text !== undefined && !sameFqdn(text, pool)) return [text];
		return backupKeys.length === 0 && isEmpty(record['#text']) ? [] : [unrecognised(record)];
	});
	return named[0];

	function unrecognised(record: unknown): never {
		throw new EnvironmentError(
			'unexpected-output',
			`${relationshipCommand(pool)} returned no recognisable backup pool`,
			JSON.stringify(records.length === 1 ? record : records),
		);
	}
}

export function sameFqdn(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

/**
 * `Get-CsBackupServiceStatus -PoolFqdn <pool>`: the modules under `.BackupModules` (JENSTR), or module records
 * emitted directly; a property whose name mentions the backup pool gives the other end [unverified].
 */
export function parseBackupStatus(pool: string, records: unknown[]): BackupServiceStatus {
	const raw = JSON.stringify(records);
	const refuse = (reason: string): never => {
		throw new EnvironmentError('unexpected-output', `${statusCommand(pool)} ${reason}`, raw);
	};
	const modules: BackupModuleStatus[] = [];
	let backupPool: string | undefined;
	for (const record of records) {
		if (!isRecord(record)) refuse('returned something that is not a status');
		const status = record as PowerShellRecord;
		const moduleList = property(status, 'BackupModules');
		if (moduleList !== undefined) {
			for (const module of asList(moduleList)) modules.push(moduleStatus(module) ?? refuse('lists a module without Identity, ExportStatus and ImportStatus'));
			const backupKey = Object.keys(status).find((key) => /^backup.*(pool|fqdn)/i.test(key));
			backupPool ??= backupKey === undefined ? undefined : fqdnFromValue(status[backupKey]);
		} else {
			modules.push(moduleStatus(status) ?? refuse('returned neither BackupModules nor module statuses'));
		}
	}
	return { pool, ...(backupPool === undefined ? {} : { backupPool }), modules };
}

function moduleStatus(value: unknown): BackupModuleStatus | undefined {
	if (!isRecord(value)) return undefined;
	const text = (name: string) => {
		const found = property(value, name);
		if (typeof found === 'string') return found;
		return isRecord(found) && typeof found['#text'] === 'string' ? found['#text'] : undefined;
	};
	const identity = text('Identity');
	const exportStatus = text('ExportStatus');
	const importStatus = text('ImportStatus');
	if (identity === undefined || exportStatus === undefined || importStatus === undefined) return undefined;
	return { identity, exportStatus, importStatus };
}

const serviceStates: readonly ServiceState[] = ['Running', 'Stopped', 'StartPending', 'StopPending'];

export function parseServiceStatus(server: string, name: string, value: unknown): ServiceStatus {
	const output = checked(validateServiceOutput, readServiceCommand(server, name))(value);
	if (!output.installed) return { state: 'NotInstalled' };
	const state = serviceStates.find((known) => known === output.status) ?? 'Unknown';
	if (!output.crash) return { state };
	const firstLine = output.crash.message.split(/\r?\n/, 1)[0] ?? '';
	return {
		state,
		detail: `Event ${BACKUP_CRASH_EVENT_ID} (${BACKUP_CRASH_PROVIDER}) at ${output.crash.time}: ${firstLine} Re-apply the Cumulative Update on ${server}.`,
	};
}

export interface FailureContext {
	/** The command as an operator would type it, e.g. "Get-CsBackupServiceStatus -PoolFqdn pool01.contoso.com". */
	action: string;
	/** The server the command reaches, for unreachable and remoting errors. */
	server?: string;
	/** The module the session loaded, for missing cmdlets. */
	module: string;
}

const remotingTransport = 'System.Management.Automation.Remoting.PSRemotingTransportException';
const unreachablePattern = /WinRM|RPC server is unavailable|network path was not found|cannot be reached|No such host is known/i;
const accessDeniedPattern = /access (is )?denied|unauthori[sz]ed/i;

/** Turns the error that stopped a script into one line an administrator can act on. */
export function classifyFailure(failure: PowerShellFailure, context: FailureContext): EnvironmentError {
	const raw = JSON.stringify(failure);
	const messages = [failure.message, ...failure.exceptionMessages];
	const mentions = (pattern: RegExp) => messages.some((message) => pattern.test(message));
	const server = context.server ?? (failure.target || 'the server');
	const remoting = /PSSessionStateBroken/.test(failure.errorId) || failure.exceptionTypes.includes(remotingTransport);

	if (failure.exceptionTypes.includes('System.Management.Automation.CommandNotFoundException') || failure.errorId.startsWith('CommandNotFoundException')) {
		const command = failure.target || failure.command || 'A cmdlet';
		return new EnvironmentError(
			'cmdlet-missing',
			`${command} is not available in the ${context.module} module: run sfb-pair where the Skype for Business Server management tools of the pools' version are installed`,
			raw,
		);
	}
	if (remoting && (failure.errorId.startsWith('AccessDenied') || mentions(accessDeniedPattern))) {
		return new EnvironmentError(
			'access-denied',
			`Access denied opening a remote PowerShell session on ${server}: run as a member of RTCUniversalServerAdmins who is a local Administrator on ${server}`,
			raw,
		);
	}
	if (remoting) {
		return new EnvironmentError(
			'unreachable',
			`${server} cannot be reached over PowerShell remoting (WinRM): check the name, the network and that WinRM (TCP 5985) is allowed, then retry this server`,
			raw,
		);
	}
	if (mentions(unreachablePattern)) {
		const reason = firstLineOf(messages.filter((message) => unreachablePattern.test(message)).at(-1) ?? failure.message);
		return new EnvironmentError(
			'unreachable',
			`${server} cannot be reached (${reason.replace(/\.$/, '')}): check the name, the network and the firewall, then retry this server`,
			raw,
		);
	}
	if (failure.category === 'PermissionDenied' || failure.exceptionTypes.includes('System.UnauthorizedAccessException') || mentions(accessDeniedPattern)) {
		const command = failure.command || context.action;
		const needed =
			command === 'Enable-CsTopology'
				? 'RTCUniversalServerAdmins and Domain Admins (or rights delegated with Grant-CsSetupPermission)'
				: 'RTCUniversalServerAdmins';
		return new EnvironmentError('access-denied', `Access denied running ${command}: run sfb-pair as a member of ${needed}`, raw);
	}
	return new EnvironmentError('failed', `${context.action} failed: ${firstLineOf(failure.message)}`, raw);
}

function firstLineOf(text: string): string {
	return text.split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? 'PowerShell gave no reason';
}

export interface PublishOutput {
	warnings: string[];
	report?: string;
}

/**
 * What the publish answered: its warning stream's messages and its -Report file's text, if it wrote one. Read
 * tolerantly: a warning that is not text is skipped, and a report that is not text is taken as none [unverified].
 */
export function parsePublishOutput(value: unknown): PublishOutput {
	if (!isRecord(value)) throw new EnvironmentError('unexpected-output', 'Enable-CsTopology -Report: the publish answered no warnings and no report', JSON.stringify(value));
	const warnings = asList(value.warnings).filter((warning): warning is string => typeof warning === 'string');
	return { warnings, ...(typeof value.report === 'string' && value.report !== '' ? { report: value.report } : {}) };
}
