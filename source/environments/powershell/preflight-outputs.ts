import { EnvironmentError, type AccountFacts, type FabricState, type ServerFacts, type ServerProbeRequest, type ServiceState } from '../port.js';
import { asList } from './outputs.js';

/**
 * What the pre-flight scripts (preflight-scripts.ts) answer, checked before it is believed. `whoami`'s CSV and CIM's
 * properties are documented; `Get-CsPoolFabricState`'s output and `Test-CsSetupPermission`'s are not [unverified] and
 * are read tolerantly.
 */

const RTC_UNIVERSAL_SERVER_ADMINS = 'RTCUniversalServerAdmins';
/** A domain's Domain Admins: S-1-5-21-<domain>-512. */
const DOMAIN_ADMINS_SID = /^S-1-5-21-\d+-\d+-\d+-512$/i;
/** Mandatory labels: High is an elevated administrator, System a service; Medium and below are not elevated. */
const ELEVATED_LABELS = new Set(['S-1-16-12288', 'S-1-16-16384']);
const MANDATORY_LABEL = /^S-1-16-\d+$/;

const record = (value: unknown): Record<string, unknown> | undefined =>
	typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

export function parseAccount(value: unknown): AccountFacts {
	const raw = JSON.stringify(value);
	const output = record(value);
	const groups = asList(output?.groups).map(record);
	if (output === undefined || typeof output.user !== 'string' || groups.some((group) => group === undefined) || groups.length === 0) {
		throw new EnvironmentError('unexpected-output', 'whoami /groups came back in an unexpected shape (or listed no group)', raw);
	}
	const entries = groups.map((group) => ({ name: text(group?.name), sid: text(group?.sid) }));
	const labels = entries.filter((group) => MANDATORY_LABEL.test(group.sid));
	return {
		user: output.user,
		rtcUniversalServerAdmins: entries.some((group) => group.name.split('\\').at(-1)?.toLowerCase() === RTC_UNIVERSAL_SERVER_ADMINS.toLowerCase()),
		domainAdmins: entries.some((group) => DOMAIN_ADMINS_SID.test(group.sid)),
		elevated: labels.length === 0 ? null : labels.some((label) => ELEVATED_LABELS.has(label.sid.toUpperCase())),
		groupCount: entries.filter((group) => !MANDATORY_LABEL.test(group.sid)).length,
	};
}

/** `Test-CsSetupPermission` answers True or False [unverified beyond the cmdlet reference's description]. */
export function parseSetupPermission(command: string, value: unknown): boolean {
	const answers = asList(value).map((item) => text(item).trim().toLowerCase());
	if (answers.length === 1 && (answers[0] === 'true' || answers[0] === 'false')) return answers[0] === 'true';
	throw new EnvironmentError('unexpected-output', `${command} did not answer True or False`, JSON.stringify(value));
}

const SERVICE_STATES = new Set<ServiceState>(['Running', 'Stopped', 'StartPending', 'StopPending', 'NotInstalled', 'Unknown']);

/** What one Front End said; the file store and the partner's file server are the ones `request` asked about. */
export function parseServerFacts(server: string, value: unknown, request: ServerProbeRequest): ServerFacts {
	const raw = JSON.stringify(value);
	const output = record(value);
	const facts = record(output?.facts);
	const connectMs = Number(output?.connectMs);
	if (facts === undefined || !Number.isFinite(connectMs)) throw new EnvironmentError('unexpected-output', `The pre-flight read on ${server} came back in an unexpected shape`, raw);
	const service = text(facts.frontEndService) as ServiceState;
	const fileStore = record(facts.fileStore);
	return {
		connectMs: Math.max(0, Math.round(connectMs)),
		frontEndService: SERVICE_STATES.has(service) ? service : 'Unknown',
		operatingSystem: text(facts.operatingSystem).trim(),
		manufacturer: text(facts.manufacturer).trim(),
		model: text(facts.model).trim(),
		...(text(facts.distinguishedName) ? { distinguishedName: text(facts.distinguishedName) } : {}),
		...(fileStore === undefined || request.ownFileStore === undefined ? {} : { fileStore: { path: request.ownFileStore, reachable: fileStore.reachable === true, detail: text(fileStore.detail) } }),
		...(typeof facts.partnerSmb !== 'boolean' || request.partnerFileStoreHost === undefined ? {} : { partnerFileStore: { host: request.partnerFileStoreHost, open: facts.partnerSmb } }),
	};
}

/**
 * `Get-CsPoolFabricState` as text: every line that counts something missing ("… missing … : 0") is a count. Nothing
 * like it in the output is not "none missing": the caller says it could not tell.
 */
export function parseFabric(value: unknown): FabricState {
	const lines = asList(value)
		.flatMap((item) => text(item).split(/\r?\n/))
		.map((line) => line.trim())
		.filter(Boolean);
	const missing = lines.flatMap((line) => {
		const match = /^(.*\bmissing\b[^:=\d]*)[:=]?\s*(\d+)\s*$/i.exec(line);
		return match ? [{ what: (match[1] ?? '').replace(/[\s:=]+$/, ''), count: Number(match[2]) }] : [];
	});
	return { missing, raw: lines.join('\n') };
}
