import type { OutcomeKind } from '../procedure/state.js';

export const EXIT = {
	done: 0,
	failed: 1,
	usage: 2,
	waitingOnOperator: 3,
	cancelled: 130,
} as const;

export function exitCodeFor(outcome: OutcomeKind): number {
	switch (outcome) {
		case 'done':
			return EXIT.done;
		case 'failed':
			return EXIT.failed;
		case 'needs-operator':
			return EXIT.waitingOnOperator;
		case 'cancelled':
			return EXIT.cancelled;
	}
}

/** Bad usage or input: reported as one line, exit 2. */
export class UsageError extends Error {
	readonly exitCode: number = EXIT.usage;
}
