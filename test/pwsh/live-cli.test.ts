import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

describeWithPwsh('sfb-pair run --live on pwsh with the stand-in module', (pwsh) => {
	let farm: StandInFarm;
	let stateDir: string;

	beforeEach(() => {
		farm = createStandInFarm();
		stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-live-cli-'));
	});
	afterEach(() => {
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	const fastPacing = ['--sync-poll', '1', '--service-settle', '1'];
	const cli = (...args: string[]) =>
		spawnSync(process.execPath, [CLI, ...args, '--live', '--powershell', pwsh, '--state-dir', stateDir], {
			encoding: 'utf8',
			timeout: 240_000,
			env: { ...process.env, SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) },
		});

	it('walks the procedure as in the lab: stops for the CU the operator must re-apply, then resumes to steady sync', () => {
		const pools = cli('pools', '--json');
		expect(pools.status, pools.stderr).toBe(0);
		expect(JSON.parse(pools.stdout).pools.map((pool: { fqdn: string; eligible: boolean }) => [pool.fqdn, pool.eligible])).toEqual([
			[POOL_A.fqdn, true],
			[POOL_B.fqdn, true],
		]);

		const first = cli('run', '--pool', POOL_A.fqdn, '--backup', POOL_B.fqdn, '--yes', ...fastPacing);
		expect(first.status, first.stdout + first.stderr).toBe(3);
		expect(first.stdout).toMatch(/LIVE · pwsh 7\.\d+\.\d+ · SkypeForBusiness/);
		expect(first.stdout).toContain('pairing read back from the published configuration');
		for (const server of [...POOL_A.servers, ...POOL_B.servers]) expect(first.stdout).toContain(`${server}: Bootstrapper succeeded (exit 0)`);
		expect(first.stdout).toMatch(/re-apply the Cumulative Update on every server .* --resume --cu-reapplied/);

		farm.reapplyCumulativeUpdate([...POOL_A.servers, ...POOL_B.servers]);
		const resumed = cli('run', '--pool', POOL_A.fqdn, '--backup', POOL_B.fqdn, '--yes', '--resume', '--cu-reapplied', ...fastPacing);
		expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
		expect(resumed.stdout).toContain(`done: ${POOL_A.fqdn} and ${POOL_B.fqdn} are paired`);
		expect(resumed.stdout).not.toContain('Bootstrapper started');
		expect(first.stdout.match(/pairing written and topology enabled/g)).toHaveLength(1);
		expect(resumed.stdout).not.toContain('pairing written');
		expect(farm.read().registrars[POOL_A.fqdn]?.backupRegistrar).toMatch(/pool02\.contoso\.com/);
	}, 300_000);
});
