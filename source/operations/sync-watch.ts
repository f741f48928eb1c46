import { MANAGEMENT_SHELL } from '../procedure/plan.js';
import { interPoolCommand, readServiceCommand, statusCommand, syncCommand } from '../sfb/commands.js';
import { ERROR_POLLS, explainModules, judgeBothDirections, judgeDirection, type BackupModuleStatus, type DirectionVerdict } from '../sfb/backup-status.js';
import type { Observation } from '../sfb/observation.js';
import { probeSync } from './probes.js';
import { couldNotTell, unknownDecisionTitle } from './unknowns.js';
import type { FrontEndPool } from '../sfb/model.js';
import type { ProcedureState } from '../procedure/state.js';
import { iso, pollInterval, type OperationContext } from './context.js';
import { isFileSharePermissionsWarning, publishWarningAdvice } from '../sfb/publish-warnings.js';

export type SyncResult =
	| { kind: 'steady' }
	| { kind: 'failed'; reason: string }
	| { kind: 'stopped'; reason: string }
	/** A poll could not tell (access denied, unreachable, …) and the operator stopped. */
	| { kind: 'unknown'; reason: string }
	| { kind: 'aborted' };

/**
 * What an admin checks when the sync does not reach steady state, or fails; first, when the publish warned that it
 * could not set the file share permissions, that warning, since it is the likeliest cause.
 */
export function syncGuidance(pools: Pick<FrontEndPool, 'fqdn'>[], publishWarnings: string[] = []): string[] {
	const [first, second] = pools.map((pool) => pool.fqdn);
	const shareWarning = publishWarnings.find(isFileSharePermissionsWarning);
	return [
		...(shareWarning ? [`When it published, Enable-CsTopology warned: ${shareWarning.replace(/\.+$/, '')}. ${publishWarningAdvice(publishWarnings)}`] : []),
		`Check LYNCBACKUP is Running on every server: ${readServiceCommand('<server>')}`,
		'Look in the Lync Server event log for Event 4007 (re-apply the CU), 4069/4070 (SQL errors, invalid SIP addresses)',
		`Compare the pools' data: ${interPoolCommand(first ?? '')} (and ${second ?? ''})`,
		'The Backup Service syncs every 2 minutes by default: Get-CsBackupServiceConfiguration',
	];
}

/** The sync failed on what the farm reported (a module in ErrorState), not on reaching it: the guidance applies. */
export function syncFailedOnFarm(state: ProcedureState): boolean {
	return state.steps.sync.status === 'failed' && state.sync.polls > 0;
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

	const recordPoll = statusRecorder(context, pools);
	let deadline = Date.now() + pacing.syncTimeoutMs;
	let unanswered = 0;
	let failing = 0;
	for (;;) {
		if (signal.aborted) return { kind: 'aborted' };
		const polledAt = Date.now();
		const polled = await poll(context, pools);
		if (signal.aborted) return { kind: 'aborted' };
		if ('unknown' in polled) {
			// A poll that could not tell is not "not steady": the operator decides whether to poll again.
			const question = { subject: polled.pool, what: 'its sync is in steady state' };
			const decision = await context.operator.decideUnknown({ ...question, observation: polled.unknown, attempts: ++unanswered, canSkip: false });
			recorder?.decision({ what: unknownDecisionTitle(question), choice: decision.action, at: iso(Date.now()) });
			if (decision.action === 'stop') return { kind: 'unknown', reason: couldNotTell(question, polled.unknown) };
			try {
				await pacing.sleep(pollInterval(pacing.syncPollMs), signal);
			} catch {
				return { kind: 'aborted' };
			}
			continue;
		}
		unanswered = 0;
		const { directions } = polled;
		const state = session.dispatch({ type: 'sync-polled', directions });
		const verdict = judgeBothDirections(directions.map((direction) => direction.verdict));
		const steady = state.sync.consecutiveSteady >= pacing.steadyPolls;
		failing = verdict.state === 'failed' ? failing + 1 : 0;
		const failed = failing >= ERROR_POLLS;
		recordPoll(directions, state.sync.polls, failed ? 'failed' : steady ? 'steady' : undefined);
		if (failed && verdict.state === 'failed') return { kind: 'failed', reason: `${verdict.reason} (on ${failing} polls in a row)` };
		if (verdict.state === 'failed') recorder?.note(`${verdict.reason}: poll ${failing} of ${ERROR_POLLS} in a row before it counts as a failure (an ErrorState can clear by itself)`, iso(Date.now()));
		if (steady) return { kind: 'steady' };
		if (Date.now() >= deadline) {
			const choice = await context.operator.decideSyncTimeout(syncGuidance(pools, context.session.state.publish.warnings));
			recorder?.decision({ what: 'sync not steady in time', choice, at: iso(Date.now()) });
			if (choice === 'stop') {
				recordPoll(directions, state.sync.polls, 'stopped');
				return { kind: 'stopped', reason: verdict.state === 'waiting' ? verdict.reason : 'sync not steady' };
			}
			deadline = Date.now() + pacing.syncTimeoutMs;
		}
		try {
			// --sync-poll is the time from one poll to the next: a poll that took a while (two pools over WinRM) shortens the wait.
			await pacing.sleep(pollInterval(polledAt + pacing.syncPollMs - Date.now()), signal);
		} catch {
			return { kind: 'aborted' };
		}
	}
}

type Polled = { pool: string; modules: BackupModuleStatus[]; verdict: DirectionVerdict };

/**
 * Records a direction's poll when it differs from the last one recorded for that pool, and the poll the watch ends
 * on: the record shows every change (a module leaving NotInitialized, a backlog clearing) without a line per poll.
 */
function statusRecorder(context: OperationContext, pools: FrontEndPool[]) {
	const last = new Map<string, string>();
	return (directions: Polled[], poll: number, concluded?: 'steady' | 'failed' | 'stopped') => {
		for (const direction of directions) {
			const seen = JSON.stringify([direction.modules, direction.verdict]);
			if (!concluded && last.get(direction.pool) === seen) continue;
			last.set(direction.pool, seen);
			const pool = pools.find((entry) => entry.fqdn === direction.pool);
			const explanations = explainModules({ pool: direction.pool, modules: direction.modules }, pool?.hostsCentralManagementStore ?? false);
			context.recorder?.status({
				pool: direction.pool,
				command: statusCommand(direction.pool),
				poll,
				modules: direction.modules,
				verdict: direction.verdict.state,
				...(direction.verdict.state === 'steady' ? {} : { reason: direction.verdict.reason }),
				...(explanations.length > 0 ? { explanations } : {}),
				...(concluded ? { concluded } : {}),
				at: iso(Date.now()),
			});
		}
	};
}

type PollResult = { directions: Polled[] } | { pool: string; unknown: Observation };

/** Both directions at once; the first that could not tell is the answer when one could not. */
async function poll(context: OperationContext, pools: FrontEndPool[]): Promise<PollResult> {
	const read = await Promise.all(pools.map(async (pool) => ({ pool, ...(await probeSync(context.environment, pool.fqdn, pool.hostsCentralManagementStore)) })));
	const unanswered = read.find((direction) => direction.observation.state === 'unknown');
	if (unanswered) return { pool: unanswered.pool.fqdn, unknown: unanswered.observation };
	return {
		directions: read.map(({ pool, modules }) => ({ pool: pool.fqdn, modules, verdict: judgeDirection({ pool: pool.fqdn, modules }, pool.hostsCentralManagementStore) })),
	};
}
