import { powershellLiteral as literal } from '../environments/powershell/literal.js';
import type { PoolUsers } from '../environments/port.js';
import type { BackEnd } from './model.js';

/**
 * The disaster-recovery drill of a paired pool, as data: its steps with the command each runs and the document that
 * says so, what a failover does not carry over, and the prerequisites Microsoft names. Pure; operations/drill.ts runs it.
 */

/** Short names of the sources, spelled out in README and in the record. */
export const DRILL_SOURCES = {
	failover: 'Microsoft Learn: Failing over and failing back a pool in Skype for Business Server',
	drPlan: 'Microsoft Learn: Front End pool disaster recovery in Skype for Business Server',
	backupService: 'Microsoft Learn: Configuring and monitoring the Backup Service',
	poolFailover: 'Invoke-CsPoolFailOver reference',
	poolFailback: 'Invoke-CsPoolFailBack reference',
	storeFailover: 'Invoke-CsManagementServerFailover reference',
	userPoolInfo: 'Get-CsUserPoolInfo reference',
} as const;

export type DrillStepId = 'readiness' | 'store-over' | 'pool-over' | 'served-by-backup' | 'pool-back' | 'served-by-home' | 'store-back' | 'steady';

export interface DrillRequest {
	pool: string;
	backup: string;
	/** -DisasterMode: the training default, as if the pool were down; without it, a planned failover of a pool still up. */
	disasterMode: boolean;
	/** The pool hosts the active Central Management store: it moves to the backup first and back after. */
	movesStore: boolean;
	/** Each pool's back end, where the topology defines its Central Management database (the store's failover names it). */
	backEnds?: { pool?: BackEnd; backup?: BackEnd };
}

/** A farm change the drill starts and never cuts short: which cmdlet, and the pool it acts on (the store: the pool it moves to). */
export type DrillChange = { cmdlet: 'Invoke-CsPoolFailOver' | 'Invoke-CsPoolFailBack'; pool: string } | { cmdlet: 'Invoke-CsManagementServerFailover'; toPool: string };

/** What the operator is told, once, while a cancel waits for a farm change to end: what it waits for, and why. */
export function drillWaitNotice(change: DrillChange): string {
	switch (change.cmdlet) {
		case 'Invoke-CsPoolFailOver':
			return `Waiting for Invoke-CsPoolFailOver on ${change.pool} to finish before stopping: stopped half way it would leave the pool half failed over.`;
		case 'Invoke-CsPoolFailBack':
			return `Waiting for Invoke-CsPoolFailBack on ${change.pool} to finish before stopping: stopped half way it would leave the pool half failed back.`;
		case 'Invoke-CsManagementServerFailover':
			return `Waiting for Invoke-CsManagementServerFailover to ${change.toPool} to finish before stopping: stopped half way it would leave the Central Management store between two databases.`;
	}
}

/** The documented disaster-recovery form of the store's failover, naming the database the topology defines on the target's back end. */
export function storeFailoverCommand(backEnd: BackEnd): string {
	return `Invoke-CsManagementServerFailover -BackupSqlServerFqdn ${literal(backEnd.sqlServer)}${backEnd.instance ? ` -BackupSqlInstanceName ${literal(backEnd.instance)}` : ''} -Force`;
}

const storeCommandTo = (backEnd: BackEnd | undefined, pool: string) =>
	backEnd ? storeFailoverCommand(backEnd) : `Invoke-CsManagementServerFailover (no back end of ${pool} in the topology: it cannot be named)`;

export interface DrillStep {
	id: DrillStepId;
	title: string;
	/** What runs, as an operator would type it. */
	command: string;
	why: string;
	source: string;
}

/** The drill's steps for a request, in order; the store's two steps only where the pool hosts it. */
export function drillSteps(request: DrillRequest): DrillStep[] {
	const { pool, backup } = request;
	const steps: DrillStep[] = [
		{
			id: 'readiness',
			title: 'The pair is steady both ways',
			command: `Get-CsBackupServiceStatus -PoolFqdn ${literal(pool)}; Get-CsBackupServiceStatus -PoolFqdn ${literal(backup)}`,
			why: `the backup pool holds ${pool}'s data only as of the last export: fail over before the sync is steady and what was not exported is lost`,
			source: DRILL_SOURCES.backupService,
		},
		{
			id: 'store-over',
			title: 'Central Management store to the backup pool',
			command: storeCommandTo(request.backEnds?.backup, backup),
			why: 'the Central Management store must be functional when the pool\'s users are failed over, and it runs on the pool being failed over (the reference says to run the cmdlet on a server of the target pool; sfb-pair runs it from here [unverified either way])',
			source: `${DRILL_SOURCES.failover}, steps 1-5; ${DRILL_SOURCES.storeFailover}`,
		},
		{
			id: 'pool-over',
			title: `Fail over ${pool}`,
			command: `Invoke-CsPoolFailOver -PoolFqdn ${literal(pool)}${request.disasterMode ? ' -DisasterMode' : ''}`,
			why: request.disasterMode
				? `disaster mode, as if ${pool} were down: ${backup} serves its users with the data of the last export`
				: `a planned failover of a pool that is still up: its latest changes are exported to ${backup} first`,
			source: `${DRILL_SOURCES.failover}, step 7; ${DRILL_SOURCES.poolFailover}`,
		},
		{
			id: 'served-by-backup',
			title: `${pool}'s users are served by ${backup}`,
			command: `Get-CsUser -Filter {RegistrarPool -eq ${literal(pool)}} | Get-CsUserPoolInfo`,
			why: 'a failover counts when its users sign in to the backup pool, not when the cmdlet returns; they stay homed on their pool',
			source: `${DRILL_SOURCES.poolFailover} ("users will not be rehomed on the backup pool"); ${DRILL_SOURCES.userPoolInfo}`,
		},
		{
			id: 'pool-back',
			title: `Fail back ${pool}`,
			command: `Invoke-CsPoolFailBack -PoolFqdn ${literal(pool)}`,
			why: `the users sign in to their own pool again; up to 60 minutes for a pool of 20,000 users`,
			source: `${DRILL_SOURCES.failover}, "Fail back a pool"; ${DRILL_SOURCES.poolFailback}`,
		},
		{
			id: 'served-by-home',
			title: `${pool}'s users are served by ${pool} again`,
			command: `Get-CsUser -Filter {RegistrarPool -eq ${literal(pool)}} | Get-CsUserPoolInfo`,
			why: 'the failback counts when the users are back on their pool',
			source: DRILL_SOURCES.userPoolInfo,
		},
		{
			id: 'store-back',
			title: `Central Management store back to ${pool}`,
			command: storeCommandTo(request.backEnds?.pool, pool),
			why: 'the drill leaves the farm as it found it (after a real disaster the store may stay on the backup pool)',
			source: `${DRILL_SOURCES.failover}, "Fail back a pool"; ${DRILL_SOURCES.storeFailover}`,
		},
		{
			id: 'steady',
			title: 'The pair is steady both ways again',
			command: `Get-CsBackupServiceStatus -PoolFqdn ${literal(pool)}; Get-CsBackupServiceStatus -PoolFqdn ${literal(backup)}`,
			why: 'after the failback the Backup Service syncs the pair afresh; until it is steady, the pair protects nothing',
			source: DRILL_SOURCES.backupService,
		},
	];
	return request.movesStore ? steps : steps.filter((step) => step.id !== 'store-over' && step.id !== 'store-back');
}

/** What the drill does not carry over to the backup pool, each with its source. */
export function notCarriedOver(request: DrillRequest): { what: string; source: string }[] {
	return [
		{
			what: 'Location Information Service (E9-1-1) data is not replicated by the Backup Service: locations defined on the pool are not on the backup',
			source: DRILL_SOURCES.drPlan,
		},
		...(request.disasterMode
			? [
					{
						what: `in disaster mode, what ${request.pool}'s users changed after its last export (contacts, meetings, settings) stays behind: at worst one sync interval, 2 minutes by default, and more when the sync is behind`,
						source: DRILL_SOURCES.backupService,
					},
				]
			: []),
		{
			what: `the users are not rehomed: Get-CsUser still names ${request.pool} as their Registrar pool while ${request.backup} serves them`,
			source: DRILL_SOURCES.poolFailover,
		},
	];
}

/** The prerequisites Microsoft names that the drill cannot check for the operator. */
export function prerequisitesToCheck(request: DrillRequest): { what: string; source: string }[] {
	return [
		{
			what: `an Edge pool whose next hop is ${request.pool} must be given another next hop first (Topology Builder, or Set-CsEdgeServer -Registrar), else External access and federation stop`,
			source: `${DRILL_SOURCES.failover}, "Fail over a Front End pool"`,
		},
		{
			what: `${request.backup} must be sized for the users of both pools while it serves them`,
			source: DRILL_SOURCES.drPlan,
		},
	];
}

export type Placement = 'home' | 'backup' | 'mixed' | 'unknown';

/**
 * Where a pool's users sign in, from a read of them: every user on the home pool, every one on the backup, some on each,
 * or unknown (no users read, or a user the output said nothing readable about: could not tell is never "no").
 */
export function judgePlacement(read: PoolUsers, backup: string): { placement: Placement; evidence: string } {
	const same = (left: string | undefined, right: string) => left?.toLowerCase() === right.toLowerCase();
	const { users, pool } = read;
	if (users.length === 0) return { placement: 'unknown', evidence: `no users homed on ${pool} were read, so nobody can tell where they sign in` };
	const onHome = users.filter((user) => same(user.servedBy, pool)).length;
	const onBackup = users.filter((user) => same(user.servedBy, backup)).length;
	const untold = users.length - onHome - onBackup;
	const counts = `${users.length} user${users.length === 1 ? '' : 's'} of ${pool}: ${onHome} on ${pool}, ${onBackup} on ${backup}${untold > 0 ? `, ${untold} could not be told` : ''}`;
	if (untold > 0) return { placement: 'unknown', evidence: counts };
	if (onBackup === users.length) return { placement: 'backup', evidence: counts };
	if (onHome === users.length) return { placement: 'home', evidence: counts };
	return { placement: 'mixed', evidence: counts };
}

/** What to do after a pairing succeeds: prove it, as Microsoft's failover procedure would run it. */
export function drillSuggestion(pool: string): string {
	return `Next, prove the failover works: sfb-pair drill --pool ${pool} (fails it over to its backup pool and back)`;
}
