import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const SQL_B = 'pool02-sql.contoso.com';

/**
 * `sfb-pair drill --live` through the stand-in cmdlets, on one farm for both tests (each start costs a pwsh): first the
 * drill refused while the export is not settled, then, the sync settled, the whole drill with the store moved and back.
 */
describeWithPwsh('sfb-pair drill --live on pwsh with the stand-in module', (pwsh) => {
	let farm: StandInFarm;
	let stateDir: string;
	const args = () => [CLI, 'drill', '--pool', POOL_A.fqdn, '--yes', '--drill', '--live', '--powershell', pwsh, '--state-dir', stateDir];
	const env = () => ({ ...process.env, NO_COLOR: '1', SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) });
	const drill = () => spawnSync(process.execPath, args(), { encoding: 'utf8', timeout: 240_000, env: env() });

	beforeAll(() => {
		farm = createStandInFarm((state) => {
			state.registrars[POOL_A.fqdn]!.backupRegistrar = `Registrar:${POOL_B.fqdn}`;
			state.registrars[POOL_B.fqdn]!.backupRegistrar = `Registrar:${POOL_A.fqdn}`;
			for (const server of Object.values(state.servers)) server.services.LYNCBACKUP = 'Running';
			state.syncRequestedAt = { [POOL_A.fqdn]: Date.now(), [POOL_B.fqdn]: Date.now() };
			state.syncSettleMs = 3_600_000;
		}, { centralManagementStore: true });
		stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-live-drill-'));
	});
	afterAll(() => {
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	it('before the pair is steady: refused, exit 3, no failover cmdlet called', () => {
		const result = drill();
		expect(result.status, result.stdout + result.stderr).toBe(3);
		expect(result.stdout).toMatch(/Nothing was changed: the pair is not steady both ways/);
		const called = farm.read().calls.map((call) => call.cmdlet);
		expect(called).toContain('Get-CsBackupServiceStatus');
		expect(called.filter((name) => /^Invoke-Cs(PoolFail|ManagementServerFailover)/.test(name))).toEqual([]);
	}, 300_000);

	it('on a steady pair: the store to the standby and back, the users served by the backup and back, the pair steady again', () => {
		farm.update((state) => {
			state.syncSettleMs = 0;
		});
		const result = drill();
		expect(result.status, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toMatch(/✓ Central Management store to the backup pool: done\n.*the active Central Management store is on pool02\.contoso\.com/);
		expect(result.stdout).toMatch(/3 users of pool01\.contoso\.com: 0 on pool01\.contoso\.com, 3 on pool02\.contoso\.com/);
		expect(result.stdout).toMatch(/Drill done/);
		const calls = farm.read().calls.filter((call) => /^Invoke-Cs(PoolFail|ManagementServerFailover)/.test(call.cmdlet));
		expect(calls.map((call) => [call.cmdlet, call.parameters])).toEqual([
			['Invoke-CsManagementServerFailover', { BackupSqlServerFqdn: SQL_B, BackupSqlInstanceName: 'rtc', Force: true, Confirm: false, Verbose: true }],
			['Invoke-CsPoolFailOver', { PoolFqdn: POOL_A.fqdn, DisasterMode: true, Force: true, Confirm: false, Verbose: true }],
			['Invoke-CsPoolFailBack', { PoolFqdn: POOL_A.fqdn, Force: true, Confirm: false, Verbose: true }],
			['Invoke-CsManagementServerFailover', { BackupSqlServerFqdn: 'pool01-sql.contoso.com', BackupSqlInstanceName: 'rtc', Force: true, Confirm: false, Verbose: true }],
		]);
		const state = farm.read();
		expect(state.failedOver ?? {}).toEqual({});
		expect(state.activeCmsPool).toBe(POOL_A.fqdn);
		const record = readFileSync(/drill record: (.*)$/m.exec(result.stdout)![1]!, 'utf8');
		expect(record).toMatch(/Outcome: done \(exit 0\)/);
	}, 300_000);

	it('a Ctrl+C (SIGINT to the whole process group, as a terminal sends it) during the pool failover: the failover ends, then the drill stops (130) saying the users are on the backup', async () => {
		farm.update((state) => {
			state.slowCmdlets = { 'Invoke-CsPoolFailOver': 1500 };
			state.syncSettleMs = 0;
			state.calls = [];
		});
		const child = spawn(process.execPath, args(), { detached: true, env: env() });
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		let ended = false;
		const exited = new Promise<number | null>((resolve) => child.on('exit', resolve)).finally(() => (ended = true));
		while (!ended && !farm.read().calls.some((call) => call.cmdlet === 'Invoke-CsPoolFailOver')) await new Promise((resolve) => setTimeout(resolve, 50));
		if (!ended) process.kill(-child.pid!, 'SIGINT');

		expect(await exited, stdout).toBe(130);
		expect(farm.read().failedOver).toEqual({ [POOL_A.fqdn]: POOL_B.fqdn });
		expect(stdout).toContain(`… Waiting for Invoke-CsPoolFailOver on ${POOL_A.fqdn} to finish before stopping`);
		expect(stdout).toMatch(new RegExp(`Stopped after the failover: ${POOL_A.fqdn}'s users are served by ${POOL_B.fqdn} .*; to fail back and finish, run:\n {2}sfb-pair drill --pool ${POOL_A.fqdn}\n`));
		expect(farm.read().calls.map((call) => call.cmdlet)).not.toContain('Invoke-CsPoolFailBack');
	}, 300_000);
});
