import { BACKUP_SERVICE } from '../environments/port.js';
import { CMS_MASTER_MODULE } from '../sfb/backup-status.js';
import type { FrontEndPool, PoolInventory } from '../sfb/model.js';
import { describeObservation, type Observation, type UnknownReason } from '../sfb/observation.js';
import { assessPair, assessPools, findPool } from '../sfb/pairing-rules.js';
import { assessPicture, isPairedBothWays, pictureItems, type PairPicture, type PictureItem } from './picture.js';
import { PHASE_NAMES } from './state.js';
import { poolFailbackCommand } from '../sfb/commands.js';
import { storeFailoverCommand, type Placement } from '../sfb/drill.js';

/**
 * The disaster-recovery readiness of every Front End pool of a topology, judged from the inventory and the pictures
 * of the published pairs (observePair). Pure: the command that prints it probes, this only judges.
 */

/** ready: paired and steady both ways; work: something remains; failed: something is wrong; unknown: could not tell. */
export type Readiness = 'ready' | 'work' | 'failed' | 'unknown';

export interface SyncReading {
	/** `Get-CsBackupServiceStatus -PoolFqdn <from>`: what `from` exports to `to`. */
	from: string;
	to: string;
	state: 'steady' | 'waiting' | 'failed' | 'unknown';
	evidence: string;
	/** Set when state is unknown. */
	reason: UnknownReason | null;
	/** When the status was read: the cmdlet documents no time of its own (sfb-facts.md §6). */
	readAt: string;
}

export interface BackupServiceCount {
	servers: number;
	running: string[];
	/** Installed or not, but not Running: Stopped, StartPending, crashed, or no Backup Service yet. */
	notRunning: string[];
	unknown: string[];
}

export interface NextStep {
	/** A few words, for a table cell. */
	action: string;
	/** The whole step: what to run, where, and why. */
	detail: string;
}

export interface PoolReadiness {
	pool: string;
	site: string;
	edition: string;
	version: string;
	pairedWith: string | null;
	readiness: Readiness;
	/** The pairing as published both ways: null for a pool the topology does not pair. */
	pairing: 'both-ways' | 'incomplete' | 'unknown' | null;
	sync: { outbound: SyncReading | null; inbound: SyncReading | null };
	/** LYNCBACKUP on this pool's servers; null before the pairing is published both ways (it has no part then). */
	backupService: BackupServiceCount | null;
	/** Where the store is as the farm runs it: after a failover of the store, its standby's pool is `active`. */
	centralManagementStore: 'active' | 'standby' | null;
	/** The pool's users served by its partner (a drill, or a disaster), until the failback; null when not or not read. */
	failedOver: { to: string; partly: boolean; evidence: string } | null;
	/** Microsoft's pairing rules for the pair: `unsupported: …` for a rule broken, else a recommendation not followed. */
	warnings: string[];
	next: NextStep[];
	/** What could not be told, or what failed, one line each with the evidence. */
	evidence: string[];
}

export interface CentralManagementStoreReadiness {
	active: string | null;
	/** The partner of the pool that hosts the store: the pairing sets up the standby store there. */
	standby: string | null;
	/**
	 * The standby database as the standby-store probe found it (`no-database`: the pairing is published without one), then
	 * the store's own module in the active pool's direction, CentralMgmt.CMSMaster.
	 */
	state: 'steady' | 'waiting' | 'failed' | 'unknown' | 'no-standby' | 'no-database' | 'not-found' | 'failed-over';
	evidence: string;
	/** Where the topology puts the active store, when the farm runs it elsewhere (state failed-over). */
	topologyHost?: string;
}

/** What the farm said about where the active Central Management store is (`ActiveMasterFqdn`). */
export interface StorePlacement {
	/** Undefined when it could not be told. */
	pool: string | undefined;
	evidence: string;
}

/** Where one paired pool's users sign in: at home, on `backup` (failed over), some on each, or could not tell. */
export interface PoolPlacement {
	pool: string;
	backup: string;
	placement: Placement;
	evidence: string;
}

/**
 * Where the farm runs what the topology places (observeFailovers): the active store where the pool that hosts it is
 * paired, and each paired pool whose users could be read.
 */
export interface FailoverPicture {
	store?: StorePlacement;
	pools: PoolPlacement[];
}

export interface EstateReadiness {
	readAt: string;
	pools: PoolReadiness[];
	centralManagementStore: CentralManagementStoreReadiness;
}

const iso = (at: number) => new Date(at).toISOString();

/** 1 when anything failed or could not be told, 3 while work remains, 0 only when every pool is paired and steady. */
export function readinessExitCode(estate: EstateReadiness): 0 | 1 | 3 {
	if (estate.pools.some((pool) => pool.readiness === 'failed' || pool.readiness === 'unknown')) return 1;
	if (estate.pools.length === 0 || estate.pools.some((pool) => pool.readiness === 'work')) return 3;
	return 0;
}

/**
 * `pictures`: one per published pair, as observePair took it; a pair without one is judged unknown. `standbyStore`: the
 * standby-store probe, where the pool that hosts the Central Management store is paired both ways; without it the
 * standby is inferred from the pairing and the Backup Service.
 */
export function judgeEstate(inventory: PoolInventory, pictures: PairPicture[], readAt: number, standbyStore?: Observation, failover?: FailoverPicture): EstateReadiness {
	const pictureOf = (fqdn: string) => pictures.find((picture) => same(picture.pool, fqdn) || same(picture.backup, fqdn));
	const eligibility = assessPools(inventory);
	const pools = eligibility.map((entry): PoolReadiness => {
		const base = {
			pool: entry.pool.fqdn,
			site: entry.pool.site,
			edition: entry.pool.edition,
			version: entry.pool.version,
			centralManagementStore: cmsRole(inventory, entry.pool),
			failedOver: null,
		};
		if (entry.pairedWith === undefined) return { ...base, ...unpairedPool(inventory, entry.pool, entry.deployed, entry.reason) };
		const partner = findPool(inventory, entry.pairedWith);
		if (!partner) {
			return {
				...base,
				pairedWith: entry.pairedWith,
				readiness: 'failed',
				pairing: null,
				sync: { outbound: null, inbound: null },
				backupService: null,
				warnings: [],
				next: [{ action: 'correct the pairing', detail: `its backup pool ${entry.pairedWith} is not a Front End pool of this topology: correct the pairing in Topology Builder` }],
				evidence: [`${entry.pool.fqdn} names ${entry.pairedWith} as its backup pool, which is not a Front End pool in the topology`],
			};
		}
		const picture = pictureOf(entry.pool.fqdn);
		const rules = assessPair(inventory, entry.pool.fqdn, partner.fqdn);
		const warnings = [...rules.refusals.map((refusal) => `unsupported: ${refusal}`), ...rules.warnings];
		if (!picture) {
			return {
				...base,
				pairedWith: partner.fqdn,
				readiness: 'unknown',
				pairing: 'unknown',
				sync: { outbound: null, inbound: null },
				backupService: null,
				warnings,
				next: [{ action: 'ask again', detail: 'the pair was not probed: run sfb-pair status --all again' }],
				evidence: [`${entry.pool.fqdn} ↔ ${partner.fqdn}: not probed`],
			};
		}
		return { ...base, ...pairedPool(entry.pool, partner, picture, warnings, rules.refusals.length > 0) };
	});
	const store = judgeStore(inventory, pools, pictures, standbyStore);
	const partnerEdition = pools.find((pool) => pool.centralManagementStore === 'standby')?.edition;
	const judged = standbyStore ? pools.map((pool) => withStandbyStore(pool, store, standbyStore, partnerEdition)) : pools;
	return failover ? withFailovers(inventory, judged, store, failover, iso(readAt)) : { readAt: iso(readAt), pools: judged, centralManagementStore: store };
}

/**
 * The farm over the topology: a pool whose users its partner serves is failed over, and a store active on the standby's
 * back end is failed over, until each is failed back (pool first, then the store: the order of Microsoft's failback).
 * Neither is ready; what could not be told is unknown, never "at home".
 */
function withFailovers(inventory: PoolInventory, pools: PoolReadiness[], store: CentralManagementStoreReadiness, failover: FailoverPicture, readAt: string): EstateReadiness {
	const host = store.active;
	const moved = failover.store?.pool !== undefined && host !== null && !same(failover.store.pool, host) ? failover.store.pool : undefined;
	const storeUntold = failover.store !== undefined && failover.store.pool === undefined;
	const overTo = (pool: string) => failover.pools.find((each) => same(each.pool, pool) && (each.placement === 'backup' || each.placement === 'mixed'));
	const judged = pools.map((pool): PoolReadiness => {
		// While a pool of the pair is failed over, its sync is no step to wait for: the failback is, and it syncs afresh.
		const pairFailedOver = overTo(pool.pool) ?? (pool.pairedWith === null ? undefined : overTo(pool.pairedWith));
		let next = pairFailedOver ? pool.next.filter((step) => step.action !== WAIT_FOR_SYNC) : pool.next;
		if (pairFailedOver && next.length === 0 && !same(pairFailedOver.pool, pool.pool)) next = [{ action: `see ${pairFailedOver.pool}`, detail: `${pairFailedOver.pool} is failed over to it: what remains is on ${pairFailedOver.pool}` }];
		const evidence = [...pool.evidence];
		let readiness = pool.readiness;
		let failedOver: PoolReadiness['failedOver'] = null;
		const worsen = (to: Readiness) => {
			if (RANK[to] > RANK[readiness]) readiness = to;
		};
		const placement = failover.pools.find((each) => same(each.pool, pool.pool));
		if (placement?.placement === 'backup' || placement?.placement === 'mixed') {
			failedOver = { to: placement.backup, partly: placement.placement === 'mixed', evidence: placement.evidence };
			worsen('work');
			next = [
				{
					action: 'fail back',
					detail: `${placement.placement === 'mixed' ? 'some of its users are' : 'its users are'} served by ${placement.backup} (${placement.evidence}): once ${pool.pool} is back in service, fail it back: ${poolFailbackCommand(pool.pool)} (a drill goes on from here: sfb-pair drill --pool ${pool.pool})`,
				},
				...next,
			];
		} else if (placement?.placement === 'unknown') {
			worsen('unknown');
			evidence.push(`where the users of ${pool.pool} sign in: ${placement.evidence}`);
			next = [{ action: 'could not tell', detail: `could not tell whether ${pool.pool} is failed over (${placement.evidence}), then ask again` }, ...next];
		}
		const isHost = host !== null && same(pool.pool, host);
		if (moved && (isHost || same(pool.pool, moved))) {
			worsen('work');
			const backEnd = Object.entries(inventory.backEnds ?? {}).find(([name]) => same(name, host!))?.[1];
			const command = backEnd ? storeFailoverCommand(backEnd) : `Invoke-CsManagementServerFailover (the topology names no back end of ${host})`;
			next = isHost
				? [...next, { action: 'fail the store back', detail: `the Central Management store runs on the back end of ${moved}; the topology puts it on ${host}'s (${failover.store!.evidence}): once the users of ${host} are back on it, fail the store back: ${command}` }]
				: next.length > 0
					? next
					: [{ action: `see ${host}`, detail: `what remains is on ${host}` }];
			return { ...pool, readiness, failedOver, next, evidence, centralManagementStore: isHost ? 'standby' : 'active' };
		}
		if (storeUntold && isHost) {
			worsen('unknown');
			evidence.push(`where the Central Management store is active: ${failover.store!.evidence}`);
			next = [...next, { action: 'could not tell', detail: `could not tell where the Central Management store is active (${failover.store!.evidence}), then ask again` }];
		}
		return { ...pool, readiness, failedOver, next, evidence };
	});
	const centralManagementStore: CentralManagementStoreReadiness =
		moved && host !== null
			? { active: moved, standby: host, state: 'failed-over', topologyHost: host, evidence: `${failover.store!.evidence}; the topology puts it on ${host}: Invoke-CsManagementServerFailover moved it` }
			: storeUntold
				? { ...store, state: 'unknown', evidence: failover.store!.evidence }
				: store;
	return { readAt, pools: judged, centralManagementStore };
}

const STANDBY_STORE_ACTION = 'define the standby store';

/**
 * The pair that holds the Central Management store is ready only with its standby database: where the probe says it is
 * missing or failing, or cannot tell, both pools of the pair say so; the pool that hosts the store says what to do.
 */
function withStandbyStore(pool: PoolReadiness, store: CentralManagementStoreReadiness, probe: Observation, partnerEdition: string | undefined): PoolReadiness {
	if (pool.centralManagementStore === null || store.standby === null || probe.state === 'done') return pool;
	const readiness: Readiness = probe.state === 'unknown' ? 'unknown' : probe.broken ? 'failed' : 'work';
	const worse = RANK[readiness] > RANK[pool.readiness] ? readiness : pool.readiness;
	if (pool.centralManagementStore === 'standby') {
		return { ...pool, readiness: worse, next: pool.next.length > 0 ? pool.next : [{ action: `see ${store.active}`, detail: `what remains is on ${store.active}` }] };
	}
	const install = partnerEdition === 'Standard' ? `, after Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${store.standby} -SqlInstanceName rtc` : '';
	const detail =
		probe.state === 'unknown'
			? `could not tell whether the standby Central Management store on ${store.standby} exists: ask again with sfb-pair status --all`
			: `in Topology Builder, publish the pairing of ${store.active} again with the Central Management store database on the back end of ${store.standby}${install}; Test-CsDatabase -CentralManagementDatabase then checks it`;
	const evidence = probe.state === 'unknown' || probe.broken ? [`standby Central Management store: ${describeObservation(probe)}`] : [];
	return {
		...pool,
		readiness: worse,
		next: [...pool.next, { action: probe.state === 'unknown' ? 'ask again' : STANDBY_STORE_ACTION, detail }],
		evidence: [...pool.evidence, ...evidence],
	};
}

const RANK: Record<Readiness, number> = { ready: 0, work: 1, unknown: 2, failed: 3 };

type Judged = Omit<PoolReadiness, 'pool' | 'site' | 'edition' | 'version' | 'centralManagementStore' | 'failedOver'>;

function unpairedPool(inventory: PoolInventory, pool: FrontEndPool, deployed: boolean | null, reason: string | undefined): Judged {
	const { partner, refusal } = suggestedPartner(inventory, pool);
	const pairIt: NextStep = partner
		? { action: 'pair it', detail: `pair it: sfb-pair plan --pool ${pool.fqdn} --backup ${partner.fqdn}, then sfb-pair run (or the wizard)` }
		: { action: 'no partner', detail: `no free Front End pool can back it up (${reason ?? refusal ?? 'none is free'}): define one in Topology Builder` };
	const next: NextStep[] =
		deployed === false ? [{ action: 'deploy it', detail: 'deploy it (Skype for Business Server is not installed on its servers), then pair it' }, pairIt] : [pairIt];
	return { pairedWith: null, readiness: 'work', pairing: null, sync: { outbound: null, inbound: null }, backupService: null, warnings: [], next, evidence: [] };
}

/**
 * A free pool Microsoft's rules allow, with the fewest warnings (another site first), in the topology's order; or,
 * when every free pool is refused, the first refusal.
 */
function suggestedPartner(inventory: PoolInventory, pool: FrontEndPool): { partner?: FrontEndPool; refusal?: string } {
	const candidates = assessPools(inventory)
		.filter((entry) => entry.eligible && entry.pool !== pool && entry.deployed !== false)
		.map((entry) => ({ pool: entry.pool, rules: assessPair(inventory, pool.fqdn, entry.pool.fqdn) }));
	const allowed = candidates.filter((candidate) => candidate.rules.allowed).sort((left, right) => left.rules.warnings.length - right.rules.warnings.length);
	if (allowed[0]) return { partner: allowed[0].pool };
	const refusal = candidates[0]?.rules.refusals[0];
	return refusal === undefined ? {} : { refusal };
}

function pairedPool(pool: FrontEndPool, partner: FrontEndPool, picture: PairPicture, warnings: string[], unsupported: boolean): Judged {
	const assessment = assessPicture(picture);
	const bothWays = isPairedBothWays(picture);
	const pairingStates = picture.pairing.map((entry) => entry.observation.state);
	const readAt = iso(picture.at);
	const reading = (from: FrontEndPool, to: FrontEndPool): SyncReading | null => {
		const direction = picture.sync.find((entry) => same(entry.pool, from.fqdn));
		return direction ? syncReading(from.fqdn, to.fqdn, direction.observation, readAt) : null;
	};
	const ours = (item: PictureItem) => same(item.subject, pool.fqdn) || pool.servers.some((server) => same(server, item.subject));
	const open = pictureItems(picture).filter((item) => item.observation.state !== 'done' && ours(item));
	const readiness: Readiness = unsupported && assessment.state !== 'failed' && assessment.state !== 'unknown' ? 'failed' : READINESS[assessment.state];
	const next = nextSteps(open, pool, [picture.pool, picture.backup]);
	const partnerBlocks = pictureItems(picture).some((item) => item.observation.state !== 'done' && item.step !== 'sync' && !ours(item));
	if (partnerBlocks && next.every((step) => step.action === WAIT_FOR_SYNC)) next.length = 0;
	if (next.length === 0 && readiness !== 'ready') {
		next.push(
			unsupported
				? { action: 're-pair it', detail: `the pair breaks a rule Microsoft sets (see the warning): pair ${pool.fqdn} with a supported pool in Topology Builder` }
				: { action: `see ${partner.fqdn}`, detail: `what remains is on ${partner.fqdn}` },
		);
	}
	return {
		pairedWith: partner.fqdn,
		readiness,
		pairing: pairingStates.includes('unknown') ? 'unknown' : bothWays ? 'both-ways' : 'incomplete',
		sync: { outbound: reading(pool, partner), inbound: reading(partner, pool) },
		backupService: bothWays ? countBackupService(picture, pool) : null,
		warnings,
		next,
		evidence: open.filter((item) => item.observation.state === 'unknown' || item.observation.broken).map((item) => `${item.subject}: ${item.what}: ${item.observation.evidence}`),
	};
}

const WAIT_FOR_SYNC = 'wait for sync';

const READINESS: Record<ReturnType<typeof assessPicture>['state'], Readiness> = { complete: 'ready', unfinished: 'work', failed: 'failed', unknown: 'unknown' };

function syncReading(from: string, to: string, observation: Observation, readAt: string): SyncReading {
	const state = observation.state === 'done' ? 'steady' : observation.state === 'unknown' ? 'unknown' : observation.broken ? 'failed' : 'waiting';
	return { from, to, state, evidence: observation.evidence, reason: observation.reason ?? null, readAt };
}

function countBackupService(picture: PairPicture, pool: FrontEndPool): BackupServiceCount {
	const servers = picture.servers.filter((server) => same(server.pool, pool.fqdn));
	const named = (state: Observation['state']) => servers.filter((server) => server['backup-service'].state === state).map((server) => server.fqdn);
	return { servers: servers.length, running: named('done'), notRunning: named('not-done'), unknown: named('unknown') };
}

const UNKNOWN_FIXES: Record<UnknownReason, string> = {
	unreachable: 'check that it is up and reachable over PowerShell remoting (WinRM)',
	'access-denied': 'use an account in RTCUniversalServerAdmins',
	timeout: 'it did not answer in time; ask again',
	'unexpected-output': 'its answer could not be read; see the evidence',
	'cmdlet-missing': 'the cmdlet is missing: run from a Skype for Business Management Shell',
	failed: 'the probe failed; see the evidence',
};

/** Each open item of this pool turned into what to do, one step per kind of work, naming every server it concerns. */
function nextSteps(open: PictureItem[], pool: FrontEndPool, order: [string, string]): NextStep[] {
	const next: NextStep[] = [];
	// --resume continues this machine's session of the pair, and starts one from what the farm shows where there is none.
	const finish = `sfb-pair run --pool ${order[0]} --backup ${order[1]} --yes --resume`;
	const subjects = (items: PictureItem[]) => [...new Set(items.map((item) => item.subject))].join(', ');
	const unknown = open.filter((item) => item.observation.state === 'unknown');
	for (const reason of new Set(unknown.map((item) => item.observation.reason ?? 'failed'))) {
		const items = unknown.filter((item) => (item.observation.reason ?? 'failed') === reason);
		next.push({ action: 'could not tell', detail: `could not tell on ${subjects(items)} (${reason}): ${UNKNOWN_FIXES[reason]}, then ask again` });
	}
	const notDone = (step: PictureItem['step'], broken: boolean) => open.filter((item) => item.step === step && item.observation.state === 'not-done' && Boolean(item.observation.broken) === broken);

	const wrongPartner = notDone('pairing', true);
	if (wrongPartner.length > 0) next.push({ action: 'correct the pairing', detail: `${wrongPartner[0]!.observation.evidence}: correct the pairing in Topology Builder` });
	if (notDone('pairing', false).length > 0) next.push({ action: 'finish the pairing', detail: `the pairing is not published both ways: ${finish}` });
	const undeployed = notDone('deployment', false);
	if (undeployed.length > 0) next.push({ action: 'deploy it', detail: `deploy ${subjects(undeployed)} (Skype for Business Server is not installed), then ${finish}` });
	const bootstrapper = [...notDone('bootstrapper', false), ...notDone('bootstrapper', true)];
	if (bootstrapper.length > 0) next.push({ action: 'run Bootstrapper', detail: `${PHASE_NAMES.bootstrapper} has not installed the Backup Service on ${subjects(bootstrapper)}: ${finish}` });
	const cumulativeUpdate = [...notDone('cumulative-update', false), ...notDone('cumulative-update', true)];
	if (cumulativeUpdate.length > 0) {
		next.push({ action: 're-apply the CU', detail: `re-apply the Cumulative Update on ${subjects(cumulativeUpdate)} (SkypeServerUpdateInstaller.exe), then ${finish}` });
	}
	const crashed = notDone('backup-service', true);
	if (crashed.length > 0) {
		next.push({ action: 're-apply the CU', detail: `${BACKUP_SERVICE} stopped on ${subjects(crashed)} (${crashed[0]!.observation.evidence}): re-apply the Cumulative Update there, then start ${BACKUP_SERVICE}` });
	}
	const stopped = notDone('backup-service', false);
	if (stopped.length > 0) {
		const commands = stopped.map((item) => `Start-CsWindowsService -Name ${BACKUP_SERVICE} -ComputerName ${item.subject}`).join('; ');
		next.push({ action: `start ${BACKUP_SERVICE}`, detail: `start ${BACKUP_SERVICE} on ${subjects(stopped)}: ${commands}` });
	}
	const syncFailed = notDone('sync', true);
	if (syncFailed.length > 0) {
		next.push({
			action: 'repair the sync',
			detail: `${syncFailed[0]!.observation.evidence}: check ${BACKUP_SERVICE} on every Front End, the event log (4069/4070) and Debug-CsInterPoolReplication -PoolFqdn ${pool.fqdn}`,
		});
	}
	if (notDone('sync', false).length > 0 && next.length === 0) {
		next.push({ action: WAIT_FOR_SYNC, detail: `wait for the sync to reach steady state (Invoke-CsBackupServiceSync -PoolFqdn ${pool.fqdn} starts one now)` });
	}
	return next;
}

function cmsRole(inventory: PoolInventory, pool: FrontEndPool): PoolReadiness['centralManagementStore'] {
	if (pool.hostsCentralManagementStore) return 'active';
	const host = inventory.pools.find((each) => each.hostsCentralManagementStore);
	const partner = host ? assessPools(inventory).find((entry) => entry.pool === host)?.pairedWith : undefined;
	return partner !== undefined && same(partner, pool.fqdn) ? 'standby' : null;
}

/**
 * Where the store is, where its standby is, and whether the store's data reaches it. Given the standby-store probe
 * (`Get-CsService -CentralManagementDatabase`, `Test-CsDatabase`, sfb-facts.md §8), the standby database must be there
 * first; without it, only the pairing and the CMS module's export to the partner tell of the standby.
 */
function judgeStore(inventory: PoolInventory, pools: PoolReadiness[], pictures: PairPicture[], probe: Observation | undefined): CentralManagementStoreReadiness {
	const host = inventory.pools.find((pool) => pool.hostsCentralManagementStore);
	if (!host) return { active: null, standby: null, state: 'not-found', evidence: 'no Front End pool of the topology hosts the active Central Management store' };
	const standby = pools.find((pool) => pool.centralManagementStore === 'standby')?.pool ?? null;
	if (standby === null) return { active: host.fqdn, standby: null, state: 'no-standby', evidence: `${host.fqdn} is not paired, so there is no standby store` };
	const picture = pictures.find((each) => same(each.pool, host.fqdn) || same(each.backup, host.fqdn));
	const direction = picture?.sync.find((entry) => same(entry.pool, host.fqdn));
	if (!picture || !direction) {
		return { active: host.fqdn, standby, state: 'waiting', evidence: `the pairing of ${host.fqdn} is not published both ways yet: nothing is synced to the standby` };
	}
	const at = { active: host.fqdn, standby };
	if (probe?.state === 'unknown') return { ...at, state: 'unknown', evidence: probe.evidence };
	if (probe?.state === 'not-done') return { ...at, state: probe.broken ? 'failed' : 'no-database', evidence: probe.evidence };
	const database = probe ? `; ${probe.evidence}` : '';
	if (direction.observation.state === 'unknown') return { ...at, state: 'unknown', evidence: direction.observation.evidence + database };
	const module = direction.modules.find((entry) => entry.identity === CMS_MASTER_MODULE);
	if (!module) return { ...at, state: 'waiting', evidence: `Get-CsBackupServiceStatus -PoolFqdn ${host.fqdn} lists no ${CMS_MASTER_MODULE} module yet${database}` };
	const said = `${CMS_MASTER_MODULE} ${module.exportStatus}/${module.importStatus}${database}`;
	if (module.exportStatus === 'ErrorState' || module.importStatus === 'ErrorState') return { ...at, state: 'failed', evidence: said };
	const steady = (module.exportStatus === 'FinalState' || module.exportStatus === 'SteadyState') && module.importStatus === 'NormalState';
	return { ...at, state: steady ? 'steady' : 'waiting', evidence: said };
}

function same(left: string, right: string): boolean {
	return left.toLowerCase() === right.toLowerCase();
}
