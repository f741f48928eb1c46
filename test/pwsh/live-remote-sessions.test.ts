import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { probe } from '../../source/operations/probes.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const [fe01, fe02] = POOL_A.servers as [string, string];
const everyServer = [...POOL_A.servers, ...POOL_B.servers];

describeWithPwsh('one remote session per Front End on pwsh with the stand-in module', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;

	beforeEach(async () => {
		farm = createStandInFarm();
		process.env.SFB_STANDIN_STATE = farm.statePath;
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES });
	});
	afterEach(async () => {
		await environment?.dispose();
		farm?.remove();
	});

	const connections = () => farm.read().connections;

	it('opens each server one session for the inventory, the services, the component versions and Bootstrapper, and closes them all at the end', async () => {
		await environment.readInventory();
		await Promise.all(everyServer.map((server) => environment.readService(server, 'RTCSRV')));
		await environment.runBootstrapper(fe01);
		await environment.startService(fe01, 'RTCSRV');
		expect(await environment.readService(fe01, 'LYNCBACKUP')).toEqual({ state: 'NotInstalled' });
		await environment.readComponentVersions(fe01);
		await environment.readInventory();
		expect(connections()).toEqual(Object.fromEntries(everyServer.map((server) => [server, 1])));

		await environment.dispose();
		expect(farm.read().closedSessions).toEqual(Object.fromEntries(everyServer.map((server) => [server, 1])));
	});

	it('re-opens a session that broke, once, and the command succeeds', async () => {
		expect(await environment.readService(fe01, 'RTCSRV')).toEqual({ state: 'Running' });
		farm.update((state) => {
			state.breakSessions = [fe01];
		});
		expect(await environment.readService(fe01, 'RTCSRV')).toEqual({ state: 'Running' });
		expect(farm.read().breakSessions).toEqual([]);
		expect(connections()[fe01]).toBe(2);
		await environment.readService(fe01, 'RTCSRV');
		expect(connections()[fe01]).toBe(2);
	});

	it('starts Bootstrapper once more in a re-opened session when its session breaks', async () => {
		await environment.readService(fe01, 'RTCSRV');
		farm.update((state) => {
			state.breakSessions = [fe01];
		});
		const lines: string[] = [];
		expect(await environment.runBootstrapper(fe01, { onLine: (line) => lines.push(line) })).toMatchObject({ exitCode: 0 });
		expect(lines[0]).toBe('Bootstrapper.exe version 6.0.9319.0');
		expect(farm.read().breakSessions).toEqual([]);
		expect(farm.read().servers[fe01]!.bootstrapper.runs).toBe(1);
		await environment.readService(fe01, 'RTCSRV');
		expect(connections()[fe01]).toBe(2);
	});

	it('keeps a session after a cancelled Bootstrapper, and closes it at the end', async () => {
		farm.update((state) => {
			state.servers[fe01]!.bootstrapper.lineDelayMs = 400;
		});
		const controller = new AbortController();
		const run = environment.runBootstrapper(fe01, { signal: controller.signal, onLine: () => controller.abort() });
		await expect(run).rejects.toMatchObject({ name: 'AbortError' });
		expect(await environment.readService(fe01, 'RTCSRV')).toEqual({ state: 'Running' });
		expect(connections()[fe01]).toBe(1);
		await environment.dispose();
		expect(farm.read().closedSessions[fe01]).toBe(1);
	});

	it('takes a server whose session cannot be opened for unreachable, that server only: the others answer', async () => {
		farm.update((state) => {
			state.servers[fe02]!.reachable = false;
		});
		expect((await environment.readInventory()).deployed).toEqual({ [POOL_A.fqdn]: null, [POOL_B.fqdn]: true });
		const observations = await Promise.all(everyServer.map((server) => probe(environment, { kind: 'backup-service-installed', server })));
		const byServer = Object.fromEntries(everyServer.map((server, index) => [server, observations[index]!]));
		expect(byServer[fe02]).toMatchObject({ state: 'unknown', reason: 'unreachable' });
		for (const server of everyServer.filter((name) => name !== fe02)) {
			expect(byServer[server]).toMatchObject({ state: 'not-done' });
			expect(connections()[server]).toBe(1);
		}
	});
});
