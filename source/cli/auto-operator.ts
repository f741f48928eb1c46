import type { CumulativeUpdateChoice, FailureDecision, Operator, ServerFailure, UnknownDecision, UnknownObservation } from '../procedure/operator.js';
import { topologyBuilderSteps } from '../procedure/topology-builder-steps.js';
import type { VoiceResiliency } from '../sfb/model.js';

/**
 * The operator of `run --yes`: the pair and voice settings come from the command line, a failed server is retried
 * once, then left for a person (exit 3) while the others finish; one held for a restart (Bootstrapper exit 3010) is
 * left at once, or with `restartHeld` (--restart-held) failed over, restarted and failed back once, then left if it is
 * held again. A probe that cannot tell is asked again as often, then the run stops (exit 3) naming the server and
 * why: what it could not see is never taken as not done. Replicas behind the publish are pushed once
 * (Invoke-CsManagementStoreReplication), waited for, then the run stops naming them. A pair that holds the Central
 * Management store is paired in Topology Builder only: the steps are printed and the run stops (exit 3) before it
 * changes anything, unless the farm already shows the pairing and the standby store.
 */
export function autoOperator(
	request: { pool: string; backup: string; voice: VoiceResiliency; voiceNote?: string; retries: number; restartHeld?: boolean },
	write: (line: string) => void = () => undefined,
): Operator {
	const restarted = new Set<string>();
	return {
		chooseUnfinishedPair: async () => ({ pool: request.pool, backup: request.backup }),
		choosePool: async () => request.pool,
		chooseBackup: async () => request.backup,
		chooseVoice: async () => ({ ...request.voice, ...(request.voiceNote ? { note: request.voiceNote } : {}) }),
		// `run` reads the pre-flight itself before the procedure starts; asked here, a blocking check still stops it.
		reviewPreflight: async (report) => (report.counts.blocking > 0 ? 'stop' : 'continue'),
		confirmPlan: async (plan) => {
			if (plan.notice) write(`notice: ${plan.notice}`);
			return plan.centralManagementStore ? 'topology-builder' : 'publish';
		},
		// Nobody can click Topology Builder for the operator: the steps are printed, and the run waits for a person.
		awaitTopologyBuilder: async (plan, lastCheck) => {
			if (lastCheck) write(lastCheck);
			write('In Topology Builder:');
			for (const step of topologyBuilderSteps(plan)) write(`  ${step}`);
			return 'stop';
		},
		chooseCumulativeUpdate: async (_servers: string[], canRunRemotely: boolean): Promise<CumulativeUpdateChoice> =>
			canRunRemotely ? 'run' : 'later',
		// A server held for a restart is not run again until it has restarted: restarted here once with --restart-held.
		decideFailure: async (failure: ServerFailure): Promise<FailureDecision> => {
			if (!failure.rebootRequired) return failure.attempts <= request.retries ? { action: 'retry' } : { action: 'defer' };
			if (!request.restartHeld || !failure.canRestart || restarted.has(failure.server)) return { action: 'defer' };
			restarted.add(failure.server);
			return { action: 'restart' };
		},
		// Done by hand (--by-hand): asked only once the farm shows it not done, so the run leaves the server waiting (exit 3
		// once the others finish), its commands printed; a resume checks it again.
		runByHand: async () => ({ action: 'defer' }),
		decideUnknown: async (unknown: UnknownObservation): Promise<UnknownDecision> =>
			unknown.attempts <= request.retries ? { action: 'retry' } : { action: 'stop' },
		decideReplication: async (behind) => {
			if (!behind.pushed) return 'push';
			if (!behind.timedOut) return 'wait';
			write(`replicas still behind the publish after Invoke-CsManagementStoreReplication: ${behind.servers.join(', ')}`);
			return 'stop';
		},
		decideSyncTimeout: async (guidance: string[]) => {
			write('the sync has not reached steady state in time. What to check:');
			for (const line of guidance) write(`  - ${line}`);
			return 'stop';
		},
	};
}
