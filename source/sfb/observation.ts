/**
 * What a probe of the farm says about one thing on one server or pool: done, not done, or that it could not
 * tell. "Could not tell" is never "no": an unknown carries why, and what was read so far.
 */
export type ObservationState = 'done' | 'not-done' | 'unknown';

/** Why a probe could not tell. */
export type UnknownReason = 'unreachable' | 'access-denied' | 'timeout' | 'unexpected-output' | 'cmdlet-missing' | 'failed';

export interface Observation {
	state: ObservationState;
	/** Which cmdlet said what: one line a person can check by running it. */
	evidence: string;
	/** Set on unknown only. */
	reason?: UnknownReason;
	/** The value read, where there is one: a service state, a version, a sync verdict. */
	value?: string;
	/** Not done and something is wrong, rather than not yet done: a crashed service, a sync in ErrorState. */
	broken?: true;
	/** What the farm returned, where its shape is not confirmed by a public source (sfb-facts.md §8). */
	raw?: string;
}

export const done = (evidence: string, value?: string): Observation => ({ state: 'done', evidence, ...(value === undefined ? {} : { value }) });

export const notDone = (evidence: string, extra: Pick<Observation, 'value' | 'broken'> = {}): Observation => ({ state: 'not-done', evidence, ...extra });

export const unknown = (reason: UnknownReason, evidence: string, raw?: string): Observation => ({
	state: 'unknown',
	evidence,
	reason,
	...(raw === undefined ? {} : { raw }),
});

const REASON_WORDS: Record<UnknownReason, string> = {
	unreachable: 'unreachable',
	'access-denied': 'access denied',
	timeout: 'timed out',
	'unexpected-output': 'unexpected output',
	'cmdlet-missing': 'cmdlet missing',
	failed: 'the probe failed',
};

/** "done", "not done" or "unknown (unreachable)", for lines and tables. */
export function stateWord(observation: Observation): string {
	if (observation.state === 'done') return 'done';
	if (observation.state === 'not-done') return observation.broken ? 'FAILED' : 'not done';
	return `unknown (${REASON_WORDS[observation.reason ?? 'failed']})`;
}

/** The word and the evidence on one line. */
export function describeObservation(observation: Observation): string {
	return `${stateWord(observation)}: ${observation.evidence}`;
}
