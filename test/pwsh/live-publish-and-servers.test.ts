import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BACKUP_SERVICE } from '../../source/environments/port.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import type { PairingRequest } from '../../source/sfb/model.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, processCalling, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const request: PairingRequest = {
	pool: POOL_A.fqdn,
	backup: POOL_B.fqdn,
	voice: { automaticFailover: false, failoverSeconds: 300, failbackSeconds: 600 },
};
const SHARE_WARNING = 'Could not set file share permissions on \\\\fs01.contoso.com\\share: Access is denied.';

describeWithPwsh('the live side: the publish, the Backup Service events and the Bootstrapper folder', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;

	beforeAll(async () => {
		farm = createStandInFarm((state) => {
			state.publishWarnings = [SHARE_WARNING];
			state.slowCmdlets = { 'Enable-CsTopology': 1500 };
		});
		process.env.SFB_STANDIN_STATE = farm.statePath;
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES });
	});

	afterAll(async () => {
		await environment?.dispose();
		farm?.remove();
	});

	it('counts only an Event 4007 logged since it started the Backup Service, not one from an earlier attempt', async () => {
		const server = POOL_B.servers[0]!;
		const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
		farm.update((state) => {
			const entry = state.servers[server]!;
			entry.services.LYNCBACKUP = 'Stopped';
			entry.startPending = true;
			entry.events = [{ providerName: 'LS Backup Service', id: 4007, time: anHourAgo, message: 'LyncBackupService.exe stopped unexpectedly. System.NullReferenceException' }];
		});
		expect((await environment.readService(server, BACKUP_SERVICE)).detail).toMatch(/4007/);

		await environment.startService(server, BACKUP_SERVICE);
		expect(await environment.readService(server, BACKUP_SERVICE)).toEqual({ state: 'StartPending' });
	});

	it('publishes through a Ctrl+C and a dispose, then answers Enable-CsTopology warnings and keeps its -Report file', async () => {
		const publishing = environment.writePairing(request);
		const pid = await processCalling(farm, 'Enable-CsTopology');
		// A Ctrl+C in the console reaches PowerShell too; then the cancelled command closes the environment.
		process.kill(pid, 'SIGINT');
		let waitedFor = false;
		const closing = environment.dispose({ onWait: () => (waitedFor = true) });
		const published = await publishing;
		await closing;

		expect(waitedFor).toBe(true);
		const state = farm.read();
		expect(state.enabledSignature).toBe(state.signature);
		expect(state.registrars[POOL_A.fqdn]?.backupRegistrar).toBe(`Registrar:${POOL_B.fqdn}`);
		const enable = state.calls.find((call) => call.cmdlet === 'Enable-CsTopology');
		expect(enable?.parameters.Report).toMatch(/Enable-CsTopology\.html$/);
		expect(published?.warnings).toEqual([SHARE_WARNING]);
		expect(readFileSync(published?.reportPath ?? '', 'utf8')).toContain('file share permissions');
		// The report's private folder on the jump box is gone once it has been read.
		expect(() => readFileSync(String(enable?.parameters.Report))).toThrow();
	});
});
