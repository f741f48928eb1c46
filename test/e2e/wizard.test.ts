import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI, checkpointShowsBootstrapperRunning, choosePairWithDefaults, DEFAULT_BACKUP, DEFAULT_POOL, leaveAfterPairing, PROJECT_ROOT, publish, requireTmux, SCREENS, temporaryStateDir, TmuxTerminal, type TerminalOptions } from '../helpers/tmux.js';

/** Fast enough for the suite, slow enough that every panel is on screen for a while. */
const FAST = '400';
/** For runs where no panel has to be caught on screen. */
const FASTEST = '1000';
/** Slow enough to act while Bootstrapper is still running (150 s a server: 1.5 s here). */
const SLOW = '100';
const POOL = DEFAULT_POOL;
const BACKUP = DEFAULT_BACKUP;
const PAIR_SERVERS = ['red-fe01', 'red-fe02', 'red-fe03', 'dub-fe01', 'dub-fe02', 'dub-fe03'].map((name) => `${name}.contoso.com`);

const HEADER_WITH_PAIR = new RegExp(`^ LAB  ${POOL} ↔ ${BACKUP}\\s+\\? keys  q quit$`, 'm');
const RUNNING_SERVER = SCREENS.runningServer;
const PUBLISH_PROMPT = SCREENS.publishPrompt;
const POOL_PICKER = SCREENS.poolPicker;
const BACKUP_PICKER = SCREENS.backupPicker;
const VOICE_FORM = SCREENS.voiceForm;

interface FarmFile {
	pairingWrites: number;
	pairings: Record<string, { backup: string }>;
	servers: Record<string, { bootstrapper: { state: string } }>;
}

const readFarm = (stateDir: string): FarmFile => JSON.parse(readFileSync(path.join(stateDir, 'lab', 'default.farm.json'), 'utf8')) as FarmFile;

/** The Markdown of the one change record (kept beside its JSON Lines twin). */
function changeRecord(stateDir: string): string {
	const dir = path.join(stateDir, 'records');
	const names = readdirSync(dir);
	const records = names.filter((name) => name.endsWith('.md') && names.includes(name.replace(/\.md$/, '.jsonl')));
	expect(records, `the records folder holds ${names.join(', ')}`).toHaveLength(1);
	return path.join(dir, records[0] ?? '');
}

const terminals: TmuxTerminal[] = [];
const stateDirs: string[] = [];

async function startWizard(args: string[], options: TerminalOptions = {}): Promise<TmuxTerminal> {
	const terminal = await TmuxTerminal.start(['--lab', ...args], options);
	terminals.push(terminal);
	return terminal;
}

/** A state folder several wizards share in one test. */
function sharedStateDir(): string {
	const dir = temporaryStateDir();
	stateDirs.push(dir);
	return dir;
}

beforeAll(() => requireTmux());

afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
	for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

/** The line of a picker the pointer is on (inside a bordered box too). */
const focusedLine = (screen: string) =>
	screen
		.split('\n')
		.map((line) => line.replace(/^│ /, ''))
		.find((line) => line.startsWith('❯')) ?? '';



/** Moves the pointer down to the option containing `label`, waiting for the screen to show each step. */
async function pointAt(terminal: TmuxTerminal, label: string): Promise<void> {
	for (let step = 0; step < 5 && !focusedLine(await terminal.screen()).includes(label); step++) {
		const before = focusedLine(await terminal.screen());
		await terminal.keys('Down');
		await terminal.waitFor((screen: string) => focusedLine(screen) !== before);
	}
	expect(focusedLine(await terminal.screen())).toContain(label);
}

/** `sfb-pair run --yes` on the default pair, as a second operator would start it beside the wizard. */
function runBeside(stateDir: string, ...extra: string[]): Promise<{ code: number | null; stderr: string }> {
	return new Promise((resolve) => {
		const child = execFile(
			'node',
			[BUILT_CLI, 'run', '--lab', '--state-dir', stateDir, '--pool', POOL, '--backup', BACKUP, '--yes', ...extra],
			{ cwd: PROJECT_ROOT, env: { ...process.env, FORCE_COLOR: '0' }, timeout: 20_000 },
			(_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
		);
	});
}

describe.sequential('the wizard in a real terminal', () => {
	it('pairs two pools from the pool picker to a steady sync, with the header always on screen', async () => {
		const terminal = await startWizard(['--time-scale', FAST]);

		const picker = await terminal.waitFor(POOL_PICKER);
		expect(picker).toContain('(4 Front End pools are not yet paired)');
		for (const pool of [POOL, BACKUP, 'se-redmond.contoso.com', 'se-dublin.contoso.com']) expect(picker).toContain(pool);
		expect(picker).not.toContain('pool-redmond-b.contoso.com');
		expect(picker).not.toContain('pool-dublin-b.contoso.com');
		expect(focusedLine(picker)).toContain(POOL);

		await terminal.keys('Enter');
		const backups = await terminal.waitFor(BACKUP_PICKER);
		expect(focusedLine(backups)).toContain(BACKUP);
		expect(backups).toMatch(/✗ se-redmond\.contoso\.com/);
		await terminal.keys('Enter');

		await terminal.waitFor(VOICE_FORM);
		await terminal.keys('Enter');
		const plan = await terminal.waitFor(PUBLISH_PROMPT);
		expect(plan).toMatch(new RegExp(`~ ${POOL} +backed up by ${BACKUP}`));
		expect(plan).toMatch(new RegExp(`~ ${BACKUP} +backed up by ${POOL}`));

		await terminal.keys('Enter');
		expect(await terminal.waitFor('Not published')).toContain('only the word publish, in lower case, confirms');
		expect(readFarm(terminal.stateDir).pairings[POOL]).toBeUndefined();

		await publish(terminal);
		const bootstrapper = await terminal.screensUntil('Run the update installer on all 6 servers now', 20_000);
		const panels = bootstrapper.filter((screen) => screen.includes('Step 8 · Bootstrapper'));
		expect(panels.some((screen) => RUNNING_SERVER.test(screen)), `no server shown running among:\n${panels.join('\n---\n')}`).toBe(true);
		for (const screen of panels) expect(screen).toMatch(HEADER_WITH_PAIR);
		expect(readFarm(terminal.stateDir).pairings[POOL]?.backup).toBe(BACKUP);

		await terminal.keys('Enter');
		// The what-next choice comes below the whole summary, which may scroll up into the scrollback.
		const rest = await terminal.screensUntil(SCREENS.whatNext, 30_000);
		const sync = rest.filter((screen) => screen.includes('Step 10 · Sync') && !screen.includes('Done:'));
		expect(
			sync.some((screen) => screen.includes(`${POOL} → ${BACKUP}:`) && screen.includes(`${BACKUP} → ${POOL}:`)),
			`no sync panels with both directions among:\n${sync.join('\n---\n')}`,
		).toBe(true);
		for (const screen of rest.filter((each) => !each.includes(SCREENS.whatNext))) expect(screen).toMatch(HEADER_WITH_PAIR);

		await leaveAfterPairing(terminal);
		expect(await terminal.exitCode()).toBe(0);
		const log = await terminal.history();
		expect(log).toContain(`Done: ${POOL} and ${BACKUP} are paired`);
		for (const server of PAIR_SERVERS) expect(log).toContain(`${server}: LYNCBACKUP succeeded`);
	}, 90_000);

	it('shows a failed Bootstrapper with its exit code and last line, and a retry finishes the run', async () => {
		const terminal = await startWizard(['--scenario', 'bootstrap-failure', '--time-scale', FASTEST]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);

		const failure = await terminal.waitFor('Bootstrapper failed on dub-fe02.contoso.com', 20_000);
		expect(failure).toMatch(/dub-fe02\.contoso\.com pool-dublin FAILED .*exit 1603/);
		expect(failure, 'the prompt shows the exit code and the last line of the output').toMatch(
			/Bootstrapper exited with 1603: (Error: An error occurred|Bootstrapper\.exe exited with 1603)/,
		);
		expect(focusedLine(failure)).toContain('Retry dub-fe02.contoso.com');

		await terminal.keys('Enter');
		await terminal.waitFor('Run the update installer', 20_000);
		await terminal.keys('Enter');
		await leaveAfterPairing(terminal);
		expect(await terminal.exitCode()).toBe(0);
		expect(await terminal.history()).toContain('dub-fe02.contoso.com: Bootstrapper succeeded (exit 0)');

		const summary = await terminal.history();
		expect(summary, "Ansible's recap, each server's phases beside it").toMatch(/^ +ok changed failed skipped retried {2}from \d\d:\d\d:\d\d UTC$/m);
		expect(summary).toMatch(/^Management Shell +1 +1 +0 +0 +0$/m);
		expect(summary).toMatch(/^dub-fe02 +0 +3 +0 +0 +1 {2}·*B+·*C+·*S+·*$/m);
		for (const server of PAIR_SERVERS.filter((fqdn) => !fqdn.startsWith('dub-fe02'))) {
			expect(summary).toMatch(new RegExp(`^${server.split('.')[0]} +0 +3 +0 +0 +0 {2}·*B+·*C+·*S+·*$`, 'm'));
		}
		expect(summary).toMatch(/^B Bootstrapper · C CU · S LYNCBACKUP · x failed · 1 character is about \d+ ms$/m);
	}, 90_000);

	it('skips a failed server with a reason that the summary and the change record keep', async () => {
		const reason = 'disk full, ticket CHG-1234';
		const terminal = await startWizard(['--scenario', 'bootstrap-failure', '--time-scale', FASTEST]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);

		await terminal.waitFor('Bootstrapper failed on dub-fe02.contoso.com', 20_000);
		await pointAt(terminal, 'Skip dub-fe02.contoso.com');
		await terminal.keys('Enter');
		await terminal.waitFor('Why skip dub-fe02.contoso.com?');
		await terminal.type(reason);
		await terminal.keys('Enter');

		await terminal.waitFor('Run the update installer', 20_000);
		await terminal.keys('Enter');
		const next = await terminal.waitFor(/ok changed failed skipped retried|failed on dub-fe02|has not reached steady state/, 30_000);
		expect(next, 'a server skipped at Bootstrapper is run again in the later steps').not.toContain('failed on dub-fe02');
		if (next.includes('has not reached steady state')) {
			await pointAt(terminal, 'Stop here');
			await terminal.keys('Enter');
		}
		const summary = await terminal.waitFor('ok changed failed skipped retried', 30_000);
		expect(summary, 'skipped at Bootstrapper, and so at the CU and the service start').toMatch(/^dub-fe02 +0 +0 +0 +3 +0\b/m);

		const record = readFileSync(changeRecord(terminal.stateDir), 'utf8');
		expect(record).toContain('dub-fe02.contoso.com');
		expect(record).toContain(reason);
	}, 90_000);

	it('shows the keys on ?, closes them on any key, and Esc on the backup picker goes back to the pool picker', async () => {
		const terminal = await startWizard(['--time-scale', FAST]);
		await terminal.waitFor(POOL_PICKER);

		await terminal.keys('?');
		const help = await terminal.waitFor('this help (any key closes it)');
		expect(help).toContain('Keys');
		expect(help).not.toContain(POOL_PICKER);
		await terminal.keys('x');
		expect(await terminal.waitFor(POOL_PICKER)).not.toContain('this help');

		await terminal.keys('Enter');
		await terminal.waitFor(BACKUP_PICKER);
		await terminal.keys('Escape');
		const back = await terminal.waitFor((screen: string) => !screen.includes(BACKUP_PICKER) && screen.includes(POOL_PICKER));
		expect(focusedLine(back)).toContain(POOL);
		await terminal.keys('Enter');
		await terminal.waitFor(BACKUP_PICKER);
	}, 60_000);

	it('applies keys typed ahead in order: Down and Enter at once choose the second pool', async () => {
		const terminal = await startWizard(['--time-scale', FAST]);
		await terminal.waitFor(POOL_PICKER);
		await terminal.keysTogether('Down', 'Enter');
		expect(await terminal.waitFor('Which pool will back up')).toContain(`Which pool will back up ${BACKUP}?`);
	}, 60_000);

	it('leaves on q then y with exit code 3, and the next start offers to resume where it was', async () => {
		const stateDir = sharedStateDir();
		const first = await startWizard(['--time-scale', FAST], { stateDir });
		await first.waitFor(POOL_PICKER);
		await first.keys('Enter');
		await first.waitFor(BACKUP_PICKER);
		await first.keys('Enter');
		await first.waitFor(VOICE_FORM);
		await first.keys('q');
		await first.waitFor('Leave now?');
		await first.keys('y');
		expect(await first.exitCode()).toBe(3);

		const second = await startWizard(['--time-scale', FAST], { stateDir });
		const offer = await second.waitFor('An unfinished session was found');
		expect(focusedLine(offer)).toContain(`Resume ${POOL} ↔ ${BACKUP}: step 5`);
		await second.keys('Enter');
		const resumed = await second.waitFor(new RegExp(`${VOICE_FORM}|${POOL_PICKER.replace('?', '\\?')}`));
		expect(resumed, 'resuming at step 5 starts over at the pool picker').toContain(VOICE_FORM);
	}, 60_000);

	it('stops on Ctrl+C during Bootstrapper with exit code 130', async () => {
		const terminal = await startWizard(['--time-scale', SLOW]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);
		await terminal.waitFor(RUNNING_SERVER, 20_000);
		await terminal.keys('C-c');
		expect(await terminal.exitCode()).toBe(130);
	}, 60_000);

	it('resumes a wizard killed in the middle of Bootstrapper and writes the pairing only once', async () => {
		const stateDir = sharedStateDir();
		const first = await startWizard(['--time-scale', SLOW], { stateDir });
		await choosePairWithDefaults(first);
		await publish(first);
		await first.waitFor(RUNNING_SERVER, 20_000);
		await checkpointShowsBootstrapperRunning(stateDir);
		await first.kill('SIGKILL');
		expect(await first.exitCode()).toBe(137);

		const second = await startWizard(['--time-scale', FASTEST], { stateDir });
		const offer = await second.waitFor('An unfinished session was found');
		expect(focusedLine(offer)).toContain(`Resume ${POOL} ↔ ${BACKUP}: step 8 Bootstrap`);
		expect(offer).toMatch(/Bootstrapper [0-5]\/6, LYNCBACKUP 0\/6/);
		await second.keys('Enter');
		await second.waitFor('Run the update installer', 30_000);
		await second.keys('Enter');
		await leaveAfterPairing(second);
		expect(await second.exitCode()).toBe(0);

		const farm = readFarm(stateDir);
		expect(farm.pairingWrites).toBe(1);
		for (const server of PAIR_SERVERS) expect(farm.servers[server]?.bootstrapper.state, server).toBe('done');
	}, 90_000);

	it('refuses a second run on the pair a wizard is working on, naming the holder and leaving its session alone', async () => {
		const stateDir = sharedStateDir();
		const wizard = await startWizard(['--time-scale', '5'], { stateDir });
		await choosePairWithDefaults(wizard);
		await publish(wizard);
		await wizard.waitFor(RUNNING_SERVER, 20_000);
		const holder = `pid ${await wizard.nodePid()} on ${hostname()}`;
		// A checkpoint being written is a `.tmp` beside the session for a moment: not a session of its own.
		const sessionFiles = () => readdirSync(path.join(stateDir, 'sessions')).filter((name) => !name.endsWith('.tmp'));
		const sessions = sessionFiles();

		const plain = await runBeside(stateDir);
		expect.soft(plain.code).toBe(2);
		expect.soft(plain.stderr).toContain(holder);

		const fresh = await runBeside(stateDir, '--fresh');
		expect.soft(fresh.code).toBe(2);
		expect.soft(fresh.stderr).toContain(holder);
		expect.soft(sessionFiles(), 'the running wizard’s session was archived').toEqual(sessions);

		await wizard.waitFor(RUNNING_SERVER);
	}, 60_000);

	/** Wide enough (200) the sync directions go side by side, and that is checked too. */
	describe.each([
		{ columns: 60, rows: 24 },
		{ columns: 200, rows: 60 },
	])('at $columns×$rows', ({ columns, rows }) => {
		/** The header on one line (the farm's description right under it) and nothing left of an escape sequence. */
		const expectClean = (screen: string) => {
			const lines = screen.split('\n');
			const header = lines.findIndex((line) => line.startsWith(' LAB '));
			expect(header, screen).toBeGreaterThanOrEqual(0);
			expect(lines[header], screen).toContain('? keys');
			expect(lines[header + 1], screen).toMatch(/^LAB · scenario default/);
			expect(screen.includes(String.fromCharCode(0x1b)), screen).toBe(false);
			expect(screen, screen).not.toMatch(/\[\d+(;\d+)*m|\uFFFD/);
		};

		it('renders the pool picker and the panels cleanly, in colour', async () => {
			const terminal = await startWizard(['--time-scale', FAST], { columns, rows, colors: true });
			expectClean(await terminal.waitFor(POOL_PICKER));
			await choosePairWithDefaults(terminal);
			await publish(terminal);
			const bootstrapper = await terminal.screensUntil('Run the update installer', 20_000);
			const panels = bootstrapper.filter((screen) => RUNNING_SERVER.test(screen));
			expect(panels.length).toBeGreaterThan(0);
			for (const screen of panels) expectClean(screen);
			if (columns < 100) return;

			await terminal.keys('Enter');
			const rest = await terminal.screensUntil('Done:', 30_000);
			const sync = rest.filter((screen) => screen.includes(`${POOL} → ${BACKUP}:`));
			expect(sync.length).toBeGreaterThan(0);
			for (const screen of sync) expectClean(screen);
			const sideBySide = new RegExp(`${POOL} → ${BACKUP}:.*${BACKUP} → ${POOL}:`);
			expect(sync.some((screen) => sideBySide.test(screen)), 'the two directions side by side').toBe(true);
		}, 60_000);
	});
});
