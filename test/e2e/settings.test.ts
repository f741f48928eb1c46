import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readChangeRecord } from '../../source/session/change-record.js';
import { findSessions } from '../../source/session/session-files.js';
import { CLI, expectOneLineRefusal, sfbPair } from '../helpers/cli.js';
import { temporaryFolders } from '../helpers/folders.js';
import { publishDefaultPair, SCREENS, TmuxTerminal } from '../helpers/tmux.js';

/**
 * Settings from the operator's side: `sfb-pair config`, a settings file changing what a command does, the
 * order flag > environment variable > setting > default, a damaged file, and the cancel semantics with a
 * settings file present (conf, which hooks signals when imported, must not be loaded by the procedure).
 */

const folders = temporaryFolders('sfb-pair-settings-');
afterAll(() => folders.removeAll());
const terminals: TmuxTerminal[] = [];
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
});

/** A config folder of its own (the settings file lives in the OS config folder: XDG_CONFIG_HOME here). */
function configHome(settings?: Record<string, unknown>): { env: NodeJS.ProcessEnv; file: string } {
	const home = folders.make();
	const file = path.join(home, 'sfb-pair', 'settings.json');
	if (settings) {
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, JSON.stringify({ format: 1, ...settings }));
	}
	return { env: { XDG_CONFIG_HOME: home, SFB_PAIR_STATE_DIR: '' }, file };
}

const SE_PAIR = ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com'];

describe('sfb-pair config', () => {
	it('set, get, list, unset and path, with the file private in the OS config folder', () => {
		const { env, file } = configHome();
		expect(sfbPair(['config', 'path'], env).stdout).toBe(`${file}\n`);
		expect(sfbPair(['config', 'set', 'sync-poll', '2m'], env)).toMatchObject({ status: 0, stdout: 'sync-poll = 2m\n' });
		expect(sfbPair(['config', 'set', 'explain', 'on'], env).status).toBe(0);
		expect(sfbPair(['config', 'get', 'sync-poll'], env).stdout).toBe('2m\n');
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 1, 'sync-poll': 120, explain: true });
		const list = sfbPair(['config', 'list'], env).stdout;
		expect(list).toMatch(/^sync-poll +2m +\(settings file\)$/m);
		expect(list).toMatch(/^parallel +1 +\(default\)$/m);
		expect(sfbPair(['config', 'unset', 'sync-poll'], env).stdout).toBe('sync-poll unset (default: 30 s)\n');
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 1, explain: true });
	});

	it.each([
		[['config', 'set', 'parallel', '100'], /^sfb-pair: parallel: must be from 1 to 64, not 100$/],
		[['config', 'set', 'sync-timeout', '600000h'], /^sfb-pair: sync-timeout: must be from 1 s to 24h/],
		[['config', 'set', 'state-dir', 'relative/folder'], /^sfb-pair: state-dir: "relative\/folder" is not an absolute path/],
		[['config', 'set', 'colour', 'teal'], /^sfb-pair: "colour" is not a setting; the settings are: state-dir, /],
		[['config', 'get', 'colour'], /^sfb-pair: "colour" is not a setting/],
	])('%j is refused in one line, exit 2, and the file is not written', (args, reason) => {
		const { env, file } = configHome();
		expectOneLineRefusal(sfbPair(args, env), 2, reason);
		expect(existsSync(file)).toBe(false);
	});
});

describe('settings change what the commands do; a variable beats a setting, a flag beats both', () => {
	it('state-dir: the farm goes where the setting says, unless SFB_PAIR_STATE_DIR or --state-dir says otherwise', () => {
		const [fromSetting, fromVariable, fromFlag] = [folders.make(), folders.make(), folders.make()];
		const { env } = configHome({ 'state-dir': fromSetting });
		expect(sfbPair(['pools', '--lab'], env).status).toBe(0);
		expect(sfbPair(['pools', '--lab'], { ...env, SFB_PAIR_STATE_DIR: fromVariable }).status).toBe(0);
		expect(sfbPair(['pools', '--lab', '--state-dir', fromFlag], { ...env, SFB_PAIR_STATE_DIR: fromVariable }).status).toBe(0);
		for (const folder of [fromSetting, fromVariable, fromFlag]) expect(readdirSync(path.join(folder, 'lab'))).toEqual(['default.farm.json']);
	});

	it('automatic-failover and the intervals: the plan uses the settings, and the flags beat them', () => {
		const stateDir = folders.make();
		const { env } = configHome({ 'automatic-failover': false, 'failover-interval': 600, 'failback-interval': 1200 });
		const plan = (...flags: string[]) => (JSON.parse(sfbPair(['plan', ...SE_PAIR, '--json', '--lab', '--state-dir', stateDir, ...flags], env).stdout) as { voice: unknown }).voice;
		expect(plan()).toEqual({ automaticFailover: false, failoverSeconds: 600, failbackSeconds: 1200 });
		expect(plan('--automatic-failover', '--failover-interval', '120')).toEqual({ automaticFailover: true, failoverSeconds: 120, failbackSeconds: 1200 });
	});

	it('explain and sync-timeout: run explains and gives up waiting as set, and --no-explain and --sync-timeout beat them', () => {
		const { env } = configHome({ explain: true, 'sync-timeout': 1 });
		const run = (...flags: string[]) => sfbPair(['run', ...SE_PAIR, '--yes', '--lab', '--state-dir', folders.make(), '--time-scale', '2000', ...flags], env);
		const set = run();
		expect(set.status, set.stderr).toBe(3);
		expect(set.stdout).toMatch(/ why: /);
		expect(set.stdout).toMatch(/not reached steady state in time/);
		const beaten = run('--no-explain', '--sync-timeout', '30m');
		expect(beaten.status, beaten.stderr).toBe(0);
		expect(beaten.stdout).not.toMatch(/ why: /);
	});

	it('powershell: --live uses the PowerShell the setting names', () => {
		const { env } = configHome({ powershell: '/nonexistent/from-settings/pwsh' });
		const outcome = sfbPair(['pools', '--live', '--state-dir', folders.make()], env);
		expect(outcome.status).not.toBe(0);
		expect(outcome.stderr).toContain('/nonexistent/from-settings/pwsh');
	});

	it('a damaged settings file: kept aside and named on stderr, and the command runs with the defaults', () => {
		const { env, file } = configHome();
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, '{ "parallel": 4, ');
		const outcome = sfbPair(['pools', '--lab', '--state-dir', folders.make()], env);
		expect(outcome.status, outcome.stderr).toBe(0);
		expect(outcome.stderr).toMatch(/^sfb-pair: note: the settings file \S+settings\.json is not valid \(it is not valid JSON.*\): it is kept as \S+settings\.corrupt-\S+\.json, and sfb-pair starts with the default settings\n$/);
		expect(readdirSync(path.dirname(file))).toEqual([expect.stringMatching(/^settings\.corrupt-.+\.json$/)]);
	});

	it('--help says which values the settings and the environment changed, and from where', () => {
		const { env, file } = configHome({ parallel: 4 });
		const help = (args: string[], extra: NodeJS.ProcessEnv = {}) => sfbPair(args, { ...env, ...extra }).stdout.replace(/\s+/g, ' ');
		expect(help(['run', '--help'])).toMatch(/--parallel <n\|domain> servers at once .* \[now 4, from the settings file /);
		expect(help(['run', '--help'])).toContain(file);
		expect(help(['--help'], { SFB_PAIR_STATE_DIR: '/srv/sfb' })).toMatch(/--state-dir <dir> where .* \[now \/srv\/sfb, from SFB_PAIR_STATE_DIR\]/);
	});
});

describe('the wizard with settings', () => {
	it("the header says which values are not the default and where they came from; ascii draws no Unicode", async () => {
		const { env } = configHome({ parallel: 4, ascii: true });
		const terminal = await TmuxTerminal.start(['--lab', '--sync-poll', '10'], { env: env as Record<string, string> });
		terminals.push(terminal);
		const screen = await terminal.waitFor(SCREENS.poolPicker);
		expect(screen).toMatch(/not the default: parallel 4 \(settings file\), ascii on \(settings file\)/);
		expect(screen).not.toMatch(/[^\n\u0020-\u007e]/);
	});
});

describe('signals with a settings file present', () => {
	/** `run` with a settings file; `signal` once Bootstrapper has started. */
	function signalledRun(stateDir: string, env: NodeJS.ProcessEnv, signal: NodeJS.Signals): Promise<number | null> {
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [CLI, 'run', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-dublin.contoso.com', '--yes', '--lab', '--state-dir', stateDir, '--time-scale', '100'], {
				stdio: ['ignore', 'pipe', 'pipe'],
				env: { ...process.env, ...env },
			});
			let sent = false;
			createInterface({ input: child.stdout }).on('line', (line) => {
				if (!sent && /Bootstrapper started/.test(line)) sent = child.kill(signal);
			});
			child.on('error', reject);
			child.on('close', (code) => resolve(code));
		});
	}

	function expectCancelledAndResumable(stateDir: string): void {
		expect(readdirSync(stateDir).filter((name) => name.endsWith('.lock')), 'the pair is not left locked').toEqual([]);
		expect(findSessions(stateDir).unfinished, 'the session is resumable').toHaveLength(1);
		const [record] = readdirSync(path.join(stateDir, 'records')).filter((name) => name.endsWith('.jsonl'));
		const entries = readChangeRecord(path.join(stateDir, 'records', record ?? ''));
		expect(entries.some((entry) => entry.type === 'ended' && entry.outcome === 'cancelled'), 'the record says it was cancelled').toBe(true);
	}

	it.each(['SIGTERM', 'SIGHUP'] as const)('run receiving %s exits 130, resumable, with the record entry', async (signal) => {
		const { env } = configHome({ parallel: 2, 'service-settle': 5 });
		const stateDir = folders.make();
		expect(await signalledRun(stateDir, env, signal)).toBe(130);
		expectCancelledAndResumable(stateDir);
	}, 60_000);

	it.each(['SIGTERM', 'SIGHUP'] as const)('the wizard receiving %s exits 130, resumable, with the record entry', async (signal) => {
		const { env } = configHome({ parallel: 2, 'service-settle': 5 });
		const terminal = await TmuxTerminal.start(['--lab', '--time-scale', '100'], { env: env as Record<string, string> });
		terminals.push(terminal);
		await publishDefaultPair(terminal);
		await terminal.waitFor(SCREENS.runningServer, 20_000);
		await terminal.kill(signal);
		expect(await terminal.exitCode(30_000)).toBe(130);
		expectCancelledAndResumable(terminal.stateDir);
	}, 60_000);
});
