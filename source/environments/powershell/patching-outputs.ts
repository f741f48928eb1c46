import { EnvironmentError, type InstallerAccess } from '../port.js';
import type { PoolUpgradeReadiness } from '../../sfb/upgrade-readiness.js';

/**
 * What the patching scripts bring back. The readiness cmdlets' output is documented only in words (the pool's Front Ends,
 * how many are active, the upgrade domains, whether the pool may be upgraded) and by two names, PoolUpgradeState and
 * ReadyForUpgrade (manage-front-end-servers / upgrade-or-update-front-end-servers): every other name is [unverified], so
 * the output is read by what its property names contain, and kept whole as `raw`.
 */

type Record_ = Record<string, unknown>;

const isRecord = (value: unknown): value is Record_ => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Windows PowerShell 5.1 can serialise an array as {"value":[...],"Count":n}: read either. */
function listOf(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (isRecord(value) && Array.isArray(value.value) && 'Count' in value) return value.value;
	return value === null || value === undefined ? [] : [value];
}

/** Property names compared without case, spaces or punctuation: "TotalActiveFrontEnds" → "totalactivefrontends". */
const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function entries(record: Record_): [string, unknown][] {
	return Object.entries(record).filter(([name]) => name !== '#text');
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
}

function truth(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return /^true$/i.test(value.trim());
	return undefined;
}

function count(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
	return number !== undefined && Number.isInteger(number) && number >= 0 ? number : undefined;
}

function pick<T>(record: Record_, matches: (squashed: string) => boolean, read: (value: unknown) => T | undefined): T | undefined {
	for (const [name, value] of entries(record)) {
		if (!matches(squash(name))) continue;
		const read_ = read(value);
		if (read_ !== undefined) return read_;
	}
	return undefined;
}

const isStateName = (name: string) => name === 'poolupgradestate' || name === 'upgradestate' || name === 'state' || name === 'poolstate';
const namesFrontEnds = (name: string) => name.includes('frontend') || name.includes('server') || name.includes('computer');

/** A server named in the output: a string, or an object whose text or FQDN-ish property names it. */
function serverName(value: unknown): string | undefined {
	if (typeof value === 'string') return text(value);
	if (!isRecord(value)) return undefined;
	return pick(value, (name) => name.includes('fqdn') || name === 'computername' || name === 'name' || name === 'identity', text) ?? text(value['#text']);
}

function readDomain(record: Record_): PoolUpgradeReadiness['domains'][number] | undefined {
	const name = pick(record, (key) => key === 'upgradedomain' || key === 'name' || key === 'identity' || key === 'domainname' || key === 'upgradedomainname', text);
	const servers = pick(record, namesFrontEnds, (value) => {
		const list = listOf(value).map(serverName).filter((server): server is string => server !== undefined);
		return list.length > 0 ? list : undefined;
	});
	if (name === undefined || servers === undefined) return undefined;
	const ready = pick(record, (key) => key.includes('ready'), truth);
	return { name, servers, ...(ready === undefined ? {} : { ready }) };
}

/** `json`: the readiness records as the server sent them (JSON text). */
export function parseReadiness(pool: string, command: string, json: unknown): PoolUpgradeReadiness {
	const raw = typeof json === 'string' ? json : JSON.stringify(json);
	let records: unknown[];
	try {
		records = listOf(typeof json === 'string' ? JSON.parse(json) : json);
	} catch {
		throw new EnvironmentError('unexpected-output', `${command} did not come back as the records it sent`, raw);
	}
	const objects = records.filter(isRecord);
	const summary = objects.find((record) => pick(record, isStateName, text) !== undefined) ?? objects[0];
	const state = summary && pick(summary, isStateName, text);
	const frontEnds = summary && pick(summary, (name) => name.includes('frontend') && !name.includes('active') && !name.includes('inactive'), count);
	const activeFrontEnds = summary && pick(summary, (name) => name.includes('activefrontend') && !name.includes('inactive'), count);
	// The domains are a list inside the summary, or records of their own (one per domain) [unverified which].
	const nested = summary ? pick(summary, (name) => name.includes('upgradedomain'), (value) => (Array.isArray(value) || isRecord(value) ? listOf(value) : undefined)) : undefined;
	const domains = [...(nested ?? []), ...objects.filter((record) => record !== summary)]
		.filter(isRecord)
		.map(readDomain)
		.filter((domain): domain is NonNullable<typeof domain> => domain !== undefined);
	if (state === undefined && domains.length === 0) {
		throw new EnvironmentError('unexpected-output', `${command} answered with neither a PoolUpgradeState nor upgrade domains sfb-pair can read`, raw);
	}
	return {
		pool,
		ready: state === undefined ? undefined : /^ready$/i.test(state),
		...(state === undefined ? {} : { state }),
		...(frontEnds === undefined ? {} : { frontEnds }),
		...(activeFrontEnds === undefined ? {} : { activeFrontEnds }),
		domains,
		raw,
	};
}

/** The Front End service's state and start mode: stopped and disabled is failed over (Invoke-CsComputerFailOver's description). */
export function parseFailedOver(server: string, command: string, value: unknown): boolean {
	const raw = JSON.stringify(value);
	if (!isRecord(value) || typeof value.installed !== 'boolean') throw new EnvironmentError('unexpected-output', `${command} came back in an unexpected shape`, raw);
	if (!value.installed) throw new EnvironmentError('unexpected-output', `${command}: ${server} has no Front End service (RTCSRV), so whether it is failed over cannot be told`, raw);
	const state = text(value.state);
	const startMode = text(value.startMode);
	if (state === undefined || startMode === undefined) throw new EnvironmentError('unexpected-output', `${command}: the Front End service's state or start mode is missing`, raw);
	return !/^running$/i.test(state) && /^disabled$/i.test(startMode);
}

export function parseInstallerAccess(installer: string, command: string, value: unknown): InstallerAccess {
	if (isRecord(value) && typeof value.readable === 'boolean') return { path: installer, readable: value.readable, detail: text(value.detail) ?? '' };
	throw new EnvironmentError('unexpected-output', `${command} came back in an unexpected shape`, JSON.stringify(value));
}

/** The boot time the server sent (UTC ISO 8601); one that is not a time is said so, with what came back. */
export function parseBootTime(command: string, value: unknown): string {
	const text = isRecord(value) ? value.lastBootUpTime : undefined;
	if (typeof text === 'string' && !Number.isNaN(Date.parse(text))) return new Date(Date.parse(text)).toISOString();
	throw new EnvironmentError('unexpected-output', `${command} did not answer with a time`, JSON.stringify(value));
}

export function parseRestartRequested(command: string, value: unknown): void {
	if (isRecord(value) && value.requested === true) return;
	throw new EnvironmentError('unexpected-output', `${command} ended without saying the restart was asked for`, JSON.stringify(value));
}
