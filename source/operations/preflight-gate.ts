import { CHECK_TITLES, checksToAct, handRunCandidates, judgePreflight, tallyChecks, type PreflightReport } from '../procedure/preflight.js';
import { markByHand } from './by-hand.js';
import { PREFLIGHT_ACCOUNT, type OutcomeKind } from '../procedure/state.js';
import type { FrontEndPool, PoolInventory } from '../sfb/model.js';
import { iso, type OperationContext } from './context.js';
import { readPreflight } from './preflight.js';

export type PreflightGate = { kind: 'passed' } | { kind: 'stopped'; outcome: OutcomeKind; reason: string };

const PASSED: PreflightGate = { kind: 'passed' };

/** The change record's lines for the checks that are not ok: each with its evidence and what to do. */
export function describeChecksToAct(report: PreflightReport): string[] {
	return checksToAct(report.checks).map(
		(check) => `${check.status === 'blocking' ? 'BLOCKING' : 'WARNING'} ${CHECK_TITLES[check.id]}, ${check.subject}: ${check.evidence}; do: ${check.action}`,
	);
}

/**
 * The doctor's checks for the pair, read while a panel shows each read, then judged with the operator before anything
 * changes: every check ok goes on by itself; warnings go on only when the operator says so (a decision in the record);
 * a blocking check stops here, unless a check again after fixing it finds it passed. Once passed for a pair, a resumed
 * session does not ask again: the farm has been changed since, and each step's probe takes over.
 */
export async function preflightGate(context: OperationContext, inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool): Promise<PreflightGate> {
	const { session, operator, environment } = context;
	if (!context.preflight) return PASSED;
	const earlier = session.state.preflight;
	if (earlier?.accepted && earlier.pool === pool.fqdn && earlier.backup === backup.fqdn) return PASSED;
	const pair = `${pool.fqdn} ↔ ${backup.fqdn}`;
	for (;;) {
		session.dispatch({ type: 'preflight-started', pool: pool.fqdn, backup: backup.fqdn, subjects: [PREFLIGHT_ACCOUNT, ...pool.servers, ...backup.servers] });
		const reading = readPreflight(environment, inventory, { pool, backup }, (subject, answered) => session.dispatch({ type: 'preflight-read', subject, answered }));
		// Leaving (q, Ctrl+C) does not wait for a server that takes its time to answer; its late answer is dropped.
		reading.catch(() => undefined);
		const readings = await Promise.race([reading, abortion(context.signal)]);
		const report = judgePreflight(readings);
		session.dispatch({ type: 'preflight-judged', checks: report.checks });
		const tally = tallyChecks(report.counts);
		if (report.counts.blocking === 0 && report.counts.warning === 0) {
			const note = `Pre-flight (sfb-pair doctor) of ${pair}: ${tally}`;
			context.recorder?.note(note, iso(Date.now()));
			session.dispatch({ type: 'preflight-accepted', note });
			return PASSED;
		}
		context.recorder?.note([`Pre-flight (sfb-pair doctor) of ${pair}: ${tally}`, ...describeChecksToAct(report)].join('\n'), iso(Date.now()));
		const decision = await operator.reviewPreflight(report);
		const goOn = (decision === 'continue' || decision === 'continue-by-hand') && report.counts.blocking === 0;
		const byHand = decision === 'continue-by-hand' ? handRunCandidates(report.checks) : [];
		context.recorder?.decision({
			what: 'pre-flight',
			choice: goOn ? (byHand.length > 0 ? `continue, by hand on ${byHand.join(', ')}` : 'continue anyway') : decision === 'recheck' ? 'check again' : 'stop',
			reason: `${tally}${goOn ? `: accepted ${checksToAct(report.checks).map((check) => `${CHECK_TITLES[check.id]} (${check.subject})`).join(', ')}` : ''}`,
			at: iso(Date.now()),
		});
		if (goOn) {
			markByHand(context, byHand, 'chosen at the pre-flight: the double hop was refused');
			session.dispatch({ type: 'preflight-accepted', note: `Pre-flight: continued with ${tally}, as the operator chose` });
			return PASSED;
		}
		if (decision === 'recheck') continue;
		const doctor = `sfb-pair doctor --pool ${pool.fqdn} --backup ${backup.fqdn} checks them alone`;
		return report.counts.blocking > 0
			? { kind: 'stopped', outcome: 'failed', reason: `the pre-flight found ${tally}: nothing was changed; fix the blocking checks, then start again (${doctor})` }
			: { kind: 'stopped', outcome: 'needs-operator', reason: `stopped at the pre-flight (${tally}): nothing was changed; start again when the warnings are dealt with (${doctor})` };
	}
}

function abortion(signal: AbortSignal): Promise<never> {
	return new Promise((_resolve, reject) => {
		if (signal.aborted) reject(signal.reason);
		else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
	});
}
