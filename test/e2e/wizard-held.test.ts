import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../source/environments/lab/scenario.js';
import { publishDefaultPair, requireTmux, temporaryStateDir, TmuxTerminal } from '../helpers/tmux.js';

const HELD = 'dub-fe02.contoso.com';
const OTHERS = ['red-fe01.contoso.com', 'red-fe02.contoso.com', 'red-fe03.contoso.com', 'dub-fe01.contoso.com', 'dub-fe03.contoso.com'];

const terminals: TmuxTerminal[] = [];
const folders: string[] = [];
beforeAll(() => requireTmux());
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('a server held at Bootstrapper exit 3010, in the wizard at 80×24', () => {
	it('a restart that never comes back: the long reason leaves every choice on screen, and the screen is never cleared (the other servers stay in the scrollback)', async () => {
		const base = await loadScenario('restart-needed');
		const folder = temporaryStateDir();
		folders.push(folder);
		const file = path.join(folder, 'restart-hangs.json');
		writeFileSync(file, JSON.stringify({ ...base, name: 'restart-hangs', faults: [...(base.faults ?? []), { type: 'restart-hangs', server: HELD }] }));
		// In colour, and slow enough (a 6 s wait) for the RESTARTING row's clock to fill the 80 columns: as a person sees it.
		const wizard = await TmuxTerminal.start(['--lab', '--time-scale', '200', '--scenario', file], { colors: true });
		terminals.push(wizard);
		await publishDefaultPair(wizard);
		await wizard.waitFor(`${HELD} is held: it must restart`, 20_000);
		await wizard.keys('Enter');
		await wizard.waitFor(`Yes: restart ${HELD} now`);
		await wizard.keys('Enter');

		const screen = await wizard.waitFor((text) => text.includes('│ dub-fe02.contoso.com is failed over and did not come back') && text.includes('Stop once the others finish'), 20_000);
		for (const choice of ['Restart dub-fe02 now', 'I restarted it myself: check again', 'I will restart dub-fe02 and run Bootstrapper myself', 'Skip it', 'Stop once the others finish']) expect(screen).toContain(choice);
		const history = await wizard.history();
		for (const server of OTHERS) expect(history, history).toContain(`${server}: Bootstrapper succeeded`);
		// Drawn once: a frame as tall as the screen, or a row past its width, leaves copies of the header behind.
		expect(history.match(/ LAB {2}pool-redmond\.contoso\.com ↔/g), history).toHaveLength(1);
	});
});
