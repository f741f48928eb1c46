import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EnvironmentError } from '../../source/environments/port.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { judgeBothDirections, judgeDirection } from '../../source/sfb/backup-status.js';
import type { PairingRequest } from '../../source/sfb/model.js';
import { readTopologyDocument } from '../../source/sfb/topology-reader.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const request: PairingRequest = {
	pool: POOL_A.fqdn,
	backup: POOL_B.fqdn,
	voice: { automaticFailover: true, failoverSeconds: 300, failbackSeconds: 600 },
};
const everyServer = [...POOL_A.servers, ...POOL_B.servers];

/** Reads until `done` says so; the stand-in changes state over time, as a farm does. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 60): Promise<T> {
	let value = await read();
	for (let attempt = 1; attempt < attempts && !done(value); attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		value = await read();
	}
	return value;
}

describeWithPwsh('the live environment on pwsh with the stand-in SkypeForBusiness module', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;

	beforeAll(async () => {
		// The environment itself, with POOL_A holding the Central Management store: its CMS master module must export.
		farm = createStandInFarm(() => undefined, { centralManagementStore: true });
		process.env.SFB_STANDIN_STATE = farm.statePath;
		environment = await createPowerShellEnvironment({
			executable: pwsh,
			stateDir: path.join(farm.dir, 'state'),
			modulePath: STAND_IN_MODULES,
		});
	});

	afterAll(async () => {
		await environment?.dispose();
		farm?.remove();
	});

	it('describes itself as live, with the PowerShell version and the module', () => {
		expect(environment.kind).toBe('live');
		expect(environment.description).toMatch(/^LIVE · pwsh 7\.\d+\.\d+ · SkypeForBusiness$/);
	});

	it('walks the whole procedure: inventory, pairing, bootstrap, services, sync, steady both ways', async () => {
		const before = await environment.readInventory();
		expect(before.pools.map((pool) => pool.fqdn)).toEqual([POOL_A.fqdn, POOL_B.fqdn]);
		expect(before.pools[0]?.servers).toEqual(POOL_A.servers);
		expect(before.pairings).toEqual({});
		expect(before.deployed).toEqual({ [POOL_A.fqdn]: true, [POOL_B.fqdn]: true });
		expect(before.topologySignature).toBe(farm.read().signature);

		const snapshot = await environment.snapshotTopology('snapshots/before.xml');
		expect(readTopologyDocument(readFileSync(snapshot, 'utf8'), snapshot).signature).toBe(before.topologySignature);

		await environment.writePairing(request, { expectedSignature: before.topologySignature });
		expect(await environment.readPairing(POOL_A.fqdn)).toBe(POOL_B.fqdn);
		expect(await environment.readPairing(POOL_B.fqdn)).toBe(POOL_A.fqdn);
		const written = farm.read();
		expect(written.registrars[POOL_A.fqdn]).toMatchObject({
			backupRegistrar: `Registrar:${POOL_B.fqdn}`,
			enableAutomaticFailover: true,
			failureDetectionInterval: '00:05:00',
			failbackDetectionInterval: '00:10:00',
		});
		expect(written.enabledSignature).toBe(written.signature);

		const after = await environment.readInventory();
		expect(after.pairings).toEqual({ [POOL_A.fqdn]: POOL_B.fqdn, [POOL_B.fqdn]: POOL_A.fqdn });
		expect(after.topologySignature).not.toBe(before.topologySignature);

		const order: string[] = [];
		const outcomes = await Promise.all(
			everyServer.map(async (server) => {
				const outcome = await environment.runBootstrapper(server, { onLine: (line) => order.push(`${server} ${line}`) });
				order.push(`${server} done`);
				return outcome;
			}),
		);
		for (const [index, server] of everyServer.entries()) {
			expect(outcomes[index]).toMatchObject({ exitCode: 0, rebootRequired: false });
			expect(outcomes[index]?.tail.at(-1)).toBe('Bootstrapper completed successfully.');
			const streamed = order.filter((entry) => entry.startsWith(`${server} `));
			expect(streamed.at(-1)).toBe(`${server} done`);
			expect(streamed.slice(0, -1)).toEqual(outcomes[index]?.tail.map((line) => `${server} ${line}`));
		}

		await expect(environment.reapplyCumulativeUpdate(POOL_A.servers[0] as string)).rejects.toThrow(/run SkypeServerUpdateInstaller\.exe on sea-fe01/);

		const server = POOL_A.servers[0] as string;
		expect(await environment.readService(server, 'LYNCBACKUP')).toEqual({ state: 'Stopped' });
		await environment.startService(server, 'LYNCBACKUP');
		const crashed = await pollUntil(
			() => environment.readService(server, 'LYNCBACKUP'),
			(status) => status.detail !== undefined,
		);
		expect(crashed.state).toBe('Stopped');
		expect(crashed.detail).toMatch(/^Event 4007 \(LS Backup Service\) at .*: LyncBackupService\.exe stopped unexpectedly\. Re-apply the Cumulative Update on sea-fe01\.contoso\.com\.$/);

		farm.reapplyCumulativeUpdate(everyServer);
		for (const each of everyServer) await environment.startService(each, 'LYNCBACKUP');
		const running = await Promise.all(everyServer.map((each) => environment.readService(each, 'LYNCBACKUP')));
		expect(running.map((status) => status.state)).toEqual(everyServer.map(() => 'Running'));

		const judge = async () => {
			const [forward, backward] = await Promise.all([environment.readBackupStatus(POOL_A.fqdn), environment.readBackupStatus(POOL_B.fqdn)]);
			return judgeBothDirections([judgeDirection(forward, true), judgeDirection(backward, false)]);
		};
		expect(await judge()).toEqual({
			state: 'waiting',
			reason: `${POOL_A.fqdn}: UserServices.PresenceFocus NotInitialized/NormalState, ConfServices.DataConf NotInitialized/NormalState, CentralMgmt.CMSMaster NotInitialized/NormalState`,
		});
		await environment.startBackupSync(POOL_A.fqdn);
		await environment.startBackupSync(POOL_B.fqdn);
		expect(await pollUntil(judge, (verdict) => verdict.state !== 'waiting')).toEqual({ state: 'steady' });

		const status = await environment.readBackupStatus(POOL_B.fqdn);
		expect(status).toEqual({
			pool: POOL_B.fqdn,
			backupPool: POOL_A.fqdn,
			modules: [
				{ identity: 'UserServices.PresenceFocus', exportStatus: 'SteadyState', importStatus: 'NormalState' },
				{ identity: 'ConfServices.DataConf', exportStatus: 'FinalState', importStatus: 'NormalState' },
				{ identity: 'CentralMgmt.CMSMaster', exportStatus: 'NotInitialized', importStatus: 'NormalState' },
			],
		});
	}, 90_000);

	it('refuses to write against a topology that changed since the plan', async () => {
		const stale = (await environment.readInventory()).topologySignature;
		farm.update((state) => {
			state.signature = 'a0a0a0a0-0000-4000-8000-000000000001';
			state.calls = [];
		});
		const refused = await environment.writePairing(request, { expectedSignature: stale }).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(EnvironmentError);
		expect(refused).toMatchObject({ kind: 'stale-topology' });
		expect((refused as Error).message).toContain(stale);
		expect(farm.read().calls.map((call) => call.cmdlet)).toEqual(['Get-CsTopology']);
	});

	it('changes nothing with whatIf: no registrar written, the topology not enabled, the signature kept', async () => {
		farm.update((state) => {
			for (const registrar of Object.values(state.registrars)) registrar.backupRegistrar = null;
			state.calls = [];
		});
		const before = farm.read();
		await environment.writePairing(request, { whatIf: true });
		const after = farm.read();
		expect(after.registrars).toEqual(before.registrars);
		expect(after.signature).toBe(before.signature);
		expect(after.enabledSignature).toBe(before.enabledSignature);
		const written = after.calls.filter((call) => call.cmdlet === 'Set-CsRegistrar');
		expect(written.map((call) => [call.parameters.Identity, call.parameters.WhatIf])).toEqual([
			[`Registrar:${POOL_A.fqdn}`, true],
			[`Registrar:${POOL_B.fqdn}`, true],
		]);
		expect(after.calls.some((call) => call.cmdlet === 'Enable-CsTopology')).toBe(false);
		expect(await environment.readPairing(POOL_A.fqdn)).toBeUndefined();
	});

	it('writes the transcript of every script it ran into the state folder', () => {
		const transcript = readFileSync(path.join(farm.dir, 'state', 'powershell-transcript.log'), 'utf8');
		expect(transcript).toContain(`Set-CsRegistrar -Identity 'Registrar:${POOL_A.fqdn}' -BackupRegistrar 'Registrar:${POOL_B.fqdn}'`);
	});
});
