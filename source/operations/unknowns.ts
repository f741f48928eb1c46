import type { UnknownDecision, UnknownObservation } from '../procedure/operator.js';
import { describeObservation, type Observation } from '../sfb/observation.js';
import { iso, type OperationContext } from './context.js';

export type Settled =
	| { kind: 'answered'; observation: Observation }
	| { kind: 'skipped'; reason: string; observation: Observation }
	| { kind: 'stopped'; observation: Observation };

export interface Question {
	subject: string;
	what: string;
	canSkip: boolean;
}

/** The change record's name for an unknown decision: one per subject and question. */
export const unknownDecisionTitle = (question: Pick<Question, 'subject' | 'what'>) => `could not tell on ${question.subject}: ${question.what}`;

/** Why the procedure stops on an unknown, naming the server and the reason. */
export const couldNotTell = (question: Pick<Question, 'subject' | 'what'>, observation: Observation) =>
	`could not tell on ${question.subject} whether ${question.what}: ${describeObservation(observation)}`;

/**
 * Asks the farm until it says done or not done; while it cannot tell, the operator decides: probe again, go on
 * without it (for a reason that is recorded), or stop. `ask` lets a fleet of servers put its questions in one queue.
 */
export async function settleObservation(
	context: OperationContext,
	question: Question,
	observe: () => Promise<Observation>,
	first?: Observation,
	ask: (unknown: UnknownObservation) => Promise<UnknownDecision | undefined> = (unknown) => context.operator.decideUnknown(unknown),
): Promise<Settled> {
	let observation = first ?? (await observe());
	for (let attempts = 1; observation.state === 'unknown'; attempts++) {
		const decision = await ask({ ...question, observation, attempts });
		if (!decision) return { kind: 'stopped', observation };
		context.recorder?.decision({
			what: unknownDecisionTitle(question),
			choice: decision.action,
			...(decision.action === 'skip' ? { reason: decision.reason } : {}),
			at: iso(Date.now()),
		});
		if (decision.action === 'stop') return { kind: 'stopped', observation };
		if (decision.action === 'skip' && question.canSkip) return { kind: 'skipped', reason: decision.reason, observation };
		observation = await observe();
	}
	return { kind: 'answered', observation };
}
