import { render } from 'ink';
import type { Environment } from '../environments/port.js';
import type { DrillEvent } from '../operations/drill.js';
import type { UnpairStepEvent } from '../operations/run-unpair.js';
import type { GuardedJob, GuardedOutcome, GuardedRunEvent, GuardedStepStatus } from '../procedure/guarded-run.js';
import type { OutcomeKind } from '../procedure/state.js';
import { UNPAIR_STEPS } from '../procedure/unpair-plan.js';
import { continueCommand, type NextAction } from '../procedure/what-next.js';
import type { DebriefScenario } from '../session/debrief.js';
import type { UnpairStepStatus } from '../session/unpair-session.js';
import { drillSteps } from '../sfb/drill.js';
import { AfterPairing } from '../ui/AfterPairing.js';
import type { KeyStream } from '../ui/keys/key-stream.js';
import type { Symbols } from '../ui/symbols.js';
import { checkDrillAccount, DRILL_WORD, executeDrill, openDrill, lostLines, planLines, prepareDrill, resumeLines } from './commands/drill.js';
import { CONFIRM_WORD, executeUnpair, openUnpair } from './commands/unpair.js';
import { exitCodeFor, UsageError } from './exit-codes.js';

type RunAction = Exclude<NextAction, 'leave'>;

export interface NextOptions {
	environment: Environment;
	stateDir: string;
	pool: string;
	backup: string;
	explain: boolean;
	/** The pairing was published in Topology Builder: it is undone there too. */
	topologyBuilder: boolean;
	operatorName?: string;
	scenario?: DebriefScenario;
}

const DRILL_STATUS: Record<Extract<DrillEvent, { type: 'step-finished' }>['outcome'], Exclude<GuardedStepStatus, 'pending' | 'running'>> = { done: 'done', skipped: 'skipped', failed: 'failed', waiting: 'waiting' };
const UNPAIR_STATUS: Record<UnpairStepStatus, Exclude<GuardedStepStatus, 'pending' | 'running'>> = {
	pending: 'unknown',
	done: 'done',
	unverified: 'unverified',
	'not-done': 'waiting',
	unknown: 'unknown',
	failed: 'failed',
};
const UNPAIR_OUTCOME: Record<OutcomeKind, GuardedOutcome> = { done: 'done', failed: 'failed', 'needs-operator': 'waiting', cancelled: 'cancelled' };
const UNPAIR_HEADLINE: Record<OutcomeKind, string> = { done: 'Done', failed: 'Failed', 'needs-operator': 'Waiting on you', cancelled: 'Stopped' };

function drillEvent(event: DrillEvent): GuardedRunEvent {
	switch (event.type) {
		case 'step-started':
			return { type: 'step-started', id: event.step.id, at: Date.now() };
		case 'line':
			return { type: 'step-line', id: event.step, text: event.text };
		case 'waiting':
			// Into the scrollback, once: the step's latest line would give way to the cmdlet's next one.
			return { type: 'note', text: event.text };
		case 'step-finished':
			return { type: 'step-finished', id: event.step.id, status: DRILL_STATUS[event.outcome], evidence: event.evidence, at: Date.now() };
	}
}

function unpairEvent(event: UnpairStepEvent): GuardedRunEvent {
	if (event.type === 'started') return { type: 'step-started', id: event.step, at: Date.now() };
	return { type: 'step-finished', id: event.step, status: UNPAIR_STATUS[event.status], evidence: [event.evidence], at: Date.now() };
}

/** The drill, as the command runs it, for the shared screen: the same plan, word, steps, record. */
async function drillJob(options: NextOptions, planned: boolean): Promise<GuardedJob> {
	const { environment } = options;
	const request = await prepareDrill(environment, options.pool, planned);
	const account = await checkDrillAccount(environment);
	if (account.refusal) throw new UsageError(account.refusal);
	const warnings: string[] = account.warning ? [account.warning] : [];
	const opened = openDrill(options.stateDir, request, (line) => warnings.push(line));
	// The reasons are the screen's to show (the e key turns them on and off), from the steps below.
	const [title = '', ...plan] = planLines(request, false);
	return {
		title,
		planLines: [...warnings, ...plan],
		word: DRILL_WORD,
		steps: drillSteps(request).map((step) => ({ id: step.id, title: step.title, why: `${step.why} (${step.source})` })),
		async run(report, _ask, signal) {
			try {
				const { result, recordPath } = await executeDrill(environment, opened, {
					explain: options.explain,
					signal,
					onLine: () => undefined,
					onEvent: (event) => report(drillEvent(event)),
					onWarning: (text) => report({ type: 'note', text }),
					...(options.scenario ? { scenario: options.scenario } : {}),
				});
				const lost = lostLines(result, request);
				const resume =
					result.resume !== undefined
						? resumeLines(result)
						: result.outcome === 'done' || result.outcome === 'refused'
							? []
							: ['To continue from where the farm is:', `  ${continueCommand(planned ? 'drill-planned' : 'drill-disaster', request.pool)}`];
				return {
					outcome: result.outcome,
					exitCode: result.exitCode,
					headline: result.summary,
					details: [...lost, ...resume],
					files: [{ label: `Drill record${options.scenario ? ' (with the training debrief)' : ''}`, path: recordPath }],
				};
			} finally {
				opened.lock.release();
			}
		},
		close: () => opened.lock.release(),
	};
}

/** The unpair, as the command runs it; Topology Builder's publish becomes a question on the screen. */
async function unpairJob(options: NextOptions): Promise<GuardedJob> {
	const { environment } = options;
	const warnings: string[] = [];
	const opened = await openUnpair(environment, options.stateDir, options.pool, options.topologyBuilder, (line) => warnings.push(line));
	const [title = '', ...plan] = opened.lines;
	return {
		title,
		planLines: [...warnings, ...plan],
		word: CONFIRM_WORD,
		steps: opened.plan.steps.map((id) => ({ id, title: UNPAIR_STEPS[id].title, why: `${UNPAIR_STEPS[id].why} (${UNPAIR_STEPS[id].source})` })),
		async run(report, ask, signal) {
			const ended = await executeUnpair(environment, options.stateDir, opened, {
				confirmedBy: 'typed',
				operator: {
					async topologyBuilder(steps, playInLab) {
						const answer = await ask({
							title: 'In Topology Builder:',
							lines: steps,
							options: [
								{ label: 'Published: check the farm', value: 'published' },
								...(playInLab ? [{ label: 'Play the publish in the lab', value: 'play' }] : []),
								{ label: `Stop here; continue later with ${continueCommand('unpair', opened.plan.pool.fqdn)}`, value: 'stop' },
							],
						});
						if (answer === 'stop') return 'stop';
						if (answer === 'play') await playInLab?.();
						return 'published';
					},
				},
				print: (line) => report({ type: 'step-line', text: line.trim() }),
				warn: (text) => report({ type: 'note', text: `warning: ${text}` }),
				onStep: (event) => report(unpairEvent(event)),
				signal,
				explain: options.explain,
				...(options.operatorName ? { operatorName: options.operatorName } : {}),
				...(options.scenario ? { scenario: options.scenario } : {}),
			});
			return {
				outcome: UNPAIR_OUTCOME[ended.outcome],
				exitCode: exitCodeFor(ended.outcome),
				headline: `${UNPAIR_HEADLINE[ended.outcome]}: ${ended.reason}`,
				details: ended.outcome === 'done' ? [] : ['To continue from where the farm is:', `  ${continueCommand('unpair', opened.plan.pool.fqdn)}`],
				files: [{ label: 'Change record', path: ended.recordPath }, ...(ended.debriefPath ? [{ label: 'Training debrief', path: ended.debriefPath }] : [])],
			};
		},
		close: () => undefined,
	};
}

export function prepareNext(options: NextOptions, action: RunAction): Promise<GuardedJob> {
	return action === 'unpair' ? unpairJob(options) : drillJob(options, action === 'drill-planned');
}

/**
 * After a pairing that ended done: the what-next screen in an Ink tree of its own, below the pairing's summary. Resolves
 * with the wizard's exit code: the last run's, 0 when none ran, 130 when cancelled.
 */
export async function afterPairing(
	options: NextOptions,
	screen: { stdout: NodeJS.WriteStream; keys: KeyStream; symbols: Symbols; screenReader: boolean; cancel: AbortSignal; onCancel(): void },
): Promise<number> {
	let exitCode = 0;
	const app = render(
		<AfterPairing
			pool={options.pool}
			backup={options.backup}
			explain={options.explain}
			symbols={screen.symbols}
			keys={screen.keys}
			prepare={(action) => prepareNext(options, action)}
			cancel={screen.cancel}
			onCancel={screen.onCancel}
			onLeave={(code) => {
				exitCode = code;
			}}
		/>,
		{ exitOnCtrlC: false, maxFps: 10, stdout: screen.stdout, stdin: screen.keys as unknown as NodeJS.ReadStream, isScreenReaderEnabled: screen.screenReader },
	);
	try {
		await app.waitUntilExit();
		return exitCode;
	} finally {
		app.unmount();
	}
}
