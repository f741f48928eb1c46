import { Box, Static, Text, useApp, useIsScreenReaderEnabled } from 'ink';
import Spinner from 'ink-spinner';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GuardedJob, GuardedResult, LoggedLine } from '../procedure/guarded-run.js';
import { nextChoices, type NextAction } from '../procedure/what-next.js';
import { sanitizeLine } from '../text/sanitize.js';
import { GuardedRun } from './guarded-run/GuardedRun.js';
import { LoggedLineView } from './guarded-run/LoggedLineView.js';
import { KeyHintsProvider } from './keys/hints.js';
import { KeyProvider, PRIORITY, useInterrupt, useKeys, type KeyPacer } from './keys/keys.js';
import { Picker } from './Picker.js';
import { SymbolsContext, type Symbols } from './symbols.js';
import { useTerminalSize } from './use-terminal-size.js';

type RunAction = Exclude<NextAction, 'leave'>;

interface Props {
	pool: string;
	backup: string;
	/** Explain mode at the start (--explain); the e key turns it on and off. */
	explain?: boolean;
	symbols: Symbols;
	keys?: KeyPacer;
	/** The drill or the unpair, read from the farm and ready to confirm; rejects with a one-line reason. */
	prepare(action: RunAction): Promise<GuardedJob>;
	/** Aborted on Ctrl+C (or a signal): a run stops where the farm is, and the wizard then ends. */
	cancel: AbortSignal;
	onCancel(): void;
	/** The wizard ends with this exit code: the last run's, or 0. */
	onLeave(exitCode: number): void;
}

type Screen = { kind: 'choose'; message?: string } | { kind: 'preparing'; action: RunAction } | { kind: 'run'; action: RunAction; job: GuardedJob };

/**
 * The wizard after a pairing that ended done: what next (the drill, the unpair, leave), then the chosen one on the
 * shared plan → word → steps screen, and back to the choice.
 */
export function AfterPairing(props: Props) {
	return (
		<SymbolsContext.Provider value={props.symbols}>
			<KeyProvider {...(props.keys ? { pacer: props.keys } : {})}>
				<KeyHintsProvider
					render={(hints) => (
						<Text dimColor wrap="truncate-end">
							{hints ?? ' '}
						</Text>
					)}
				>
					<NextScreen {...props} />
				</KeyHintsProvider>
			</KeyProvider>
		</SymbolsContext.Provider>
	);
}

function NextScreen({ pool, backup, explain: explainAtStart = false, prepare, cancel, onCancel, onLeave }: Props) {
	const { exit } = useApp();
	const { rows, columns } = useTerminalSize();
	const screenReader = useIsScreenReaderEnabled();
	const [screen, setScreen] = useState<Screen>({ kind: 'choose' });
	const [exitCode, setExitCode] = useState(0);
	const [leaving, setLeaving] = useState<number | undefined>();
	// After a run, a blank line between its result and the choice.
	const [ran, setRan] = useState(false);
	const [unpaired, setUnpaired] = useState(false);
	const [explain, setExplain] = useState(explainAtStart);
	// Every run's scrollback, run after run: one Static for the life of the tree.
	const [runs, setRuns] = useState(0);
	const [logs, setLogs] = useState<LoggedLine[][]>([]);
	const onLog = useCallback((lines: LoggedLine[]) => setLogs((current) => [...current.slice(0, runs - 1), lines]), [runs]);
	const logged = logs.flatMap((lines, run) => lines.map((line) => ({ ...line, key: `${run}-${line.id}` })));

	useEffect(() => {
		if (leaving === undefined) return undefined;
		onLeave(leaving);
		// A turn later: Static lines written in the commit that set `leaving` are still in its node until Static's own
		// update has run, and Ink's last render at exit would write them a second time.
		const timer = setTimeout(exit, 0);
		return () => clearTimeout(timer);
	}, [leaving, onLeave, exit]);
	// Cancelled while nothing runs: the wizard ends at once; while a run goes on, once it has stopped (onDone).
	const runningNow = useRef(false);
	runningNow.current = screen.kind === 'run';
	useEffect(() => {
		const stop = () => {
			if (!runningNow.current) setLeaving(130);
		};
		if (cancel.aborted) stop();
		cancel.addEventListener('abort', stop);
		return () => cancel.removeEventListener('abort', stop);
	}, [cancel]);
	useInterrupt(onCancel);
	useKeys(
		(input) => {
			if (input !== 'q') return false;
			setLeaving(exitCode);
			return true;
		},
		{ priority: PRIORITY.global, isActive: screen.kind === 'choose' && leaving === undefined },
	);
	// As in the wizard, while a run is on screen; the field of the confirmation word hears its letters first.
	useKeys(
		(input) => {
			if (input !== 'e') return false;
			setExplain((value) => !value);
			return true;
		},
		{ priority: PRIORITY.global, isActive: screen.kind === 'run' },
	);

	const choose = (action: NextAction) => {
		if (action === 'leave') return setLeaving(exitCode);
		setScreen({ kind: 'preparing', action });
		prepare(action).then(
			(job) => {
				if (!cancel.aborted) {
					setRuns((count) => count + 1);
					return setScreen({ kind: 'run', action, job });
				}
				job.close();
				setLeaving(130);
			},
			(error: unknown) => setScreen({ kind: 'choose', message: error instanceof Error ? error.message : String(error) }),
		);
	};
	const action = screen.kind === 'run' ? screen.action : undefined;
	const onDone = useCallback(
		(result: GuardedResult | undefined) => {
			// Back to the choice first, in every case: ending the tree while the run's screen is up wrote its last lines twice.
			setScreen({ kind: 'choose' });
			if (cancel.aborted) return setLeaving(130);
			if (result) {
				setExitCode(result.exitCode);
				setRan(true);
			}
			// Unpaired, there is nothing left to drill or undo here.
			if (action === 'unpair' && result?.outcome === 'done') {
				setUnpaired(true);
				setLeaving(0);
			}
		},
		[cancel, action],
	);

	const bodyRows = Math.max(4, rows - 3);
	return (
		<>
			<Static items={logged}>{(line) => <LoggedLineView key={line.key} line={line} columns={columns} />}</Static>
			{screen.kind === 'run' ? (
				<GuardedRun key={runs} job={screen.job} rows={bodyRows} columns={columns} explain={explain} signal={cancel} onDone={onDone} onLog={onLog} />
			) : screen.kind === 'preparing' ? (
				<Text color="cyan">
					{screenReader ? preparingText(screen.action) : <><Spinner type="dots" /> {preparingText(screen.action)}</>}
				</Text>
			) : (
				<Choice pool={pool} backup={backup} leaving={leaving} unpaired={unpaired} ran={ran} message={screen.message} rows={bodyRows} onChoose={choose} />
			)}
		</>
	);
}

const preparingText = (action: RunAction) => `Reading the farm for the ${action === 'unpair' ? 'unpair' : 'drill'}…`;

function Choice({ pool, backup, leaving, unpaired, ran, message, rows, onChoose }: { pool: string; backup: string; leaving: number | undefined; unpaired: boolean; ran: boolean; message: string | undefined; rows: number; onChoose(action: NextAction): void }) {
	// The choice collapses to one line that stays in the scrollback.
	if (leaving !== undefined) return leaving === 130 || unpaired ? null : <Text dimColor>Left. From the command line: sfb-pair drill --pool {sanitizeLine(pool)}, sfb-pair unpair --pool {sanitizeLine(pool)}</Text>;
	const options = nextChoices(pool, backup).map((choice) => ({ value: choice.value, label: choice.label, note: choice.detail }));
	return (
		<Box flexDirection="column" marginTop={ran ? 1 : 0}>
			<Text bold wrap="truncate-end">
				What next?
			</Text>
			{message && <Text color="yellow">{sanitizeLine(message)}</Text>}
			<Picker options={options} rows={Math.max(3, rows - 2)} onSelect={onChoose} hints="q leave" />
		</Box>
	);
}
