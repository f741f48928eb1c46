import stringWidth from 'string-width';
import { BACKUP_SERVICE, type Environment } from '../../environments/port.js';
import { observeFailovers } from '../../operations/failover-state.js';
import { observePair, observeStandbyStore, publishedPairs } from '../../operations/reconcile.js';
import { judgeEstate, readinessExitCode, type BackupServiceCount, type EstateReadiness, type PoolReadiness, type Readiness, type SyncReading } from '../../procedure/readiness.js';
import { terminalSafeJson } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { table } from '../text-table.js';

const READINESS_WORDS: Record<Readiness, string> = { ready: 'ready', work: 'work left', failed: 'FAILED', unknown: 'UNKNOWN' };
const STORE_WORDS: Partial<Record<EstateReadiness['centralManagementStore']['state'], string>> = { steady: 'in sync', 'no-database': 'no standby database' };
const SYNC_WORDS: Record<SyncReading['state'], string> = { steady: 'steady', waiting: 'waiting', failed: 'FAILED', unknown: 'unknown' };

/**
 * `sfb-pair status --all`: the disaster-recovery readiness of every Front End pool, one line a pool, then the rule
 * warnings and what to do next. `width`: the terminal's, when printing to one; the table becomes one paragraph a
 * pool when it is wider. Exit 0 only when every pool is paired and steady, 3 while work remains, 1 when something
 * failed or could not be told.
 */
export async function statusAllCommand(environment: Environment, json: boolean, write: (text: string) => void, width?: number): Promise<number> {
	const inventory = await environment.readInventory();
	const [pictures, failovers] = await Promise.all([
		Promise.all(publishedPairs(inventory).map(({ pool, backup }) => observePair(environment, pool, backup))),
		observeFailovers(environment, inventory),
	]);
	const estate = judgeEstate(inventory, pictures, Date.now(), await observeStandbyStore(environment, inventory, pictures), failovers);
	const exitCode = readinessExitCode(estate);
	if (json) {
		write(terminalSafeJson({ environment: environment.kind, topologySignature: inventory.topologySignature, readAt: estate.readAt, exitCode, summary: summary(estate), centralManagementStore: estate.centralManagementStore, pools: estate.pools }));
		return exitCode;
	}
	const wrap = (text: string, indent: string, hanging: string) => (width === undefined ? [indent + text] : wrapWords(text, Math.max(20, width - indent.length), hanging).map((line) => indent + line));
	const lines = (text: string, indent = '', hanging = '  ') => {
		for (const line of wrap(text, indent, hanging)) write(line);
	};
	write(environment.description);
	const counts = summary(estate);
	const tally = [`${counts.ready} ready`, counts.work > 0 ? `${counts.work} with work left` : '', counts.failed > 0 ? `${counts.failed} failed` : '', counts.unknown > 0 ? `${counts.unknown} could not be told` : '']
		.filter(Boolean)
		.join(', ');
	lines(`Disaster-recovery readiness of ${plural(counts.pools, 'Front End pool')}, read ${readable(estate.readAt)}: ${counts.pools === 0 ? 'the topology defines none' : tally}`);
	lines(storeLine(estate));
	if (estate.pools.length === 0) return exitCode;

	write('');
	const rows = estate.pools.map((pool) => ({
		pool,
		cells: [
			pool.pool,
			pool.pairedWith ?? 'not paired',
			syncWord(pool.sync.outbound),
			syncWord(pool.sync.inbound),
			serviceWord(pool.backupService),
			pool.centralManagementStore ?? '',
			stateWord(pool),
			firstStep(pool),
		],
	}));
	const wide = table(['POOL', 'PAIRED WITH', 'SYNC OUT', 'SYNC IN', BACKUP_SERVICE, 'CMS', 'STATE', 'NEXT'], rows.map((row) => row.cells))
		.split('\n')
		.map((line) => line.trimEnd())
		.join('\n');
	if (width === undefined || wide.split('\n').every((line) => stringWidth(line) <= width)) {
		write(wide);
	} else {
		for (const { pool } of rows) paragraph(pool, (text, indent) => lines(text, indent, '  '));
	}

	const pairsTold = new Set<string>();
	const warned = estate.pools.filter((pool) => pool.warnings.length > 0 && !pairsTold.has(pool.pool) && pairsTold.add(pool.pairedWith ?? ''));
	if (warned.length > 0) {
		write('');
		write('Warnings:');
		for (const pool of warned) for (const warning of pool.warnings) lines(`${pool.pool} ↔ ${pool.pairedWith}: ${warning}`, '  ', '    ');
	}
	const evidence = estate.pools.flatMap((pool) => pool.evidence);
	if (evidence.length > 0) {
		write('');
		write('What the farm said (could not tell, or failed):');
		for (const line of evidence) lines(`- ${line}`, '  ', '    ');
	}
	const next = estate.pools.filter((pool) => pool.next.length > 0);
	if (next.length > 0) {
		write('');
		write('Next:');
		for (const pool of next) for (const step of pool.next) lines(`${pool.pool}: ${step.detail}`, '  ', '    ');
	}
	return exitCode;
}

/** One pool in two lines (each wrapped to the width): its state and next step, then its pairing. */
function paragraph(pool: PoolReadiness, lines: (text: string, indent: string) => void): void {
	const next = firstStep(pool);
	const store = pool.centralManagementStore ? ` · CMS ${pool.centralManagementStore}` : '';
	lines(`${pool.pool}: ${stateWord(pool)}${store}${next ? ` · next: ${next}` : ''}`, '');
	lines(pool.pairedWith === null ? 'not paired' : `↔ ${pool.pairedWith} · ${syncBothWays(pool)} · ${BACKUP_SERVICE} ${serviceWord(pool.backupService)}`, '  ');
}

/** A pool failed over says so while nothing worse is wrong with it: its users are served by its partner. */
function stateWord(pool: PoolReadiness): string {
	if (pool.failedOver && pool.readiness === 'work') return pool.failedOver.partly ? 'PARTLY FAILED OVER' : 'FAILED OVER';
	return READINESS_WORDS[pool.readiness];
}

function syncBothWays(pool: PoolReadiness): string {
	const [outbound, inbound] = [syncWord(pool.sync.outbound), syncWord(pool.sync.inbound)];
	return outbound === inbound ? `sync ${outbound} both ways` : `sync out ${outbound}, in ${inbound}`;
}

function summary(estate: EstateReadiness) {
	const count = (readiness: Readiness) => estate.pools.filter((pool) => pool.readiness === readiness).length;
	return { pools: estate.pools.length, ready: count('ready'), work: count('work'), failed: count('failed'), unknown: count('unknown') };
}

function storeLine(estate: EstateReadiness): string {
	const store = estate.centralManagementStore;
	if (store.active === null) return `Central Management store: ${store.evidence}`;
	if (store.standby === null) return `Central Management store: ${store.active}, no standby (${store.evidence})`;
	if (store.state === 'failed-over') return `Central Management store: FAILED OVER, active on ${store.active}, standby on ${store.standby} (${store.evidence})`;
	return `Central Management store: ${store.active}, standby on ${store.standby}: ${STORE_WORDS[store.state] ?? store.state} (${store.evidence})`;
}

const syncWord = (reading: SyncReading | null) => (reading ? SYNC_WORDS[reading.state] : '-');

function serviceWord(count: BackupServiceCount | null): string {
	if (count === null) return '-';
	return `${count.running.length}/${count.servers} running${count.unknown.length > 0 ? `, ${count.unknown.length} unknown` : ''}`;
}

function firstStep(pool: PoolReadiness): string {
	const [first, ...more] = pool.next;
	if (!first) return '';
	return more.length > 0 ? `${first.action} (+${more.length})` : first.action;
}

/** "2026-11-30 11:52:03 UTC": the time the farm was read, which is as old as the sync states are. */
function readable(iso: string): string {
	return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
