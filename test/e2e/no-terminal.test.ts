import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI, requireTmux } from '../helpers/tmux.js';

/**
 * Without a terminal (a pipe, a file, a scheduled task, CI) nothing prompts and nothing draws: the wizard
 * refuses with the command that works instead, and every other command prints plain lines.
 */

const run = promisify(execFile);
const POOL = 'se-redmond.contoso.com';
const BACKUP = 'se-dublin.contoso.com';
/** Anything a terminal acts on: ESC (colour, cursor movement, erasing), carriage return, backspace. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TERMINAL_CONTROL = /[\u001b\r\u0008\u009b]/;
/** ink-spinner's frames (dots, line). */
const SPINNER_FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const STACK_FRAME = /^\s+at\s/m;

const folders: string[] = [];
function temporaryFolder(): string {
	const folder = mkdtempSync(path.join(tmpdir(), 'sfb-pair-no-tty-'));
	folders.push(folder);
	return folder;
}

beforeAll(() => {
	expect(existsSync(BUILT_CLI), `${BUILT_CLI} is missing: run npm run build first`).toBe(true);
});
afterAll(() => {
	for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/**
 * The environment of someone piping the output on a colour-capable machine: no colour preference at all,
 * and not in CI, so that only the missing terminal can be what stops the wizard.
 */
function pipedEnvironment(): NodeJS.ProcessEnv {
	const environment: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
	for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'TMUX']) delete environment[name];
	return environment;
}

function sfbPair(args: string[]) {
	return spawnSync(process.execPath, [BUILT_CLI, ...args], { encoding: 'utf8', timeout: 60_000, input: '', env: pipedEnvironment() });
}

describe('the wizard without a terminal', () => {
	it('with stdin and stdout piped: refuses in one line naming `sfb-pair run … --yes`, exit 2', () => {
		const outcome = sfbPair(['--lab', '--state-dir', temporaryFolder()]);
		expect(outcome.status, outcome.stderr).toBe(2);
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
		const lines = outcome.stderr.trimEnd().split('\n');
		expect(lines, outcome.stderr).toHaveLength(1);
		expect(lines[0]).toMatch(/needs a terminal.*sfb-pair run --pool \S+ --backup \S+ --yes/);
		expect(outcome.stdout).toBe('');
	});

	it('with a keyboard but stdout going to a file: refuses the same way, and the file gets no escape sequence', async () => {
		requireTmux();
		const folder = temporaryFolder();
		const [stdout, stderr, code] = ['stdout.txt', 'stderr.txt', 'code.txt'].map((name) => path.join(folder, name)) as [string, string, string];
		const socket = `sfb-no-tty-${process.pid}-${randomBytes(4).toString('hex')}`;
		const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
		const command = `node ${quote(BUILT_CLI)} --lab --state-dir ${quote(path.join(folder, 'state'))} > ${quote(stdout)} 2> ${quote(stderr)}; echo $? > ${quote(code)}; exec sleep 60`;
		await run('tmux', ['-f', '/dev/null', '-L', socket, 'new-session', '-d', '-s', 'piped', '-x', '80', '-y', '24', command], { env: { ...pipedEnvironment(), SHELL: '/bin/sh' } });
		try {
			const deadline = Date.now() + 15_000;
			while (!existsSync(code) || readFileSync(code, 'utf8') === '') {
				if (Date.now() > deadline) throw new Error(`the wizard did not end within 15 s; stderr so far: ${existsSync(stderr) ? readFileSync(stderr, 'utf8') : ''}`);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			expect(readFileSync(code, 'utf8').trim()).toBe('2');
			expect(readFileSync(stderr, 'utf8')).toMatch(/^sfb-pair: .*needs a terminal.*sfb-pair run --pool \S+ --backup \S+ --yes\n$/);
			expect(readFileSync(stdout, 'utf8')).not.toMatch(TERMINAL_CONTROL);
		} finally {
			const socketPath = (await run('tmux', ['-L', socket, 'display-message', '-p', '#{socket_path}']).catch(() => ({ stdout: '' }))).stdout.trim();
			await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
			if (socketPath) rmSync(socketPath, { force: true });
		}
	}, 30_000);
});

describe('every command with its output piped', () => {
	it.each([
		['pools', ['pools']],
		['pools --json', ['pools', '--json']],
		['plan', ['plan', '--pool', POOL, '--backup', BACKUP]],
		['run', ['run', '--pool', POOL, '--backup', BACKUP, '--yes', '--time-scale', '2000']],
		['status', ['status', '--pool', POOL]],
		['drill', ['drill', '--pool', 'pool-redmond-b.contoso.com', '--yes', '--drill', '--time-scale', '5000']],
		['scenarios', ['scenarios']],
	])('%s prints plain lines: no colour, no cursor movement, no spinner', (_label, args) => {
		const farm = args[0] === 'scenarios' ? [] : ['--lab', '--state-dir', temporaryFolder()];
		const outcome = sfbPair([...args, ...farm]);
		// status says 3 for a pool not paired yet: there is work to do.
		expect(outcome.status, outcome.stderr).toBe(args[0] === 'status' ? 3 : 0);
		expect(outcome.stdout.length).toBeGreaterThan(0);
		for (const [stream, text] of [
			['stdout', outcome.stdout],
			['stderr', outcome.stderr],
		] as const) {
			expect(text, stream).not.toMatch(TERMINAL_CONTROL);
			expect(text, stream).not.toMatch(SPINNER_FRAME);
		}
	});

	it('run prints every line with a timestamp, as it happens, and ends with the change record', () => {
		const outcome = sfbPair(['run', '--pool', POOL, '--backup', BACKUP, '--yes', '--time-scale', '2000', '--lab', '--state-dir', temporaryFolder()]);
		expect(outcome.status, outcome.stderr).toBe(0);
		const lines = outcome.stdout.trimEnd().split('\n');
		const stamped = lines.filter((line) => /^\d\d:\d\d:\d\d /.test(line));
		expect(stamped.length, outcome.stdout).toBeGreaterThan(lines.length / 2);
		expect(lines.at(-2) ?? '', outcome.stdout).toMatch(/^change record: \S+\.md$/);
	});

	it("run ends with Ansible's recap per server and each server's phases over time", () => {
		const outcome = sfbPair(['run', '--pool', POOL, '--backup', BACKUP, '--yes', '--time-scale', '2000', '--lab', '--state-dir', temporaryFolder()]);
		expect(outcome.status, outcome.stderr).toBe(0);
		expect(outcome.stdout).toContain(
			[
				'recap:',
				'  Management Shell       : ok=1  changed=1  failed=0  skipped=0  retried=0',
				'  se-redmond.contoso.com : ok=0  changed=3  failed=0  skipped=0  retried=0',
				'  se-dublin.contoso.com  : ok=0  changed=3  failed=0  skipped=0  retried=0',
			].join('\n'),
		);
		expect(outcome.stdout).toMatch(/^ {2}se-redmond {2}\.*B+\.*C+\.*S+\.*$/m);
		expect(outcome.stdout).toMatch(/^ {2}se-dublin {3}\.*B+\.*C+\.*S+\.*$/m);
		expect(outcome.stdout).toMatch(/^timeline, \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC, 1 character is about \d+ ms \(B Bootstrapper · C CU · S LYNCBACKUP · x failed\):$/m);
	});
});
