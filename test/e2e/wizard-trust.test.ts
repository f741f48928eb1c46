import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkpointShowsBootstrapperRunning, choosePairWithDefaults, DEFAULT_BACKUP, DEFAULT_POOL, publish, requireTmux, SCREENS, temporaryStateDir, TmuxTerminal, type TerminalOptions } from '../helpers/tmux.js';

/**
 * Issue 15, "The wizard an admin trusts at first sight": each numbered item and each new view, driven in a real
 * terminal at 80×24 (60 columns where that is the point), as an operator meets them.
 */

const POOL = DEFAULT_POOL;
const BACKUP = DEFAULT_BACKUP;
const FAST = '400';
const FASTEST = '1000';
const SLOW = '60';

const terminals: TmuxTerminal[] = [];
const folders: string[] = [];

async function wizard(args: string[], options: TerminalOptions = {}): Promise<TmuxTerminal> {
	const terminal = await TmuxTerminal.start(args, options);
	terminals.push(terminal);
	return terminal;
}

function sharedStateDir(): string {
	const dir = temporaryStateDir();
	folders.push(dir);
	return dir;
}

beforeAll(() => requireTmux());
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true, maxRetries: 5 });
});

/** The line of a picker the pointer is on. */
const focusedLine = (screen: string) =>
	screen
		.split('\n')
		.map((line) => line.replace(/^│ /, ''))
		.find((line) => line.startsWith('❯')) ?? '';

const lines = (screen: string) => screen.split('\n').map((line) => line.trimEnd());

/** Every record of the session, Markdown, read together. */
function records(stateDir: string): string {
	const dir = path.join(stateDir, 'records');
	return readdirSync(dir)
		.filter((name) => name.endsWith('.md'))
		.map((name) => readFileSync(path.join(dir, name), 'utf8'))
		.join('\n');
}

describe.sequential('issue 15: the wizard an admin trusts', () => {
	it('1, 12: Back from the publish screen goes to Voice, then to the backup and pool pickers, each focused on the choice made', async () => {
		const terminal = await wizard(['--lab', '--time-scale', FAST]);
		await terminal.waitFor(SCREENS.poolPicker);
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.backupPicker);
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.voiceForm);
		await terminal.keys('Down', 'Down');
		await terminal.waitFor((screen) => focusedLine(screen).includes('Off'));
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.publishPrompt);

		await terminal.keys('Escape');
		const voice = await terminal.waitFor((screen) => screen.includes(SCREENS.voiceForm) && !SCREENS.publishPrompt.test(screen));
		expect(focusedLine(voice), 'Voice comes back on the choice made, so Enter does not flip it').toContain('Off');
		await terminal.keys('Escape');
		const backup = await terminal.waitFor(SCREENS.backupPicker);
		expect(focusedLine(backup)).toContain(BACKUP);
		await terminal.keys('Escape');
		const pool = await terminal.waitFor((screen) => screen.includes(SCREENS.poolPicker) && !screen.includes(SCREENS.backupPicker));
		expect(focusedLine(pool)).toContain(POOL);

		// Forward again: the same choices stand; nothing was written, and going back is not a decision in the record.
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.backupPicker);
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.voiceForm);
		await terminal.keys('Enter');
		expect(await terminal.waitFor(SCREENS.publishPrompt)).toContain('Voice automatic failover: off');
		const jsonl = readdirSync(path.join(terminal.stateDir, 'records'))
			.filter((name) => name.endsWith('.jsonl'))
			.map((name) => readFileSync(path.join(terminal.stateDir, 'records', name), 'utf8'))
			.join('');
		expect(jsonl, 'going back from the plan is no decision to publish').not.toContain('"what":"publish the pairing"');
	}, 60_000);

	it('2: Down onto a refused pool shows its whole reason under the list, and the list stays intact', async () => {
		const terminal = await wizard(['--lab', '--time-scale', FAST]);
		await terminal.waitFor(SCREENS.poolPicker);
		await terminal.keys('Enter');
		const before = lines(await terminal.waitFor(SCREENS.backupPicker));
		const rows = before.filter((line) => /^[❯ ] [✗ ] \S+\.contoso\.com/.test(line)).map((line) => line.slice(2));
		expect(rows).toHaveLength(3);
		await terminal.keys('Down');
		const refused = await terminal.waitFor(/refused: pool-redmond/i);
		expect(refused.replace(/\s+/g, ' ')).toMatch(
			/refused: pool-redmond\.contoso\.com is an Enterprise Edition pool and se-redmond\.contoso\.com is a Standard Edition server/i,
		);
		expect(refused.replace(/\s+/g, ' ')).toContain('both pools must run the same base operating system');
		await terminal.keys('Down');
		await terminal.waitFor((screen) => focusedLine(screen).includes('se-dublin'));
		await terminal.keys('Up', 'Up');
		const after = lines(await terminal.waitFor((screen) => focusedLine(screen).includes(BACKUP) && !screen.includes('Refused:')));
		for (const row of rows) expect(after.map((line) => line.slice(2)), 'each row is drawn whole, nothing left over it').toContain(row);
		expect(after.filter((line) => /contoso\.com/.test(line) && !/^[❯ ] [✗ ] /.test(line) && !line.startsWith('Which pool') && !line.startsWith(' LAB') && !/^(step|pair)/.test(line))).toEqual([]);
		expect(after.filter(Boolean).at(-1)).toBe('↑↓ move · Enter choose · Esc back');
	}, 60_000);

	it('3: keys sent in one write all count: "jj⏎" picks the third pool, five Enters walk to the prompt, "publx⌫ish⏎" publishes', async () => {
		const terminal = await wizard(['--lab', '--time-scale', SLOW]);
		await terminal.waitFor(SCREENS.poolPicker);
		await terminal.literal('jj\r');
		expect(await terminal.waitFor('Which pool will back up')).toContain('Which pool will back up se-redmond.contoso.com?');
		await terminal.keys('Escape');
		await terminal.waitFor((screen) => screen.includes(SCREENS.poolPicker) && !screen.includes('Which pool will back up'));
		await terminal.keys('Up', 'Up');
		await terminal.waitFor((screen) => focusedLine(screen).includes(POOL));
		await terminal.literal('\r\r\r\r\r');
		const refused = await terminal.waitFor('Not published');
		expect(refused).toContain('you typed ""');
		await terminal.literal('publishxxx\u007F\u007F\u007F\r');
		await terminal.waitFor(SCREENS.runningServer, 20_000);
	}, 60_000);

	it('4, the plan view: at 80×24 what changes is right above the prompt, and Tab opens the whole plan, commands whole', async () => {
		const terminal = await wizard(['--lab', '--time-scale', FAST]);
		await choosePairWithDefaults(terminal);
		const screen = await terminal.screen();
		expect(screen).toMatch(new RegExp(`~ ${POOL} +backed up by ${BACKUP}`));
		expect(screen).toMatch(new RegExp(`~ ${BACKUP} +backed up by ${POOL}`));
		expect(screen).toContain('Voice automatic failover: on, failover after 300 s, failback after 600 s');
		await terminal.keys('Tab');
		const plan = [await terminal.waitFor('The whole plan')];
		while (!/lines \d+–(\d+) of \1\)/.test(plan.at(-1)!)) {
			const before = plan.at(-1)!;
			await terminal.keys('PageDown');
			plan.push(await terminal.waitFor((screen) => screen !== before));
		}
		const text = plan.join('\n');
		for (const line of lines(text)) expect(line.length).toBeLessThanOrEqual(80);
		expect(text).toContain("Set-CsRegistrar -Identity 'Registrar:pool-redmond.contoso.com' `");
		expect(text).toContain("-BackupRegistrar 'Registrar:pool-dublin.contoso.com' `");
		expect(text).toContain('Invoke-CsBackupServiceSync -PoolFqdn');
		expect(text).not.toMatch(/the other \d+ servers?/);
		expect(text, 'nothing is cut off at the edge').not.toMatch(/…$/m);
		await terminal.keys('Escape');
		await terminal.waitFor(SCREENS.publishPrompt);
		await terminal.literal('PUBLISH\r');
		expect((await terminal.waitFor('Not published')).replace(/\s+/g, ' ')).toContain('you typed "PUBLISH"');
	}, 60_000);

	it('5: a sync in ErrorState ends with what to check, in the wizard and in run', async () => {
		const terminal = await wizard(['--lab', '--scenario', 'sync-error', '--time-scale', FASTEST, '--sync-poll', '5']);
		await choosePairWithDefaults(terminal, 'Which pool will back up');
		await publish(terminal);
		await terminal.waitFor('Run the update installer', 30_000);
		await terminal.keys('Enter');
		const summary = await terminal.waitFor(/\(took \d+:\d\d\)/, 60_000);
		expect(summary).toContain('What to check:');
		expect(summary).toContain('Debug-CsInterPoolReplication');
		expect(await terminal.exitCode()).toBe(1);
	}, 90_000);

	it('7: skipping the Cumulative Update asks why, and the change record keeps the reason', async () => {
		const terminal = await wizard(['--lab', '--time-scale', FASTEST]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);
		const update = await terminal.waitFor('Run the update installer', 30_000);
		expect(update).toContain('Skip it, with a reason');
		await terminal.keys('Down', 'Down');
		await terminal.waitFor((screen) => focusedLine(screen).includes('Skip it'));
		await terminal.keys('Enter');
		await terminal.waitFor('Why skip the Cumulative Update?');
		await terminal.keys('Enter');
		await terminal.waitFor('A reason is needed');
		await terminal.type('CHG-77 installer share is down');
		await terminal.keys('Enter');
		await terminal.waitFor(/LYNCBACKUP (failed|\d of 6)/, 30_000);
		await terminal.keys('C-c');
		await terminal.exitCode();
		expect(records(terminal.stateDir)).toContain('CHG-77 installer share is down');
	}, 60_000);

	it('6: a server left without LYNCBACKUP stops the run before a sync that cannot converge, and the resume offer says it was skipped', async () => {
		const stateDir = sharedStateDir();
		const terminal = await wizard(['--lab', '--scenario', 'cu-not-reapplied', '--time-scale', FASTEST], { stateDir });
		await choosePairWithDefaults(terminal, 'Which pool will back up');
		await publish(terminal);
		await terminal.waitFor('Run the update installer', 30_000);
		await terminal.keys('Enter');
		const updateFailure = await terminal.waitFor(/CU re-apply failed on \S+/, 30_000);
		const behind = /CU re-apply failed on (\S+)/.exec(updateFailure)?.[1] ?? '';
		await terminal.keys('Down');
		await terminal.waitFor((screen) => focusedLine(screen).includes('Skip'));
		await terminal.keys('Enter');
		await terminal.waitFor(`Why skip ${behind}?`);
		await terminal.type('installer share down');
		await terminal.keys('Enter');

		const failure = await terminal.waitFor(/LYNCBACKUP failed on \S+/, 30_000);
		expect(failure.replace(/[│\s]+/g, ' '), 'in the lab, Retry does re-apply the CU').toContain('Retry re-applies it on this server first');
		const server = /LYNCBACKUP failed on (\S+)/.exec(failure)?.[1] ?? '';
		// Past "I will run it on … myself", the choice a service start offers and the CU re-apply does not.
		await terminal.keys('Down', 'Down');
		await terminal.waitFor((screen) => focusedLine(screen).includes('Skip'));
		await terminal.keys('Enter');
		await terminal.waitFor(`Why skip ${server}?`);
		await terminal.type('rebuilt next week');
		await terminal.keys('Enter');
		const stopped = await terminal.waitFor(/\(took \d+:\d\d\)/, 30_000);
		expect(stopped.replace(/\s+/g, ' ')).toContain(`the sync cannot reach steady state while LYNCBACKUP is not running on ${server}`);
		expect(await terminal.exitCode()).toBe(3);

		const again = await wizard(['--lab', '--scenario', 'cu-not-reapplied', '--time-scale', FASTEST], { stateDir });
		expect(await again.waitFor('An unfinished session was found')).toMatch(/LYNCBACKUP 5\/6 \(1 skipped\)/);
	}, 120_000);

	it('8: Start a new session archives the unfinished one, and a session of pools this farm lacks is not offered', async () => {
		const stateDir = sharedStateDir();
		const first = await wizard(['--lab', '--time-scale', FAST], { stateDir });
		await first.waitFor(SCREENS.poolPicker);
		await first.keys('Enter');
		await first.waitFor(SCREENS.backupPicker);
		await first.keys('Enter');
		await first.waitFor(SCREENS.voiceForm);
		await first.keys('q');
		await first.waitFor('Leave now?');
		await first.keys('y');
		expect(await first.exitCode()).toBe(3);

		const elsewhere = await wizard(['--lab', '--scenario', 'enterprise-happy', '--time-scale', FAST], { stateDir });
		expect(await elsewhere.waitFor(SCREENS.poolPicker), 'the default farm’s session is not offered on another farm').not.toContain('An unfinished session');
		await elsewhere.dispose();

		const second = await wizard(['--lab', '--time-scale', FAST], { stateDir });
		const offer = await second.waitFor('An unfinished session was found');
		expect(offer).toContain('Start a new session (the unfinished one is archived');
		await second.keys('Down');
		await second.waitFor((screen) => focusedLine(screen).includes('Start a new session'));
		await second.keys('Enter');
		await second.waitFor(SCREENS.poolPicker);
		await second.keys('q');
		await second.waitFor('Leave now?');
		await second.keys('y');
		await second.exitCode();

		const third = await wizard(['--lab', '--time-scale', FAST], { stateDir });
		expect(await third.waitFor(SCREENS.poolPicker)).not.toContain('An unfinished session');
		expect(readdirSync(path.join(stateDir, 'sessions')).some((name) => name.includes('.archived-'))).toBe(true);
	}, 90_000);

	it('9: q during Bootstrapper names what it stops, then shows the summary with the interrupted servers and the record', async () => {
		const terminal = await wizard(['--lab', '--time-scale', SLOW]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);
		await terminal.waitFor(SCREENS.runningServer, 20_000);
		await terminal.keys('q');
		const question = await terminal.waitFor('Leave now?');
		expect(question.replace(/\s+/g, ' ')).toMatch(/Bootstrapper is running on \S+\.contoso\.com, \S+\.contoso\.com: it is stopped there now, and runs again there when you resume/);
		await terminal.keys('y');
		expect(await terminal.exitCode()).toBe(3);
		const summary = await terminal.screen();
		expect(summary).toContain('Waiting on you: left by the operator during Bootstrapper');
		expect(summary).toMatch(/interrupted/);
		expect(summary).not.toMatch(/ running /);
		expect(summary).toContain('Change record:');
		expect(summary, 'the question is gone, its keys with it').not.toContain('y leave');
	}, 60_000);

	it('9: Ctrl+C during Bootstrapper shows the running servers as interrupted, not running', async () => {
		const terminal = await wizard(['--lab', '--time-scale', SLOW]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);
		await terminal.waitFor(SCREENS.runningServer, 20_000);
		await terminal.keys('C-c');
		expect(await terminal.exitCode()).toBe(130);
		const summary = await terminal.screen();
		expect(summary).toMatch(/Cancelled: cancelled by the operator during Bootstrapper/);
		expect(summary).toMatch(/interrupted/);
		expect(summary).not.toMatch(/ running /);
	}, 60_000);

	it('10: resuming shows the re-check of the farm, and what it sends to run again', async () => {
		const stateDir = sharedStateDir();
		const first = await wizard(['--lab', '--time-scale', SLOW], { stateDir });
		await choosePairWithDefaults(first);
		await publish(first);
		await first.waitFor(SCREENS.runningServer, 20_000);
		await checkpointShowsBootstrapperRunning(stateDir);
		await first.kill('SIGKILL');
		await first.exitCode();

		const second = await wizard(['--lab', '--time-scale', FASTEST], { stateDir });
		await second.waitFor('An unfinished session was found');
		await second.keys('Enter');
		const history = await second.waitForHistory(/Bootstrapper will run again/, 20_000);
		expect(history.replace(/\s+/g, ' ')).toContain(`Resuming ${POOL} ↔ ${BACKUP}: re-checking the farm before trusting the checkpoint.`);
	}, 60_000);

	it('progress: the Bootstrapper panels say how many servers are done and how long is left', async () => {
		const terminal = await wizard(['--lab', '--time-scale', FAST]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);
		const first = await terminal.waitFor(/Bootstrapper \d of 6 servers · (about \d+ min|under a minute) left · \d running/, 20_000);
		expect(first).toMatch(/^Bootstrapper 0 of 6 servers ·/m);
		await terminal.waitFor(/^Bootstrapper [2-5] of 6 servers ·/m, 20_000);
	}, 60_000);

	it('the output view: o opens a server’s whole output, scrollable, and Esc goes back', async () => {
		const terminal = await wizard(['--lab', '--time-scale', SLOW]);
		await choosePairWithDefaults(terminal);
		await publish(terminal);
		await terminal.waitFor(SCREENS.runningServer, 20_000);
		await terminal.keys('o');
		await terminal.waitFor('Whose Bootstrapper output?');
		await terminal.keys('Enter');
		const output = await terminal.waitFor(/Bootstrapper on \S+\.contoso\.com: running/);
		expect(output).toContain('↑↓ PgUp PgDn Home End scroll · Esc close');
		await terminal.waitFor('Installing', 20_000);
		await terminal.keys('Escape');
		await terminal.waitFor('Whose Bootstrapper output?');
		await terminal.keys('Escape');
		await terminal.waitFor(SCREENS.runningServer);
	}, 60_000);

	it('12: pools and plan fit 80 columns, broken between words; explain mode shows the whole why; the failure box the whole error', async () => {
		const pools = await wizard(['pools', '--lab'], { rows: 60 });
		const table = await pools.waitFor('EXIT=');
		for (const pool of [POOL, BACKUP, 'pool-redmond-b.contoso.com']) expect(table).toMatch(new RegExp(`^${pool.replaceAll('.', '\\.')}( \\(CMS\\))?$`, 'm'));
		expect(table).toContain('paired with pool-dublin-b.contoso.com');
		for (const line of lines(table)) expect(line.length).toBeLessThan(80);

		const plan = await wizard(['plan', '--lab', '--pool', POOL, '--backup', BACKUP], { rows: 60 });
		const text = await plan.history();
		await plan.waitFor('EXIT=0');
		expect(await plan.history()).toContain("-BackupRegistrar 'Registrar:pool-dublin.contoso.com' `");
		expect(text).not.toMatch(/\w-\n\w/);

		const explained = await wizard(['--lab', '--explain', '--scenario', 'bootstrap-failure', '--time-scale', FASTEST]);
		const why = await explained.waitFor(SCREENS.poolPicker);
		expect(why.replace(/\s+/g, ' ')).toContain('Why: Pairing is one to one: a pool already paired cannot take a second partner, so Topology Builder hides it too. (Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 4)');
		await choosePairWithDefaults(explained);
		await publish(explained);
		const failure = await explained.waitFor('Bootstrapper failed on dub-fe02.contoso.com', 30_000);
		expect(failure.replace(/[│\s]+/g, ' ')).toMatch(/Bootstrapper exited with 1603: \S.*\S/);
		expect(failure).not.toMatch(/exited with 1603: .*…/);
	}, 90_000);
});

describe.sequential('screen reader mode', () => {
	it('reads as text: pickers as lists with the selected option, refusals in full, no glyphs, no ticking panels', async () => {
		const terminal = await wizard(['--lab', '--time-scale', SLOW, '--screen-reader']);
		const picker = await terminal.waitFor(SCREENS.poolPicker);
		expect(picker).toMatch(/option: \(selected\) pool-redmond\.contoso\.com/);
		expect(picker).not.toMatch(/[❯✓✗⊘▸▶·↔→]/u);
		await terminal.keys('Enter');
		await terminal.waitFor('Which pool will back up');
		await terminal.keys('Down');
		const refused = await terminal.waitFor('Refused:');
		expect(refused).toMatch(/option: \(selected, disabled\) se-redmond\.contoso\.com[^]*?refused/);
		expect(refused.replace(/\s+/g, ' ')).toContain('both pools must run the same base operating system');
		await terminal.keys('Up', 'Enter');
		await terminal.waitFor(SCREENS.voiceForm);
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.publishPrompt);
		await publish(terminal);
		const working = await terminal.waitFor(/Bootstrapper 0 of 6 servers, /, 20_000);
		expect(working).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|\d:\d\d/u);
		// Announced when the server's task starts, which follows the step's first frame.
		await terminal.waitForHistory(/red-fe01\.contoso\.com: Bootstrapper started/);
		// Quiet: with servers running and printing, the screen changes only when one of them changes state.
		const screens = await terminal.screensUntil(/Bootstrapper [1-5] of 6 servers, /, 20_000);
		const live = screens.map((screen) => screen.slice(screen.indexOf('Bootstrapper ')));
		expect(new Set(live).size).toBeLessThanOrEqual(3);
	}, 60_000);

	it('INK_SCREEN_READER=true turns it on as well', async () => {
		const terminal = await wizard(['--lab'], { env: { INK_SCREEN_READER: 'true' } });
		expect(await terminal.waitFor(SCREENS.poolPicker)).toMatch(/option: \(selected\) pool-redmond/);
	}, 30_000);
});
