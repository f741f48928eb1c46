import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { ProcedureState } from '../../source/procedure/state.js';
import { readChangeRecord, type ChangeRecordEntry } from '../../source/session/change-record.js';
import { findSessions, openProcedureStore, pairKey, sessionsDir } from '../../source/session/session-files.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const POOL = 'pool-redmond.contoso.com';
const BACKUP = 'pool-dublin.contoso.com';
const SERVERS = ['red-fe01', 'red-fe02', 'red-fe03', 'dub-fe01', 'dub-fe02', 'dub-fe03'].map((name) => `${name}.contoso.com`);
const RUN = ['run', '--lab', '--pool', POOL, '--backup', BACKUP, '--yes', '--time-scale', '1000'];
const FINISHED = new RegExp(`done: ${POOL} and ${BACKUP} are (already )?paired`);

/** Where to pull the plug: the Nth line matching a pattern, spread over every step of the procedure. */
const KILL_POINTS: [RegExp, number][] = [
	[/step 1 Pools defined: Reads/, 1],
	[/step 1 Pools defined: done/, 1],
	[/ pair: /, 1],
	[/ voice: /, 1],
	[/step 6 Confirm and publish: Shows/, 1],
	[/topology snapshot saved/, 1],
	[/pairing written and topology enabled/, 1],
	[/pairing read back/, 1],
	[/step 7 Deployment check: done/, 1],
	[/Bootstrapper started/, 1],
	[/Checking prerequisites/, 1],
	[/Installing LyncBackupService/, 2],
	[/Bootstrapper succeeded/, 1],
	[/Bootstrapper started/, 3],
	[/Enable-CSComputer/, 4],
	[/Bootstrapper succeeded/, 4],
	[/Bootstrapper started/, 6],
	[/Bootstrapper succeeded/, 6],
	[/step 8 Bootstrapper: done/, 1],
	[/CU re-apply started/, 1],
	[/CU re-apply succeeded/, 2],
	[/CU re-apply started/, 5],
	[/step CU Cumulative Update: done/, 1],
	[/LYNCBACKUP started/, 1],
	[/LYNCBACKUP started/, 6],
	[/LYNCBACKUP succeeded/, 3],
	[/step 9 Backup Service: done/, 1],
	[/sync requested for/, 1],
	[/sync requested for/, 2],
	[/sync poll 1:/, 1],
	[/sync poll 2:/, 1],
	[/\(2 steady in a row\)/, 1],
];

/** Runs the CLI and SIGKILLs it right after the chosen line appears; resolves with the lines it printed. */
function runUntil(stateDir: string, pattern: RegExp, occurrence: number): Promise<{ killed: boolean; lines: string[] }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...RUN, '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
		const lines: string[] = [];
		let seen = 0;
		let killed = false;
		createInterface({ input: child.stdout }).on('line', (line) => {
			lines.push(line);
			if (!killed && pattern.test(line) && ++seen === occurrence) {
				killed = child.kill('SIGKILL');
			}
		});
		child.on('error', reject);
		child.on('close', () => resolve({ killed, lines }));
	});
}

function cli(stateDir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args, '--state-dir', stateDir], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
			resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
		});
	});
}

function farm(stateDir: string) {
	return JSON.parse(readFileSync(join(stateDir, 'lab', 'default.farm.json'), 'utf8')) as {
		pairingWrites: number;
		servers: Record<string, { bootstrapper: { state: string } }>;
	};
}

function records(stateDir: string): ChangeRecordEntry[][] {
	const folder = join(stateDir, 'records');
	return readdirSync(folder)
		.filter((file) => file.endsWith('.jsonl'))
		.sort()
		.map((file) => readChangeRecord(join(folder, file)));
}

/**
 * Resumed or started afresh, the farm must end paired once, bootstrapped and steady, with every server's work
 * accounted for in the record: a command that succeeded there, or the farm found it done at a later start.
 */
async function expectFinished(stateDir: string, run: { status: number | null; stdout: string; stderr: string }) {
	expect(run.status, run.stdout + run.stderr).toBe(0);
	expect(run.stdout).toMatch(FINISHED);

	const lab = farm(stateDir);
	expect(lab.pairingWrites).toBe(1);
	for (const server of SERVERS) expect(lab.servers[server]?.bootstrapper.state).toBe('done');

	const status = await cli(stateDir, 'status', '--lab', '--pool', POOL, '--json');
	expect(status.status, status.stdout).toBe(0);
	const reading = JSON.parse(status.stdout) as { pairedWith: string; state: string; directions: { verdict: { state: string } }[]; services: { state: string }[] };
	expect(reading.pairedWith).toBe(BACKUP);
	expect(reading.state).toBe('complete');
	expect(reading.services.map((service) => service.state)).toEqual(SERVERS.map(() => 'Running'));
	expect(reading.directions.map((direction) => direction.verdict.state)).toEqual(['steady', 'steady']);

	const sessions = records(stateDir);
	const entries = sessions.flat();
	const commands = entries.flatMap((entry) => (entry.type === 'command' ? [entry] : []));
	const notes = entries.flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
	const accountedFor = (fragment: string, seen: RegExp) =>
		SERVERS.filter(
			(server) =>
				commands.some((entry) => entry.outcome === 'succeeded' && entry.target === server && entry.command.includes(fragment)) ||
				notes.some((text) => text.split('\n').some((line) => line.includes(`${server}: `) && seen.test(line))),
		);
	expect(accountedFor('Bootstrapper.exe', /Bootstrapper done/)).toEqual(SERVERS);
	expect(accountedFor('Start-CsWindowsService', /LYNCBACKUP done/)).toEqual(SERVERS);
	const registrarWrites = commands.filter((entry) => entry.command.startsWith('Set-CsRegistrar') && entry.outcome === 'succeeded').length;
	const foundWritten = notes.some((text) => text.includes('already paired'));
	expect(registrarWrites === 2 || (registrarWrites === 0 && foundWritten)).toBe(true);
	expect(entries.some((entry) => entry.type === 'snapshot')).toBe(true);
	return sessions;
}

/** What the checkpoint saw start and never end is in the resumed record with its outcome unknown, then what the farm said. */
function expectCutShortRecorded(stored: ProcedureState | undefined, record: ChangeRecordEntry[]) {
	if (!stored) return;
	const cutShort = stored.serverOrder.flatMap((server) =>
		Object.entries(stored.servers[server]?.tasks ?? {})
			.filter(([, task]) => task.state === 'running')
			.map(([phase]) => ({ server, phase })),
	);
	const unknown = record.flatMap((entry) => (entry.type === 'command' && entry.outcome === 'unknown' ? [entry] : []));
	for (const { server } of cutShort) expect(unknown.map((entry) => entry.target)).toContain(server);
	if (stored.publish.writeStartedAt !== undefined && !stored.publish.written) {
		expect(unknown.some((entry) => entry.command.startsWith('Set-CsRegistrar'))).toBe(true);
	}
	for (const { server } of cutShort) {
		expect(record.some((entry) => entry.type === 'note' && entry.text.startsWith(`${server}: after the `) && entry.text.includes(' cut short, '))).toBe(true);
	}
}

/**
 * Each kill is resumed twice from copies of the same state folder, side by side: with the session file (`--resume`),
 * and with it deleted (another machine, or a lost file), where the farm alone says what is done. The kill points run
 * a few at a time: the lab's clock runs 1000 times faster than real time, so most of each run is waiting.
 */
describe.concurrent('killed at any point, resumed to the end, with or without the session file', () => {
	it.each(KILL_POINTS.map(([pattern, occurrence], index) => ({ index: index + 1, pattern, occurrence })))(
		'kill point $index: $pattern #$occurrence',
		async ({ pattern, occurrence }) => {
			const stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-crash-'));
			const lost = mkdtempSync(join(tmpdir(), 'sfb-pair-crash-lost-'));
			try {
				const first = await runUntil(stateDir, pattern, occurrence);
				expect(first.killed, `the run ended before ${pattern} #${occurrence}:\n${first.lines.join('\n')}`).toBe(true);

				const stored = openProcedureStore(stateDir, pairKey(POOL, BACKUP)).load();
				expect(['ok', 'none']).toContain(stored.status);
				expect(findSessions(stateDir).problems).toEqual([]);
				const pictures = (folder: string) =>
					existsSync(join(folder, 'records')) ? records(folder).flat().filter((entry) => entry.type === 'note' && entry.text.startsWith('the farm now: ')).length : 0;
				const picturesBefore = pictures(stateDir);

				cpSync(stateDir, lost, { recursive: true });
				rmSync(join(sessionsDir(lost), `${pairKey(POOL, BACKUP)}.json`), { force: true });

				const [resumed, afresh] = await Promise.all([cli(stateDir, ...RUN, '--resume'), cli(lost, ...RUN)]);

				const resumedRecords = await expectFinished(stateDir, resumed);
				expect(resumedRecords).toHaveLength(1);
				expectCutShortRecorded(stored.status === 'ok' ? stored.state : undefined, resumedRecords[0]!);

				await expectFinished(lost, afresh);
				expect(pictures(lost), 'the new session records what it found on the farm').toBeGreaterThan(picturesBefore);
			} finally {
				rmSync(stateDir, { recursive: true, force: true });
				rmSync(lost, { recursive: true, force: true });
			}
		},
		120_000,
	);
});

describe('a change record deleted between a kill and the resume', () => {
	it('starts again saying, in the record and on screen, that the part before the resume is missing', async () => {
		const stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-crash-'));
		try {
			const first = await runUntil(stateDir, /Bootstrapper succeeded/, 2);
			expect(first.killed, first.lines.join('\n')).toBe(true);
			const records = join(stateDir, 'records');
			for (const file of readdirSync(records)) rmSync(join(records, file));

			const resumed = await cli(stateDir, ...RUN, '--resume');
			expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
			expect(resumed.stdout).toMatch(/^warning: The change record of this session was not found: it starts again at this resume, and says that the part before is missing \(.+\.jsonl\)\.$/m);

			const [jsonl] = readdirSync(records).filter((file) => file.endsWith('.jsonl'));
			const entries = readChangeRecord(join(records, jsonl!));
			expect(entries.slice(0, 2).map((entry) => entry.type)).toEqual(['session', 'gap']);
			expect(entries[1]).toMatchObject({ text: expect.stringMatching(/^The change record of this session was not found when it resumed .*: what happened from \S+ until this resume is missing from it\. The checkpoint remembers: .*step 6 Confirm and publish done/) });
			const markdown = readFileSync(join(records, jsonl!.replace(/\.jsonl$/, '.md')), 'utf8');
			expect(markdown).toContain('- **Incomplete: The change record of this session was not found when it resumed');
		} finally {
			rmSync(stateDir, { recursive: true, force: true });
		}
	}, 60_000);
});
