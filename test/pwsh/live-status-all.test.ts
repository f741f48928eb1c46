import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const [, , sea03] = POOL_A.servers as [string, string, string];
const [, dub02] = POOL_B.servers as [string, string];
const SQL_A = 'pool01-sql.contoso.com';
const SQL_B = 'pool02-sql.contoso.com';

describeWithPwsh('sfb-pair status --all --live on pwsh with the stand-in module', (pwsh) => {
	let farm: StandInFarm;
	let stateDir: string;

	beforeEach(() => {
		// Paired both ways and synced long ago; then LYNCBACKUP stopped on sea-fe03 and dub-fe02 out of WinRM's reach.
		farm = createStandInFarm((state) => {
			state.registrars[POOL_A.fqdn]!.backupRegistrar = `Registrar:${POOL_B.fqdn}`;
			state.registrars[POOL_B.fqdn]!.backupRegistrar = `Registrar:${POOL_A.fqdn}`;
			for (const server of Object.values(state.servers)) server.services.LYNCBACKUP = 'Running';
			state.servers[sea03]!.services.LYNCBACKUP = 'Stopped';
			state.servers[dub02]!.reachable = false;
			state.syncRequestedAt = { [POOL_A.fqdn]: Date.now() - 3_600_000, [POOL_B.fqdn]: Date.now() - 3_600_000 };
		}, { centralManagementStore: true });
		stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-live-status-all-'));
	});
	afterEach(() => {
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	it('reads the pair through the cmdlets: the stopped service to start, the unreachable server unknown with why, exit 1', () => {
		const env = { ...process.env, NO_COLOR: '1', SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) };
		const result = spawnSync(process.execPath, [CLI, 'status', '--all', '--live', '--powershell', pwsh, '--state-dir', stateDir], { encoding: 'utf8', timeout: 240_000, env });
		expect(result.status, result.stdout + result.stderr).toBe(1);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^LIVE · pwsh 7\.\d+\.\d+ · SkypeForBusiness/);
		expect(lines[1]).toMatch(/^Disaster-recovery readiness of 2 Front End pools, read .* UTC: 0 ready, 2 could not be told$/);
		expect(lines[2]).toBe(
			`Central Management store: ${POOL_A.fqdn}, standby on ${POOL_B.fqdn}: waiting (CentralMgmt.CMSMaster NotInitialized/NormalState; ` +
				`Get-CsService -CentralManagementDatabase: 2 Central Management databases (${SQL_A}, ${SQL_B}); ` +
				`Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn '${SQL_B}' -SqlInstanceName 'rtc': Succeed True)`,
		);
		const row = (pool: string) => lines.find((line) => line.startsWith(`${pool} `))?.split(/ {2,}/);
		expect(row(POOL_A.fqdn)).toEqual([POOL_A.fqdn, POOL_B.fqdn, 'waiting', 'waiting', '2/3 running', 'active', 'UNKNOWN', 'start LYNCBACKUP']);
		expect(row(POOL_B.fqdn)).toEqual([POOL_B.fqdn, POOL_A.fqdn, 'waiting', 'waiting', '2/3 running, 1 unknown', 'standby', 'UNKNOWN', 'could not tell']);
		expect(lines).toContain(`  ${POOL_A.fqdn}: start LYNCBACKUP on ${sea03}: Start-CsWindowsService -Name LYNCBACKUP -ComputerName ${sea03}`);
		expect(lines).toContain(`  ${POOL_B.fqdn}: could not tell on ${dub02} (unreachable): check that it is up and reachable over PowerShell remoting (WinRM), then ask again`);
		expect(result.stdout).toMatch(new RegExp(`^ {2}- ${dub02.replace(/\./g, '\\.')}: deployed: Get-CsWindowsService -Name 'RTCSRV' -ComputerName '${dub02.replace(/\./g, '\\.')}': `, 'm'));
	}, 300_000);

	it('probes the standby store: a pairing published without it is work left on both pools, with what to do in Topology Builder', () => {
		farm.update((state) => {
			state.standbyStoreMissing = true;
			state.servers[dub02]!.reachable = true;
			state.servers[sea03]!.services.LYNCBACKUP = 'Running';
		});
		const env = { ...process.env, NO_COLOR: '1', SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) };
		const result = spawnSync(process.execPath, [CLI, 'status', '--all', '--live', '--powershell', pwsh, '--state-dir', stateDir], { encoding: 'utf8', timeout: 240_000, env });
		const lines = result.stdout.split('\n');
		expect(lines[2], result.stdout + result.stderr).toBe(
			`Central Management store: ${POOL_A.fqdn}, standby on ${POOL_B.fqdn}: no standby database ` +
				`(Get-CsService -CentralManagementDatabase: 1 Central Management database (${SQL_A}), none on ${SQL_B}, the back end of ${POOL_B.fqdn})`,
		);
		const row = (pool: string) => lines.find((line) => line.startsWith(`${pool} `))?.split(/ {2,}/);
		expect(row(POOL_A.fqdn)?.slice(6)).toEqual(['work left', 'define the standby store']);
		expect(row(POOL_B.fqdn)?.slice(6)).toEqual(['work left', `see ${POOL_A.fqdn}`]);
		expect(result.stdout).toContain(`  ${POOL_A.fqdn}: in Topology Builder, publish the pairing of ${POOL_A.fqdn} again with the Central Management store database on the back end of ${POOL_B.fqdn};`);
		expect(result.status, result.stdout + result.stderr).toBe(3);
		const tested = farm.read().calls.filter((call) => call.cmdlet === 'Test-CsDatabase');
		expect(tested, 'no standby database listed: nothing to test').toEqual([]);
	}, 300_000);

	it('reads where the farm runs the store and the users: after a failover both show FAILED OVER with the failback in order, exit 3', () => {
		farm.update((state) => {
			state.servers[dub02]!.reachable = true;
			state.servers[sea03]!.services.LYNCBACKUP = 'Running';
			state.activeCmsPool = POOL_B.fqdn;
			state.failedOver = { [POOL_A.fqdn]: POOL_B.fqdn };
		});
		const env = { ...process.env, NO_COLOR: '1', SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) };
		const result = spawnSync(process.execPath, [CLI, 'status', '--all', '--live', '--powershell', pwsh, '--state-dir', stateDir], { encoding: 'utf8', timeout: 240_000, env });
		expect(result.status, result.stdout + result.stderr).toBe(3);
		const lines = result.stdout.split('\n');
		expect(lines[2]).toBe(
			`Central Management store: FAILED OVER, active on ${POOL_B.fqdn}, standby on ${POOL_A.fqdn} ` +
				`(the active Central Management store is on ${POOL_B.fqdn}; the topology puts it on ${POOL_A.fqdn}: Invoke-CsManagementServerFailover moved it)`,
		);
		const row = (pool: string) => lines.find((line) => line.startsWith(`${pool} `))?.split(/ {2,}/);
		expect(row(POOL_A.fqdn)?.slice(5)).toEqual(['standby', 'FAILED OVER', 'fail back (+1)']);
		expect(row(POOL_B.fqdn)?.[5]).toBe('active');
		expect(lines).toContain(
			`  ${POOL_A.fqdn}: its users are served by ${POOL_B.fqdn} (3 users of ${POOL_A.fqdn}: 0 on ${POOL_A.fqdn}, 3 on ${POOL_B.fqdn}): ` +
				`once ${POOL_A.fqdn} is back in service, fail it back: Invoke-CsPoolFailBack -PoolFqdn '${POOL_A.fqdn}' (a drill goes on from here: sfb-pair drill --pool ${POOL_A.fqdn})`,
		);
		expect(result.stdout).toMatch(new RegExp(`fail the store back: Invoke-CsManagementServerFailover -BackupSqlServerFqdn '${SQL_A.replace(/\./g, '\\.')}'`));
	}, 300_000);
});
