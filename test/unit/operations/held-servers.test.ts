import { describe, expect, it } from 'vitest';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import type { FailureDecision, Operator, ServerFailure } from '../../../source/procedure/operator.js';
import type { Session } from '../../../source/session/session.js';
import { readChangeRecord } from '../../../source/session/change-record.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, defaultScenarioWith, driveResuming, testIdentity } from '../../helpers/lab.js';

const HELD = 'red-fe01.contoso.com';
const FAILED = 'dub-fe02.contoso.com';
const stateDir = useTemporaryStateDir('sfb-pair-held-retry-');

describe('"retry it and the other failed servers" beside a held server', () => {
	it('neither counts nor retries the held server: it runs Bootstrapper again only once it has restarted', async () => {
		const faults = [
			{ type: 'reboot-required', server: HELD, attempts: 1 },
			{ type: 'bootstrapper-exit', server: FAILED, exitCode: 1603, attempts: 1 },
		];
		const environment = await openLabEnvironment({ stateDir: stateDir(), scenario: await defaultScenarioWith('held-retry', faults), timeScale: 5000 });
		let session: Session | undefined;
		const failures: ServerFailure[] = [];
		let heldAsked = 0;
		const automatic = defaultPairOperator();
		const operator: Operator = {
			...automatic,
			decideFailure: async (failure): Promise<FailureDecision> => {
				failures.push(failure);
				if (failure.server === FAILED) return { action: 'retry-all-failed' };
				heldAsked += 1;
				if (heldAsked > 1) return { action: 'defer' };
				// Looked at again (not restarted yet) only once the other server has failed, so that its retry-all comes first.
				while (session?.state.servers[FAILED]?.tasks.bootstrapper.state !== 'failed') await new Promise((resolve) => setTimeout(resolve, 5));
				return { action: 'check-restarted' };
			},
		};
		const result = await driveResuming({ environment, stateDir: stateDir(), operator, identity: testIdentity('wizard'), onSession: (opened) => (session = opened) });

		expect(failures.find((failure) => failure.server === FAILED)?.otherFailures).not.toContain(HELD);
		expect(heldAsked).toBe(2);
		const runs = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl')).filter((entry) => entry.type === 'command' && entry.target === HELD && entry.phase === 'bootstrapper');
		expect(runs).toHaveLength(1);
		expect(result.session.state.servers[HELD]!.tasks.bootstrapper).toMatchObject({ state: 'failed', rebootRequired: true });
		expect(result.session.state.servers[FAILED]!.tasks.bootstrapper.state).toBe('succeeded');
	});

});

describe('a Standard Edition server held at 3010', () => {
	it('is not offered a restart by sfb-pair, even with --restart-held: its pool has no other Front End to take its users', async () => {
		const server = 'se-redmond.contoso.com';
		const environment = await openLabEnvironment({ stateDir: stateDir(), scenario: await defaultScenarioWith('se-held', [{ type: 'reboot-required', server, attempts: 1 }]), timeScale: 5000 });
		const failures: ServerFailure[] = [];
		const automatic = defaultPairOperator({ pool: server, backup: 'se-dublin.contoso.com', restartHeld: true });
		const operator: Operator = { ...automatic, decideFailure: async (failure) => (failures.push(failure), automatic.decideFailure(failure)) };
		const result = await driveResuming({ environment, stateDir: stateDir(), operator, identity: testIdentity('wizard') });
		expect(failures.map((failure) => [failure.server, failure.rebootRequired, failure.canRestart])).toEqual([[server, true, undefined]]);
		expect(result.outcome).toBe('needs-operator');
		expect(environment.readFarm().servers[server]).toMatchObject({ bootstrapperRuns: 1 });
		expect(environment.readFarm().servers[server]?.failedOver).not.toBe(true);
	});
});
