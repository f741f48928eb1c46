import { createInterface } from 'node:readline/promises';
import type { Ask } from './commands/unpair.js';

/** One typed line from the terminal, or undefined where stdin or stdout is not a terminal (nobody to ask). */
export function terminalAsk(signal: AbortSignal): Ask | undefined {
	if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
	return async (question) => {
		const lines = createInterface({ input: process.stdin, output: process.stdout });
		try {
			return await lines.question(question, { signal });
		} finally {
			lines.close();
		}
	};
}
