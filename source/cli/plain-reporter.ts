import { describeEvent } from '../procedure/describe-event.js';
import type { ProcedureEvent } from '../procedure/events.js';
import type { ProcedureState } from '../procedure/state.js';
import { STEPS } from '../procedure/steps.js';
import { sanitizeLine } from '../text/sanitize.js';

/** Explain mode: why a step exists, and where that comes from, as it starts. */
function explainEvent(event: ProcedureEvent): string | undefined {
	if (event.type !== 'step-started') return undefined;
	const step = STEPS[event.step];
	return `why: ${step.why} (${step.source})`;
}

export function plainReporter(write: (line: string) => void, options: { explain?: boolean } = {}) {
	return (state: ProcedureState, event: ProcedureEvent) => {
		const explanation = options.explain ? explainEvent(event) : undefined;
		const described = describeEvent(state, event);
		const text = explanation && described ? `${described}\n${explanation}` : described;
		if (!text) return;
		const time = new Date(event.at).toISOString().slice(11, 19);
		// The commands to run by hand are printed bare, so each line can be copied as it is.
		for (const [index, line] of text.split('\n').entries()) write(event.type === 'by-hand-asked' && index > 0 ? `  ${sanitizeLine(line)}` : `${time} ${sanitizeLine(line)}`);
	};
}
