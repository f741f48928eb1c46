import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');
/** Bundles the bench builds; inside node_modules so their bare imports resolve to the project's packages. */
export const BUILD_DIR = path.join(ROOT, 'node_modules/.cache/sfb-pair-bench');

/** One figure of the table: what was measured, its runs summarised, and the budget it is held to. */
export interface Figure {
	id: string;
	label: string;
	unit: string;
	runs: number;
	min: number;
	median: number;
	max: number;
	budget?: { limit: number; comparison: '<=' | '>='; met: boolean };
	note?: string;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function figure(id: string, label: string, unit: string, values: number[], budget?: { limit: number; comparison: '<=' | '>=' }, note?: string): Figure {
	const middle = median(values);
	return {
		id,
		label,
		unit,
		runs: values.length,
		min: Math.min(...values),
		median: middle,
		max: Math.max(...values),
		...(budget ? { budget: { ...budget, met: budget.comparison === '<=' ? middle <= budget.limit : middle >= budget.limit } } : {}),
		...(note ? { note } : {}),
	};
}

export function temporaryDir(label: string): { dir: string; remove(): void } {
	const dir = mkdtempSync(path.join(os.tmpdir(), `sfb-pair-bench-${label}-`));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeJson(file: string, value: unknown): string {
	writeFileSync(file, `${JSON.stringify(value, null, '\t')}\n`);
	return file;
}

export interface PtyWindow {
	/** Seconds after the marker was seen. */
	delay: number;
	seconds: number;
}

export interface PtyResult {
	firstFrameMs: number | null;
	/** The CPU seconds used in each window asked for, and how long it really lasted. */
	windows: { cpuSeconds: number; windowSeconds: number }[];
	error?: string;
}

/**
 * Runs `command` in a COLUMNS×ROWS pseudo-terminal (bench/support/pty-run.py): when its output first shows
 * `marker`, and its CPU seconds over each of `windows`, timed from that moment.
 */
export function inPty(
	command: string[],
	options: {
		columns: number;
		rows: number;
		marker: string;
		windows?: PtyWindow[];
		/** Let the program run until it exits, at most this many seconds (otherwise a minute). */
		untilExitWithin?: number;
		rawOut?: string;
		env?: NodeJS.ProcessEnv;
	},
): PtyResult {
	const script = path.join(ROOT, 'bench/support/pty-run.py');
	const windows = options.untilExitWithin ? 'exit' : options.windows?.length ? options.windows.map((window) => `${window.delay}:${window.seconds}`).join(',') : '-';
	const args = [script, String(options.columns), String(options.rows), options.marker, windows, options.rawOut ?? '-', '--', ...command];
	const limit = options.untilExitWithin ?? 60;
	const env = { ...(options.env ?? process.env), PTY_RUN_TIMEOUT_S: String(limit) };
	const result = spawnSync('python3', args, { encoding: 'utf8', env, timeout: (limit + 60) * 1000 });
	const line = result.stdout.trim().split('\n').pop() ?? '';
	try {
		return JSON.parse(line) as PtyResult;
	} catch {
		return { firstFrameMs: null, windows: [], error: `pty-run gave no result: ${result.stderr.trim().split('\n').pop() ?? ''}` };
	}
}

/** Runs the built CLI, stamping each stdout line with the moment it arrived. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; stopWhen?: (line: string) => boolean } = {}) {
	return new Promise<{ code: number | null; lines: { at: number; text: string }[]; stderr: string }>((resolve) => {
		const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], { env: { ...process.env, ...options.env, NO_COLOR: '1' } });
		const lines: { at: number; text: string }[] = [];
		let pending = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			const at = performance.now();
			const parts = (pending + chunk).split('\n');
			pending = parts.pop() ?? '';
			for (const text of parts) {
				lines.push({ at, text });
				if (options.stopWhen?.(text)) child.kill('SIGINT');
			}
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('close', (code) => resolve({ code, lines, stderr }));
	});
}
