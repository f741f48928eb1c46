/**
 * The performance figures and their budgets (issue 7): `npm run bench` prints a table and writes
 * bench/results.json. Machines are shared and noisy, so each comparison is made side by side in one run
 * and reported as a ratio, median of several runs. `--quick` runs each suite fewer times; `--only WORD` runs
 * the suites whose name contains WORD.
 */
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD_DIR, ROOT, writeJson, type Figure } from './support/measure.js';
import { firstFrame } from './suites/first-frame.js';
import { memory } from './suites/memory.js';
import { orchestration } from './suites/orchestration.js';
import { powershellRoundTrip } from './suites/powershell.js';
import { remoteConnections } from './suites/remote-connections.js';
import { renderCost } from './suites/render.js';
import { topologyReading } from './suites/topology.js';
import { upgradeDomainRuns } from './suites/upgrade-domains.js';
import { workingDay } from './suites/working-day.js';

const quick = process.argv.includes('--quick');
/** `--only render` runs the suites whose name contains the word. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const runs = (full: number, short: number) => (quick ? short : full);

mkdirSync(BUILD_DIR, { recursive: true });
const started = Date.now();
const figures: Figure[] = [];
const suites: [string, () => Figure[] | Promise<Figure[]>][] = [
	['topology reading', () => topologyReading(runs(21, 7))],
	['time to first frame', () => firstFrame(runs(10, 3))],
	['orchestration overhead', () => orchestration(runs(5, 2))],
	// Two runs of Bootstrapper and the CU on 2 × 12 servers per attempt, about 40 s together.
	['upgrade domains', () => upgradeDomainRuns(runs(3, 1))],
	['render cost', () => renderCost(runs(5, 2))],
	['memory', () => memory(runs(3, 1))],
	// One run: a simulated working day takes about 5 minutes of real time on 2 cores (--quick: 2 hours).
	['memory over a working day', () => workingDay(1, quick ? 2 : 8)],
	['PowerShell round trip', () => powershellRoundTrip({ reused: runs(20, 10), fresh: runs(7, 3), starts: runs(5, 2) })],
	// A whole live run on the stand-in takes about half a minute, twice per attempt (with and without the delay).
	['remote connections', () => remoteConnections(runs(3, 1))],
];
for (const [name, suite] of suites.filter(([name]) => only === undefined || name.includes(only))) {
	process.stderr.write(`bench: ${name}…\n`);
	const produced = await suite();
	if (produced.length === 0) process.stderr.write(`bench: ${name} skipped (pwsh not found)\n`);
	figures.push(...produced);
}

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = { node: process.version, cpu, cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))) };
const commit = (() => {
	try {
		return execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
	} catch {
		return undefined;
	}
})();
const resultsFile = writeJson(path.join(ROOT, 'bench/results.json'), {
	date: new Date().toISOString(),
	...(commit ? { commit } : {}),
	machine,
	durationSeconds: Math.round((Date.now() - started) / 1000),
	figures,
});

const number = (value: number) => (Number.isFinite(value) ? (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)) : '–');
const rows = figures.map((entry) => [
	entry.label,
	entry.unit,
	String(entry.runs),
	number(entry.min),
	number(entry.median),
	number(entry.max),
	entry.budget ? `${entry.budget.comparison} ${entry.budget.limit}` : '',
	entry.budget ? (entry.budget.met ? 'ok' : 'OVER') : '',
]);
const header = ['figure', 'unit', 'runs', 'min', 'median', 'max', 'budget', ''];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
console.log(`Node ${machine.node} · ${cpu} · ${machine.cores} cores · load ${machine.loadAverage.join(' ')}\n`);
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(row));
for (const entry of figures.filter((item) => item.note)) console.log(`\n${entry.label}: ${entry.note}`);
console.log(`\n${path.relative(ROOT, resultsFile)} written in ${Math.round((Date.now() - started) / 1000)} s`);
process.exitCode = figures.every((entry) => entry.budget?.met !== false) ? 0 : 1;
