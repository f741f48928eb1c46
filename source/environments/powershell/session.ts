import { PowerShell, type InvocationResult } from 'node-powershell';
import { EnvironmentError } from '../port.js';
import { classifyFailure, decodeFrame, parseEnvelope, parseSessionInfo } from './outputs.js';
import { EVENT_FRAME, FRAME_PREFIX, RESULT_FRAME, sessionStartScript, transportLine, wrapScript, type SessionInfo } from './scripts.js';

/** node-powershell lets NODE_POWERSHELL override the executable it is given; here the choice is made and checked before. */
class ChosenPowerShell extends PowerShell {
	protected override setExecutable(options: { executable?: string }): string {
		return options.executable ?? '';
	}
}

export interface SessionStart {
	executable: string;
	modulePath?: string;
	timeoutMs: number;
}

export interface ScriptRun {
	/** The command as an operator would type it, for messages. */
	action: string;
	/** The server the script reaches, for unreachable and remoting errors. */
	server?: string;
	/** null: none, for a command that must run to its end (the publish). */
	timeoutMs: number | null;
	/** Receives each event frame's payload (e.g. a Bootstrapper output line) as it arrives. */
	onEvent?: (payload: unknown) => void;
	signal?: AbortSignal;
}

/** A frame can follow terminal control sequences pwsh writes on its own, so it is found anywhere in a line. */
const framePattern = (kind: string) => new RegExp(`${FRAME_PREFIX}${kind} ([A-Za-z0-9+/=]+)`);
const resultFrame = framePattern(RESULT_FRAME);
const eventFrame = framePattern(EVENT_FRAME);

/**
 * One long-lived PowerShell process. A script runs at a time; it answers with one result frame, and may
 * stream event frames before it. A timed-out or cancelled script takes the process down with it (node-powershell
 * cannot stop a running command), so the owner replaces a session that is no longer `alive`.
 */
export class PowerShellSession {
	private exited = false;
	private module = 'SkypeForBusiness';
	private powershellProcessId: number | undefined;

	private constructor(
		private readonly shell: PowerShell,
		readonly executable: string,
	) {
		// node-powershell keeps the process's exit in a private promise that rejects when the process dies
		// abnormally; unobserved, that rejection would end Node. Observing it is also how a dead session is noticed.
		const exit = (shell as unknown as { exitPromise: Promise<void> }).exitPromise;
		const markExited = () => {
			this.exited = true;
		};
		exit.then(markExited, markExited);
	}

	/** Starts PowerShell -NoProfile -NonInteractive, then the session script that loads the SkypeForBusiness module. */
	static async start(options: SessionStart): Promise<{ session: PowerShellSession; info: SessionInfo }> {
		const shell = new ChosenPowerShell({
			executable: options.executable,
			executableOptions: { '-NoProfile': true, '-NonInteractive': true },
			throwOnInvocationError: false,
		});
		const session = new PowerShellSession(shell, options.executable);
		try {
			const value = await session.invoke(sessionStartScript(options.modulePath), {
				action: `Starting ${options.executable}`,
				timeoutMs: options.timeoutMs,
			});
			const info = parseSessionInfo(value);
			session.powershellProcessId = info.pid;
			if (info.module !== null) session.module = info.module;
			return { session, info };
		} catch (error) {
			await session.dispose();
			throw error;
		}
	}

	get alive(): boolean {
		return !this.exited;
	}

	/** Runs a script body (see scripts.ts) and returns what it output; a PowerShell error becomes an EnvironmentError. */
	run(body: string, run: ScriptRun): Promise<unknown> {
		return this.invoke(wrapScript(body), run);
	}

	/**
	 * Ends PowerShell, even mid-command. node-powershell signals the process it spawned; when that is a launcher
	 * (the dotnet tool `pwsh` starts `dotnet pwsh.dll`), PowerShell itself would outlive it and finish a timed-out
	 * command on its own, so it is signalled by its own process id first.
	 */
	async dispose(): Promise<void> {
		if (this.exited) return;
		if (this.powershellProcessId !== undefined) {
			try {
				process.kill(this.powershellProcessId);
			} catch {
				// Already gone: nothing to end.
			}
		}
		await this.shell.dispose().catch(() => undefined);
		this.exited = true;
	}

	private async invoke(script: string, run: ScriptRun): Promise<unknown> {
		if (run.signal?.aborted) throw abortReason(run.signal);
		if (this.exited) throw new EnvironmentError('failed', `${run.action} could not run: the PowerShell session has ended`);

		const onEvent = run.onEvent;
		const stopListening = onEvent
			? this.listenForEvents((payload) => {
					if (!run.signal?.aborted) onEvent(payload);
				})
			: () => undefined;
		let result: InvocationResult;
		try {
			result = await this.invokeWithin(transportLine(script), run);
		} catch (error) {
			stopListening();
			throw error;
		}
		// An error from the event consumer surfaces here rather than inside a stream handler, where it would end Node.
		const listenerError = stopListening();
		if (listenerError !== undefined) throw listenerError;

		const stdout = result.stdout?.toString('utf8') ?? '';
		const raw = [stdout, result.stderr?.toString('utf8') ?? ''].filter(Boolean).join('\n');
		const resultPayload = stdout
			.split(/\r?\n/)
			.reverse()
			.map((line) => resultFrame.exec(line)?.[1])
			.find((payload) => payload !== undefined);
		if (resultPayload === undefined) {
			const reason = this.exited ? 'PowerShell exited before answering' : 'PowerShell gave no result';
			throw new EnvironmentError('unexpected-output', `${run.action}: ${reason}`, raw);
		}
		const envelope = parseEnvelope(decodeFrame(resultPayload), raw);
		if (!envelope.ok) throw classifyFailure(envelope.error, { action: run.action, server: run.server, module: this.module });
		return envelope.value;
	}

	/** Waits for the script, unless the timeout or the caller's signal ends it first, which ends the session too. */
	private async invokeWithin(line: string, run: ScriptRun): Promise<InvocationResult> {
		const invocation = this.shell.invoke(line);
		let timer: NodeJS.Timeout | undefined;
		let onAbort: (() => void) | undefined;
		const interrupted = new Promise<never>((_resolve, reject) => {
			const timeoutMs = run.timeoutMs;
			if (timeoutMs !== null) {
				timer = setTimeout(() => {
					reject(
						new EnvironmentError(
							'timeout',
							`${run.action} did not finish within ${timeoutMs / 1000} s: that PowerShell session was closed and the next command starts a fresh one`,
						),
					);
				}, timeoutMs);
			}
			if (run.signal) {
				const signal = run.signal;
				onAbort = () => reject(abortReason(signal));
				signal.addEventListener('abort', onAbort, { once: true });
			}
		});
		try {
			return await Promise.race([invocation, interrupted]);
		} catch (error) {
			invocation.catch(() => undefined);
			if (error instanceof EnvironmentError || run.signal?.aborted) {
				await this.dispose();
				throw error;
			}
			const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
			throw new EnvironmentError('failed', `${run.action}: PowerShell (${this.executable}) stopped: ${reason}`);
		} finally {
			clearTimeout(timer);
			if (onAbort) run.signal?.removeEventListener('abort', onAbort);
		}
	}

	/** Delivers event frames as they arrive; returns a stop function that yields the first error a delivery raised. */
	private listenForEvents(onEvent: (payload: unknown) => void): () => unknown {
		let pending = '';
		let firstError: unknown;
		const deliver = (line: string) => {
			const payload = eventFrame.exec(line)?.[1];
			if (payload === undefined || firstError !== undefined) return;
			try {
				onEvent(decodeFrame(payload));
			} catch (error) {
				firstError = error;
			}
		};
		const onData = (chunk: string | Buffer) => {
			const lines = (pending + chunk.toString()).split('\n');
			pending = lines.pop() ?? '';
			lines.forEach(deliver);
		};
		this.shell.streams.stdout.on('data', onData);
		return () => {
			this.shell.streams.stdout.off('data', onData);
			deliver(pending);
			return firstError;
		};
	}
}

function abortReason(signal: AbortSignal): unknown {
	return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
