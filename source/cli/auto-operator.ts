import type { CumulativeUpdateChoice, FailureDecision, Operator, ServerFailure } from '../procedure/operator.js';
import type { VoiceResiliency } from '../sfb/model.js';

/**
 * The operator of `run --yes`: the pair and voice settings come from the command line, a failed
 * server is retried once, then left for a person (exit 3) while the others finish.
 */
export function autoOperator(request: { pool: string; backup: string; voice: VoiceResiliency; retries: number }): Operator {
	return {
		choosePool: async () => request.pool,
		chooseBackup: async () => request.backup,
		chooseVoice: async () => request.voice,
		confirmPlan: async () => 'publish',
		awaitTopologyBuilder: async () => 'cancel',
		chooseCumulativeUpdate: async (_servers: string[], canRunRemotely: boolean): Promise<CumulativeUpdateChoice> =>
			canRunRemotely ? 'run' : 'skip',
		decideFailure: async (failure: ServerFailure): Promise<FailureDecision> =>
			failure.attempts <= request.retries ? { action: 'retry' } : { action: 'defer' },
		decideSyncTimeout: async () => 'stop',
	};
}
