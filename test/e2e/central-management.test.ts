import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTmux, SCREENS, temporaryStateDir, TmuxTerminal } from '../helpers/tmux.js';

/**
 * Issue 13 item 3 in a real terminal: the lab pair that holds the Central Management store goes through Topology
 * Builder only; the lab plays the publish (p), leaves the standby out once (cms-no-standby), and the wizard says so, then
 * verifies the second publish and shows the topology difference. The live frame keeps the header on screen at 80×24
 * and at 60 columns (a frame as tall as the terminal would push it off).
 */
const terminals: TmuxTerminal[] = [];
const folders: string[] = [];
beforeAll(() => requireTmux());
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true, maxRetries: 5 });
});

const header = (screen: string) => screen.split('\n').some((line) => line.startsWith(' LAB ') && line.includes('q quit'));

describe.sequential('a pair that holds the Central Management store, in the wizard', () => {
	it.each([
		[80, 24],
		[60, 24],
	])('at %i×%i: Topology Builder only, a publish without the standby named, the second verified, the difference shown', async (columns, rows) => {
		const stateDir = temporaryStateDir();
		folders.push(stateDir);
		const terminal = await TmuxTerminal.start(['--lab', '--scenario', 'cms-no-standby', '--time-scale', '500'], { columns, rows, stateDir });
		terminals.push(terminal);
		await terminal.waitFor(SCREENS.poolPicker);
		await terminal.keys('Enter');
		await terminal.waitFor('Which pool will back up');
		await terminal.keys('Enter');
		await terminal.waitFor('Please read');
		await terminal.keys('Enter');
		await terminal.waitFor(SCREENS.voiceForm);
		await terminal.keys('Enter');
		const plan = await terminal.waitFor(/made by you in Topology Builder[\s\S]*press\s+Enter\s+for\s+the\s+steps/);
		expect(plan).not.toMatch(SCREENS.publishPrompt);
		expect(header(plan), plan).toBe(true);
		await terminal.keys('Enter');
		expect(header(await terminal.waitFor(/Right-click\s+pool-redmond\.contoso\.com/))).toBe(true);
		await terminal.literal('p');
		const check = await terminal.waitFor(/Paired, but no standby Central\s+Management store/);
		expect(header(check), check).toBe(true);
		expect(check.replace(/\s+/g, ' ')).toContain('none on pool-dublin-sql.contoso.com, the back end of pool-dublin.contoso.com. Publish again with its database');
		await terminal.literal('p');
		const history = await terminal.waitForHistory(/pairing published in Topology Builder[\s\S]*standby store/, 20_000);
		expect(history.replace(/\s+/g, ' ')).toContain('+ Central Management store (CentralMgmtStore) on pool-dublin-sql.contoso.com: the standby store');
		await terminal.waitFor(SCREENS.runningServer, 20_000);
		await terminal.keys('C-c');
		expect(await terminal.exitCode()).toBe(130);
	}, 90_000);
});
