import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { driveProcedure } from '../../source/cli/procedure-driver.js';
import { openLabEnvironment, type LabEnvironment } from '../../source/environments/lab/lab-environment.js';
import { loadScenario } from '../../source/environments/lab/scenario.js';
import { App } from '../../source/ui/App.js';
import { PromptBridge } from '../../source/ui/prompt-bridge.js';
import { unicodeSymbols } from '../../source/ui/symbols.js';
import { WizardStore } from '../../source/ui/wizard-store.js';
import { allOutput, KEYS, press, type, waitForFrame } from '../helpers/frames.js';
import { renderWizard } from '../helpers/render.js';

let stateDir: string;
let lab: LabEnvironment;

beforeEach(async () => {
	stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-wizard-'));
	lab = await openLabEnvironment({ stateDir, scenario: await loadScenario('default'), timeScale: 5000 });
});

afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function startWizard() {
	const store = new WizardStore(lab.kind);
	store.setEnvironment(lab.description);
	const bridge = new PromptBridge();
	const controller = new AbortController();
	const stop = () => {
		controller.abort();
		bridge.cancel(new Error('cancelled'));
	};
	const view = renderWizard((keys) => (
		<App store={store} bridge={bridge} symbols={unicodeSymbols} explain={false} steadyPolls={3} perPool={1} keys={keys} onQuit={stop} onCancel={stop} />
	));
	const drive = driveProcedure({
		environment: lab,
		stateDir,
		operator: bridge,
		perPool: 1,
		signal: controller.signal,
		identity: { operator: 'CONTOSO\\alice', host: 'JUMP01', tool: 'sfb-pair test', mode: 'wizard' },
		onSession: (session) => store.attach(session),
	});
	return { view, store, stop, drive };
}

describe('the wizard up to publishing', () => {
	it('offers only unpaired Front End pools, refuses unsupported backups with the reason, and writes nothing before the word is typed', async () => {
		const { view, store, stop, drive } = startWizard();
		const first = await waitForFrame(view, 'Which pool do you want to protect?');
		expect(first).toContain('LAB');
		for (const pool of ['pool-redmond.contoso.com', 'pool-dublin.contoso.com', 'se-redmond.contoso.com', 'se-dublin.contoso.com']) {
			expect(first).toContain(pool);
		}
		expect(first).not.toContain('pool-redmond-b.contoso.com');
		expect(first).not.toContain('dir-redmond.contoso.com');
		expect(first).not.toContain('edge-dublin.contoso.com');

		await press(view.stdin, KEYS.enter);
		const backup = await waitForFrame(view, 'Which pool will back up pool-redmond.contoso.com?');
		expect(backup).toMatch(/✗ se-redmond\.contoso\.com/);
		await press(view.stdin, KEYS.down);
		expect(await waitForFrame(view, 'Refused:')).toMatch(/Refused: pool-redmond\.contoso\.com is an Enterprise Edition pool/);
		await press(view.stdin, KEYS.up, KEYS.enter);
		await waitForFrame(view, 'Automatic failover and failback for Voice');
		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'Type publish');
		expect(allOutput(view)).toMatch(/~ pool-redmond\.contoso\.com +backed up by pool-dublin\.contoso\.com/);

		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'Not published');
		await type(view.stdin, 'yes');
		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'you typed "yes"');
		await type(view.stdin, 'PUBLISH');
		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'you typed "PUBLISH"');
		expect(await lab.readPairing('pool-redmond.contoso.com')).toBeUndefined();
		expect(store.session?.state.publish.written).toBe(false);

		await type(view.stdin, 'publish');
		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'Step 8 · Bootstrapper');
		expect(await lab.readPairing('pool-redmond.contoso.com')).toBe('pool-dublin.contoso.com');
		expect(store.session?.state.publish).toMatchObject({ written: true, verified: true });

		stop();
		const result = await drive;
		expect(result.outcome).toBe('cancelled');
		view.unmount();
	});

	it('Esc on the backup picker goes back to the first pool', async () => {
		const { view, stop, drive } = startWizard();
		await waitForFrame(view, 'Which pool do you want to protect?');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await waitForFrame(view, 'Which pool will back up pool-dublin.contoso.com?');
		await press(view.stdin, KEYS.escape);
		await waitForFrame(view, 'Which pool do you want to protect?');
		stop();
		expect((await drive).outcome).toBe('cancelled');
		view.unmount();
	});
});
