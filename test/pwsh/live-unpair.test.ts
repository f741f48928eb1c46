import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const [, dub02] = POOL_B.servers as [string, string];
const SERVERS = [...POOL_A.servers, ...POOL_B.servers];

/** One stand-in farm for the file: the tests are the two halves of one unpair, stopped in the middle and resumed. */
describeWithPwsh('sfb-pair unpair --live on pwsh with the stand-in module', (pwsh) => {
	let farm: StandInFarm;
	let stateDir: string;
	const args = () => [CLI, 'unpair', '--live', '--powershell', pwsh, '--state-dir', stateDir, '--pool', POOL_A.fqdn, '--yes', '--unpair'];
	const env = () => ({ ...process.env, NO_COLOR: '1', SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) });
	const unpair = () => spawnSync(process.execPath, args(), { encoding: 'utf8', timeout: 240_000, env: env() });
	const calls = (cmdlet: string) => farm.read().calls.filter((call) => call.cmdlet === cmdlet);

	beforeAll(() => {
		// Paired both ways and in service; dub-fe02 out of WinRM's reach, so the first run cannot tell its Backup Service.
		farm = createStandInFarm((state) => {
			state.registrars[POOL_A.fqdn]!.backupRegistrar = `Registrar:${POOL_B.fqdn}`;
			state.registrars[POOL_B.fqdn]!.backupRegistrar = `Registrar:${POOL_A.fqdn}`;
			for (const server of Object.values(state.servers)) {
				server.services.LYNCBACKUP = 'Running';
				server.replicaLagMs = 0;
				server.bootstrapper.lineDelayMs = 0;
			}
			state.connectionDelayMs = 0;
			state.servers[dub02]!.reachable = false;
		});
		stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-live-unpair-'));
	});
	afterAll(() => {
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	it('clears the association with Set-CsRegistrar both ways and runs Bootstrapper; a server it cannot read stops it (exit 3), untouched', () => {
		const result = unpair();
		expect(result.status, result.stdout + result.stderr).toBe(3);
		const state = farm.read();
		expect(state.registrars[POOL_A.fqdn]!.backupRegistrar).toBeNull();
		expect(state.registrars[POOL_B.fqdn]!.backupRegistrar).toBeNull();
		expect(calls('Set-CsRegistrar').map((call) => call.parameters.Identity)).toEqual([`Registrar:${POOL_A.fqdn}`, `Registrar:${POOL_B.fqdn}`]);
		expect(calls('Enable-CsTopology')).toHaveLength(1);
		expect(result.stdout).toMatch(new RegExp(`could not be told, so nothing was done on a guess: unknown \\(unreachable\\).*${dub02.replace(/\./g, '\\.')}`));
		expect(state.servers[dub02]!.bootstrapper.runs).toBe(0);
		for (const server of POOL_A.servers) expect(state.servers[server]!.services.LYNCBACKUP, server).toBeUndefined();
		expect(calls('Remove-CsUserStoreBackupData')).toHaveLength(0);
		expect(state.staleBackupData).toEqual({ [POOL_A.fqdn]: [POOL_B.fqdn], [POOL_B.fqdn]: [POOL_A.fqdn] });
	}, 300_000);

	it('resumed: asks the farm again, writes nothing twice, finishes Bootstrapper and removes the backup data of both pools (unverified: nothing reads it back)', () => {
		farm.update((state) => {
			state.servers[dub02]!.reachable = true;
		});
		const result = unpair();
		expect(result.status, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toMatch(/Continuing the unpair started/);
		expect(calls('Set-CsRegistrar')).toHaveLength(2);
		const state = farm.read();
		for (const server of SERVERS) expect(state.servers[server]!.services.LYNCBACKUP, server).toBeUndefined();
		expect(SERVERS.map((server) => state.servers[server]!.bootstrapper.runs)).toEqual(SERVERS.map(() => 1));
		expect(calls('Remove-CsUserStoreBackupData').map((call) => call.parameters.PoolFqdn)).toEqual([POOL_A.fqdn, POOL_B.fqdn]);
		expect(state.staleBackupData).toEqual({});
		expect(result.stdout).toMatch(/unverified: Remove-CsUserStoreBackupData -PoolFqdn '.*' -Force completed without error; no cmdlet reads the backup user data/);
	}, 300_000);

	it('paired again, then cut between its two Set-CsRegistrar writes (the shell killed): the resume finishes its own half-written clear', async () => {
		farm.update((state) => {
			state.registrars[POOL_A.fqdn]!.backupRegistrar = `Registrar:${POOL_B.fqdn}`;
			state.registrars[POOL_B.fqdn]!.backupRegistrar = `Registrar:${POOL_A.fqdn}`;
			state.signature = 'paired-again';
			state.slowCmdlets['Set-CsRegistrar'] = 1500;
		});
		const writesBefore = calls('Set-CsRegistrar').length;
		const child = spawn(process.execPath, args(), { env: env(), stdio: 'ignore' });
		const exited = new Promise((resolve) => child.on('exit', resolve));
		// The second write is logged as it starts, before its delay: the first has landed, the second has not.
		for (let second = calls('Set-CsRegistrar').slice(writesBefore)[1]; ; second = calls('Set-CsRegistrar').slice(writesBefore)[1]) {
			if (second?.pid !== undefined) {
				process.kill(second.pid, 'SIGKILL');
				break;
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		await exited;
		farm.update((state) => {
			state.slowCmdlets = {};
		});
		const half = farm.read();
		expect(half.registrars[POOL_A.fqdn]!.backupRegistrar).toBeNull();
		expect(half.registrars[POOL_B.fqdn]!.backupRegistrar).toBe(`Registrar:${POOL_A.fqdn}`);

		const result = unpair();
		expect(result.status, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toMatch(/^The published topology changed since then/m);
		const state = farm.read();
		expect(state.registrars[POOL_B.fqdn]!.backupRegistrar).toBeNull();
		expect(state.enabledSignature).toBe(state.signature);
	}, 300_000);
});
