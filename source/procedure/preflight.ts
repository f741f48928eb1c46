import type { AccountFacts, ComponentVersions, EnvironmentError, FabricState, InstallerAccess, ServerFacts } from '../environments/port.js';
import { coreComponentsVersion } from '../sfb/cumulative-update.js';
import type { FrontEndPool } from '../sfb/model.js';
import type { Observation } from '../sfb/observation.js';
import { powershellLiteral as q } from '../environments/powershell/literal.js';
import { fabricCommand, setupPermissionCommand } from '../sfb/commands.js';

/**
 * `sfb-pair doctor`: the pre-flight an administrator runs before pairing, judged from what the farm said. Pure: the
 * operation (operations/preflight.ts) reads, this judges, the command renders. Each check is ok, a warning (go on,
 * knowing it) or blocking (pairing would fail or break a rule), with one line of evidence and one of what to do.
 */

export type CheckStatus = 'ok' | 'warning' | 'blocking';

export type CheckId =
	| 'rtc-admins'
	| 'topology-rights'
	| 'elevated'
	| 'product-version'
	| 'winrm'
	| 'double-hop'
	| 'smb'
	| 'front-ends-running'
	| 'fabric'
	| 'replication'
	| 'cumulative-update'
	| 'operating-system'
	| 'platform'
	| 'cu-installer';

export const CHECK_TITLES: Record<CheckId, string> = {
	'rtc-admins': 'RTCUniversalServerAdmins',
	'topology-rights': 'rights to enable the topology',
	elevated: 'elevated shell',
	'product-version': 'product version',
	winrm: 'WinRM',
	'double-hop': 'Kerberos double hop',
	smb: 'SMB to partner file store',
	'front-ends-running': 'Front Ends running',
	fabric: 'Windows Fabric replicas',
	replication: 'CMS replica up to date',
	'cumulative-update': 'same Cumulative Update',
	'operating-system': 'same operating system',
	platform: 'both physical or both virtual',
	'cu-installer': 'update installer readable',
};

export interface Check {
	id: CheckId;
	/** What was checked: the account, a pool, a server, or a pair. */
	subject: string;
	status: CheckStatus;
	/** One line: what the farm said, and which command said it. */
	evidence: string;
	/** One line: what to do; empty when there is nothing to do. */
	action: string;
}

/** What a read gave: its value, or the error that stopped it (unknown, never "no"). */
export type Reading<T> = { ok: true; value: T } | { ok: false; kind: EnvironmentError['kind']; message: string };

export interface ServerReadings {
	server: string;
	facts: Reading<ServerFacts>;
	versions: Reading<ComponentVersions>;
	replication: Observation;
	/** With --cu-installer: can the server read the installer from its own session? */
	installer?: Reading<InstallerAccess>;
}

export interface PoolReadings {
	pool: FrontEndPool;
	/** The pool it is (or is to be) paired with: its file store is the one each server must reach over SMB. */
	partner?: FrontEndPool;
	fabric: Reading<FabricState>;
	servers: ServerReadings[];
}

export interface PreflightReadings {
	account: Reading<AccountFacts>;
	/** Asked only when the account is not a Domain Admin: Test-CsSetupPermission for the Front Ends' OU. */
	setupPermission?: { ou: string; granted: Reading<boolean> } | { ou: null; reason: string };
	pools: PoolReadings[];
	/** The pairs to compare (CU, OS, platform): the chosen pair, or every published pair. */
	pairs: [string, string][];
}

export interface PreflightReport {
	checks: Check[];
	counts: Record<CheckStatus, number>;
}

/** Opening a session and one command slower than this is worth a warning: every step runs through it. */
export const SLOW_WINRM_MS = 10_000;
/** A quorum of Front Ends must run for an Enterprise pool to serve (SfB 2019 requires three, manage-front-end-servers.md). */
export const MIN_ENTERPRISE_FRONT_ENDS = 3;

const ok = (id: CheckId, subject: string, evidence: string): Check => ({ id, subject, status: 'ok', evidence, action: '' });
const warning = (id: CheckId, subject: string, evidence: string, action: string): Check => ({ id, subject, status: 'warning', evidence, action });
const blocking = (id: CheckId, subject: string, evidence: string, action: string): Check => ({ id, subject, status: 'blocking', evidence, action });
const couldNotTell = (id: CheckId, subject: string, message: string): Check => warning(id, subject, `could not tell: ${message}`, 'run the command yourself, or run doctor again once the cause is fixed');

export function judgePreflight(readings: PreflightReadings): PreflightReport {
	const checks = [
		...judgeAccount(readings),
		...readings.pools.flatMap(judgePool),
		...readings.pairs.flatMap(([left, right]) => {
			const pools = [left, right].map((fqdn) => readings.pools.find((entry) => entry.pool.fqdn.toLowerCase() === fqdn.toLowerCase()));
			return pools[0] && pools[1] ? judgePair(pools[0], pools[1]) : [];
		}),
	];
	return { checks, counts: countChecks(checks) };
}

export function countChecks(checks: readonly Check[]): Record<CheckStatus, number> {
	const counts = { ok: 0, warning: 0, blocking: 0 };
	for (const check of checks) counts[check.status] += 1;
	return counts;
}

/** "2 blocking, 1 warning, 27 ok": what is not there is not said, except the ok count. */
export function tallyChecks(counts: Record<CheckStatus, number>): string {
	const { ok, warning, blocking } = counts;
	return [blocking > 0 ? `${blocking} blocking` : '', warning > 0 ? `${warning} warning${warning === 1 ? '' : 's'}` : '', `${ok} ok`].filter(Boolean).join(', ');
}

/** Servers remoting cannot run Bootstrapper on as it stands (the double hop refused): the ones to offer to do by hand. */
export function handRunCandidates(checks: readonly Check[]): string[] {
	return checks.filter((check) => check.id === 'double-hop' && check.status !== 'ok').map((check) => check.subject);
}

const RANK: Record<CheckStatus, number> = { blocking: 0, warning: 1, ok: 2 };

/** The checks that need a reader's attention, blocking before warning, each kept in the order it was judged. */
export function checksToAct(checks: readonly Check[]): Check[] {
	return checks.filter((check) => check.status !== 'ok').sort((a, b) => RANK[a.status] - RANK[b.status]);
}

export function judgeAccount(readings: Pick<PreflightReadings, 'account' | 'setupPermission'>): Check[] {
	const account = readings.account;
	if (!account.ok) return [couldNotTell('rtc-admins', 'the account', `whoami /groups: ${account.message}`)];
	const { user } = account.value;
	const evidence = (what: string) => `whoami /groups: ${user} ${what}`;
	const checks: Check[] = [
		account.value.rtcUniversalServerAdmins
			? ok('rtc-admins', user, evidence('is a member of RTCUniversalServerAdmins'))
			: blocking(
					'rtc-admins',
					user,
					evidence(`is not a member of RTCUniversalServerAdmins (${account.value.groupCount} groups in the token)`),
					`add ${user} to RTCUniversalServerAdmins, then sign out and in again (a token takes new groups at sign-in)`,
				),
	];
	checks.push(topologyRights(user, account.value.domainAdmins, readings.setupPermission));
	checks.push(
		account.value.elevated === null
			? warning('elevated', user, evidence('names no integrity level: whether the shell is elevated is unknown'), 'start the shell with "Run as administrator" to be sure')
			: account.value.elevated
				? ok('elevated', user, evidence('runs elevated (High integrity level)'))
				: blocking(
						'elevated',
						user,
						evidence('runs without elevation (Medium integrity level)'),
						'close this shell and start the Skype for Business Server Management Shell with "Run as administrator"',
					),
	);
	return checks;
}

function topologyRights(user: string, domainAdmin: boolean, permission: PreflightReadings['setupPermission']): Check {
	if (domainAdmin) return ok('topology-rights', user, `whoami /groups: ${user} is a member of Domain Admins`);
	const grant = 'ask a Domain Admin to run Grant-CsSetupPermission -ComputerOU <the Front Ends\' OU>, or to enable the topology for you';
	if (permission === undefined || permission.ou === null) {
		const why = permission?.ou === null ? permission.reason : 'no Front End told its OU';
		return warning('topology-rights', user, `${user} is not a Domain Admin, and Test-CsSetupPermission could not be asked: ${why}`, grant);
	}
	const command = setupPermissionCommand(permission.ou);
	if (!permission.granted.ok) return couldNotTell('topology-rights', user, `${user} is not a Domain Admin; ${permission.granted.message}`);
	return permission.granted.value
		? ok('topology-rights', user, `${command}: True (${user} is not a Domain Admin; the setup permissions are delegated)`)
		: blocking('topology-rights', user, `${user} is not a Domain Admin and ${command} answered False: Enable-CsTopology will be refused`, grant);
}

export function judgePool(readings: PoolReadings): Check[] {
	const { pool } = readings;
	if (pool.version === 'Lync Server 2010') {
		return [
			blocking(
				'product-version',
				pool.fqdn,
				`the topology defines ${pool.fqdn} as Lync Server 2010, which has no Backup Service (it came with Lync Server 2013)`,
				`move its users to a Lync Server 2013 or later pool, and pair that pool instead`,
			),
		];
	}
	const checks: Check[] = [];
	const reached: { server: string; facts: ServerFacts }[] = [];
	for (const entry of readings.servers) {
		if (!entry.facts.ok) {
			checks.push(
				entry.facts.kind === 'unreachable' || entry.facts.kind === 'access-denied'
					? blocking('winrm', entry.server, entry.facts.message, `make ${entry.server} reachable over WinRM (TCP 5985) for this account: Test-WSMan ${entry.server}; Enable-PSRemoting on the server`)
					: couldNotTell('winrm', entry.server, entry.facts.message),
			);
			continue;
		}
		reached.push({ server: entry.server, facts: entry.facts.value });
		checks.push(winrm(entry.server, entry.facts.value.connectMs));
	}
	for (const { server, facts } of reached) {
		if (facts.fileStore) checks.push(doubleHop(server, facts.fileStore));
		else if (pool.fileStore === undefined) checks.push(warning('double-hop', server, `the topology names no file store for ${pool.fqdn}`, 'check the pool\'s file store in Topology Builder'));
	}
	if (readings.partner) {
		for (const { server, facts } of reached) checks.push(smb(server, readings.partner, facts.partnerFileStore));
	}
	for (const entry of readings.servers) if (entry.installer && entry.facts.ok) checks.push(installerReadable(entry.server, entry.installer));
	checks.push(frontEndsRunning(pool, readings.servers));
	checks.push(fabric(pool.fqdn, readings.fabric));
	for (const entry of readings.servers) {
		if (!entry.facts.ok && (entry.facts.kind === 'unreachable' || entry.facts.kind === 'access-denied')) continue;
		checks.push(replication(entry.server, entry.replication));
	}
	return checks;
}

function winrm(server: string, ms: number): Check {
	const evidence = `a session opened and answered in ${seconds(ms)}`;
	return ms > SLOW_WINRM_MS
		? warning('winrm', server, evidence, 'every step runs through this connection: check the network, DNS and Kerberos to this server')
		: ok('winrm', server, evidence);
}

function doubleHop(server: string, store: NonNullable<ServerFacts['fileStore']>): Check {
	const command = `Get-ChildItem -LiteralPath ${q(store.path)} in its remote session`;
	if (store.reachable) return ok('double-hop', server, `${command}: listed`);
	return warning(
		'double-hop',
		server,
		`${command}: ${firstLine(store.detail)}`,
		`Bootstrapper run remotely may not reach AD or the file store: allow delegation (CredSSP, or Kerberos constrained delegation for ${server}), or run Bootstrapper there yourself (sfb-pair run --by-hand ${server}, or the wizard's "I run Bootstrapper myself": the commands are printed and the result verified)`,
	);
}

/** The server reads the installer itself, from its remote session: a refusal there is most often the double hop. */
function installerReadable(server: string, access: Reading<InstallerAccess>): Check {
	if (!access.ok) return couldNotTell('cu-installer', server, access.message);
	const command = `Get-Item -LiteralPath ${q(access.value.path)} in its remote session`;
	if (access.value.readable) return ok('cu-installer', server, `${command}: ${access.value.detail}`);
	return blocking(
		'cu-installer',
		server,
		`${command}: ${firstLine(access.value.detail)}`,
		`give ${server}'s computer account read access to the share and allow the Kerberos double hop to the file server (resource-based constrained delegation, or CredSSP), or run the CU by hand without --cu-installer`,
	);
}

function smb(server: string, partner: FrontEndPool, reading: ServerFacts['partnerFileStore']): Check {
	if (partner.fileStore === undefined) return warning('smb', server, `the topology names no file store for ${partner.fqdn}`, 'check the partner pool\'s file store in Topology Builder');
	if (reading === undefined) return couldNotTell('smb', server, 'the server did not say');
	const evidence = `Test-NetConnection -ComputerName ${q(reading.host)} -Port 445 in its remote session: ${reading.open ? 'open' : 'closed'}`;
	return reading.open
		? ok('smb', server, evidence)
		: blocking('smb', server, evidence, `allow TCP 445 from ${server} to ${reading.host} (firewall, IPsec): the Backup Service copies ${partner.fqdn}'s data through it`);
}

function frontEndsRunning(pool: FrontEndPool, servers: ServerReadings[]): Check {
	const states = servers.map((entry) => (entry.facts.ok ? entry.facts.value.frontEndService : undefined));
	const running = states.filter((state) => state === 'Running').length;
	const unknown = states.filter((state) => state === undefined || state === 'Unknown').length;
	const notInstalled = servers.filter((_, index) => states[index] === 'NotInstalled').map((entry) => entry.server);
	const stopped = servers.filter((_, index) => states[index] !== undefined && !['Running', 'Unknown', 'NotInstalled'].includes(states[index] ?? '')).map((entry) => entry.server);
	const evidence = `Get-CsWindowsService -Name 'RTCSRV' on each server: ${running} of ${servers.length} Running${stopped.length > 0 ? `; not running on ${stopped.join(', ')}` : ''}${notInstalled.length > 0 ? `; not installed on ${notInstalled.join(', ')}` : ''}${unknown > 0 ? `; ${unknown} could not be asked` : ''}`;
	if (notInstalled.length > 0 && stopped.length === 0) {
		// A pool defined but not (yet wholly) deployed: the procedure publishes the pairing and stops at its deployment step.
		return warning('front-ends-running', pool.fqdn, evidence, `deploy Skype for Business Server on ${notInstalled.join(', ')}: pairing stops at the deployment step until it is`);
	}
	if (pool.edition === 'Standard') {
		return running === 1 ? ok('front-ends-running', pool.fqdn, evidence) : unknown > 0 ? couldNotTell('front-ends-running', pool.fqdn, evidence) : blocking('front-ends-running', pool.fqdn, evidence, `start the Front End service: Start-CsWindowsService -Name RTCSRV on ${pool.fqdn}`);
	}
	if (running >= MIN_ENTERPRISE_FRONT_ENDS) return ok('front-ends-running', pool.fqdn, evidence);
	if (running + unknown >= MIN_ENTERPRISE_FRONT_ENDS) return couldNotTell('front-ends-running', pool.fqdn, evidence);
	if (servers.length < MIN_ENTERPRISE_FRONT_ENDS && running === servers.length) {
		return warning('front-ends-running', pool.fqdn, `${evidence}: the pool has fewer than ${MIN_ENTERPRISE_FRONT_ENDS} Front Ends`, `add Front Ends: Skype for Business Server 2019 needs at least ${MIN_ENTERPRISE_FRONT_ENDS} in an Enterprise pool, and a pool of two loses quorum with one`);
	}
	return blocking('front-ends-running', pool.fqdn, evidence, `start the Front End service on ${stopped.join(', ') || 'the stopped servers'} (Start-CsPool or Start-CsWindowsService) and let the pool settle before pairing`);
}

function fabric(pool: string, reading: Reading<FabricState>): Check {
	const command = fabricCommand(pool);
	if (!reading.ok) return couldNotTell('fabric', pool, `${command}: ${reading.message}`);
	const { missing } = reading.value;
	if (missing.length === 0) return warning('fabric', pool, `${command}: no count of missing replicas in its output [unverified shape]`, `read its output yourself; sfb-pair doctor --capture FILE records it`);
	const lacking = missing.filter((entry) => entry.count > 0);
	const evidence = `${command}: ${(lacking.length > 0 ? lacking : missing).map((entry) => `${entry.what} ${entry.count}`).join(', ')}`;
	return lacking.length === 0
		? ok('fabric', pool, evidence)
		: blocking('fabric', pool, evidence, `let the pool rebuild its replicas (Reset-CsPoolRegistrarState -ResetType QuorumLossRecovery only if the pool lost quorum); pair once none is missing`);
}

function replication(server: string, observation: Observation): Check {
	if (observation.state === 'done') return ok('replication', server, observation.evidence);
	if (observation.state === 'unknown') return couldNotTell('replication', server, observation.evidence);
	return blocking('replication', server, observation.evidence, `push the configuration: Invoke-CsManagementStoreReplication -ReplicaFqdn ${q(server)}, then run doctor again`);
}

export function judgePair(left: PoolReadings, right: PoolReadings): Check[] {
	if (left.pool.version === 'Lync Server 2010' || right.pool.version === 'Lync Server 2010') return [];
	const subject = `${left.pool.fqdn} ↔ ${right.pool.fqdn}`;
	const servers = [...left.servers, ...right.servers];
	return [cumulativeUpdate(subject, servers), sameAcross('operating-system', subject, servers, (facts) => facts.operatingSystem, 'Win32_OperatingSystem.Caption'), platformCheck(subject, servers)];
}

function cumulativeUpdate(subject: string, servers: ServerReadings[]): Check {
	const levels = new Map<string, string[]>();
	const unread: string[] = [];
	for (const entry of servers) {
		const level = entry.versions.ok ? coreComponentsVersion(entry.versions.value.components) : undefined;
		if (level === undefined) unread.push(entry.server);
		else levels.set(level, [...(levels.get(level) ?? []), entry.server]);
	}
	const listed = [...levels].map(([level, names]) => `${level} on ${names.map(shortName).join(', ')}`).join('; ');
	const evidence = `Core Components per server (Get-CsServerPatchVersion, else the installed products): ${listed || 'none read'}${unread.length > 0 ? `; not read on ${unread.map(shortName).join(', ')}` : ''}`;
	if (levels.size > 1) {
		return blocking('cumulative-update', subject, evidence, 'install the same Cumulative Update on every Front End of both pools (SkypeServerUpdateInstaller.exe), then run doctor again');
	}
	if (unread.length > 0) return couldNotTell('cumulative-update', subject, evidence);
	return ok('cumulative-update', subject, evidence);
}

function sameAcross(id: CheckId, subject: string, servers: ServerReadings[], read: (facts: ServerFacts) => string, source: string): Check {
	const values = new Map<string, string[]>();
	const unread: string[] = [];
	for (const entry of servers) {
		const value = entry.facts.ok ? read(entry.facts.value) : '';
		if (value === '') unread.push(entry.server);
		else values.set(value, [...(values.get(value) ?? []), entry.server]);
	}
	const evidence = `${source}: ${[...values].map(([value, names]) => `${value} on ${names.map(shortName).join(', ')}`).join('; ') || 'none read'}${unread.length > 0 ? `; not read on ${unread.map(shortName).join(', ')}` : ''}`;
	if (values.size > 1) {
		return blocking(id, subject, evidence, 'Microsoft supports pairing pools on the same base operating system only: choose another backup pool, or rebuild one pool\'s servers');
	}
	if (unread.length > 0) return couldNotTell(id, subject, evidence);
	return ok(id, subject, evidence);
}

/** Virtual when the hardware says so: Hyper-V, VMware, KVM/QEMU, Xen, VirtualBox, Nutanix (AHV) models and makers. */
const VIRTUAL = /virtual|vmware|kvm|qemu|xen|innotek|parallels|nutanix|bochs/i;

export function platformOf(facts: Pick<ServerFacts, 'manufacturer' | 'model'>): 'physical' | 'virtual' | '' {
	if (facts.manufacturer === '' && facts.model === '') return '';
	return VIRTUAL.test(`${facts.manufacturer} ${facts.model}`) ? 'virtual' : 'physical';
}

function platformCheck(subject: string, servers: ServerReadings[]): Check {
	const check = sameAcross('platform', subject, servers, (facts) => {
		const platform = platformOf(facts);
		return platform === '' ? '' : `${platform} (${facts.manufacturer} ${facts.model})`.replace(/ \)$/, ')');
	}, 'Win32_ComputerSystem.Manufacturer and .Model');
	if (check.status !== 'blocking') return check;
	const kinds = new Set(servers.flatMap((entry) => (entry.facts.ok ? [platformOf(entry.facts.value)] : [])).filter(Boolean));
	if (kinds.size < 2) return ok('platform', subject, check.evidence);
	return { ...check, action: 'Microsoft supports pairing physical pools with physical pools and virtual with virtual only: choose another backup pool' };
}

function seconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function shortName(server: string): string {
	return server.split('.')[0] ?? server;
}

function firstLine(text: string): string {
	return text.split(/\r?\n/)[0]?.trim() ?? '';
}
