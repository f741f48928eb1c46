import { Box, Text } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { guardedRunReducer, initialGuardedRun, type GuardedJob, type GuardedQuestion, type GuardedResult, type LoggedLine } from '../../procedure/guarded-run.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { useKeyHints } from '../keys/hints.js';
import { Picker } from '../Picker.js';
import { SCREEN_CLOCK_MS } from '../screen-clock.js';
import { GuardedConfirm } from './GuardedConfirm.js';
import { GuardedSteps } from './GuardedSteps.js';

interface Props {
	job: GuardedJob;
	rows: number;
	columns: number;
	/** Explain mode (the e key, owned by the caller so it outlasts one run): each step's reason and source. */
	explain?: boolean;
	/** Aborted to stop the run (Ctrl+C): the job ends where the farm is, as its command does. */
	signal: AbortSignal;
	/** The run's result once it is written above, or undefined when the operator went back without confirming. */
	onDone(result: GuardedResult | undefined): void;
	/**
	 * The lines for the scrollback so far (they only grow): the caller writes them with one Static that outlives the
	 * screens, since a Static unmounted under Ink 6.8 left the keys dead after it.
	 */
	onLog(lines: LoggedLine[]): void;
}

/**
 * The shared screen of a change confirmed by a typed word: plan → the word → the steps live → the result. The steps,
 * their evidence and the result go to the scrollback as they finish, so what stays drawn is only what is still moving.
 */
export function GuardedRun({ job, rows, columns, explain = false, signal, onDone, onLog }: Props) {
	const [state, dispatch] = useReducer(guardedRunReducer, undefined, () => initialGuardedRun(job.word, job.steps));
	const [now, setNow] = useState(Date.now());
	const answer = useRef<((value: string) => void) | undefined>(undefined);
	const running = state.phase === 'running';

	useEffect(() => {
		if (!running) return undefined;
		// Ctrl+C or a signal answers a pending question with 'stop': nobody is left to answer it, and the pair's lock is held.
		const ask = (question: GuardedQuestion) =>
			new Promise<string>((resolve) => {
				const stop = () => settle('stop');
				const settle = (value: string) => {
					signal.removeEventListener('abort', stop);
					answer.current = undefined;
					dispatch({ type: 'answered' });
					resolve(value);
				};
				if (signal.aborted) return resolve('stop');
				signal.addEventListener('abort', stop);
				answer.current = settle;
				dispatch({ type: 'asked', question });
			});
		job
			.run(dispatch, ask, signal)
			.catch((error: unknown): GuardedResult => ({ outcome: 'failed', exitCode: 1, headline: `Failed: ${error instanceof Error ? error.message : String(error)}`, details: [], files: [] }))
			.then((result) => dispatch({ type: 'finished', result, at: Date.now() }));
		const timer = setInterval(() => setNow(Date.now()), SCREEN_CLOCK_MS);
		return () => clearInterval(timer);
	}, [running, job, signal]);

	// Cancelled before the word: nothing has changed, as if the operator went back.
	const confirming = state.phase === 'confirm';
	useEffect(() => {
		if (!confirming) return undefined;
		const decline = () => dispatch({ type: 'declined' });
		if (signal.aborted) decline();
		signal.addEventListener('abort', decline);
		return () => signal.removeEventListener('abort', decline);
	}, [confirming, signal]);

	useEffect(() => onLog(state.log), [state.log, onLog]);

	// After the frame that writes the result above: the caller may then take the screen.
	useEffect(() => {
		if (state.phase === 'finished' && state.result) onDone(state.result);
		if (state.phase === 'declined') {
			job.close();
			onDone(undefined);
		}
	}, [state.phase, state.result, job, onDone]);

	useKeyHints(running ? (state.question ? undefined : 'e explain · Ctrl+C stop now · run it again to continue from where the farm is') : undefined);

	const question = state.question;
	// As the wizard's steps explain themselves: the reason of the one under way, under the title.
	const why = explain ? state.steps.find((step) => step.status === 'running')?.why : undefined;
	const whyLines = why === undefined ? [] : wrapWords(`Why: ${sanitizeLine(why)}`, Math.max(20, columns), '  ');
	const planLines = explain ? [...job.planLines, 'Why each step:', ...job.steps.flatMap((step) => (step.why ? [`  ${step.title}: ${step.why}`] : []))] : job.planLines;
	return (
		<>
			{state.phase === 'confirm' && (
				<GuardedConfirm
					title={job.title}
					planLines={planLines}
					word={job.word}
					wrongAnswer={state.wrongAnswer}
					attempts={state.attempts}
					rows={rows}
					columns={columns}
					onTyped={(text) => dispatch({ type: 'typed', text })}
					onBack={() => dispatch({ type: 'declined' })}
				/>
			)}
			{running && (
				<Box flexDirection="column">
					<Text bold wrap="truncate-end">
						{job.title}
					</Text>
					{whyLines.length > 0 && <Text color="magenta">{whyLines.join('\n')}</Text>}
					<GuardedSteps steps={state.steps} now={now} rows={Math.max(2, rows - 1 - whyLines.length - (question ? question.lines.length + question.options.length + 3 : 0))} />
					{question && (
						<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
							<Text color="yellow" bold>
								{question.title}
							</Text>
							{question.lines.map((line) => (
								<Text key={line}>{sanitizeLine(line)}</Text>
							))}
							<Picker
								options={question.options}
								hints="Ctrl+C stop here"
								onSelect={(value) => answer.current?.(value)}
							/>
						</Box>
					)}
				</Box>
			)}
		</>
	);
}
