import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { readChangeRecord } from '../../source/session/change-record.js';
import { findSessions, openProcedureStore, pairKey } from '../../source/session/session-files.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const POOL = 'pool-redmond.contoso.com';
const BACKUP = 'pool-dublin.contoso.com';
const SERVERS = ['red-fe01', 'red-fe02', 'red-fe03', 'dub-fe01', 'dub-fe02', 'dub-fe03'].map((name) => `${name}.contoso.com`);
const RUN = ['run', '--lab', '--pool', POOL, '--backup', BACKUP, '--yes', '--time-scale', '1000'];

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

function cli(stateDir: string, ...args: string[]) {
	return spawnSync(process.execPath, [CLI, ...args, '--state-dir', stateDir], { encoding: 'utf8', timeout: 60_000 });
}

function farm(stateDir: string) {
	return JSON.parse(readFileSync(join(stateDir, 'lab', 'default.farm.json'), 'utf8')) as {
		pairingWrites: number;
		servers: Record<string, { bootstrapper: { state: string } }>;
	};
}

describe('killed at any point, resumed to the end', () => {
	it.each(KILL_POINTS.map(([pattern, occurrence], index) => ({ index: index + 1, pattern, occurrence })))(
		'kill point $index: $pattern #$occurrence',
		async ({ pattern, occurrence }) => {
			const stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-crash-'));
			try {
				const first = await runUntil(stateDir, pattern, occurrence);
				expect(first.killed, `the run ended before ${pattern} #${occurrence}:\n${first.lines.join('\n')}`).toBe(true);

				const stored = openProcedureStore(stateDir, pairKey(POOL, BACKUP)).load();
				expect(['ok', 'none']).toContain(stored.status);
				expect(findSessions(stateDir).problems).toEqual([]);

				const resumed = cli(stateDir, ...RUN, '--resume');
				expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
				expect(resumed.stdout).toContain('done: pool-redmond.contoso.com and pool-dublin.contoso.com are paired');

				const lab = farm(stateDir);
				expect(lab.pairingWrites).toBe(1);
				for (const server of SERVERS) expect(lab.servers[server]?.bootstrapper.state).toBe('done');

				const status = JSON.parse(cli(stateDir, 'status', '--lab', '--pool', POOL, '--json').stdout) as {
					pairedWith: string;
					directions: { verdict: { state: string } }[];
					services: { state: string }[];
				};
				expect(status.pairedWith).toBe(BACKUP);
				expect(status.services.map((service) => service.state)).toEqual(SERVERS.map(() => 'Running'));
				expect(status.directions.map((direction) => direction.verdict.state)).toEqual(['steady', 'steady']);

				const records = readdirSync(join(stateDir, 'records')).filter((file) => file.endsWith('.jsonl'));
				expect(records).toHaveLength(1);
				const entries = readChangeRecord(join(stateDir, 'records', records[0]!));
				const commands = entries.flatMap((entry) => (entry.type === 'command' ? [entry] : []));
				const succeededOn = (fragment: string) =>
					new Set(commands.filter((entry) => entry.outcome === 'succeeded' && entry.command.includes(fragment)).map((entry) => entry.target));
				expect([...succeededOn('Bootstrapper.exe')].sort()).toEqual([...SERVERS].sort());
				expect([...succeededOn('Start-CsWindowsService')].sort()).toEqual([...SERVERS].sort());
				const registrarWrites = commands.filter((entry) => entry.command.startsWith('Set-CsRegistrar')).length;
				const foundWritten = entries.some((entry) => entry.type === 'note' && entry.text.includes('already paired'));
				expect(registrarWrites === 2 || (registrarWrites === 0 && foundWritten)).toBe(true);
				expect(entries.some((entry) => entry.type === 'snapshot')).toBe(true);
			} finally {
				rmSync(stateDir, { recursive: true, force: true });
			}
		},
		60_000,
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

			const resumed = cli(stateDir, ...RUN, '--resume');
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
