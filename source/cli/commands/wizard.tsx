import { render } from 'ink';
import isInCi from 'is-in-ci';
import type { Environment, EnvironmentKind } from '../../environments/port.js';
import { findPool } from '../../sfb/pairing-rules.js';
import type { StoredSession } from '../../session/session-files.js';
import { STEADY_POLLS } from '../../sfb/backup-status.js';
import { App } from '../../ui/App.js';
import { KeyStream } from '../../ui/keys/key-stream.js';
import { OperatorLeft } from '../../procedure/operator.js';
import type { ServerPhase } from '../../procedure/state.js';
import type { LabTimings } from '../../environments/lab/scenario.js';
import { PromptBridge } from '../../ui/prompt-bridge.js';
import { asciiStdout, supportsUnicode } from '../../ui/ascii-stdout.js';
import { spokenStdout } from '../../ui/spoken-stdout.js';
import { asciiSymbols, screenReaderSymbols, unicodeSymbols } from '../../ui/symbols.js';
import { WizardStore } from '../../ui/wizard-store.js';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.js';
import type { PacingChoices, Parallelism } from '../procedure-driver.js';
import type { OpenedEnvironment } from '../open-environment.js';
import { onCancelSignal } from '../signals.js';
import { PUBLISH_WAIT_NOTICE, publishUnderWay } from '../../procedure/publish-wait.js';
import { runIdentity } from '../run-identity.js';

export interface WizardOptions {
	resume: boolean;
	fresh: boolean;
	perPool: Parallelism;
	cumulativeUpdateSideBySide?: boolean;
	explain: boolean;
	pacing: PacingChoices;
	/** ASCII only; undefined: what the terminal can show. */
	ascii?: boolean | undefined;
	/** Lines for the header before anything else: settings not at their default and where from, a settings file set aside. */
	notes?: string[];
	/** Who runs the change, for the change record: --operator, else the OS account. */
	operator?: string;
	/** Ink's screen-reader mode: linear text, no spinners or clocks, changes of state announced (also INK_SCREEN_READER=true). */
	screenReader?: boolean;
}

/**
 * The wizard draws its first frame at once and opens the farm behind it (reading a scenario or starting
 * PowerShell takes a moment), so the operator never looks at a blank terminal.
 */
export async function wizardCommand(
	farm: { kind: EnvironmentKind; open: () => Promise<OpenedEnvironment> },
	stateDir: string,
	options: WizardOptions,
): Promise<number> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		throw new UsageError('the wizard needs a terminal; without one use: sfb-pair run --pool <fqdn> --backup <fqdn> --yes');
	}
	if (isInCi) {
		throw new UsageError('the wizard does not prompt in CI (CI is set); use: sfb-pair run --pool <fqdn> --backup <fqdn> --yes');
	}
	if (options.resume && options.fresh) throw new UsageError('--resume and --fresh cannot be used together');

	const screenReader = options.screenReader === true || process.env.INK_SCREEN_READER === 'true';
	const store = new WizardStore(farm.kind, { announceStarts: screenReader });
	store.notes = options.notes ?? [];
	const bridge = new PromptBridge();
	const controller = new AbortController();
	let leaving: 'quit' | 'cancel' | undefined;
	const leave = (how: 'quit' | 'cancel') => {
		leaving ??= how;
		if (!controller.signal.aborted && store.session && publishUnderWay(store.session.state)) store.notice(PUBLISH_WAIT_NOTICE);
		controller.abort(how === 'quit' ? new OperatorLeft() : new Error('cancelled'));
		bridge.cancel(controller.signal.reason);
	};

	const ascii = options.ascii ?? !supportsUnicode();
	const stdout = screenReader ? spokenStdout(process.stdout) : ascii ? asciiStdout(process.stdout) : process.stdout;
	const keys = new KeyStream(process.stdin);
	const symbols = screenReader ? screenReaderSymbols : ascii ? asciiSymbols : unicodeSymbols;
	const app = render(
		<App
			store={store}
			bridge={bridge}
			symbols={symbols}
			explain={options.explain}
			steadyPolls={STEADY_POLLS}
			perPool={typeof options.perPool === 'number' ? options.perPool : 1}
			keys={keys}
			onQuit={() => leave('quit')}
			onCancel={() => leave('cancel')}
		/>,
		{ exitOnCtrlC: false, maxFps: 10, stdout, stdin: keys as unknown as NodeJS.ReadStream, isScreenReaderEnabled: screenReader },
	);
	// Asked for at once: Ink makes this promise on the first call, and an error in the tree before it would be lost.
	let renderError: unknown;
	const exited = app.waitUntilExit().catch((error: unknown) => {
		renderError = error;
		leave('cancel');
	});
	const stopClearingOnShrink = clearScreenWhenNarrower(process.stdout);

	const stopHandlingSignals = onCancelSignal(() => leave('cancel'));

	let environment: Environment | undefined;
	try {
		// The procedure, its session files and their schemas load behind the first frame, with the farm.
		const [opened, { driveProcedure, pacingFor }] = await Promise.all([farm.open(), import('../procedure-driver.js')]);
		environment = opened.environment;
		if (opened.scenario) store.expectedMs = expectedDurations(opened.scenario.timings, environment, pacingFor(environment, options.pacing).serviceSettleMs);
		store.setEnvironment(environment.description, opened.notices);
		const resume = await chooseSession(stateDir, options, bridge, environment);
		if (leaving) return leaving === 'quit' ? EXIT.waitingOnOperator : EXIT.cancelled;
		const drive = driveProcedure({
			environment,
			stateDir,
			operator: bridge,
			...(resume ? { resume } : {}),
			perPool: options.perPool,
			// On a live farm the doctor's checks for the pair come first; the lab's scenarios carry their faults in the steps.
			...(environment.kind === 'live' ? { preflight: true } : {}),
			...(options.cumulativeUpdateSideBySide ? { cumulativeUpdateSideBySide: true } : {}),
			signal: controller.signal,
			pacing: options.pacing,
			...(opened.scenario ? { scenario: opened.scenario } : {}),
			identity: runIdentity(options.operator, 'wizard'),
			onRecordGap: (text) => store.notice(text),
			onSession: (session) => store.attach(session, resume !== undefined),
		});
		const finished = await drive;
		// The tree exits by itself once the summary is drawn.
		store.finish(finished.recordPath, finished.debriefPath);
		await exited;
		if (renderError !== undefined) throw renderError;
		if (leaving) return leaving === 'quit' ? EXIT.waitingOnOperator : EXIT.cancelled;
		const pair = store.session?.state.pair;
		if (finished.outcome !== 'done' || !pair) return exitCodeFor(finished.outcome);
		const { afterPairing } = await import('../wizard-next.js');
		const code = await afterPairing(
			{
				environment,
				stateDir,
				pool: pair.pool,
				backup: pair.backup,
				explain: options.explain,
				topologyBuilder: store.session?.state.publish.method === 'topology-builder',
				...(options.operator ? { operatorName: options.operator } : {}),
				...(opened.scenario ? { scenario: opened.scenario } : {}),
			},
			{ stdout, keys, symbols, screenReader, cancel: controller.signal, onCancel: () => leave('cancel') },
		);
		return leaving ? EXIT.cancelled : code;
	} finally {
		stopHandlingSignals();
		stopClearingOnShrink();
		app.unmount();
		await exited;
		await environment?.dispose({ onWait: (notice) => process.stderr.write(`${notice}\n`) });
	}
}

async function archiveSessions(stateDir: string, sessions: StoredSession[]) {
	const { acquireSessionLock } = await import('../../session/session-lock.js');
	for (const session of sessions) {
		const lock = acquireSessionLock(stateDir, session.key, { subject: 'archiving the session', command: 'sfb-pair --fresh' });
		try {
			session.store.archive();
		} finally {
			lock.release();
		}
	}
}

/**
 * The unfinished sessions of this farm are offered; starting a new session archives them, so they are not offered
 * again. A session whose pools this farm does not have (another scenario, a pool since removed) is kept and named,
 * never offered: resuming it could only fail.
 */
/** What one server usually takes in each phase on this lab farm, in wall time, for the time left before any has finished. */
function expectedDurations(timings: LabTimings, environment: Environment, serviceSettleMs: number): Partial<Record<ServerPhase, number>> {
	const wall = (seconds: number) => (seconds * 1000) / (environment.timeScale ?? 1);
	return {
		bootstrapper: wall(timings.bootstrapperSeconds),
		'cumulative-update': wall(timings.failoverSeconds + timings.cumulativeUpdateSeconds + timings.failbackSeconds),
		'backup-service': wall(timings.serviceStartSeconds) + serviceSettleMs,
	};
}

async function chooseSession(stateDir: string, options: WizardOptions, bridge: PromptBridge, environment: Environment): Promise<StoredSession | undefined> {
	const { findSessions } = await import('../../session/session-files.js');
	const { unfinished, problems } = findSessions(stateDir);
	if (options.fresh) {
		await archiveSessions(stateDir, unfinished);
		return undefined;
	}
	const inventory = unfinished.length > 0 ? await environment.readInventory() : undefined;
	const missing = (session: StoredSession) =>
		[session.state.pair?.pool, session.state.pair?.backup].filter((pool) => pool === undefined || !inventory || !findPool(inventory, pool));
	const offered = unfinished.filter((session) => missing(session).length === 0);
	const elsewhere = unfinished
		.filter((session) => missing(session).length > 0)
		.map(
			(session) =>
				`A session for ${session.state.pair?.pool ?? '?'} ↔ ${session.state.pair?.backup ?? '?'} is kept but not offered: ${missing(session).join(' and ')} ${missing(session).length === 1 ? 'is' : 'are'} not in this farm's topology (${session.key}.json).`,
		);
	if (options.resume && offered.length === 1) return offered[0];
	if (offered.length === 0 && problems.length === 0) return undefined;
	const choice = await bridge.offerResume(offered, problems, elsewhere).catch(() => undefined);
	if (!choice) return undefined;
	if (choice.action === 'fresh') {
		await archiveSessions(stateDir, offered);
		return undefined;
	}
	return offered.find((session) => session.key === choice.key);
}

/**
 * A narrower terminal re-wraps the last frame onto more rows than Ink erases (it erases the rows it wrote),
 * leaving stale copies above the new frame: clear the screen first. The finished steps above scroll away;
 * they stay in the change record.
 */
function clearScreenWhenNarrower(stream: NodeJS.WriteStream): () => void {
	let columns = stream.columns;
	const onResize = () => {
		if (stream.columns < columns) stream.write('\u001B[2J\u001B[H');
		columns = stream.columns;
	};
	stream.prependListener('resize', onResize);
	return () => stream.off('resize', onResize);
}
