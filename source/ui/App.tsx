import { Box, Static, Text, useApp, useIsScreenReaderEnabled } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { phaseProgress } from '../procedure/progress.js';
import { isServerPhase, type ProcedureState } from '../procedure/state.js';
import { STEPS, type StepId } from '../procedure/steps.js';
import { wrapWords } from '../text/wrap.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { KeyHintsProvider, useKeyHints } from './keys/hints.js';
import { KeyProvider, PRIORITY, useInterrupt, useKeys, type KeyPacer } from './keys/keys.js';
import { OutputView } from './OutputView.js';
import type { PromptBridge } from './prompt-bridge.js';
import { PromptView, isBlockingPrompt } from './PromptView.js';
import { PreflightPanel } from './PreflightPanel.js';
import { QuitQuestion } from './QuitQuestion.js';
import { ReplicationPanel } from './ReplicationPanel.js';
import { ScrollbackLine } from './ScrollbackLine.js';
import { SCREEN_CLOCK_MS } from './screen-clock.js';
import { ServerPanels } from './ServerPanels.js';
import { StepRail } from './StepRail.js';
import { Summary } from './Summary.js';
import { SyncPanels } from './SyncPanels.js';
import { SymbolsContext, type Symbols } from './symbols.js';
import { useTerminalSize } from './use-terminal-size.js';
import type { WizardStore } from './wizard-store.js';

interface Props {
	store: WizardStore;
	bridge: PromptBridge;
	symbols: Symbols;
	explain: boolean;
	steadyPolls: number;
	/** Servers at once inside a pool, for the time left. */
	perPool: number;
	/** The input stream: paced by the screen, and held while it moves from one prompt to the next (see KeyStream). */
	keys?: KeyPacer & { hold(held: boolean): void };
	onQuit(): void;
	onCancel(): void;
}

type Overlay = 'help' | 'quit' | 'output';

const PREFLIGHT_GUIDANCE = "Pre-flight · sfb-pair doctor's checks of the pair, read only: nothing changes until they pass, or you accept their warnings.";

/** Steps that work without asking: the global keys apply while they run. */
const WORKING: ReadonlySet<StepId> = new Set(['bootstrapper', 'cumulative-update', 'backup-service', 'sync']);

/** The wizard's one root: it renders the session and the current prompt, owns the global keys, and exits once the summary is drawn. */
export function App(props: Props) {
	const [overlay, setOverlay] = useState<Overlay | undefined>();
	return (
		<SymbolsContext.Provider value={props.symbols}>
			<KeyProvider promptsActive={overlay === undefined} {...(props.keys ? { pacer: props.keys } : {})}>
				<KeyHintsProvider
					render={(hints) => (
						<Text dimColor wrap="truncate-end">
							{hints ?? ' '}
						</Text>
					)}
				>
					<Screen {...props} overlay={overlay} setOverlay={setOverlay} />
				</KeyHintsProvider>
			</KeyProvider>
		</SymbolsContext.Provider>
	);
}

function Screen({ store, bridge, explain: explainAtStart, steadyPolls, perPool, keys, onQuit, onCancel, overlay, setOverlay }: Props & { overlay: Overlay | undefined; setOverlay(overlay: Overlay | undefined): void }) {
	useSyncExternalStore(store.subscribe, store.getVersion);
	const pending = useSyncExternalStore(bridge.subscribe, () => bridge.current);
	const { rows, columns } = useTerminalSize();
	const screenReader = useIsScreenReaderEnabled();
	const { exit } = useApp();
	const [explain, setExplain] = useState(explainAtStart);
	const [now, setNow] = useState(Date.now());
	const state: ProcedureState | undefined = store.session?.state;
	const finished = store.finished;
	const working = Boolean(state && !state.outcome);
	const prompt = pending?.prompt;
	const failure = prompt?.kind === 'failure' ? prompt.failure : undefined;
	const phase = failure?.phase ?? (state && isServerPhase(state.current) ? state.current : undefined);
	const preflightReading = Boolean(state?.preflight && !state.preflight.checks);
	const accepting = Boolean(pending) || Boolean(state?.outcome) || preflightReading || Boolean(state && WORKING.has(state.current) && state.steps[state.current].status === 'active');

	// Keys typed ahead wait while the screen goes from one prompt to the next, and reach the next one.
	useEffect(() => keys?.hold(!accepting), [keys, accepting]);
	useEffect(() => {
		if (finished) exit();
	}, [finished, exit]);
	useEffect(() => {
		if (!working || screenReader) return undefined;
		// Each tick draws the session as it stands, output lines included: they need no redraw of their own.
		const timer = setInterval(() => setNow(Date.now()), SCREEN_CLOCK_MS);
		const release = store.redrawnByClock();
		return () => {
			clearInterval(timer);
			release();
		};
	}, [working, screenReader, store]);

	useInterrupt(onCancel);
	useKeys(
		(input) => {
			if (overlay === 'quit' && (input === 'y' || input === 'Y')) onQuit();
			else setOverlay(undefined);
			return true;
		},
		{ priority: PRIORITY.overlay, isActive: overlay === 'help' || overlay === 'quit' },
	);
	useKeys(
		(input) => {
			if (input === '?') setOverlay('help');
			else if (input === 'q') setOverlay('quit');
			else if (input === 'e') setExplain((value) => !value);
			else if (input === 'o' && phase && state?.serverOrder.length) setOverlay('output');
			else return false;
			return true;
		},
		{ priority: PRIORITY.global, isActive: !finished },
	);
	useKeyHints(
		finished || state?.outcome ? undefined : overlay === 'help' ? 'any key closes the keys' : overlay === 'quit' ? 'y leave · any other key stay' : preflightReading && !pending ? 'q quit · Ctrl+C stop now' : working && !pending ? 'o a server\'s output · e explain · Ctrl+C stop now' : undefined,
	);

	const step = state ? STEPS[state.current] : undefined;
	const width = Math.max(20, columns);
	// The summary needs the rows more than the last step's purpose does.
	const preflightShown = preflightReading || prompt?.kind === 'preflight';
	const guidance = step && !finished ? wrapWords(preflightShown ? PREFLIGHT_GUIDANCE : `Step ${step.label} · ${step.title}: ${step.guidance}`, width) : [];
	const why = step && explain && !finished ? wrapWords(`Why: ${step.why} (${step.source})`, width) : [];
	const chromeRows = 3 + store.notes.length + guidance.length + why.length + 1 + 1;
	const bodyRows = Math.max(3, rows - 1 - chromeRows);
	const blocking = prompt && isBlockingPrompt(prompt);
	const panelsRows = prompt ? Math.max(2, bodyRows - 10) : bodyRows;

	let main;
	if (finished && state) {
		main = <Summary state={state} rows={bodyRows} columns={columns} notices={store.notices} {...(store.recordPath ? { recordPath: store.recordPath } : {})} {...(store.debriefPath ? { debriefPath: store.debriefPath } : {})} />;
	} else {
		const gate = state?.current === 'bootstrapper' && state.replication && !state.replication.settled ? state.replication : undefined;
		const serverPhase = state && !blocking && !gate && isServerPhase(state.current) ? state.current : undefined;
		const preflight = state?.preflight && !state.preflight.accepted && !state.preflight.checks && !serverPhase && !gate ? state.preflight : undefined;
		// Under a prompt the panels give up their rows first (clipped), down to the progress line and one server.
		const panelsGiveWay = Boolean(pending && serverPhase);
		main = (
			<Box flexDirection="column" {...(panelsGiveWay ? { height: bodyRows } : {})}>
				{state && serverPhase && (
					<Box flexDirection="column" flexShrink={1} minHeight={panelsGiveWay ? PANEL_ROWS_UNDER_PROMPT : 0} overflow="hidden">
						{/* Kept whole inside, so that giving way clips the panels rather than squeezing their rows onto one another. */}
						<Box flexDirection="column" flexShrink={0}>
							<ServerPanels
								state={state}
								phase={serverPhase}
								rows={panelsRows}
								now={now}
								progress={phaseProgress(state, serverPhase, now, { perPool: serverPhase === 'backup-service' ? Number.MAX_SAFE_INTEGER : perPool, ...(store.expectedMs[serverPhase] === undefined ? {} : { expectedMs: store.expectedMs[serverPhase] }) })}
							/>
						</Box>
					</Box>
				)}
				{preflight && !pending && <PreflightPanel preflight={preflight} rows={panelsRows} now={now} />}
				{gate && !blocking && <ReplicationPanel gate={gate} rows={panelsRows} now={now} />}
				{state && !blocking && state.current === 'sync' && <SyncPanels state={state} columns={columns} now={now} steadyPolls={steadyPolls} />}
				{pending && (
					<Box flexDirection="column" flexShrink={0}>
						<PromptView key={pending.id} pending={pending} rows={panelsGiveWay ? bodyRows - PANEL_ROWS_UNDER_PROMPT : bodyRows} state={state} kind={store.kind} previous={(kind) => bridge.previous(kind)} />
					</Box>
				)}
				{!pending && !serverPhase && !gate && !preflight && state?.current !== 'sync' && <Waiting text={waitingText(state, step?.title, Boolean(store.description))} />}
			</Box>
		);
	}
	let cover;
	if (finished) cover = undefined;
	else if (overlay === 'help') cover = <HelpOverlay />;
	else if (overlay === 'quit') cover = <QuitQuestion state={state} />;
	else if (overlay === 'output' && state && phase) {
		cover = <OutputView store={store} state={state} phase={phase} {...(failure ? { server: failure.server } : {})} rows={bodyRows} onClose={() => setOverlay(undefined)} />;
	}

	return (
		<>
			<Static items={store.log}>{(line) => <ScrollbackLine key={line.id} line={line} columns={columns} />}</Static>
			{/* A character past the last column makes the terminal wrap a row Ink does not count: its next erase leaves a row behind, and a frame it thinks fills the screen clears the scrollback. */}
			<Box flexDirection="column" overflowX="hidden">
					<Header state={state} kind={store.kind} notes={store.notes} />
					<Text dimColor wrap="truncate-end">
						{store.description ?? ' '}
					</Text>
					{state && <StepRail state={state} columns={columns} />}
					{guidance.map((line, index) => (
						<Text key={index} bold={index === 0} wrap="truncate-end">
							{line}
						</Text>
					))}
					{why.map((line, index) => (
						<Text key={index} color="magenta" wrap="truncate-end">
							{line}
						</Text>
					))}
					<Box marginTop={1} flexDirection="column">
						<Box display={cover ? 'none' : 'flex'} flexDirection="column">
							{main}
						</Box>
						{cover}
					</Box>
				</Box>
		</>
	);
}

/** What stays of the server panels under a prompt: the progress line and one server. */
const PANEL_ROWS_UNDER_PROMPT = 2;

function Waiting({ text }: { text: string }) {
	const screenReader = useIsScreenReaderEnabled();
	return <Text color="cyan">{screenReader ? text : <><Spinner type="dots" /> {text}</>}</Text>;
}

/** What the wizard is doing while no prompt and no panel shows: between two steps it is reading the farm (every step starts by probing it). */
function waitingText(state: ProcedureState | undefined, stepTitle: string | undefined, topologyRead: boolean): string {
	if (!state) return topologyRead ? 'Reading the topology…' : 'Opening the farm…';
	if (state.steps[state.current].status === 'done') return 'Checking the farm…';
	return `${stepTitle ?? ''}…`;
}
