import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';

/** Running the built CLI as an operator would, and checking how it refuses. */

export const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
export const STACK_FRAME = /^\s+at\s/m;

export interface Outcome {
	status: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export function sfbPair(args: string[], env: NodeJS.ProcessEnv = {}, options: { input?: string; timeout?: number } = {}): Outcome {
	const result = spawnSync(process.execPath, [CLI, ...args], {
		encoding: 'utf8',
		timeout: options.timeout ?? 60_000,
		env: { ...process.env, NO_COLOR: '1', ...env },
		...(options.input === undefined ? {} : { input: options.input }),
	});
	return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Refused with `code`, the reason in one `sfb-pair: …` line on stderr, nothing else. */
export function expectOneLineRefusal(outcome: Outcome, code: number, reason: RegExp): string {
	expect(outcome.status, `stderr: ${outcome.stderr}`).toBe(code);
	expect(outcome.stderr).not.toMatch(STACK_FRAME);
	const lines = outcome.stderr.trimEnd().split('\n');
	expect(lines, outcome.stderr).toHaveLength(1);
	expect(lines[0]).toMatch(/^sfb-pair: /);
	expect(lines[0]).toMatch(reason);
	return lines[0] ?? '';
}

export const labArgs = (stateDir: string, ...extra: string[]) => ['--lab', '--state-dir', stateDir, '--time-scale', '2000', ...extra];
