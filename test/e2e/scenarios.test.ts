import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Every built-in lab scenario, through the built CLI, as an operator sees it: `run --yes`, `plan`, `status`. */

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const AMS = 'pool-ams.fabrikam.com';
const FRA = 'pool-fra.fabrikam.com';
const SEA = 'pool-sea.adatum.com';

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

const stateDirs: string[] = [];
beforeAll(() => {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
});
afterAll(() => {
	for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

function newStateDir(scenario: string): string {
	const dir = mkdtempSync(join(tmpdir(), `sfb-pair-${scenario}-`));
	stateDirs.push(dir);
	return dir;
}

function cli(args: string[]): Promise<Result> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}

const lab = (scenario: string, stateDir: string) => ['--lab', '--scenario', scenario, '--time-scale', '2000', '--state-dir', stateDir];

function run(scenario: string, stateDir: string, pool: string, backup: string, ...extra: string[]): Promise<Result> {
	return cli(['run', ...lab(scenario, stateDir), '--pool', pool, '--backup', backup, '--yes', ...extra]);
}

interface StatusJson {
	pairedWith: string | null;
	state: 'unpaired' | 'complete' | 'unfinished' | 'unknown' | 'failed';
	directions: { from: string; verdict: { state: string; reason?: string } | null; error: string | null }[];
	services: { server: string; state: string }[];
	remaining: string[];
	code: number | null;
}

/** `status --json`, with its exit code: 0 complete, 3 work remains (or unpaired), 1 failed or could not tell. */
async function status(scenario: string, stateDir: string, pool: string): Promise<StatusJson> {
	const result = await cli(['status', ...lab(scenario, stateDir), '--pool', pool, '--json']);
	expect(result.stderr).toBe('');
	const reading = JSON.parse(result.stdout) as StatusJson;
	const expected = { complete: 0, unfinished: 3, unpaired: 3, unknown: 1, failed: 1 }[reading.state];
	expect(result.code, `status exit code for ${reading.state}`).toBe(expected);
	return { ...reading, code: result.code };
}

/** One `run` per scenario, shared by the tests that look at what it printed. */
const firstRuns = new Map<string, Promise<Result & { stateDir: string }>>();
function firstRun(scenario: string, pool = AMS, backup = FRA) {
	let pending = firstRuns.get(scenario);
	if (!pending) {
		const stateDir = newStateDir(scenario);
		pending = run(scenario, stateDir, pool, backup).then((result) => ({ ...result, stateDir }));
		firstRuns.set(scenario, pending);
	}
	return pending;
}

/** The lines of `run` without their time stamp. */
function lines(output: string): string[] {
	return output.split('\n').map((line) => line.replace(/^\d\d:\d\d:\d\d /, ''));
}

async function expectSteadyBothWays(scenario: string, stateDir: string, pool: string, backup: string) {
	const reading = await status(scenario, stateDir, pool);
	expect(reading.state).toBe('complete');
	expect(reading.pairedWith).toBe(backup);
	expect(reading.directions.map((direction) => direction.verdict?.state)).toEqual(['steady', 'steady']);
	expect(reading.services.every((service) => service.state === 'Running')).toBe(true);
}

function recordEntries(stateDir: string): { type: string; what?: string; text?: string }[] {
	const records = join(stateDir, 'records');
	const [file] = readdirSync(records).filter((name) => name.endsWith('.jsonl'));
	return readFileSync(join(records, file!), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as { type: string; what?: string; text?: string });
}

describe.concurrent('built-in scenarios end to end', { timeout: 60_000 }, () => {
	it('`scenarios` lists every scenario of the library, one line each', async () => {
		const result = await cli(['scenarios']);
		expect(result.code).toBe(0);
		const names = result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
		expect(names).toEqual([
			'default',
			'enterprise-happy',
			'standard-edition',
			'cms-standard-partner',
			'cms-pair',
			'cms-no-standby',
			'not-deployed',
			'mixed-deployment',
			'unsupported-pairs',
			'deployment-unreachable',
			'server-unreachable',
			'replica-behind',
			'bootstrap-failure',
			'restart-needed',
			'another-version',
			'cu-not-reapplied',
			'pool-not-ready',
			'cu-installer-fails',
			'sync-slow',
			'sync-error',
			'file-share-permissions',
			'access-denied',
			'topology-changed',
			'preflight-blocked',
			'drill',
			'drill-not-steady',
			'drill-stale-sync',
			'unpair-repair',
		]);
	});

	it('unpair-repair: unpair --yes --unpair undoes the pair in service (exit 0), then both pools are free and Redmond pairs with Dublin B, ready', async () => {
		const stateDir = newStateDir('unpair-repair');
		const common = ['--scenario', 'unpair-repair', '--state-dir', stateDir, '--time-scale', '2000'];
		const refused = await cli(['unpair', '--pool', 'pool-redmond.contoso.com', ...common]);
		expect(refused.code).toBe(2);
		expect(refused.stderr.trim()).toBe('sfb-pair: unpair changes the farm: add --yes --unpair to confirm without a terminal, or run it in a terminal to type the word unpair');
		const unpaired = await cli(['unpair', '--pool', 'pool-redmond.contoso.com', '--yes', '--unpair', ...common]);
		expect(unpaired.code, unpaired.stdout + unpaired.stderr).toBe(0);
		expect(unpaired.stdout).toMatch(/^Done: pool-redmond\.contoso\.com and pool-dublin\.contoso\.com are no longer paired/m);
		const pools = JSON.parse((await cli(['pools', '--json', ...common])).stdout) as { pools: { fqdn: string; pairedWith: string | null }[] };
		const pairedWith = Object.fromEntries(pools.pools.map((pool) => [pool.fqdn, pool.pairedWith ?? null]));
		expect(pairedWith['pool-redmond.contoso.com']).toBeNull();
		expect(pairedWith['pool-dublin.contoso.com']).toBeNull();
		const plan = await cli(['plan', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-dublin-b.contoso.com', ...common]);
		expect(plan.code, plan.stdout + plan.stderr).toBe(0);
		const again = await cli(['unpair', '--pool', 'pool-redmond.contoso.com', '--yes', '--unpair', ...common]);
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/pool-redmond\.contoso\.com is not paired: there is nothing to unpair/);

		// The re-pair with another pool, end to end: Bootstrapper lays the Backup Service down again, the sync holds.
		const repaired = await cli(['run', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-dublin-b.contoso.com', '--yes', ...common]);
		expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
		expect(repaired.stdout).toMatch(/done: pool-redmond\.contoso\.com and pool-dublin-b\.contoso\.com are paired and their Backup Service is in steady state both ways/);
		const estate = JSON.parse((await cli(['status', '--all', '--json', ...common])).stdout) as { pools: { pool: string; pairedWith: string | null; readiness: string }[] };
		const readiness = Object.fromEntries(estate.pools.map((pool) => [pool.pool, [pool.pairedWith, pool.readiness]]));
		expect(readiness['pool-redmond.contoso.com']).toEqual(['pool-dublin-b.contoso.com', 'ready']);
		expect(readiness['pool-dublin-b.contoso.com']).toEqual(['pool-redmond.contoso.com', 'ready']);
		expect(readiness['pool-dublin.contoso.com']).toEqual([null, 'work']);
	});

	it('default: the Redmond and Dublin pools pair and hold steady state', async () => {
		const stateDir = newStateDir('default');
		const result = await run('default', stateDir, 'pool-redmond.contoso.com', 'pool-dublin.contoso.com');
		expect(result.code, result.stdout).toBe(0);
		await expectSteadyBothWays('default', stateDir, 'pool-redmond.contoso.com', 'pool-dublin.contoso.com');
	});

	it('enterprise-happy: every step goes right, exit 0, steady both ways', async () => {
		const result = await firstRun('enterprise-happy');
		expect(result.code, result.stdout).toBe(0);
		expect(result.stdout).not.toMatch(/FAILED|warning:/);
		expect(lines(result.stdout)).toContain(`done: ${AMS} and ${FRA} are paired and their Backup Service is in steady state both ways`);
		await expectSteadyBothWays('enterprise-happy', result.stateDir, AMS, FRA);
	});

	it('standard-edition: the two branch Standard Edition servers pair, exit 0', async () => {
		const stateDir = newStateDir('standard-edition');
		const result = await run('standard-edition', stateDir, 'bos-se01.tailspintoys.com', 'chi-se01.tailspintoys.com');
		expect(result.code, result.stdout).toBe(0);
		expect(result.stdout).not.toContain('warning:');
		await expectSteadyBothWays('standard-edition', stateDir, 'bos-se01.tailspintoys.com', 'chi-se01.tailspintoys.com');
	});

	it('cms-standard-partner: the plan and the run say Topology Builder only, Install-CsDatabase first; run changes nothing and waits, exit 3', async () => {
		const stateDir = newStateDir('cms-standard-partner');
		const [pool, backup] = ['lon-se01.woodgrovebank.com', 'edi-se01.woodgrovebank.com'];
		const warning =
			`${pool} holds the Central Management store: pair it in Topology Builder, and first run ` +
			`Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${backup} -SqlInstanceName rtc for the standby store on ${backup}`;
		const plan = await cli(['plan', ...lab('cms-standard-partner', stateDir), '--pool', pool, '--backup', backup, '--json']);
		expect(plan.code).toBe(0);
		expect((JSON.parse(plan.stdout) as { warnings: string[] }).warnings).toEqual([warning]);
		const text = await cli(['plan', ...lab('cms-standard-partner', stateDir), '--pool', pool, '--backup', backup]);
		expect(text.stdout).toMatch(/^ {2}to do: Topology Builder \(you\) +Edit Properties of lon-se01\.woodgrovebank\.com: Resiliency, Associated Backup Pool edi-se01\.woodgrovebank\.com; then Action, Topology, Publish$/m);
		expect(text.stdout).not.toContain('Set-CsRegistrar');

		const result = await run('cms-standard-partner', stateDir, pool, backup);
		expect(result.code, result.stdout).toBe(3);
		expect(lines(result.stdout)).toContain(`warning: ${warning}`);
		expect(lines(result.stdout)).toContain(`  1. First, in the Management Shell: Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn '${backup}' -SqlInstanceName 'rtc'`);
		expect(result.stdout).toMatch(/needs-operator: lon-se01\.woodgrovebank\.com holds the Central Management store, which Microsoft documents pairing only in Topology Builder: nothing was changed/);
		expect((await status('cms-standard-partner', stateDir, pool)).pairedWith).toBeNull();
	});

	it('not-deployed: the pairing is published, then step 7 ends the run with exit 3 and says to deploy the pools', async () => {
		const stateDir = newStateDir('not-deployed');
		const [pool, backup] = ['pool-bgo.northwindtraders.com', 'pool-trd.northwindtraders.com'];
		const result = await run('not-deployed', stateDir, pool, backup);
		expect(result.code, result.stdout).toBe(3);
		expect(lines(result.stdout)).toContain(`needs-operator: ${pool} and ${backup} are paired but were never deployed: deploy them and the pairing is complete`);
		expect(result.stdout).not.toContain('Bootstrapper started');
		expect((await status('not-deployed', stateDir, pool)).pairedWith).toBe(backup);
	});

	const refusals: [string, string][] = [
		['pdx-se01.adatum.com', 'Enterprise Edition pairs only with Enterprise Edition, Standard Edition only with Standard Edition'],
		['pool-yvr.adatum.com', 'physical pools pair only with physical pools, virtual only with virtual'],
		['pool-den.adatum.com', 'pool-sea.adatum.com runs Windows Server 2019 and pool-den.adatum.com runs Windows Server 2016: both pools must run the same base operating system'],
		['pool-bos.adatum.com', 'pool-bos.adatum.com is already paired with pool-atl.adatum.com'],
		['dir-sea.adatum.com', 'dir-sea.adatum.com is not a Front End pool in this topology'],
	];

	it.each(refusals)('unsupported-pairs: plan refuses %s with the reason in one line, exit 2', async (backup, reason) => {
		const plan = await cli(['plan', ...lab('unsupported-pairs', newStateDir('unsupported-pairs')), '--pool', SEA, '--backup', backup]);
		expect(plan.code).toBe(2);
		expect(plan.stderr).toContain(reason);
		expect(plan.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('unsupported-pairs: run refuses a pair of different platforms before writing anything, exit 2', async () => {
		const stateDir = newStateDir('unsupported-pairs');
		const refused = await run('unsupported-pairs', stateDir, SEA, 'pool-yvr.adatum.com');
		expect(refused.code).toBe(2);
		expect(refused.stderr).toBe(`sfb-pair: cannot pair ${SEA} with pool-yvr.adatum.com: ${SEA} runs on physical servers and pool-yvr.adatum.com on virtual servers: ${refusals[1]![1]}\n`);
		expect((await status('unsupported-pairs', stateDir, SEA)).pairedWith).toBeNull();
	});

	it('unsupported-pairs: the right partner is planned without refusal', async () => {
		const stateDir = newStateDir('unsupported-pairs');
		const plan = await cli(['plan', ...lab('unsupported-pairs', stateDir), '--pool', SEA, '--backup', 'pool-phx.adatum.com', '--json']);
		expect(plan.code, plan.stderr).toBe(0);
		expect((JSON.parse(plan.stdout) as { warnings: string[] }).warnings).toEqual([
			`${SEA} holds the Central Management store: pair it in Topology Builder, which defines the standby store on the back end of pool-phx.adatum.com`,
		]);
	});

	it('server-unreachable: the WinRM failure is shown, the server is retried once and the run finishes, exit 0', async () => {
		const result = await firstRun('server-unreachable');
		expect(result.code, result.stdout).toBe(0);
		const output = lines(result.stdout);
		const failed = output.findIndex((line) => line.startsWith('fra-fe02.fabrikam.com: Bootstrapper FAILED: Connecting to remote server fra-fe02.fabrikam.com failed') && line.includes('WinRM'));
		expect(failed).toBeGreaterThan(-1);
		const retried = output.indexOf('fra-fe02.fabrikam.com: Bootstrapper will run again');
		expect(retried).toBeGreaterThan(failed);
		expect(output.findIndex((line) => line.startsWith('fra-fe02.fabrikam.com: Bootstrapper succeeded (exit 0)'))).toBeGreaterThan(retried);
		await expectSteadyBothWays('server-unreachable', result.stateDir, AMS, FRA);
	});

	it('bootstrap-failure: the 1603 failure on dub-fe02 is retried once and the run finishes, exit 0', async () => {
		const stateDir = newStateDir('bootstrap-failure');
		const result = await run('bootstrap-failure', stateDir, 'pool-redmond.contoso.com', 'pool-dublin.contoso.com');
		expect(result.code, result.stdout).toBe(0);
		const output = lines(result.stdout);
		expect(output.some((line) => /^dub-fe02\.contoso\.com: Bootstrapper FAILED: Bootstrapper exited with 1603/.test(line))).toBe(true);
		expect(output).toContain('dub-fe02.contoso.com: Bootstrapper will run again');
	});

	it('restart-needed: dub-fe02 held at exit 3010 stops run with exit 3 and the exact next commands; --resume --restart-held fails it over, restarts it, fails it back, runs Bootstrapper again, exit 0', async () => {
		const stateDir = newStateDir('restart-needed');
		const pair = ['pool-redmond.contoso.com', 'pool-dublin.contoso.com'] as const;
		const held = await run('restart-needed', stateDir, ...pair);
		expect(held.code, held.stdout).toBe(3);
		const output = lines(held.stdout);
		expect(output).toContain('held for a restart (Bootstrapper exit 3010): dub-fe02.contoso.com');
		expect(output).toContain('  restart it yourself, then: sfb-pair run --pool pool-redmond.contoso.com --backup pool-dublin.contoso.com --yes --resume   (each boot time is checked first)');
		expect(output).toContain(
			'  or let sfb-pair do it (failover, Restart-Computer, failback; calls on that server drop for a moment): sfb-pair run --pool pool-redmond.contoso.com --backup pool-dublin.contoso.com --yes --resume --restart-held',
		);
		expect(output.some((line) => line.includes('Restart-Computer -ComputerName'))).toBe(false);

		const restarted = await run('restart-needed', stateDir, ...pair, '--resume', '--restart-held');
		expect(restarted.code, restarted.stdout).toBe(0);
		const steps = lines(restarted.stdout);
		const order = [
			'dub-fe02.contoso.com: restart: failing over',
			"dub-fe02.contoso.com: Restart-Computer -ComputerName 'dub-fe02.contoso.com' -Force",
			'dub-fe02.contoso.com: restart: waiting for it to come back',
			'dub-fe02.contoso.com: restart: failing back',
			'dub-fe02.contoso.com: Bootstrapper will run again',
			'dub-fe02.contoso.com: Bootstrapper succeeded (exit 0), verified on the farm',
		].map((text) => steps.findIndex((line) => line === text));
		expect(order.every((at) => at >= 0), restarted.stdout).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('another-version: refused twice on ams-fe03, left to the operator with exit 3; --resume then finishes, exit 0', async () => {
		const result = await firstRun('another-version');
		expect(result.code, result.stdout).toBe(3);
		const output = lines(result.stdout);
		expect(output.filter((line) => /^ams-fe03\.fabrikam\.com: Another Lync Server product with version \S+ is already installed\.$/.test(line))).toHaveLength(2);
		expect(output.filter((line) => line.startsWith('ams-fe03.fabrikam.com: Bootstrapper FAILED'))).toHaveLength(2);
		expect(output.filter((line) => line.startsWith('ams-fe02.fabrikam.com: Bootstrapper succeeded'))).toHaveLength(1);
		expect(output.find((line) => line.startsWith('needs-operator: ams-fe03.fabrikam.com:'))).toMatch(/Fix it, then run again with --resume$/);

		const resumed = await run('another-version', result.stateDir, AMS, FRA, '--resume');
		expect(resumed.code, resumed.stdout).toBe(0);
		expect(lines(resumed.stdout)).toContain('ams-fe03.fabrikam.com: Bootstrapper succeeded (exit 0), verified on the farm');
		await expectSteadyBothWays('another-version', result.stateDir, AMS, FRA);
	});

	it('cu-not-reapplied: the installer exits 0 but the Backup Service stays behind on fra-fe01; the version probe fails it, the retry re-applies it, exit 0', async () => {
		const result = await firstRun('cu-not-reapplied');
		expect(result.code, result.stdout).toBe(0);
		const output = lines(result.stdout);
		expect(output).toContain('fra-fe01.fabrikam.com: Applying CU8 to LyncBackupService.msi...skipped: LyncBackupService.exe is in use by another process');
		const caught = output.findIndex((line) => line.startsWith('fra-fe01.fabrikam.com: CU re-apply FAILED: the update installer exited with 0 on fra-fe01.fabrikam.com, but Get-CsServerPatchVersion: Backup Service 7.0.2046.0 is behind Core Components 7.0.2046.8'));
		expect(caught).toBeGreaterThan(-1);
		expect(output.findIndex((line) => line.startsWith('fra-fe01.fabrikam.com: CU re-apply succeeded (exit 0), verified on the farm'))).toBeGreaterThan(caught);
		expect(output.filter((line) => line.includes('LYNCBACKUP FAILED'))).toHaveLength(0);
		await expectSteadyBothWays('cu-not-reapplied', result.stateDir, AMS, FRA);
	});

	it('pool-not-ready: the CU waits for pool-dublin to be ready for its first upgrade domain, saying why, then patches it; exit 0', async () => {
		const result = await firstRun('pool-not-ready', 'pool-redmond.contoso.com', 'pool-dublin.contoso.com');
		expect(result.code, result.stdout).toBe(0);
		const output = lines(result.stdout);
		const waiting = output.indexOf('upgrade readiness pool-dublin.contoso.com: 2 of 3 Front Ends active (InsufficientActiveFrontEnds)');
		expect(waiting).toBeGreaterThan(-1);
		const ready = output.indexOf('upgrade readiness pool-dublin.contoso.com: 3 of 3 Front Ends active (Ready)');
		expect(ready).toBeGreaterThan(waiting);
		expect(output.indexOf('dub-fe01.contoso.com: CU re-apply: failing over')).toBeGreaterThan(ready);
	});

	it('plan shows the Cumulative Update by upgrade domain with its wall time: the scenario\'s per server, or --cu-minutes; a bad --cu-minutes exits 2', async () => {
		const stateDir = newStateDir('plan-domains');
		const text = await cli(['plan', ...lab('enterprise-happy', stateDir), '--pool', AMS, '--backup', FRA]);
		expect(text.code, text.stderr).toBe(0);
		const output = lines(text.stdout);
		const cu = output.indexOf('  By upgrade domain: one domain at a time per pool, one pool after the other; each server failed over, updated, failed back.');
		expect(cu).toBeGreaterThan(output.findIndex((line) => line.startsWith('Step CU')));
		expect(output.slice(cu + 1, cu + 3)).toEqual(['    1. pool-ams UpgradeDomain1: ams-fe01', '    2. pool-ams UpgradeDomain2: ams-fe02']);
		expect(output).toContain('    Expected wall time: about 33 min (6 min a server, plus the waits for each pool to be ready again).');
		const json = await cli(['plan', ...lab('enterprise-happy', stateDir), '--pool', AMS, '--backup', FRA, '--json', '--cu-minutes', '20']);
		expect(JSON.parse(json.stdout).cumulativeUpdateSchedule).toMatchObject({ order: 'one-after-another', perServerMinutes: 20, wallMinutes: 120 });
		const sideBySide = await cli(['plan', ...lab('enterprise-happy', stateDir), '--pool', AMS, '--backup', FRA, '--json', '--cu-minutes', '20', '--cu-side-by-side']);
		expect(JSON.parse(sideBySide.stdout).cumulativeUpdateSchedule).toMatchObject({ order: 'side-by-side', wallMinutes: 60 });
		const bad = await cli(['plan', ...lab('enterprise-happy', stateDir), '--pool', AMS, '--backup', FRA, '--cu-minutes', '0']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--cu-minutes.*must be from 1 to 600, not 0/);
	});

	it('cu-installer-fails: fra-fe02 fails over, its installer exits 1603 and it is left failed over; the retry installs and fails it back, exit 0', async () => {
		const result = await firstRun('cu-installer-fails');
		expect(result.code, result.stdout).toBe(0);
		const output = lines(result.stdout);
		const server = 'fra-fe02.fabrikam.com';
		const stages = output.filter((line) => line.startsWith(`${server}: CU re-apply`)).map((line) => line.slice(server.length + 2));
		expect(stages).toEqual([
			'CU re-apply started',
			'CU re-apply: failing over',
			'CU re-apply: installing',
			`CU re-apply FAILED: the update installer exited with 1603; ${server} is left failed over (its users are on the pool's other servers): fix the installer and retry, or fail it back by hand (Invoke-CsComputerFailBack -ComputerName '${server}')`,
			'CU re-apply will run again',
			'CU re-apply started',
			'CU re-apply: installing',
			'CU re-apply: failing back',
			'CU re-apply succeeded (exit 0), verified on the farm',
		]);
		// The next domain of the pool waits for this one: fra-fe03 starts only after fra-fe02 is done.
		const done = output.indexOf(`${server}: CU re-apply succeeded (exit 0), verified on the farm`);
		expect(output.indexOf('fra-fe03.fabrikam.com: CU re-apply started')).toBeGreaterThan(done);
		await expectSteadyBothWays('cu-installer-fails', result.stateDir, AMS, FRA);
	});

	it('sync-slow: the watch times out with exit 3 and says to resume; --resume watches on to steady state, exit 0', async () => {
		const result = await firstRun('sync-slow');
		expect(result.code, result.stdout).toBe(3);
		const stopped = lines(result.stdout).find((line) => line.startsWith('needs-operator: the sync is not steady yet'));
		expect(stopped).toContain(`${FRA}: UserServices.PresenceFocus NonSteadyState/NormalState`);
		expect(stopped).toMatch(/run again with --resume to keep watching$/);

		const resumed = await run('sync-slow', result.stateDir, AMS, FRA, '--resume');
		expect(resumed.code, resumed.stdout).toBe(0);
		expect(resumed.stdout).not.toContain('Bootstrapper started');
		await expectSteadyBothWays('sync-slow', result.stateDir, AMS, FRA);
	});

	it('sync-slow: when the watch times out, run prints the guidance for a sync that is not steady', async () => {
		const result = await firstRun('sync-slow');
		expect(result.stdout).toContain('Check LYNCBACKUP is Running on every server');
		expect(result.stdout).toContain(`Debug-CsInterPoolReplication -PoolFqdn '${AMS}'`);
	});

	it('sync-slow: a long sync watch prints nothing on stderr', async () => {
		const result = await firstRun('sync-slow');
		expect(result.stderr).toBe('');
	});

	it('sync-error: the ErrorState module fails the run with exit 1, and status names it', async () => {
		const result = await firstRun('sync-error');
		expect(result.code, result.stdout).toBe(1);
		expect(lines(result.stdout)).toContain(`failed: ${FRA}: ConfServices.DataConf in ErrorState (on 3 polls in a row)`);
		const reading = await status('sync-error', result.stateDir, FRA);
		expect(reading.directions[0]?.verdict).toEqual({ state: 'failed', reason: `${FRA}: ConfServices.DataConf in ErrorState` });
	});

	it('access-denied: a refused Get-CsBackupServiceStatus could not tell, so the run stops with exit 3 naming the pool and the group; --resume then finishes', async () => {
		const result = await firstRun('access-denied');
		expect(result.code, result.stdout).toBe(3);
		expect(lines(result.stdout)).toContain(
			`needs-operator: could not tell on ${AMS} whether its sync is in steady state: unknown (access denied): Get-CsBackupServiceStatus -PoolFqdn '${AMS}': access denied; the account running it must be a member of RTCUniversalServerAdmins; run again with --resume to keep watching`,
		);
		const resumed = await run('access-denied', result.stateDir, AMS, FRA, '--resume');
		expect(resumed.code, resumed.stdout).toBe(0);
		await expectSteadyBothWays('access-denied', result.stateDir, AMS, FRA);
	});

	it('deployment-unreachable: a server that cannot be asked is unknown, never "not deployed": the run stops with exit 3 naming it and why, nothing skipped; --resume finishes', async () => {
		const result = await firstRun('deployment-unreachable');
		expect(result.code, result.stdout).toBe(3);
		const output = lines(result.stdout);
		expect(output).toContain('  fra-fe02.fabrikam.com: deployed unknown (unreachable)');
		expect(output.find((line) => line.startsWith('needs-operator:'))).toMatch(
			/^needs-operator: could not tell on fra-fe02\.fabrikam\.com whether it is deployed: unknown \(unreachable\): Get-CsWindowsService -Name 'RTCSRV' -ComputerName 'fra-fe02\.fabrikam\.com': Connecting to remote server fra-fe02\.fabrikam\.com failed/,
		);
		expect(result.stdout).not.toMatch(/ skipped: |are paired but were never deployed|is not deployed: deploy/);
		const decisions = recordEntries(result.stateDir).filter((entry) => entry.type === 'decision' && entry.what === 'could not tell on fra-fe02.fabrikam.com: it is deployed');
		expect(decisions.map((entry) => (entry as { choice?: string }).choice)).toEqual(['retry', 'stop']);

		const resumed = await run('deployment-unreachable', result.stateDir, AMS, FRA, '--resume');
		expect(resumed.code, resumed.stdout).toBe(0);
		expect(resumed.stdout).toContain('fra-fe02.fabrikam.com: Bootstrapper succeeded');
		await expectSteadyBothWays('deployment-unreachable', result.stateDir, AMS, FRA);
	});

	it('replica-behind: the gate shows fra-fe01 behind the publish, pushes once, waits and stops naming it before any Bootstrapper runs, exit 3; after the wait, --resume installs it, exit 0', async () => {
		// At 200 times real time the replica is behind for 9 s; the gate gives up 3 s after the push.
		const stateDir = newStateDir('replica-behind');
		const result = await run('replica-behind', stateDir, AMS, FRA, '--time-scale', '200');
		expect(result.code, result.stdout).toBe(3);
		const output = lines(result.stdout);
		expect(output).toContain("replication pushed (Invoke-CsManagementStoreReplication) to fra-fe01.fabrikam.com");
		expect(output.find((line) => line.startsWith('replication: '))).toMatch(
			/^replication: 5 of 6 read up to date; fra-fe01\.fabrikam\.com not done \(Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'fra-fe01\.fabrikam\.com': UpToDate False, LastUpdateCreation [^)]+\)$/,
		);
		expect(output.find((line) => line.startsWith('needs-operator:'))).toMatch(
			/^needs-operator: the replica of the Central Management store on fra-fe01\.fabrikam\.com \(Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'fra-fe01\.fabrikam\.com': UpToDate False, LastUpdateCreation \S+\) is not up to date with the publish of \S+ after \d+ s, even after Invoke-CsManagementStoreReplication: Bootstrapper run there now would install nothing\. Check replication to that server, then run again with --resume$/,
		);
		expect(result.stdout).not.toMatch(/Bootstrapper started/);
		const record = recordEntries(stateDir) as { type: string; target?: string; outcome?: string; exitCode?: number; command?: string; what?: string; choice?: string }[];
		expect(record.filter((entry) => entry.type === 'decision' && entry.what === 'replicas behind the publish: fra-fe01.fabrikam.com').map((entry) => entry.choice)).toEqual(['push', 'stop']);

		// Ten thousand times real time: the thirty minutes have passed.
		const resumed = await run('replica-behind', stateDir, AMS, FRA, '--resume', '--time-scale', '10000');
		expect(resumed.code, resumed.stdout).toBe(0);
		expect(lines(resumed.stdout)).toContain('fra-fe01.fabrikam.com: Bootstrapper succeeded (exit 0), verified on the farm');
		const runs = (recordEntries(stateDir) as typeof record).filter((entry) => entry.type === 'command' && entry.target === 'fra-fe01.fabrikam.com' && entry.command?.includes('Bootstrapper'));
		expect(runs.map((entry) => [entry.outcome, entry.exitCode])).toEqual([['succeeded', 0]]);
		await expectSteadyBothWays('replica-behind', stateDir, AMS, FRA);
	});

	it('mixed-deployment: Amsterdam is deployed and Frankfurt is not; Amsterdam gets steps 8–10, the sync waits, exit 3 naming Frankfurt', async () => {
		const result = await firstRun('mixed-deployment');
		expect(result.code, result.stdout).toBe(3);
		const output = lines(result.stdout);
		for (const server of ['ams-fe01', 'ams-fe02', 'ams-fe03']) {
			expect(output).toContain(`${server}.fabrikam.com: Bootstrapper succeeded (exit 0), verified on the farm`);
			expect(output.some((line) => line.startsWith(`${server}.fabrikam.com: LYNCBACKUP succeeded`))).toBe(true);
		}
		expect(result.stdout).not.toMatch(/fra-fe0\d\.fabrikam\.com: Bootstrapper started/);
		expect(output).toContain(
			`needs-operator: ${FRA} is not deployed: deploy it, then run again to finish Bootstrapper, the CU and LYNCBACKUP there, and the sync`,
		);
		const reading = await status('mixed-deployment', result.stateDir, AMS);
		expect(reading.state).toBe('unfinished');
		expect(reading.remaining).toContain(
			"fra-fe01.fabrikam.com: deployed: Get-CsWindowsService -Name 'RTCSRV' -ComputerName 'fra-fe01.fabrikam.com': RTCSRV is not installed (the pool was defined but never deployed)",
		);
	});

	it('topology-changed: the stale plan is refused and made again before anything is published, exit 0', async () => {
		const result = await firstRun('topology-changed');
		expect(result.code, result.stdout).toBe(0);
		const publishes = recordEntries(result.stateDir).filter((entry) => entry.type === 'decision' && entry.what === 'publish the pairing');
		expect(publishes).toHaveLength(2);
		expect(lines(result.stdout).filter((line) => line === 'pairing written and topology enabled')).toHaveLength(1);
		await expectSteadyBothWays('topology-changed', result.stateDir, AMS, FRA);
	});

	it('topology-changed: run tells the operator that the plan was made again because the topology changed', async () => {
		const result = await firstRun('topology-changed');
		expect(result.stdout).toMatch(/topology changed since (this|the) plan was made/i);
	});
});

describe('a farm of one Front End pool', () => {
	it('pools and pools --json say nothing can be paired with it', async () => {
		const stateDir = newStateDir('one-pool');
		const scenario = join(stateDir, 'one-pool.json');
		const only = { fqdn: 'se01.lab.local', site: 'Lab', edition: 'Standard', version: 'Skype for Business Server 2015', servers: ['se01.lab.local'] };
		writeFileSync(scenario, JSON.stringify({ name: 'one-pool', description: 'one server', seed: 1, sites: [{ id: '1', name: 'Lab' }], pools: [only] }));
		const reason = 'the only Front End pool: nothing can be paired with it until a second pool is defined';

		const table = await cli(['pools', ...lab(scenario, stateDir)]);
		expect(table.code, table.stderr).toBe(0);
		expect(table.stdout).toContain(reason);
		expect(table.stdout).not.toContain('free to pair');

		const json = await cli(['pools', '--json', ...lab(scenario, stateDir)]);
		expect(json.code, json.stderr).toBe(0);
		expect((JSON.parse(json.stdout) as { pools: { eligible: boolean; reason: string | null }[] }).pools).toMatchObject([{ eligible: false, reason }]);
	});
});
