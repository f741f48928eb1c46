import { EXIT } from './exit-codes.js';
import { describeFsError } from '../session/private-fs.js';
import { sanitizeLine } from '../text/sanitize.js';

/**
 * Standard output and error for the plain commands. Every line goes through the one sanitiser, so nothing a
 * terminal acts on (escape sequences, controls, bidirectional marks, line separators) reaches it, whatever
 * the command printed. A reader that goes away (`sfb-pair run … | head`, a dropped SSH session) stops the
 * output, not the work: the change record keeps it all. Any other failure to write (`pools > /dev/full`) is
 * said on stderr at the end, and the command does not exit 0.
 */
export interface Output {
	/** Writes `text`, one or more lines, each sanitised. */
	write(text: string): void;
	/**
	 * The exit code, and the reason said, when the output could not be written: 1 in place of 0 or 3, whose
	 * meaning ("done", "work remains") was in the lines nobody got; failures, usage errors and cancels keep theirs.
	 */
	finish(code: number): number;
}

const gone = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ENOTCONN']);

export function clean(text: string): string {
	return text.split('\n').map(sanitizeLine).join('\n');
}

/** A line on stderr that never throws: there is nowhere left to report a failure to write it. */
export function stderrLine(text: string): void {
	try {
		process.stderr.write(`${clean(text)}\n`);
	} catch {
		// stderr is gone too.
	}
}

export function processOutput(stream: NodeJS.WriteStream = process.stdout): Output {
	let closed = false;
	let lost: NodeJS.ErrnoException | undefined;
	const onError = (error: NodeJS.ErrnoException) => {
		closed = true;
		if (!gone.has(error.code ?? '')) lost ??= error;
	};
	stream.on('error', onError);
	return {
		write(text) {
			if (closed) return;
			try {
				stream.write(`${clean(text)}\n`);
			} catch (error) {
				onError(error as NodeJS.ErrnoException);
			}
		},
		finish(code) {
			// A failed write is reported on the next tick; the stream knows at once.
			const errored = stream.errored as NodeJS.ErrnoException | null;
			if (errored && !gone.has(errored.code ?? '')) lost ??= errored;
			if (lost === undefined) return code;
			stderrLine(`sfb-pair: cannot write to standard output: ${describeFsError(lost)}`);
			return code === EXIT.done || code === EXIT.waitingOnOperator ? EXIT.failed : code;
		},
	};
}

/** stderr errors are swallowed for the same reason as `stderrLine`. */
process.stderr.on('error', () => undefined);
