import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectOneLineRefusal, sfbPair } from '../helpers/cli.js';
import { TmuxTerminal } from '../helpers/tmux.js';

/**
 * `status --all` on a lab estate with every case: a pair steady (the CMS pool and its standby), a pair published before
 * Frankfurt was deployed, a pair with a server WinRM cannot reach, a pair a `run` left unfinished (Bootstrapper refused
 * on bos-fe02), and a Standard Edition server nothing can back up.
 */
const ESTATE = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'estate.json');
const lab = (stateDir: string, ...args: string[]) => [...args, '--lab', '--scenario', ESTATE, '--state-dir', stateDir, '--time-scale', '10000'];

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) => {
			resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
		});
	});
}

let stateDir: string;
beforeAll(async () => {
	stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-status-all-'));
	const run = await cli(lab(stateDir, 'run', '--pool', 'pool-seattle.contoso.com', '--backup', 'pool-boston.contoso.com', '--yes'));
	expect(run.code, run.stdout + run.stderr).toBe(3);
}, 60_000);
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe.concurrent('sfb-pair status --all on the lab', { timeout: 60_000 }, () => {
	it('prints one line a pool when piped, says what could not be told and why, and exits 1 for it', async () => {
		const result = await cli(lab(stateDir, 'status', '--all'));
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const lines = result.stdout.split('\n');
		expect(lines[1]).toMatch(/^Disaster-recovery readiness of 9 Front End pools, read \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: 2 ready, 5 with work left, 2 could not be told$/);
		expect(lines).toContain(
			'Central Management store: pool-redmond.contoso.com, standby on pool-dublin.contoso.com: in sync (CentralMgmt.CMSMaster SteadyState/NormalState; ' +
				'Get-CsService -CentralManagementDatabase: 2 Central Management databases (pool-redmond-sql.contoso.com, pool-dublin-sql.contoso.com); ' +
				"Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn 'pool-dublin-sql.contoso.com' -SqlInstanceName 'rtc': Succeed True)",
		);
		const row = (pool: string) => lines.find((line) => line.startsWith(`${pool} `))?.split(/ {2,}/);
		expect(lines.find((line) => line.startsWith('POOL '))?.split(/ {2,}/)).toEqual(['POOL', 'PAIRED WITH', 'SYNC OUT', 'SYNC IN', 'LYNCBACKUP', 'CMS', 'STATE', 'NEXT']);
		expect(row('pool-redmond.contoso.com')).toEqual(['pool-redmond.contoso.com', 'pool-dublin.contoso.com', 'steady', 'steady', '3/3 running', 'active', 'ready']);
		expect(row('pool-dublin.contoso.com')).toEqual(['pool-dublin.contoso.com', 'pool-redmond.contoso.com', 'steady', 'steady', '3/3 running', 'standby', 'ready']);
		expect(row('pool-frankfurt.contoso.com')).toEqual(['pool-frankfurt.contoso.com', 'pool-paris.contoso.com', 'waiting', 'waiting', '0/2 running', 'work left', 'deploy it']);
		expect(row('pool-sydney.contoso.com')).toEqual(['pool-sydney.contoso.com', 'pool-tokyo.contoso.com', 'steady', 'steady', '1/2 running, 1 unknown', 'UNKNOWN', 'could not tell']);
		expect(row('pool-tokyo.contoso.com')?.slice(-2)).toEqual(['UNKNOWN', 'see pool-sydney.contoso.com']);
		expect(row('pool-boston.contoso.com')?.slice(1, 4)).toEqual(['pool-seattle.contoso.com', 'waiting', 'waiting']);
		expect(row('pool-boston.contoso.com')?.slice(-2)).toEqual(['work left', 'run Bootstrapper (+1)']);
		expect(row('se-lisbon.contoso.com')).toEqual(['se-lisbon.contoso.com', 'not paired', '-', '-', '-', 'work left', 'no partner']);

		expect(result.stdout).toMatch(/^ {2}pool-paris\.contoso\.com ↔ pool-frankfurt\.contoso\.com: pool-paris\.contoso\.com and pool-frankfurt\.contoso\.com are both in site Paris: /m);
		expect(result.stdout).toMatch(/^ {2}- syd-fe02\.contoso\.com: Backup Service installed \(Bootstrapper\): Get-CsWindowsService .*WinRM cannot complete the operation/m);
		expect(lines).toContain(
			'  pool-sydney.contoso.com: could not tell on syd-fe02.contoso.com (unreachable): check that it is up and reachable over PowerShell remoting (WinRM), then ask again',
		);
		expect(lines).toContain(
			'  pool-boston.contoso.com: Bootstrapper has not installed the Backup Service on bos-fe02.contoso.com: sfb-pair run --pool pool-seattle.contoso.com --backup pool-boston.contoso.com --yes --resume',
		);
		expect(lines).toContain(
			'  pool-seattle.contoso.com: start LYNCBACKUP on sea-fe01.contoso.com, sea-fe02.contoso.com: Start-CsWindowsService -Name LYNCBACKUP -ComputerName sea-fe01.contoso.com; Start-CsWindowsService -Name LYNCBACKUP -ComputerName sea-fe02.contoso.com',
		);
		expect(result.stdout).not.toContain('\u001b');
		expect(result.stderr).toBe('');
	});

	it('--json gives the documented shape, its exitCode the process exit code', async () => {
		const result = await cli(lab(stateDir, 'status', '--all', '--json'));
		expect(result.code).toBe(1);
		const estate = JSON.parse(result.stdout) as {
			exitCode: number;
			summary: Record<string, number>;
			centralManagementStore: Record<string, unknown>;
			pools: { pool: string; readiness: string; sync: { outbound: { state: string; readAt: string } | null }; backupService: { unknown: string[] } | null }[];
		};
		expect(Object.keys(estate)).toEqual(['environment', 'topologySignature', 'readAt', 'exitCode', 'summary', 'centralManagementStore', 'pools']);
		expect(estate.exitCode).toBe(1);
		expect(estate.summary).toEqual({ pools: 9, ready: 2, work: 5, failed: 0, unknown: 2 });
		expect(estate.centralManagementStore).toMatchObject({ active: 'pool-redmond.contoso.com', standby: 'pool-dublin.contoso.com', state: 'steady' });
		const sydney = estate.pools.find((pool) => pool.pool === 'pool-sydney.contoso.com')!;
		expect(Object.keys(sydney)).toEqual([
			'pool',
			'site',
			'edition',
			'version',
			'centralManagementStore',
			'failedOver',
			'pairedWith',
			'readiness',
			'pairing',
			'sync',
			'backupService',
			'warnings',
			'next',
			'evidence',
		]);
		expect(sydney.readiness).toBe('unknown');
		expect(sydney.backupService?.unknown).toEqual(['syd-fe02.contoso.com']);
		expect(sydney.sync.outbound?.state).toBe('steady');
		expect(Number.isNaN(Date.parse(sydney.sync.outbound?.readAt ?? ''))).toBe(false);
	});

	it('honours ASCII mode (SFB_PAIR_ASCII, --ascii) and --no-ascii over it', async () => {
		const ascii = await cli(lab(stateDir, 'status', '--all'), { SFB_PAIR_ASCII: '1' });
		expect(ascii.stdout).toMatch(/^LAB \. scenario estate/);
		expect([...ascii.stdout].filter((character) => character.charCodeAt(0) > 0x7f)).toEqual([]);
		const flagged = await cli([...lab(stateDir, 'status', '--all'), '--ascii']);
		expect(flagged.stdout).toContain('pool-paris.contoso.com = pool-frankfurt.contoso.com');
		const unicode = await cli([...lab(stateDir, 'status', '--all'), '--no-ascii'], { SFB_PAIR_ASCII: '1' });
		expect(unicode.stdout).toContain('pool-paris.contoso.com ↔ pool-frankfurt.contoso.com');
	});

	it('refuses --all with --pool in one line, exit 2, before it reads the farm', () => {
		expectOneLineRefusal(sfbPair(['status', '--all', '--pool', 'pool-redmond.contoso.com', '--live', '--powershell', '/nonexistent/pwsh']), 2, /^sfb-pair: --all and --pool cannot be used together: --all shows every pool, --pool one pool in detail$/);
	});

	it.each([60, 80])('fits a %i-column terminal: every line within it, two lines a pool, nothing cut mid-word', async (columns) => {
		const terminal = await TmuxTerminal.start(['status', '--all', '--lab', '--scenario', ESTATE], { columns, rows: 120, stateDir });
		try {
			expect(await terminal.exitCode(30_000)).toBe(1);
			const screen = (await terminal.screen()).split('\n').filter((line) => !line.startsWith('EXIT='));
			for (const line of screen) expect(line.length, line).toBeLessThanOrEqual(columns);
			expect(screen).toContain('pool-redmond.contoso.com: ready · CMS active');
			expect(screen).toContain('pool-sydney.contoso.com: UNKNOWN · next: could not tell');
			expect(screen).toContain('se-lisbon.contoso.com: work left · next: no partner');
			const words = new Set(screen.flatMap((line) => line.trim().split(/[\s,:;()]+/)));
			for (const word of ['pool-frankfurt.contoso.com', 'syd-fe02.contoso.com', 'Start-CsWindowsService', 'sea-fe02.contoso.com']) expect(words).toContain(word);
		} finally {
			await terminal.dispose();
		}
	});

	it('no-standby-store: the CMS pair published without its standby store is work left, the store line says so, exit 3', async () => {
		const own = mkdtempSync(join(tmpdir(), 'sfb-pair-no-standby-'));
		try {
			const scenario = join(own, 'no-standby.json');
			writeFileSync(scenario, JSON.stringify({ extends: 'default', name: 'no-standby', description: 'default, published without the standby store', faults: [{ type: 'no-standby-store' }] }));
			const result = await cli(['status', '--all', '--lab', '--scenario', scenario, '--state-dir', own]);
			expect(result.code, result.stdout + result.stderr).toBe(3);
			const lines = result.stdout.split('\n');
			expect(lines[2]).toBe(
				'Central Management store: pool-redmond-b.contoso.com, standby on pool-dublin-b.contoso.com: no standby database (Get-CsService -CentralManagementDatabase: ' +
					'1 Central Management database (pool-redmond-b-sql.contoso.com), none on pool-dublin-b-sql.contoso.com, the back end of pool-dublin-b.contoso.com)',
			);
			const row = (pool: string) => lines.find((line) => line.startsWith(`${pool} `))?.split(/ {2,}/);
			expect(row('pool-redmond-b.contoso.com')?.slice(-3)).toEqual(['active', 'work left', 'define the standby store']);
			expect(row('pool-dublin-b.contoso.com')?.slice(-3)).toEqual(['standby', 'work left', 'see pool-redmond-b.contoso.com']);
			expect(result.stdout).toContain(
				'  pool-redmond-b.contoso.com: in Topology Builder, publish the pairing of pool-redmond-b.contoso.com again with the Central Management store database on the back end of pool-dublin-b.contoso.com;',
			);
			expect(result.stdout).not.toContain('could not tell, or failed');
		} finally {
			rmSync(own, { recursive: true, force: true });
		}
	});
});
