import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapperOnServerCommand } from '../../source/sfb/commands.js';
import { expectOneLineRefusal, sfbPair } from '../helpers/cli.js';
import { temporaryFolders } from '../helpers/folders.js';

const AMS = 'pool-ams.fabrikam.com';
const FRA = 'pool-fra.fabrikam.com';
const folders = temporaryFolders('sfb-pair-doctor-e2e-');
afterAll(() => folders.removeAll());

describe.concurrent('sfb-pair doctor, the built CLI on the lab', { timeout: 60_000 }, () => {
	it('preflight-blocked: exit 1, each blocking check with its evidence and what to do, the warning after them', () => {
		const run = sfbPair(['doctor', '--scenario', 'preflight-blocked', '--state-dir', folders.make(), '--pool', AMS, '--backup', FRA]);
		expect(run.status, run.stderr).toBe(1);
		expect(run.stdout).toMatch(/^LAB · scenario preflight-blocked/);
		expect(run.stdout).toMatch(/Pre-flight of pool-ams\.fabrikam\.com ↔ pool-fra\.fabrikam\.com, read .* UTC: 3 blocking, 1 warning, 30 ok/);
		// Not a terminal: the table, one line a check, whatever its length.
		expect(run.stdout).toMatch(/^BLOCKING +SMB to partner file store +fra-fe02\.fabrikam\.com +Test-NetConnection -ComputerName 'pool-ams-fs\.fabrikam\.com' -Port 445 in its remote session: closed$/m);
		const toDo = run.stdout.slice(run.stdout.indexOf('What to do:')).split('\n').slice(1, 5);
		expect(toDo.map((line) => line.trim().split(',')[0])).toEqual(['BLOCKING elevated shell', 'BLOCKING SMB to partner file store', 'BLOCKING Windows Fabric replicas', 'WARNING Kerberos double hop']);
		expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Pairing would fail or break a rule: fix the blocking checks, then run sfb-pair doctor again.');
	});

	it('run stops before it changes anything when a pre-flight check blocks: exit 1, naming each, the pools left unpaired', () => {
		const stateDir = folders.make();
		const run = sfbPair(['run', '--scenario', 'preflight-blocked', '--state-dir', stateDir, '--pool', AMS, '--backup', FRA, '--yes']);
		expect(run.status, run.stderr).toBe(1);
		const output = run.stdout.split('\n');
		expect(output[1]).toBe('Pre-flight (sfb-pair doctor): 3 blocking, 1 warning, 30 ok');
		expect(output.filter((line) => line.startsWith('  BLOCKING ')).map((line) => line.split(',')[0]?.trim())).toEqual(['BLOCKING elevated shell', 'BLOCKING SMB to partner file store', 'BLOCKING Windows Fabric replicas']);
		expect(run.stdout).toContain('Nothing was changed: fix the blocking checks, then run again');
		expect(run.stdout).not.toMatch(/pairing written|Bootstrapper (started|succeeded)|step 6/);
		const pools = sfbPair(['pools', '--json', '--scenario', 'preflight-blocked', '--state-dir', stateDir]);
		expect((JSON.parse(pools.stdout) as { pools: { fqdn: string; pairedWith: string | null }[] }).pools.map((pool) => [pool.fqdn, pool.pairedWith ?? null])).toEqual([
			[AMS, null],
			[FRA, null],
			['utr-se01.fabrikam.com', null],
		]);
	});

	it('run --by-hand: the commands printed bare, the run stops (exit 3) once the others finish; a name not of the pair is refused', () => {
		const stateDir = folders.make();
		const pair = ['--scenario', 'default', '--time-scale', '2000', '--state-dir', stateDir, '--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes'];
		expectOneLineRefusal(sfbPair(['run', ...pair, '--by-hand', 'red-fe01.contoso.com']), 2, /--by-hand red-fe01\.contoso\.com is not a Front End of this pair \(its Front Ends: se-redmond\.contoso\.com, se-dublin\.contoso\.com\)/);
		const run = sfbPair(['run', ...pair, '--by-hand', 'SE-DUBLIN.contoso.com']);
		expect(run.status, run.stderr).toBe(3);
		const lines = run.stdout.split('\n');
		// Once, bare, found on the server from its Front End service's install path.
		expect(lines.filter((line) => line === `  ${bootstrapperOnServerCommand()}`)).toHaveLength(1);
		// Elsewhere (the waiting line, the exit-3 reason) it is pointed to, not repeated: some 500 characters.
		expect(lines.filter((line) => line.includes(bootstrapperOnServerCommand()))).toHaveLength(1);
		expect(run.stdout).toMatch(/se-dublin\.contoso\.com: Bootstrapper WAITING ON YOU \(by hand\): to be run on se-dublin\.contoso\.com by hand \(not done yet: Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'se-dublin\.contoso\.com': LYNCBACKUP is not installed\): run the command printed above under "se-dublin\.contoso\.com: Bootstrapper by hand" there \(also in the change record\)/);
		expect(run.stdout).toMatch(/se-redmond\.contoso\.com: Bootstrapper succeeded/);
	});

	it('warnings alone exit 0', () => {
		const folder = folders.make();
		const scenario = `${folder}/hop.json`;
		writeFileSync(scenario, JSON.stringify({ extends: 'enterprise-happy', name: 'hop', description: 'the double hop refused on one server', faults: [{ type: 'double-hop-denied', server: 'fra-fe03.fabrikam.com' }] }));
		const run = sfbPair(['doctor', '--scenario', scenario, '--state-dir', folder, '--pool', AMS, '--backup', FRA, '--json']);
		expect(run.status, run.stderr).toBe(0);
		const output = JSON.parse(run.stdout) as { exitCode: number; counts: Record<string, number>; checks: { id: string; status: string; subject: string }[] };
		expect(output.counts).toMatchObject({ blocking: 0, warning: 1 });
		expect(output.checks.filter((check) => check.status !== 'ok')).toEqual([expect.objectContaining({ id: 'double-hop', status: 'warning', subject: 'fra-fe03.fabrikam.com' })]);
	});

	it.each([
		[['--pool', AMS], /--pool and --backup together/],
		[['--pool', AMS, '--backup', 'nowhere.fabrikam.com'], /--backup nowhere\.fabrikam\.com is not a Front End pool of the published topology \(its pools: pool-ams\.fabrikam\.com, pool-fra\.fabrikam\.com, utr-se01\.fabrikam\.com\)/],
		[['--pool', AMS, '--backup', AMS.toUpperCase()], /name the same pool/],
		[['--capture', 'shapes.json'], /--capture records what a real farm's cmdlets return: the lab farm has no cmdlets/],
	])('refuses %j in one line, exit 2', (extra, reason) => {
		expectOneLineRefusal(sfbPair(['doctor', '--scenario', 'enterprise-happy', '--state-dir', folders.make(), ...extra]), 2, reason);
	});
});
