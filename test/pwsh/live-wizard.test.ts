import { rmSync } from 'node:fs';
import { delimiter } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { requireTmux, SCREENS, temporaryStateDir, TmuxTerminal } from '../helpers/tmux.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

/**
 * Issue 15, item 14: on a live farm every prompt says what is true there. The wizard in a real terminal, on real pwsh
 * with the stand-in module: the CU prompt (the wizard cannot run the installer), and the Event 4007 box (Retry only
 * starts the service again; re-applying the CU is the operator's).
 */
describeWithPwsh('the wizard on a live farm (pwsh, stand-in module), in a real terminal', (pwsh) => {
	let farm: StandInFarm;
	let terminal: TmuxTerminal | undefined;
	let stateDir: string;

	beforeAll(() => requireTmux());
	beforeEach(() => {
		farm = createStandInFarm();
		stateDir = temporaryStateDir();
	});
	afterEach(async () => {
		await terminal?.dispose();
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
	});

	const standInEnvironment = () => ({ SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) });
	const focusedLine = (screen: string) =>
		screen
			.split('\n')
			.map((line) => line.replace(/^│ /, ''))
			.find((line) => line.startsWith('❯')) ?? '';

	it('reads the pre-flight first and asks past its warning, asks for the CU in live words, checks a re-apply said but not done, and after an Event 4007 crash says to re-apply it by hand, then Retry starts the service', async () => {
		const refused = POOL_B.servers[0]!;
		farm.update((state) => (state.servers[refused]!.doubleHopDenied = true));
		terminal = await TmuxTerminal.start(['--live', '--powershell', pwsh, '--sync-poll', '1', '--service-settle', '1'], { stateDir, env: standInEnvironment() });
		await terminal.waitFor(SCREENS.poolPicker, 30_000);
		await terminal.keys('Enter');
		await terminal.waitFor(`Which pool will back up ${POOL_A.fqdn}?`);
		await terminal.keys('Enter');

		// Before anything changes: the doctor's reads for the pair, each Front End on the panel, then what is not ok.
		await terminal.waitFor(/Pre-flight · \d of 7 read/, 60_000);
		const review = await terminal.waitFor('Pre-flight: 1 warning', 90_000);
		expect(review).toContain(`WARNING · Kerberos double hop · ${refused}`);
		expect(review.replace(/\s+/g, ' ')).toMatch(/do: Bootstrapper run remotely may not reach AD or the file store/);
		expect(review).toMatch(/\d+ checks ok · Tab every check/);
		expect(focusedLine(review)).toContain('Continue anyway');
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.voiceForm);
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.publishPrompt, 60_000);
		await terminal.literal('publish\r');

		const update = await terminal.waitFor('I have re-applied the Cumulative Update on all 6 servers', 90_000);
		expect(update).not.toContain('Run the update installer');
		expect(update).not.toContain('choose the second line');
		expect(update.replace(/\s+/g, ' ')).toContain('On a live farm without --cu-installer the wizard does not run the installer: run it on each server yourself');
		expect(update).toContain('Stop here: I will re-apply it, then resume (sfb-pair --resume)');
		expect(focusedLine(update)).toContain('I have re-applied');

		// Said without doing it: the Backup Service's version on each server says otherwise, and the wizard stops there.
		await terminal.keys('Enter');
		const stopped = (await terminal.waitFor(/EXIT=\d/, 90_000)).replace(/\s+/g, ' ');
		expect(stopped).toMatch(/the Cumulative Update has not reached the Backup Service: Get-CsServerPatchVersion: Backup Service \S+ is behind Core Components \S+/);
		expect(await terminal.exitCode()).toBe(3);

		// Resumed, the CU skipped with a reason: the Backup Service crashes on start, as it would on a real server.
		await terminal.dispose();
		terminal = await TmuxTerminal.start(['--live', '--powershell', pwsh, '--sync-poll', '1', '--service-settle', '1'], { stateDir, env: standInEnvironment() });
		await terminal.waitFor('An unfinished session was found', 60_000);
		await terminal.keys('Enter');
		await terminal.waitFor('I have re-applied the Cumulative Update on all 6 servers', 90_000);
		await terminal.keys('Down', 'Down');
		await terminal.waitFor((screen) => focusedLine(screen).includes('Skip'));
		await terminal.keys('Enter');
		await terminal.waitFor('Why skip the Cumulative Update?');
		await terminal.literal('installer share not staged\r');
		const crash = await terminal.waitFor(/LYNCBACKUP failed on \S+/, 60_000);
		const box = crash.replace(/[│\s]+/g, ' ');
		expect(box).toContain('Re-apply it on this server (SkypeServerUpdateInstaller.exe), then Retry: Retry starts the service again.');
		expect(box).not.toContain('Retry re-applies it');
		expect(box).not.toContain('KB-4007');
		expect(box).toContain("step 9 of Microsoft's current deployment article");
		const server = /LYNCBACKUP failed on (\S+)/.exec(crash)?.[1] ?? '';
		expect(focusedLine(crash)).toContain(`Retry ${server}`);

		// The operator re-applies the CU everywhere by hand; each Retry then only starts the service again. The farm is
		// changed once every server has failed and nothing asks it anything: the stand-in's pwsh sessions lock its state
		// file, this process cannot, and a write of theirs in between would undo this one.
		await terminal.waitFor(/LYNCBACKUP 0 of 6 servers · 6 failed/, 60_000);
		farm.reapplyCumulativeUpdate([...POOL_A.servers, ...POOL_B.servers]);
		for (let boxes = 0; boxes < 6; boxes++) {
			const screen = await terminal.waitFor(/LYNCBACKUP failed on|Step 10 · Sync|Time taken/, 60_000);
			const failing = /LYNCBACKUP failed on (\S+)/.exec(screen)?.[1];
			if (failing === undefined) break;
			await terminal.keys('Enter');
			await terminal.waitFor((text) => !text.includes(`LYNCBACKUP failed on ${failing}`), 60_000);
		}
		await terminal.waitFor(/Step 10 · Sync|Time taken/, 60_000);
	}, 360_000);
});
