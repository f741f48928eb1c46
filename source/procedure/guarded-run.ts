/**
 * A change the operator confirms by typing a word, then watches step by step: the wizard's drill and unpair. The state
 * of one such run and its pure reducer; the screen (ui/guarded-run/) renders it and dispatches what happens.
 */

export type GuardedStepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'waiting' | 'unverified' | 'unknown';

export interface GuardedStep {
	id: string;
	title: string;
	status: GuardedStepStatus;
	startedAt?: number;
	endedAt?: number;
	/** The latest line the running step said. */
	lastLine?: string;
	evidence: string[];
	/** Why the step is there, with its source: shown in explain mode. */
	why?: string;
}

export type GuardedOutcome = 'done' | 'failed' | 'waiting' | 'cancelled' | 'refused';

export interface GuardedResult {
	outcome: GuardedOutcome;
	exitCode: number;
	headline: string;
	/** Under the headline: what was lost, what to do. */
	details: string[];
	/** The record and the debrief: the path kept whole, on a line of its own. */
	files: { label: string; path: string }[];
}

/** A question in the middle of the run (Topology Builder's publish): its lines and the answers offered. */
export interface GuardedQuestion {
	title: string;
	lines: string[];
	options: { label: string; value: string }[];
}

export type LogTone = 'done' | 'failed' | 'warning' | 'plain' | 'dim';

/** A line for the scrollback, written once: a finished step, its evidence, the result. */
export interface LoggedLine {
	id: number;
	text: string;
	tone: LogTone;
	/** How long the step took, drawn beside its title. */
	elapsedMs?: number;
	/** A path: cut only at the width, never at a space, so its pieces are its own characters. */
	verbatim?: boolean;
}

export interface GuardedRunState {
	phase: 'confirm' | 'running' | 'finished' | 'declined';
	word: string;
	/** The last answer that was not the word, for the line under the field. */
	wrongAnswer?: string;
	attempts: number;
	steps: GuardedStep[];
	question?: GuardedQuestion;
	result?: GuardedResult;
	log: LoggedLine[];
}

export type GuardedRunEvent =
	| { type: 'typed'; text: string }
	| { type: 'declined' }
	| { type: 'step-started'; id: string; at: number }
	| { type: 'step-line'; id?: string; text: string }
	| { type: 'step-finished'; id: string; status: Exclude<GuardedStepStatus, 'pending' | 'running'>; evidence: string[]; at: number }
	| { type: 'note'; text: string; tone?: LogTone }
	| { type: 'asked'; question: GuardedQuestion }
	| { type: 'answered' }
	| { type: 'finished'; result: GuardedResult; at: number };

/** What the shared screen runs: the plan to confirm, the word, the steps to watch, and the run itself once confirmed. */
export interface GuardedJob {
	/** The plan's first line, in bold. */
	title: string;
	planLines: string[];
	word: string;
	steps: { id: string; title: string; why?: string }[];
	run(report: (event: GuardedRunEvent) => void, ask: (question: GuardedQuestion) => Promise<string>, signal: AbortSignal): Promise<GuardedResult>;
	/** Lets go of what the job holds (the pair's lock) when the operator declines. */
	close(): void;
}

export function initialGuardedRun(word: string, steps: GuardedJob['steps']): GuardedRunState {
	return { phase: 'confirm', word, attempts: 0, steps: steps.map((step) => ({ ...step, status: 'pending', evidence: [] })), log: [] };
}

const TONE_OF: Record<GuardedStepStatus, LogTone> = { pending: 'dim', running: 'plain', done: 'done', skipped: 'dim', failed: 'failed', waiting: 'warning', unverified: 'warning', unknown: 'warning' };

/** The step a line without a step belongs to: the one running now. */
const runningStep = (state: GuardedRunState) => state.steps.find((step) => step.status === 'running');

function logged(state: GuardedRunState, lines: Omit<LoggedLine, 'id'>[]): LoggedLine[] {
	const first = (state.log.at(-1)?.id ?? -1) + 1;
	return [...state.log, ...lines.map((line, index) => ({ ...line, id: first + index }))];
}

export function guardedRunReducer(state: GuardedRunState, event: GuardedRunEvent): GuardedRunState {
	switch (event.type) {
		case 'typed': {
			if (state.phase !== 'confirm') return state;
			if (event.text.trim() === state.word) {
				const { wrongAnswer: _wrong, ...rest } = state;
				return { ...rest, phase: 'running', log: logged(state, [{ text: `Confirmed: you typed ${state.word}.`, tone: 'dim' }]) };
			}
			return { ...state, wrongAnswer: event.text, attempts: state.attempts + 1 };
		}
		case 'declined':
			return state.phase === 'confirm' ? { ...state, phase: 'declined' } : state;
		case 'step-started':
			return {
				...state,
				steps: state.steps.map((step) => {
					if (step.id === event.id) {
						const { lastLine: _line, endedAt: _ended, ...rest } = step;
						return { ...rest, status: 'running', startedAt: event.at, evidence: [] };
					}
					return step;
				}),
			};
		case 'step-line': {
			const id = event.id ?? runningStep(state)?.id;
			if (id === undefined) return state;
			return { ...state, steps: state.steps.map((step) => (step.id === id ? { ...step, lastLine: event.text } : step)) };
		}
		case 'step-finished': {
			const step = state.steps.find((each) => each.id === event.id);
			if (!step) return state;
			const startedAt = step.status === 'running' ? step.startedAt : undefined;
			const finished: GuardedStep = { ...step, status: event.status, evidence: event.evidence, endedAt: event.at, ...(startedAt === undefined ? {} : { startedAt }) };
			return {
				...state,
				steps: state.steps.map((each) => (each.id === event.id ? finished : each)),
				log: logged(state, [
					{ text: `${step.title}: ${event.status}`, tone: TONE_OF[event.status], ...(startedAt === undefined ? {} : { elapsedMs: event.at - startedAt }) },
					...event.evidence.map((line) => ({ text: `  ${line}`, tone: 'dim' as const })),
				]),
			};
		}
		case 'note':
			return { ...state, log: logged(state, [{ text: event.text, tone: event.tone ?? 'warning' }]) };
		case 'asked':
			return { ...state, question: event.question };
		case 'answered': {
			const { question: _question, ...rest } = state;
			return rest;
		}
		case 'finished': {
			const { question: _question, ...rest } = state;
			const tone: LogTone = event.result.outcome === 'done' ? 'done' : event.result.outcome === 'failed' ? 'failed' : 'warning';
			return {
				...rest,
				phase: 'finished',
				result: event.result,
				// A step still running when the run ended (cancelled, failed) is cut short, not left spinning.
				steps: state.steps.map((step) => (step.status === 'running' ? { ...step, status: 'unknown', endedAt: event.at } : step)),
				log: logged(state, [
					{ text: event.result.headline, tone },
					...event.result.details.map((line) => ({ text: line, tone: 'plain' as const })),
					...event.result.files.flatMap((file) => [
						{ text: `${file.label}:`, tone: 'plain' as const },
						{ text: file.path, tone: 'plain' as const, verbatim: true },
					]),
				]),
			};
		}
	}
}
