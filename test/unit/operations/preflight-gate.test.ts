import { describe, expect, it } from 'vitest';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import type { Operator, PreflightDecision } from '../../../source/procedure/operator.js';
import type { PreflightReport } from '../../../source/procedure/preflight.js';
import { readChangeRecord } from '../../../source/session/change-record.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, defaultScenarioWith, driveResuming, testIdentity } from '../../helpers/lab.js';

const stateDir = useTemporaryStateDir('sfb-pair-preflight-gate-');

/** The wizard's pre-flight on the lab: the operator answers the review with `answers`, in turn, and every review is kept. */
async function drive(faults: unknown[], answers: PreflightDecision[], byHand?: Operator['runByHand']) {
	const environment = await openLabEnvironment({ stateDir: stateDir(), scenario: await defaultScenarioWith('preflight', faults), timeScale: 5000 });
	const reviews: PreflightReport[] = [];
	const operator: Operator = {
		...defaultPairOperator(),
		reviewPreflight: async (report) => {
			reviews.push(report);
			const answer = answers.shift();
			if (answer === undefined) throw new Error('the pre-flight was reviewed more often than the test expected');
			return answer;
		},
		...(byHand ? { runByHand: byHand } : {}),
	};
	const result = await driveResuming({ environment, stateDir: stateDir(), operator, identity: testIdentity('wizard'), preflight: true });
	const decisions = result.recordPath ? readChangeRecord(result.recordPath.replace(/\.md$/, '.jsonl')).flatMap((entry) => (entry.type === 'decision' && entry.what === 'pre-flight' ? [entry] : [])) : [];
	return { result, reviews, decisions, environment };
}

describe('the pre-flight before anything changes (the wizard on a live farm, here on the lab)', () => {
	it('goes on by itself when every check is ok, and the record says so', async () => {
		const { result, reviews, decisions } = await drive([], []);
		expect(result.outcome, result.reason).toBe('done');
		expect(reviews).toEqual([]);
		expect(decisions).toEqual([]);
		expect(result.session.state.preflight?.accepted?.note).toMatch(/^Pre-flight \(sfb-pair doctor\) of pool-redmond\.contoso\.com ↔ pool-dublin\.contoso\.com: \d+ ok$/);
	});

	it('goes on past a warning only when the operator says "continue anyway", recorded with the warning it accepted', async () => {
		const { result, reviews, decisions } = await drive([{ type: 'double-hop-denied', server: 'red-fe01.contoso.com' }], ['continue']);
		expect(result.outcome, result.reason).toBe('done');
		expect(reviews).toHaveLength(1);
		expect(reviews[0]!.counts).toMatchObject({ blocking: 0, warning: 1 });
		expect(decisions.map((entry) => [entry.choice, entry.reason])).toEqual([['continue anyway', expect.stringMatching(/1 warning, \d+ ok: accepted Kerberos double hop \(red-fe01\.contoso\.com\)/)]]);
	});

	it('goes on with the servers whose double hop was refused done by hand, when the operator chooses it there', async () => {
		const ran: string[] = [];
		const { result, decisions } = await drive([{ type: 'double-hop-denied', server: 'red-fe01.contoso.com' }], ['continue-by-hand'], async (request) => {
			ran.push(`${request.phase} ${request.server}`);
			return { action: 'remote' };
		});
		expect(result.outcome, result.reason).toBe('done');
		expect(decisions.map((entry) => entry.choice)).toEqual(['continue, by hand on red-fe01.contoso.com']);
		expect(ran).toEqual(['bootstrapper red-fe01.contoso.com']);
	});

	it('stops on a blocking check before anything is written, after checking again as asked; a resume asks again', async () => {
		const { result, reviews, decisions, environment } = await drive([{ type: 'smb-blocked', server: 'dub-fe02.contoso.com' }], ['recheck', 'stop']);
		expect(result.outcome).toBe('failed');
		expect(result.reason).toMatch(/^the pre-flight found 1 blocking, \d+ ok: nothing was changed; fix the blocking checks, then start again \(sfb-pair doctor --pool pool-redmond\.contoso\.com --backup pool-dublin\.contoso\.com/);
		expect(reviews.map((report) => report.counts.blocking)).toEqual([1, 1]);
		expect(decisions.map((entry) => entry.choice)).toEqual(['check again', 'stop']);
		expect(environment.readFarm().pairingWrites).toBe(0);
		expect(result.session.state.steps.publish.status).toBe('pending');

		// A continue is never taken past a blocking check, even from an operator that sends one.
		const again = await drive([{ type: 'smb-blocked', server: 'dub-fe02.contoso.com' }], ['continue']);
		expect(again.result.outcome).toBe('failed');
		expect(again.environment.readFarm().pairingWrites).toBe(0);
	});
});
