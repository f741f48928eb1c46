import { EXIT } from './exit-codes.js';

/**
 * One policy for every command. SIGINT (Ctrl+C, or `kill -INT`), SIGTERM (a service manager, `kill`) and SIGHUP
 * (the SSH or RDP session dropped) all cancel: the running commands are stopped, the checkpoint already on disk
 * keeps the session resumable, the change record says so, and the exit code is 130. A second signal while
 * that clean-up runs ends the process at once, still 130: the checkpoint was written before each action.
 */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type CancelSignal = (typeof CANCEL_SIGNALS)[number];

/** Calls `cancel` on the first signal; returns the function that removes the handlers. */
export function onCancelSignal(cancel: (signal: CancelSignal) => void): () => void {
	let received = 0;
	const handlers = CANCEL_SIGNALS.map((signal) => {
		const handler = () => {
			received += 1;
			if (received > 1) process.exit(EXIT.cancelled);
			cancel(signal);
		};
		process.on(signal, handler);
		return [signal, handler] as const;
	});
	return () => {
		for (const [signal, handler] of handlers) process.off(signal, handler);
	};
}

/** Runs `body` with an AbortSignal the cancel signals abort; a cancelled run exits 130 whatever `body` returns. */
export async function withCancelSignals(body: (signal: AbortSignal) => Promise<number>): Promise<number> {
	const controller = new AbortController();
	const stop = onCancelSignal((signal) => controller.abort(new Error(`cancelled by ${signal}`)));
	try {
		const code = await body(controller.signal);
		return controller.signal.aborted ? EXIT.cancelled : code;
	} catch (error) {
		if (controller.signal.aborted) return EXIT.cancelled;
		throw error;
	} finally {
		stop();
	}
}
