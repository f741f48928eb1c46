import { Box, Static, Text } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { guardedRunReducer, initialGuardedRun, type GuardedJob, type GuardedQuestion, type GuardedResult, type LogTone } from '../../procedure/guarded-run.js';
import stringWidth from 'string-width';
import { sanitizeLine } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { formatElapsed } from '../format.js';
import { useKeyHints } from '../keys/hints.js';
import { Picker } from '../Picker.js';
import { SCREEN_CLOCK_MS } from '../ServerPanels.js';
import { useSymbols, type Symbols } from '../symbols.js';
import { GuardedConfirm } from './GuardedConfirm.js';
import { GuardedSteps } from './GuardedSteps.js';

const TONE_COLORS: Record<LogTone, string | undefined> = { done: 'green', failed: 'red', warning: 'yellow', plain: undefined, dim: undefined };

function toneSymbol(tone: LogTone, symbols: Symbols): string {
	return tone === 'done' ? `${symbols.done} ` : tone === 'failed' ? `${symbols.failed} ` : '';
}

interface Props {
	job: GuardedJob;
	rows: number;
	columns: number;
	/** Aborted to stop the run (Ctrl+C): the job ends where the farm is, as its command does. */
	signal: AbortSignal;
	/** The run's result once it is written above, or undefined when the operator went back without confirming. */
	onDone(result: GuardedResult | undefined): void;
}

/**
 * The shared screen of a change confirmed by a typed word: plan → the word → the steps live → the result. The steps,
 * their evidence and the result go to the scrollback as they finish, so what stays drawn is only what is still moving.
 */
export function GuardedRun({ job, rows, columns, signal, onDone }: Props) {
	const [state, dispatch] = useReducer(guardedRunReducer, undefined, () => initialGuardedRun(job.word, job.steps));
	const [now, setNow] = useState(Date.now());
	const symbols = useSymbols();
	const answer = useRef<((value: string) => void) | undefined>(undefined);
	const running = state.phase === 'running';

	useEffect(() => {
		if (!running) return undefined;
		const ask = (question: GuardedQuestion) =>
			new Promise<string>((resolve) => {
				answer.current = resolve;
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

	// After the frame that writes the result above: the caller may then take the screen.
	useEffect(() => {
		if (state.phase === 'finished' && state.result) onDone(state.result);
		if (state.phase === 'declined') {
			job.close();
			onDone(undefined);
		}
	}, [state.phase, state.result, job, onDone]);

	useKeyHints(running ? (state.question ? undefined : 'Ctrl+C stop after the current command (run it again to continue)') : undefined);

	const question = state.question;
	return (
		<>
			<Static items={state.log}>
				{(line) => {
					const text = `${toneSymbol(line.tone, symbols)}${sanitizeLine(line.text)}${line.elapsedMs === undefined ? '' : ` (${formatElapsed(line.elapsedMs)})`}`;
					if (line.verbatim) {
						return (
							<Box key={line.id} width={stringWidth(text) + 2} flexShrink={0}>
								<Text>{`  ${text}`}</Text>
							</Box>
						);
					}
					// Continuations under the text, past the line's indent and its mark.
					const hanging = ' '.repeat(Math.min(Math.floor(columns / 3), (/^ */.exec(line.text)?.[0].length ?? 0) + toneSymbol(line.tone, symbols).length + 2));
					return (
						<Text key={line.id} {...(TONE_COLORS[line.tone] ? { color: TONE_COLORS[line.tone] } : {})} dimColor={line.tone === 'dim'}>
							{wrapWords(text, columns, hanging).join('\n')}
						</Text>
					);
				}}
			</Static>
			{state.phase === 'confirm' && (
				<GuardedConfirm
					title={job.title}
					planLines={job.planLines}
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
					<GuardedSteps steps={state.steps} now={now} rows={Math.max(2, rows - 1 - (question ? question.lines.length + question.options.length + 3 : 0))} />
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
								onSelect={(value) => {
									dispatch({ type: 'answered' });
									answer.current?.(value);
								}}
							/>
						</Box>
					)}
				</Box>
			)}
		</>
	);
}
