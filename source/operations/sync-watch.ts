import { EnvironmentError } from '../environments/port.js';
import { statusCommand, syncCommand, MANAGEMENT_SHELL } from '../procedure/plan.js';
import { judgeBothDirections, judgeDirection } from '../sfb/backup-status.js';
import type { FrontEndPool } from '../sfb/model.js';
import { iso, type OperationContext } from './context.js';

export type SyncResult = { kind: 'steady' } | { kind: 'failed'; reason: string } | { kind: 'stopped'; reason: string } | { kind: 'aborted' };

export function syncGuidance(pools: FrontEndPool[]): string[] {
	const [first, second] = pools.map((pool) => pool.fqdn);
	return [
		'Check LYNCBACKUP is Running on every server: Get-CsWindowsService -Name LYNCBACKUP -ComputerName <server>',
		'Look in the Lync Server event log for Event 4007 (re-apply the CU), 4069/4070 (SQL errors, invalid SIP addresses)',
		`Compare the pools' data: Debug-CsInterPoolReplication -PoolFqdn ${first ?? ''} (and ${second ?? ''})`,
		'The Backup Service syncs every 2 minutes by default: Get-CsBackupServiceConfiguration',
	];
}

/** Asks both pools to sync, then polls both directions until steady state holds on several polls in a row. */
export async function watchSync(context: OperationContext, pools: FrontEndPool[]): Promise<SyncResult> {
	const { environment, session, recorder, pacing, signal } = context;

	for (const pool of pools) {
		const startedAt = Date.now();
		await environment.startBackupSync(pool.fqdn);
		recorder?.command({ command: syncCommand(pool.fqdn), target: MANAGEMENT_SHELL, startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'succeeded' });
		session.dispatch({ type: 'sync-requested', pool: pool.fqdn });
	}

	let deadline = Date.now() + pacing.syncTimeoutMs;
	for (;;) {
		if (signal.aborted) return { kind: 'aborted' };
		let directions;
		try {
			directions = await Promise.all(
				pools.map(async (pool) => {
					const status = await environment.readBackupStatus(pool.fqdn);
					return { pool: pool.fqdn, modules: status.modules, verdict: judgeDirection(status, pool.hostsCentralManagementStore) };
				}),
			);
		} catch (error) {
			if (signal.aborted) return { kind: 'aborted' };
			if (error instanceof EnvironmentError) return { kind: 'failed', reason: error.message };
			throw error;
		}
		const state = session.dispatch({ type: 'sync-polled', directions });
		const verdict = judgeBothDirections(directions.map((direction) => direction.verdict));
		if (verdict.state === 'failed') {
			recordStatus(context, pools, 'failed');
			return { kind: 'failed', reason: verdict.reason };
		}
		if (state.sync.consecutiveSteady >= pacing.steadyPolls) {
			recordStatus(context, pools, 'succeeded');
			return { kind: 'steady' };
		}
		if (Date.now() >= deadline) {
			const choice = await context.operator.decideSyncTimeout(syncGuidance(pools));
			recorder?.decision({ what: 'sync not steady in time', choice, at: iso(Date.now()) });
			if (choice === 'stop') {
				recordStatus(context, pools, 'interrupted');
				return { kind: 'stopped', reason: verdict.state === 'waiting' ? verdict.reason : 'sync not steady' };
			}
			deadline = Date.now() + pacing.syncTimeoutMs;
		}
		try {
			await pacing.sleep(pacing.syncPollMs, signal);
		} catch {
			return { kind: 'aborted' };
		}
	}
}

function recordStatus(context: OperationContext, pools: FrontEndPool[], outcome: 'succeeded' | 'failed' | 'interrupted') {
	const { session, recorder } = context;
	for (const pool of pools) {
		const direction = session.state.sync.directions[pool.fqdn];
		const now = iso(Date.now());
		recorder?.command({
			command: statusCommand(pool.fqdn),
			target: MANAGEMENT_SHELL,
			startedAt: now,
			endedAt: now,
			outcome,
			tail: (direction?.modules ?? []).map((module) => `${module.identity} ${module.exportStatus} ${module.importStatus}`),
		});
	}
}
