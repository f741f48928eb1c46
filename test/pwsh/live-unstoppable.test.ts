import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { UNPAIR_WAIT_NOTICE } from '../../source/procedure/publish-wait.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, processCalling, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

/**
 * The drill's failover and the unpair's publish, like the pairing's publish, never stop half way: a Ctrl+C reaching
 * PowerShell (SIGINT) and the operator's cancel both leave them running to their end. One paired farm, one environment.
 */
describeWithPwsh('the live side: farm changes a cancel waits for', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;

	beforeAll(async () => {
		farm = createStandInFarm((state) => {
			state.registrars[POOL_A.fqdn]!.backupRegistrar = `Registrar:${POOL_B.fqdn}`;
			state.registrars[POOL_B.fqdn]!.backupRegistrar = `Registrar:${POOL_A.fqdn}`;
		});
		process.env.SFB_STANDIN_STATE = farm.statePath;
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES });
	});

	afterAll(async () => {
		await environment?.dispose();
		farm?.remove();
	});

	it('a pool failover cancelled and hit by a Ctrl+C half way still fails the pool over, and answers its lines', async () => {
		farm.update((state) => {
			state.slowCmdlets = { 'Invoke-CsPoolFailOver': 1500 };
		});
		const cancel = new AbortController();
		const failingOver = environment.drill.failOverPool(POOL_A.fqdn, true, { signal: cancel.signal });
		const pid = await processCalling(farm, 'Invoke-CsPoolFailOver');
		cancel.abort();
		process.kill(pid, 'SIGINT');

		const outcome = await failingOver;
		expect(outcome.tail).toContain(`Pool "${POOL_A.fqdn}" failed over.`);
		expect(farm.read().failedOver).toEqual({ [POOL_A.fqdn]: POOL_B.fqdn });
	});

	it("the unpair's publish hit by a Ctrl+C, then a dispose: dispose says what it waits for, and both Registrars end cleared and enabled", async () => {
		farm.update((state) => {
			state.slowCmdlets = { 'Enable-CsTopology': 1500 };
		});
		const clearing = environment.clearPairing(POOL_A.fqdn, POOL_B.fqdn);
		process.kill(await processCalling(farm, 'Enable-CsTopology'), 'SIGINT');
		const notices: string[] = [];
		const closing = environment.dispose({ onWait: (notice) => notices.push(notice) });
		await clearing;
		await closing;

		expect(notices).toEqual([UNPAIR_WAIT_NOTICE]);
		const state = farm.read();
		expect(state.enabledSignature).toBe(state.signature);
		expect([state.registrars[POOL_A.fqdn]?.backupRegistrar, state.registrars[POOL_B.fqdn]?.backupRegistrar].map((backup) => backup || undefined)).toEqual([undefined, undefined]);
		expect(state.calls.find((call) => call.cmdlet === 'Enable-CsTopology')?.parameters.Report).toMatch(/Enable-CsTopology\.html$/);
	});
});
