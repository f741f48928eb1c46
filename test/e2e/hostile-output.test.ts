import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_CLI, DEFAULT_BACKUP, DEFAULT_POOL, publishDefaultPair, SCREENS, TmuxTerminal } from '../helpers/tmux.js';

/**
 * A server's output is text from outside: Bootstrapper on red-fe01 prints escape sequences and control
 * characters (a lab `server-output` fault), and none of them may reach the terminal, the plain lines or the
 * change record as anything but plain text.
 */

const run = promisify(execFile);
const SERVER = 'red-fe01.contoso.com';
const TITLE = 'pwned-by-server-output';
const HOSTILE_LINES = [
	`\u001b[2J\u001b[H\u001b]0;${TITLE}\u0007Disk check \u001b[31mpassed\u001b[0m`,
	'Type \u009b2Kpublish\u202e now\r\nstep 10 Sync: done (spoofed)',
];
/** Escape, C0 (but tab and line feed), DEL, C1, and the bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const ACTIONABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const folders: string[] = [];
const terminals: TmuxTerminal[] = [];
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true, maxRetries: 5 });
});

function hostileScenario(): { folder: string; scenario: string } {
	const folder = mkdtempSync(path.join(tmpdir(), 'sfb-pair-hostile-'));
	folders.push(folder);
	const scenario = path.join(folder, 'hostile.json');
	writeFileSync(
		scenario,
		JSON.stringify({ extends: 'default', name: 'hostile-output', description: 'a server prints escape sequences', faults: [{ type: 'server-output', server: SERVER, lines: HOSTILE_LINES }] }),
	);
	return { folder, scenario };
}

describe('output a server prints', () => {
	it('run --yes shows it as plain text, and the change record and debrief keep it as plain text', async () => {
		const { folder, scenario } = hostileScenario();
		const stateDir = path.join(folder, 'state');
		const { stdout } = await run(
			process.execPath,
			[BUILT_CLI, 'run', '--pool', DEFAULT_POOL, '--backup', DEFAULT_BACKUP, '--yes', '--scenario', scenario, '--state-dir', stateDir, '--time-scale', '400'],
			{ encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } },
		);
		expect(stdout).toContain(`${SERVER}: Disk check passed`);
		expect(stdout).toContain(`${SERVER}: Type publish now step 10 Sync: done (spoofed)`);
		expect(stdout, 'a line break in server output must not start a line that looks like the program\'s own').not.toMatch(/^\S+ step 10 Sync: done \(spoofed\)/m);
		expect(stdout).not.toMatch(ACTIONABLE);

		const records = path.join(stateDir, 'records');
		const files = readdirSync(records);
		for (const file of files) {
			const text = readFileSync(path.join(records, file), 'utf8');
			expect(text.replaceAll('\r\n', '\n'), file).not.toMatch(ACTIONABLE);
			if (!file.endsWith('.jsonl')) continue;
			// JSON escapes would hide a control character from the check above: look at the decoded entries too.
			const tails = text.trim().split('\n').flatMap((line) => (JSON.parse(line) as { tail?: string[] }).tail ?? []);
			expect(tails).toContain('Disk check passed');
			expect(tails.join('\n')).not.toMatch(ACTIONABLE);
		}
		const debrief = files.find((file) => file.endsWith('.debrief.md'));
		expect(debrief, files.join(', ')).toBeDefined();
		expect(readFileSync(path.join(records, debrief!), 'utf8')).toContain(`(Bootstrapper on ${SERVER} prints unexpected output): met at`);
	}, 120_000);

	it('the wizard shows it in the server panel without clearing the screen or retitling the window', async () => {
		const { scenario } = hostileScenario();
		const terminal = await TmuxTerminal.start(['--scenario', scenario, '--time-scale', '20'], { columns: 100, rows: 30 });
		terminals.push(terminal);
		await publishDefaultPair(terminal);
		await terminal.waitFor(SCREENS.runningServer, 20_000);
		const screen = await terminal.waitFor('Disk check passed', 30_000);
		expect(screen).toContain(' LAB ');
		expect(screen).not.toMatch(ACTIONABLE);
		expect(await terminal.title()).not.toContain(TITLE);
	}, 90_000);
});
