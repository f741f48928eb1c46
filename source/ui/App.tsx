import { Box, Static, Text, useInput, useStdout } from 'ink';
import Spinner from 'ink-spinner';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ProcedureEvent } from '../procedure/events.js';
import { SERVER_PHASES, type ProcedureState, type ServerPhase } from '../procedure/state.js';
import { STEPS } from '../procedure/steps.js';
import { describeEvent } from '../procedure/describe-event.js';
import { sanitizeLine } from '../text/sanitize.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import type { PromptBridge } from './prompt-bridge.js';
import { PromptView, isBlockingPrompt } from './PromptView.js';
import { SCREEN_CLOCK_MS, ServerPanels } from './ServerPanels.js';
import { StepRail } from './StepRail.js';
import { Summary } from './Summary.js';
import { SyncPanels } from './SyncPanels.js';
import { SymbolsContext, type Symbols } from './symbols.js';
import { TextEntryContext } from './text-entry.js';
import type { WizardStore } from './wizard-store.js';
import { planLines } from './plan-lines.js';

interface Props {
	store: WizardStore;
	bridge: PromptBridge;
	symbols: Symbols;
	explain: boolean;
	steadyPolls: number;
	onQuit(): void;
	onCancel(): void;
}

interface LogLine {
	id: number;
	text: string;
	color?: string;
}

const LOGGED: ReadonlySet<ProcedureEvent['type']> = new Set([
	'step-finished',
	'pair-chosen',
	'snapshot-taken',
	'pairing-verified',
	'task-succeeded',
	'task-failed',
	'task-skipped',
]);

const isServerPhase = (step: string): step is ServerPhase => (SERVER_PHASES as readonly string[]).includes(step);

/** The wizard's one root: it renders the session and the current prompt, and owns the global keys. */
export function App({ store, bridge, symbols, explain: explainAtStart, steadyPolls, onQuit, onCancel }: Props) {
	useSyncExternalStore(store.subscribe, store.getVersion);
	const pending = useSyncExternalStore(bridge.subscribe, () => bridge.current);
	const { stdout } = useStdout();
	const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
	const [help, setHelp] = useState(false);
	const [quitting, setQuitting] = useState(false);
	const [explain, setExplain] = useState(explainAtStart);
	const [typing, setTyping] = useState(false);
	const [log, setLog] = useState<LogLine[]>([]);
	const [now, setNow] = useState(Date.now());
	const nextId = useRef(0);
	const state: ProcedureState | undefined = store.session?.state;
	const description = store.description;

	const append = useCallback((lines: { text: string; color?: string }[]) => {
		setLog((current) => [...current, ...lines.map((line) => ({ ...line, id: nextId.current++ }))]);
	}, []);

	useEffect(() => {
		const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);

	useEffect(() => {
		const session = store.session;
		if (!session) return undefined;
		return session.subscribe((current, event) => {
			if (!LOGGED.has(event.type)) return;
			const text = describeEvent(current, event);
			if (!text) return;
			const color = event.type === 'task-failed' ? 'red' : event.type === 'task-skipped' ? 'yellow' : event.type === 'step-finished' ? 'green' : undefined;
			append(text.split('\n').map((line) => ({ text: sanitizeLine(line), ...(color ? { color } : {}) })));
		});
	}, [store.session, append]);

	useEffect(
		() => store.onNotice((text) => append([{ text: `warning: ${sanitizeLine(text)}`, color: 'yellow' }])),
		[store, append],
	);

	useEffect(() => {
		if (pending?.prompt.kind === 'confirm-plan') append(planLines(pending.prompt.plan).map((text) => ({ text })));
	}, [pending, append]);

	const working = Boolean(state && !state.outcome);
	useEffect(() => {
		if (!working) return undefined;
		// Each tick draws the session as it stands, output lines included: they need no redraw of their own.
		const timer = setInterval(() => setNow(Date.now()), SCREEN_CLOCK_MS);
		const release = store.redrawnByClock();
		return () => {
			clearInterval(timer);
			release();
		};
	}, [working, store]);

	useInput((input, key) => {
		if (key.ctrl && input === 'c') return onCancel();
		if (quitting) {
			if (input === 'y' || input === 'Y') onQuit();
			else setQuitting(false);
			return;
		}
		if (help) return setHelp(false);
		if (typing) return;
		if (input === '?') setHelp(true);
		else if (input === 'q') setQuitting(true);
		else if (input === 'e') setExplain((value) => !value);
	});

	const { rows, columns } = size;
	const step = state ? STEPS[state.current] : undefined;
	const chromeRows = 6 + (explain ? 2 : 0);
	const bodyRows = Math.max(3, rows - 1 - chromeRows);
	const prompt = pending?.prompt;
	const blocking = prompt && isBlockingPrompt(prompt);
	const panelsRows = prompt ? Math.max(2, bodyRows - 10) : bodyRows;

	let body;
	if (help) body = <HelpOverlay />;
	else if (quitting) body = <Text color="yellow">Leave now? The session is saved and resumes where it stands. y to leave, any other key to stay.</Text>;
	else if (state?.outcome && store.finished) body = <Summary state={state} rows={bodyRows} columns={columns} notices={store.notices} {...(store.recordPath ? { recordPath: store.recordPath } : {})} {...(store.debriefPath ? { debriefPath: store.debriefPath } : {})} />;
	else {
		body = (
			<Box flexDirection="column">
				{state && !blocking && isServerPhase(state.current) && <ServerPanels state={state} phase={state.current} rows={panelsRows} now={now} />}
				{state && !blocking && state.current === 'sync' && <SyncPanels state={state} columns={columns} now={now} steadyPolls={steadyPolls} />}
				{pending && <PromptView pending={pending} rows={bodyRows} />}
				{!pending && state && !isServerPhase(state.current) && state.current !== 'sync' && (
					<Text color="cyan">
						<Spinner type="dots" /> {step?.title}…
					</Text>
				)}
				{!pending && !state && (
					<Text color="cyan">
						<Spinner type="dots" /> {description ? 'Reading the topology…' : 'Opening the farm…'}
					</Text>
				)}
			</Box>
		);
	}

	return (
		<SymbolsContext.Provider value={symbols}>
			<TextEntryContext.Provider value={setTyping}>
				<Static items={log}>
					{(line) => (
						<Text key={line.id} {...(line.color ? { color: line.color } : {})}>
							{line.text}
						</Text>
					)}
				</Static>
				<Box flexDirection="column">
					<Header state={state} kind={store.kind} notes={store.notes} />
					<Text dimColor wrap="truncate-end">
						{description ?? ' '}
					</Text>
					{state && <StepRail state={state} columns={columns} />}
					{step && (
						<Text wrap="truncate-end">
							<Text bold>
								Step {step.label} · {step.title}
							</Text>
							: {step.guidance}
						</Text>
					)}
					{step && explain && (
						<Text color="magenta" wrap="wrap">
							Why: {step.why} <Text dimColor>({step.source})</Text>
						</Text>
					)}
					<Box marginTop={1} flexDirection="column">
						{body}
					</Box>
				</Box>
			</TextEntryContext.Provider>
		</SymbolsContext.Provider>
	);
}
