import { BACKUP_SERVICE, EnvironmentError, FRONT_END_SERVICE, type Environment, type ReplicaStatus } from '../environments/port.js';
import { judgeDirection, type BackupModuleStatus } from '../sfb/backup-status.js';
import {
	CMS_DATABASES_COMMAND,
	failBackCommand,
	patchVersionCommand,
	readServiceCommand,
	registrarReadCommand,
	relationshipCommand,
	replicationCommand,
	statusCommand,
	testCmsDatabaseCommand,
} from '../sfb/commands.js';
import { judgeCumulativeUpdate } from '../sfb/cumulative-update.js';
import type { BackEnd } from '../sfb/model.js';
import { done, notDone, unknown, type Observation, type UnknownReason } from '../sfb/observation.js';

/**
 * Every question the procedure asks the farm, one kind per step and per server or pool. Each answers done, not done
 * or unknown with its evidence; a probe never turns an error into "no". New probes (pre-flight checks, upgrade
 * readiness, failover state) join this union and the switch below.
 */
export type ProbeRequest =
	/** The published configuration names `partner` as the backup of `pool` (step 6). */
	| { kind: 'pairing'; pool: string; partner: string }
	/** Skype for Business Server is installed on the server: its Front End service exists (step 7). */
	| { kind: 'deployment'; server: string }
	/** The server's replica of the Central Management store is current, and (given `since`) holds an update made after it. */
	| { kind: 'replication'; server: string; since?: string }
	/** Bootstrapper's work: the Backup Service is installed on the server (step 8). */
	| { kind: 'backup-service-installed'; server: string }
	/** The Cumulative Update reaches the Backup Service: its version is the Core Components' (the CU step). */
	| { kind: 'cumulative-update'; server: string }
	/** LYNCBACKUP is Running on the server (step 9; staying up is judged by reading it again after the settle time). */
	| { kind: 'backup-service-running'; server: string }
	/** One direction of the Backup Service is in steady state (step 10). */
	| { kind: 'sync'; pool: string; hostsCentralManagementStore: boolean }
	/**
	 * The standby Central Management store that pairing the CMS pool defines on its partner's back end: two Central
	 * Management databases, one of them on `partnerBackEnd`, and that one answers `Test-CsDatabase` (sfb-facts.md §8).
	 */
	| { kind: 'standby-store'; partner: string; partnerBackEnd: BackEnd | undefined };

const REASONS: Record<EnvironmentError['kind'], UnknownReason> = {
	'access-denied': 'access-denied',
	unreachable: 'unreachable',
	'cmdlet-missing': 'cmdlet-missing',
	'module-missing': 'cmdlet-missing',
	timeout: 'timeout',
	failed: 'failed',
	'unexpected-output': 'unexpected-output',
	'stale-topology': 'failed',
};

/** Whatever the farm said when it could not answer, as an unknown; anything else is a bug and is not hidden. */
export function unknownFrom(error: unknown, command: string): Observation {
	if (!(error instanceof EnvironmentError)) throw error;
	const said = error.message.includes(command) ? error.message : `${command}: ${error.message}`;
	return unknown(REASONS[error.kind], said, error.rawOutput);
}

export async function asking(command: string, read: () => Promise<Observation>): Promise<Observation> {
	try {
		return await read();
	} catch (error) {
		return unknownFrom(error, command);
	}
}

export function probe(environment: Environment, request: ProbeRequest): Promise<Observation> {
	switch (request.kind) {
		case 'pairing':
			return probePairing(environment, request.pool, request.partner);
		case 'deployment': {
			const command = readServiceCommand(request.server, FRONT_END_SERVICE);
			return asking(command, async () => {
				const status = await environment.readService(request.server, FRONT_END_SERVICE);
				// A missing service is reported as error category ObjectNotFound [unverified]; any other error is unknown.
				return status.state === 'NotInstalled'
					? notDone(`${command}: ${FRONT_END_SERVICE} is not installed (the pool was defined but never deployed)`, { value: status.state })
					: done(`${command}: ${status.state}`, status.state);
			});
		}
		case 'replication': {
			const command = replicationCommand(request.server);
			return asking(command, async () => judgeReplication(await environment.readReplication(request.server), command, request.since));
		}
		case 'backup-service-installed': {
			const command = readServiceCommand(request.server);
			return asking(command, async () => {
				const status = await environment.readService(request.server, BACKUP_SERVICE);
				return status.state === 'NotInstalled'
					? notDone(`${command}: ${BACKUP_SERVICE} is not installed`, { value: status.state })
					: done(`${command}: ${BACKUP_SERVICE} is installed (${status.state})`, status.state);
			});
		}
		case 'cumulative-update': {
			const command = patchVersionCommand(request.server);
			return asking(command, async () => {
				const versions = await environment.readComponentVersions(request.server);
				const observation = judgeCumulativeUpdate(versions.components, versions.source);
				if (observation.state === 'unknown') return { ...observation, raw: versions.raw };
				// Patched the way Microsoft patches a pool, a server is done only once it takes users again.
				if (observation.state === 'done' && (await environment.patching?.isFailedOver(request.server))) {
					return notDone(`${observation.evidence}; but ${request.server} is failed over and not failed back (${failBackCommand(request.server)})`, { value: 'failed-over' });
				}
				return observation;
			});
		}
		case 'backup-service-running': {
			const command = readServiceCommand(request.server);
			return asking(command, async () => {
				const status = await environment.readService(request.server, BACKUP_SERVICE);
				const detail = status.detail ? `: ${status.detail}` : '';
				if (status.state === 'Running') return done(`${command}: Running`, status.state);
				if (status.state === 'Unknown') return unknown('unexpected-output', `${command}: a state this program does not know${detail}`);
				return notDone(`${command}: ${status.state}${detail}`, { value: status.state, ...(status.detail ? { broken: true as const } : {}) });
			});
		}
		case 'sync':
			return probeSync(environment, request.pool, request.hostsCentralManagementStore).then((direction) => direction.observation);
		case 'standby-store':
			return probeStandbyStore(environment, request.partner, request.partnerBackEnd);
	}
}

/**
 * Not done only when the farm says so: fewer than two Central Management databases, none on the partner's back end,
 * or the standby's own test failing. A back end the topology does not name, an error, or a test result without a
 * readable `Succeed` is unknown.
 */
async function probeStandbyStore(environment: Environment, partner: string, backEnd: BackEnd | undefined): Promise<Observation> {
	if (!backEnd) {
		return unknown('unexpected-output', `the topology names no back end (user store SQL Server) for ${partner}, so where its standby Central Management store belongs cannot be told`);
	}
	const databases = await asking(CMS_DATABASES_COMMAND, async () => {
		const found = await environment.readCentralManagementDatabases();
		const listed = found.map((database) => database.sqlServer).join(', ') || 'none';
		const standby = found.find((database) => sameHost(database.sqlServer, backEnd.sqlServer));
		const counted = `${CMS_DATABASES_COMMAND}: ${found.length} Central Management database${found.length === 1 ? '' : 's'} (${listed})`;
		if (found.length < 2 || !standby) return notDone(`${counted}, none on ${backEnd.sqlServer}, the back end of ${partner}`, { value: 'no standby' });
		return done(counted, standby.instance ?? '');
	});
	if (databases.state !== 'done') return databases;
	const instance = databases.value || backEnd.instance;
	const command = testCmsDatabaseCommand(backEnd.sqlServer, instance);
	const tested = await asking(command, async () => {
		const check = await environment.testCentralManagementDatabase(backEnd.sqlServer, instance);
		if (check.succeeded === undefined) return unknown('unexpected-output', `${command}: no Succeed in its output (${check.detail})`, check.raw);
		return check.succeeded ? done(`${command}: Succeed True`, 'standby') : notDone(`${command}: Succeed False (${check.detail})`, { value: 'failed', broken: true });
	});
	return tested.state === 'done' ? done(`${databases.evidence}; ${tested.evidence}`, 'standby') : tested;
}

function sameHost(left: string, right: string): boolean {
	return left.trim().toLowerCase() === right.trim().toLowerCase();
}

/** One direction of the Backup Service, with its modules for the panels and tables. */
export async function probeSync(environment: Environment, pool: string, hostsCentralManagementStore: boolean): Promise<{ observation: Observation; modules: BackupModuleStatus[] }> {
	const command = statusCommand(pool);
	try {
		const status = await environment.readBackupStatus(pool);
		const verdict = judgeDirection(status, hostsCentralManagementStore);
		const observation =
			verdict.state === 'steady'
				? done(`${command}: every module in steady state`, 'steady')
				: notDone(`${command}: ${verdict.reason}`, { value: verdict.state, ...(verdict.state === 'failed' ? { broken: true as const } : {}) });
		return { observation, modules: status.modules };
	} catch (error) {
		return { observation: unknownFrom(error, command), modules: [] };
	}
}

/**
 * Done when the read-back names the partner. Nothing named is "not paired"; the read-backs' own rules for a missing
 * property or a disagreement (`readPairing` throws) make it unknown, never "not paired".
 */
async function probePairing(environment: Environment, pool: string, partner: string): Promise<Observation> {
	const command = `${registrarReadCommand(pool)}; ${relationshipCommand(pool)}`;
	return asking(command, async () => {
		const named = await environment.readPairing(pool);
		if (named === undefined) return notDone(`${command}: no backup pool`);
		if (named.toLowerCase() === partner.toLowerCase()) return done(`${command}: backup pool ${named}`, named);
		return notDone(`${command}: backup pool ${named}, not ${partner}`, { value: named, broken: true });
	});
}

/**
 * `LastUpdateCreation` comes from the Central Management store's clock, `since` from this machine's: within the skew
 * Kerberos tolerates (5 minutes) they cannot be told apart, and a replica `UpToDate` in that window counts as current.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * `UpToDate` and `LastUpdateCreation` are the two properties the cmdlet reference uses in its examples. A replica up to
 * date but last updated before `since` (beyond the clocks' skew) has not received the change made then.
 */
export function judgeReplication(status: ReplicaStatus, command: string, since?: string): Observation {
	const created = status.lastUpdateCreation;
	const evidence = `${command}: UpToDate ${status.upToDate ? 'True' : 'False'}${created ? `, LastUpdateCreation ${created}` : ''}`;
	if (!status.upToDate) return notDone(evidence, { value: 'behind' });
	if (since === undefined) return done(evidence, 'up to date');
	if (created === undefined || Number.isNaN(Date.parse(created))) {
		return unknown('unexpected-output', `${evidence}: no readable LastUpdateCreation to compare with ${since}`, status.raw);
	}
	return Date.parse(created) >= Date.parse(since) - CLOCK_SKEW_MS ? done(evidence, 'up to date') : notDone(`${evidence}, before ${since}`, { value: 'behind' });
}
