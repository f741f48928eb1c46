import { createInterface } from 'node:readline';
import type { Ask } from './commands/unpair.js';

/** One typed line at the terminal; Ctrl+C, the end of input or the signal answer undefined: not an empty line, a cancel. */
export function askLine(question: string, signal?: AbortSignal): Promise<string | undefined> {
	return new Promise((resolve) => {
		const reader = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
		let answered = false;
		const answer = (text: string | undefined) => {
			if (answered) return;
			answered = true;
			signal?.removeEventListener('abort', cancel);
			reader.close();
			resolve(text);
		};
		const cancel = () => answer(undefined);
		signal?.addEventListener('abort', cancel, { once: true });
		reader.on('SIGINT', () => {
			// The line typed so far stays on screen: what follows starts below it.
			process.stdout.write('\n');
			cancel();
		});
		reader.on('close', cancel);
		reader.question(question, answer);
	});
}

/** One typed line from the terminal, or undefined where stdin or stdout is not a terminal (nobody to ask). */
export function terminalAsk(signal: AbortSignal): Ask | undefined {
	if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
	return (question) => askLine(question, signal);
}
