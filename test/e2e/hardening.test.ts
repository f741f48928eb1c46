import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChangeRecord } from '../../source/session/change-record.js';
import { CLI, expectOneLineRefusal, labArgs as lab, sfbPair, STACK_FRAME } from '../helpers/cli.js';
import { temporaryFolders } from '../helpers/folders.js';

/**
 * Hostile inputs beyond bad-input.test.ts: values without a ceiling, signals, full disks, a umask that opens
 * everything, files that are not files, characters that reorder text, names that differ only in case, secrets
 * in server output, links in the state folder. Each is refused in one line or handled, never a stack trace.
 */

const folders = temporaryFolders('sfb-pair-hardening-');
beforeAll(() => {
	expect(readdirSync(path.dirname(CLI)), 'dist/cli.js is missing: run npm run build first').toContain('cli.js');
});
afterAll(() => folders.removeAll());

const SE_PAIR = ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com'];
const ENTERPRISE_PAIR = ['--pool', 'pool-redmond.contoso.com', '--backup', 'pool-dublin.contoso.com'];

/** A small valid scenario, changed by `change`. */
function scenarioFile(folder: string, change: (scenario: Record<string, unknown>) => void = () => undefined): string {
	const scenario: Record<string, unknown> = {
		name: 'small',
		description: 'two Standard Edition servers',
		seed: 5,
		sites: [
			{ id: '1', name: 'Redmond' },
			{ id: '2', name: 'Dublin' },
		],
		pools: [
			{ fqdn: 'se-a.contoso.com', site: 'Redmond', edition: 'Standard', version: 'Skype for Business Server 2015', servers: ['se-a.contoso.com'] },
			{ fqdn: 'se-b.contoso.com', site: 'Dublin', edition: 'Standard', version: 'Skype for Business Server 2015', servers: ['se-b.contoso.com'] },
		],
	};
	change(scenario);
	const file = path.join(folder, `${String(scenario.name)}.json`);
	writeFileSync(file, JSON.stringify(scenario));
	return file;
}

describe('durations and scales have bounds', () => {
	it.each([
		['--service-settle 600h', ['run', ...SE_PAIR, '--yes', '--service-settle', '600h'], /--service-settle.*must be from 1 s to 1h, not 600h/],
		['--sync-poll 600000h', ['run', ...SE_PAIR, '--yes', '--sync-poll', '600000h'], /--sync-poll.*must be from 1 s to 1h/],
		['--sync-timeout 100000h', ['run', ...SE_PAIR, '--yes', '--sync-timeout', '100000h'], /--sync-timeout.*must be from 1 s to 24h/],
		['--sync-poll 0', ['run', ...SE_PAIR, '--yes', '--sync-poll', '0'], /--sync-poll.*must be from 1 s/],
		['--time-scale 1e308', ['pools', '--time-scale', '1e308'], /--time-scale.*must be from 1 to 10000/],
		['--time-scale 1e-300', ['pools', '--time-scale', '1e-300'], /--time-scale.*must be from 1 to 10000/],
		['--parallel 100000', ['run', ...SE_PAIR, '--yes', '--parallel', '100000'], /--parallel.*must be from 1 to 64/],
	])('%s is refused with the bounds, exit 2, and nothing is saved', (_label, args, reason) => {
		const stateDir = folders.make();
		const outcome = sfbPair([...args, '--lab', '--state-dir', stateDir]);
		expect(outcome.status, outcome.stderr).toBe(2);
		expect(outcome.stderr).toMatch(reason);
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
		expect(readdirSync(stateDir), 'no farm saved with the value').toEqual([]);
	});

	it('a scenario timing of 1e12 seconds is refused, naming the field, exit 2', () => {
		const folder = folders.make();
		const file = scenarioFile(folder, (scenario) => {
			scenario.timings = { bootstrapperSeconds: 1e12 };
		});
		expectOneLineRefusal(sfbPair(['pools', '--scenario', file, '--state-dir', folder]), 2, /small\.json: timings\.bootstrapperSeconds must be at most 86400/);
	});
});

describe('signals', () => {
	/** Starts `run`, sends `signal` once Bootstrapper has started, and resolves with the exit code and the lines printed. */
	function signalledRun(stateDir: string, signal: NodeJS.Signals): Promise<{ code: number | null; lines: string[] }> {
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [CLI, 'run', ...ENTERPRISE_PAIR, '--yes', '--lab', '--state-dir', stateDir, '--time-scale', '100'], {
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			const lines: string[] = [];
			let sent = false;
			createInterface({ input: child.stdout }).on('line', (line) => {
				lines.push(line);
				if (!sent && /Bootstrapper started/.test(line)) sent = child.kill(signal);
			});
			child.on('error', reject);
			child.on('close', (code) => resolve({ code, lines }));
		});
	}

	it.each(['SIGHUP', 'SIGTERM', 'SIGINT'] as const)(
		'run receiving %s stops the servers, records it, exits 130, and resumes to the end',
		async (signal) => {
			const stateDir = folders.make();
			const first = await signalledRun(stateDir, signal);
			expect(first.code, first.lines.join('\n')).toBe(130);
			expect(first.lines.join('\n')).toMatch(/cancelled/);
			expect(readdirSync(stateDir).filter((name) => name.endsWith('.lock')), 'the pair is not left locked').toEqual([]);
			const [record] = readdirSync(path.join(stateDir, 'records')).filter((name) => name.endsWith('.jsonl'));
			const entries = readChangeRecord(path.join(stateDir, 'records', record ?? ''));
			expect(entries.some((entry) => entry.type === 'ended' && entry.outcome === 'cancelled'), 'the record says the run was cancelled').toBe(true);

			const resumed = sfbPair(['run', ...ENTERPRISE_PAIR, '--yes', '--resume', '--lab', '--state-dir', stateDir, '--time-scale', '2000']);
			expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
			expect(resumed.stdout).toContain('are paired');
		},
		60_000,
	);
});

describe('output that cannot be written', () => {
	it('pools > /dev/full says so on stderr in one line and exits 1, no stack trace', () => {
		const stateDir = folders.make();
		const outcome = execShell(`node '${CLI}' pools ${lab(stateDir).join(' ')} > /dev/full`);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toBe('sfb-pair: cannot write to standard output: the disk is full\n');
	});

	it('status > /dev/full exits 1, not the 3 of "work remains" that nobody read', () => {
		const stateDir = folders.make();
		expect(sfbPair(['status', '--pool', 'se-redmond.contoso.com', ...lab(stateDir)]).status, 'unpaired: work remains').toBe(3);
		const outcome = execShell(`node '${CLI}' status --pool se-redmond.contoso.com ${lab(stateDir).join(' ')} > /dev/full`);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toBe('sfb-pair: cannot write to standard output: the disk is full\n');
	});

	it('run > /dev/full finishes the work, keeps the record, releases the pair, and exits 1', () => {
		const stateDir = folders.make();
		const outcome = execShell(`node '${CLI}' run ${SE_PAIR.join(' ')} --yes ${lab(stateDir).join(' ')} > /dev/full`);
		expect(outcome.status, outcome.stderr).toBe(1);
		expect(outcome.stderr).toBe('sfb-pair: cannot write to standard output: the disk is full\n');
		expect(readdirSync(stateDir).filter((name) => name.endsWith('.lock'))).toEqual([]);
		const status = JSON.parse(sfbPair(['status', '--pool', 'se-redmond.contoso.com', '--json', ...lab(stateDir)]).stdout) as { pairedWith: string };
		expect(status.pairedWith).toBe('se-dublin.contoso.com');
	});
});

/** Runs a shell command line (for umask and redirections), never throwing. */
function execShell(command: string): { status: number; stderr: string } {
	try {
		execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
		return { status: 0, stderr: '' };
	} catch (error) {
		const failed = error as { status: number; stderr: string };
		return { status: failed.status, stderr: failed.stderr };
	}
}

describe('the state folder is private whatever the umask', () => {
	it('under umask 000 every folder sfb-pair creates is 0700 and every file 0600, snapshots included', () => {
		const stateDir = path.join(folders.make(), 'state');
		const outcome = execShell(`umask 000 && node '${CLI}' run ${SE_PAIR.join(' ')} --yes ${lab(stateDir).join(' ')} > /dev/null`);
		expect(outcome.status, outcome.stderr).toBe(0);
		const modes: Record<string, string> = {};
		const walk = (folder: string) => {
			for (const name of readdirSync(folder)) {
				const entry = path.join(folder, name);
				const stats = lstatSync(entry);
				modes[path.relative(stateDir, entry)] = (stats.mode & 0o777).toString(8);
				if (stats.isDirectory()) walk(entry);
			}
		};
		walk(stateDir);
		expect(Object.keys(modes)).toEqual(expect.arrayContaining(['lab', 'sessions', 'records', 'snapshots']));
		expect(Object.keys(modes).some((name) => name.startsWith('snapshots/')), 'a topology snapshot was saved').toBe(true);
		for (const [name, mode] of Object.entries(modes)) {
			expect(mode, name).toBe(statSync(path.join(stateDir, name)).isDirectory() ? '700' : '600');
		}
		expect((statSync(stateDir).mode & 0o777).toString(8)).toBe('700');
	});

	it('an existing snapshots folder left open by an older version is narrowed to 0700', () => {
		const stateDir = folders.make();
		mkdirSync(path.join(stateDir, 'snapshots'), { mode: 0o777 });
		chmodSync(path.join(stateDir, 'snapshots'), 0o777);
		expect(sfbPair(['run', ...SE_PAIR, '--yes', ...lab(stateDir)]).status).toBe(0);
		expect((statSync(path.join(stateDir, 'snapshots')).mode & 0o777).toString(8)).toBe('700');
	});
});

describe('files that are not files', () => {
	it.each([
		['--topology /dev/zero', ['--topology', '/dev/zero'], /^sfb-pair: cannot use \/dev\/zero: it is a device, not a file$/],
		['--scenario /dev/zero', ['--scenario', '/dev/zero'], /^sfb-pair: cannot use \/dev\/zero: it is a device, not a file$/],
		['--topology a folder', ['--topology', '.'], /^sfb-pair: cannot use \.: it is a folder, not a file$/],
		['--scenario a folder', ['--scenario', './'], /^sfb-pair: cannot use \.\/: it is a folder, not a file$/],
	])('%s: cannot use it, exit 2', (_label, args, reason) => {
		expectOneLineRefusal(sfbPair(['pools', ...args, '--state-dir', folders.make()]), 2, reason);
	});

	it.each(['--topology', '--scenario'])('%s naming a FIFO is refused at once instead of waiting for a writer', (flag) => {
		const folder = folders.make();
		const fifo = path.join(folder, 'pipe.json');
		execFileSync('mkfifo', [fifo]);
		const outcome = sfbPair(['pools', flag, fifo, '--state-dir', folder], {}, { timeout: 15_000 });
		expect(outcome.signal, 'the command hung on the pipe').toBeNull();
		expectOneLineRefusal(outcome, 2, /cannot use \S+pipe\.json: it is a named pipe \(FIFO\), not a file/);
	});

	it('a scenario file nested 100 000 deep is refused cleanly, exit 2', () => {
		const folder = folders.make();
		const file = path.join(folder, 'deep.json');
		writeFileSync(file, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
		expectOneLineRefusal(sfbPair(['pools', '--scenario', file, '--state-dir', folder]), 2, /deep\.json: nests arrays and objects deeper than 64 levels/);
	});

	it.each(['sessions', 'records', 'snapshots', 'lab'])('a state subfolder %s that is a file: cannot use it, exit 2', (name) => {
		const stateDir = folders.make();
		writeFileSync(path.join(stateDir, name), 'not a folder\n');
		const outcome = sfbPair(['run', ...SE_PAIR, '--yes', ...lab(stateDir)]);
		expectOneLineRefusal(outcome, 2, new RegExp(`^sfb-pair: cannot use ${stateDir}/${name}\\S*: (it is a file, not a folder|part of the path is a file, not a folder)$`));
	});

	it('--state-dir /sys: cannot use it, exit 2', () => {
		expectOneLineRefusal(sfbPair(['pools', '--lab', '--state-dir', '/sys']), 2, /^sfb-pair: cannot use \/sys\S*( as the state folder)?: /);
	});

	it('a session file that is a folder: cannot use it, exit 2', () => {
		const stateDir = folders.make();
		mkdirSync(path.join(stateDir, 'sessions', 'se-dublin.contoso.com--se-redmond.contoso.com.json'), { recursive: true });
		expectOneLineRefusal(sfbPair(['run', ...SE_PAIR, '--yes', ...lab(stateDir)]), 2, /^sfb-pair: cannot use \S+se-redmond\.contoso\.com\.json: it is a folder, not a file$/);
	});

	it('a change record that is a folder: cannot use it, exit 2, and the pair is not left locked', () => {
		const stateDir = folders.make();
		const first = sfbPair(['run', ...ENTERPRISE_PAIR, '--yes', '--lab', '--state-dir', stateDir, '--time-scale', '2000', '--sync-timeout', '1']);
		const [record] = readdirSync(path.join(stateDir, 'records')).filter((name) => name.endsWith('.jsonl'));
		expect(record, first.stdout + first.stderr).toBeDefined();
		const jsonl = path.join(stateDir, 'records', record ?? '');
		const text = readFileSync(jsonl);
		execFileSync('rm', [jsonl]);
		mkdirSync(jsonl);
		const outcome = sfbPair(['run', ...ENTERPRISE_PAIR, '--yes', '--resume', ...lab(stateDir)]);
		expectOneLineRefusal(outcome, 2, /^sfb-pair: cannot use \S+\.jsonl: it is a folder, not a file$/);
		expect(readdirSync(stateDir).filter((name) => name.endsWith('.lock'))).toEqual([]);
		expect(text.length).toBeGreaterThan(0);
	});

	it('a session file linked to another file is kept aside without a byte of that file in the message', () => {
		const stateDir = folders.make();
		const secret = path.join(folders.make(), 'shadow');
		writeFileSync(secret, 'root:$6$secret-hash:19000:0:99999:7:::\n');
		mkdirSync(path.join(stateDir, 'sessions'));
		const session = path.join(stateDir, 'sessions', 'se-dublin.contoso.com--se-redmond.contoso.com.json');
		symlinkSync(secret, session);
		const outcome = sfbPair(['run', ...SE_PAIR, '--yes', ...lab(stateDir)]);
		expect(outcome.status).toBe(2);
		expect(outcome.stdout + outcome.stderr).not.toMatch(/root|secret-hash/);
		expect(outcome.stdout).toMatch(/is a symbolic link, not a file sfb-pair wrote.*kept as \S+\.corrupt-/);
		expect(readFileSync(secret, 'utf8'), 'the file the link pointed at is untouched').toMatch(/^root:/);
	});
});

describe('text that reorders or breaks lines', () => {
	const marks = { LRM: '\u200e', RLM: '\u200f', ALM: '\u061c', LS: '\u2028', PS: '\u2029' };

	it('bidirectional marks and Unicode line separators in a scenario never reach the plain output, and --json escapes them', () => {
		const folder = folders.make();
		const hostile = Object.values(marks).join('x');
		const file = scenarioFile(folder, (scenario) => {
			scenario.name = 'marks';
			scenario.description = `Marks ${hostile}`;
			scenario.sites = [
				{ id: '1', name: `Redmond ${hostile}` },
				{ id: '2', name: 'Dublin' },
			];
			(scenario.pools as { site: string }[])[0]!.site = `Redmond ${hostile}`;
		});
		const args = ['--scenario', file, '--state-dir', path.join(folder, 'state'), '--time-scale', '2000'];
		const pair = ['--pool', 'se-a.contoso.com', '--backup', 'se-b.contoso.com'];
		const pools = sfbPair(['pools', ...args]);
		const json = sfbPair(['pools', '--json', ...args]);
		const run = sfbPair(['run', ...pair, '--yes', ...args]);
		for (const [name, outcome] of Object.entries({ pools, json, run })) {
			expect(outcome.status, `${name}: ${outcome.stderr}`).toBe(0);
			for (const [mark, character] of Object.entries(marks)) expect(outcome.stdout.includes(character), `${name} holds ${mark}`).toBe(false);
		}
		expect(pools.stdout).toContain('Redmond xxx x');
		expect(json.stdout).toContain('\\u200e');
		expect((JSON.parse(json.stdout) as { pools: { site: string }[] }).pools[0]?.site, '--json keeps the data').toBe(`Redmond ${hostile}`);
	});
});

describe('names that differ only in case', () => {
	it('two pools pool01 / POOL01 are refused with a line that says why, exit 2', () => {
		const folder = folders.make();
		const file = scenarioFile(folder, (scenario) => {
			const pools = scenario.pools as { fqdn: string; servers: string[] }[];
			pools[1]!.fqdn = 'SE-A.contoso.com';
			pools[1]!.servers = ['se-c.contoso.com'];
		});
		expectOneLineRefusal(sfbPair(['pools', '--scenario', file, '--state-dir', folder]), 2, /pools\[1\]\.fqdn "SE-A\.contoso\.com" is se-a\.contoso\.com again \(host names ignore case\)/);
	});

	it('one server in two pools under two spellings is refused, exit 2', () => {
		const folder = folders.make();
		const file = scenarioFile(folder, (scenario) => {
			(scenario.pools as { servers: string[] }[])[1]!.servers = ['SE-A.contoso.com'];
		});
		expectOneLineRefusal(sfbPair(['pools', '--scenario', file, '--state-dir', folder]), 2, /pools\[1\]\.servers\[0\] "SE-A\.contoso\.com" is already a server of se-a\.contoso\.com \(as se-a\.contoso\.com: host names ignore case\)/);
	});
});

describe('secrets in server output', () => {
	it('run prints server output with the secrets redacted, as the change record keeps it', () => {
		const folder = folders.make();
		const file = scenarioFile(folder, (scenario) => {
			scenario.faults = [{ type: 'server-output', server: 'se-a.contoso.com', lines: ['connecting with -Password Hunter2 and token=abc123def', 'https://admin:Tr0ub4dor@files.contoso.com/cu'] }];
		});
		const stateDir = path.join(folder, 'state');
		const outcome = sfbPair(['run', '--pool', 'se-a.contoso.com', '--backup', 'se-b.contoso.com', '--yes', '--scenario', file, '--state-dir', stateDir, '--time-scale', '2000']);
		expect(outcome.status, outcome.stderr).toBe(0);
		expect(outcome.stdout).toContain('-Password [REDACTED]');
		for (const secret of ['Hunter2', 'abc123def', 'Tr0ub4dor']) expect(outcome.stdout).not.toContain(secret);
	});
});

describe('a second topology in the same state folder', () => {
	it('each topology gets a farm of its own: loading another one, then the first again, works without deleting anything', () => {
		const stateDir = folders.make();
		const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'topology');
		const fabrikam = path.join(fixtures, 'fabrikam-2019.xml');
		const contoso = path.join(fixtures, 'contoso-two-sites.xml');
		for (const topology of [fabrikam, contoso, fabrikam]) {
			const outcome = sfbPair(['pools', '--topology', topology, '--state-dir', stateDir]);
			expect(outcome.status, outcome.stderr).toBe(0);
			expect(outcome.stderr).toBe('');
		}
		expect(readdirSync(path.join(stateDir, 'lab')).sort()).toEqual([expect.stringMatching(/^topology-contoso-two-sites-[0-9a-f]{6}\.farm\.json$/), expect.stringMatching(/^topology-fabrikam-2019-[0-9a-f]{6}\.farm\.json$/)]);
	});

	it('a scenario file edited since its farm was made: the old farm is set aside and named, and a fresh one starts', () => {
		const folder = folders.make();
		const stateDir = path.join(folder, 'state');
		const file = scenarioFile(folder);
		expect(sfbPair(['pools', '--scenario', file, '--state-dir', stateDir]).status).toBe(0);
		scenarioFile(folder, (scenario) => {
			(scenario.sites as { name: string }[])[1]!.name = 'Dublin 2';
			(scenario.pools as { site: string }[])[1]!.site = 'Dublin 2';
		});
		const outcome = sfbPair(['pools', '--scenario', file, '--state-dir', stateDir]);
		expect(outcome.status, outcome.stderr).toBe(0);
		expect(outcome.stderr).toMatch(/^note: the lab farm was made from another version of scenario "small" .*kept as \S+small\.farm\.replaced-\S+\.json, and a fresh farm starts/);
		expect(outcome.stdout).toContain('Dublin 2');
	});
});
