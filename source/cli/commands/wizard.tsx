import { render } from 'ink';
import isInCi from 'is-in-ci';
import type { Environment, EnvironmentKind } from '../../environments/port.js';
import { findSessions, type StoredSession } from '../../session/session-files.js';
import { acquireSessionLock } from '../../session/session-lock.js';
import { App } from '../../ui/App.js';
import { PromptBridge } from '../../ui/prompt-bridge.js';
import { asciiStdout } from '../../ui/ascii-stdout.js';
import { asciiSymbols, supportsUnicode, unicodeSymbols } from '../../ui/symbols.js';
import { WizardStore } from '../../ui/wizard-store.js';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.js';
import { driveProcedure, STEADY_POLLS, type PacingChoices } from '../procedure-driver.js';
import type { OpenedEnvironment } from '../open-environment.js';
import { onCancelSignal } from '../signals.js';
import { runIdentity } from '../run-identity.js';

export interface WizardOptions {
	resume: boolean;
	fresh: boolean;
	perPool: number;
	explain: boolean;
	pacing: PacingChoices;
	/** ASCII only; undefined: what the terminal can show. */
	ascii?: boolean | undefined;
	/** Lines for the header before anything else: settings not at their default and where from, a settings file set aside. */
	notes?: string[];
	/** Who runs the change, for the change record: --operator, else the OS account. */
	operator?: string;
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

	const store = new WizardStore(farm.kind);
	store.notes = options.notes ?? [];
	const bridge = new PromptBridge();
	const controller = new AbortController();
	let leaving: 'quit' | 'cancel' | undefined;
	const leave = (how: 'quit' | 'cancel') => {
		leaving ??= how;
		controller.abort(new Error(how));
		bridge.cancel(controller.signal.reason);
	};

	const ascii = options.ascii ?? !supportsUnicode();
	const stdout = ascii ? asciiStdout(process.stdout) : process.stdout;
	const app = render(
		<App
			store={store}
			bridge={bridge}
			symbols={ascii ? asciiSymbols : unicodeSymbols}
			explain={options.explain}
			steadyPolls={STEADY_POLLS}
			onQuit={() => leave('quit')}
			onCancel={() => leave('cancel')}
		/>,
		{ exitOnCtrlC: false, maxFps: 10, stdout },
	);
	const stopClearingOnShrink = clearScreenWhenNarrower(process.stdout);

	const stopHandlingSignals = onCancelSignal(() => leave('cancel'));

	let environment: Environment | undefined;
	try {
		const opened = await farm.open();
		environment = opened.environment;
		store.setEnvironment(environment.description, opened.notices);
		const resume = await chooseSession(stateDir, options, bridge);
		if (leaving) return leaving === 'quit' ? EXIT.waitingOnOperator : EXIT.cancelled;
		const drive = driveProcedure({
			environment,
			stateDir,
			operator: bridge,
			...(resume ? { resume } : {}),
			perPool: options.perPool,
			signal: controller.signal,
			pacing: options.pacing,
			...(opened.scenario ? { scenario: opened.scenario } : {}),
			identity: runIdentity(options.operator, 'wizard'),
			onRecordGap: (text) => store.notice(text),
			onSession: (session) => store.attach(session),
		});
		const finished = await drive;
		store.finish(finished.recordPath, finished.debriefPath);
		if (leaving) return leaving === 'quit' ? EXIT.waitingOnOperator : EXIT.cancelled;
		return exitCodeFor(finished.outcome);
	} finally {
		stopHandlingSignals();
		stopClearingOnShrink();
		await new Promise((resolve) => setTimeout(resolve, 50));
		app.unmount();
		await app.waitUntilExit();
		await environment?.dispose();
	}
}

async function chooseSession(stateDir: string, options: WizardOptions, bridge: PromptBridge): Promise<StoredSession | undefined> {
	const { unfinished, problems } = findSessions(stateDir);
	if (options.fresh) {
		for (const session of unfinished) {
			const lock = acquireSessionLock(stateDir, session.key, { subject: 'archiving the session', command: 'sfb-pair --fresh' });
			try {
				session.store.archive();
			} finally {
				lock.release();
			}
		}
		return undefined;
	}
	if (options.resume && unfinished.length === 1) return unfinished[0];
	if (unfinished.length === 0 && problems.length === 0) return undefined;
	const choice = await bridge.offerResume(unfinished, problems).catch(() => undefined);
	if (!choice || choice.action === 'fresh') return undefined;
	return unfinished.find((session) => session.key === choice.key);
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
