import { describe, expect, it } from 'vitest';
import { statusAllCommand } from '../../../source/cli/commands/status-all.js';
import { EnvironmentError, type Environment } from '../../../source/environments/port.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario } from '../../../source/environments/lab/scenario.js';
import type { EstateReadiness } from '../../../source/procedure/readiness.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { PAIRED_BACKUP as B, PAIRED_POOL as A } from '../../helpers/pools.js';

/** `status --all` on a lab farm a drill (or a disaster) left failed over: the farm, not the topology, says where things run. */

const stateDir = useTemporaryStateDir('sfb-pair-status-failover-');

async function drillLab(): Promise<LabEnvironment> {
	return openLabEnvironment({ stateDir: stateDir(), scenario: await loadScenario('drill'), timeScale: 10_000 });
}

async function statusAll(environment: Environment) {
	const lines: string[] = [];
	const exitCode = await statusAllCommand(environment, false, (text) => lines.push(...text.split('\n')));
	const json: string[] = [];
	await statusAllCommand(environment, true, (line) => json.push(line));
	const estate = JSON.parse(json.join('\n')) as EstateReadiness & { exitCode: number };
	const row = (pool: string) => lines.find((line) => line.startsWith(`${pool} `))?.split(/ {2,}/);
	return { exitCode, lines, text: lines.join('\n'), estate, row };
}

describe('sfb-pair status --all after a failover', () => {
	it('the store on the standby and the pool served by its partner: both shown failed over, with the failback to do in order, exit 3', async () => {
		const lab = await drillLab();
		await lab.failOverManagementStore(B);
		await lab.failOverPool(A, true);

		const { exitCode, lines, text, estate, row } = await statusAll(lab);
		expect(exitCode, text).toBe(3);
		expect(lines[2]).toMatch(new RegExp(`^Central Management store: FAILED OVER, active on ${B}, standby on ${A} \\(the active Central Management store is on ${B}; the topology puts it on ${A}: Invoke-CsManagementServerFailover moved it\\)$`));
		expect(row(A)?.slice(5)).toEqual(['standby', 'FAILED OVER', 'fail back (+1)']);
		expect(row(B)?.slice(7), 'its sync is no step while the pair is failed over').toEqual([`see ${A}`]);
		expect(row(B)?.slice(5, 7)).toEqual(['active', 'work left']);
		const next = lines.slice(lines.indexOf('Next:'));
		const failBack = next.findIndex((line) => line.startsWith(`  ${A}: its users are served by ${B} (6 users of ${A}: 0 on ${A}, 6 on ${B}): once ${A} is back in service, fail it back: Invoke-CsPoolFailBack -PoolFqdn '${A}'`));
		const storeBack = next.findIndex((line) => line.includes(`fail the store back: Invoke-CsManagementServerFailover -BackupSqlServerFqdn 'pool-redmond-b-sql.contoso.com'`));
		expect(failBack, text).toBeGreaterThan(0);
		expect(storeBack, 'the store goes back after the users, as Microsoft fails back').toBeGreaterThan(failBack);
		expect(estate.centralManagementStore).toMatchObject({ active: B, standby: A, state: 'failed-over', topologyHost: A });
		expect(estate.pools.find((pool) => pool.pool === A)?.failedOver).toMatchObject({ to: B, partly: false });
		expect(estate.pools.find((pool) => pool.pool === B)?.failedOver).toBeNull();
	});

	it('after the failback (users home, store back) nothing of the drill lingers: the store where the topology puts it, no failback to do', async () => {
		const lab = await drillLab();
		await lab.failOverManagementStore(B);
		await lab.failOverPool(A, true);
		await lab.failBackPool(A);
		await lab.failOverManagementStore(A);
		const { lines, row, text, estate } = await statusAll(lab);
		expect(lines[2], text).toMatch(new RegExp(`^Central Management store: ${A}, standby on ${B}: `));
		expect(row(A)?.[5]).toBe('active');
		expect(row(B)?.[5]).toBe('standby');
		expect(text).not.toMatch(/FAILED OVER|fail back|fail the store back/);
		expect(estate.pools.map((pool) => pool.failedOver)).toEqual(estate.pools.map(() => null));
	});

	it('where the users or the store could not be read, the pair is UNKNOWN with why (exit 1), never "at home"', async () => {
		const lab = await drillLab();
		const blind: Environment = Object.create(lab, {
			drill: {
				value: Object.create(lab, {
					readPoolUsers: {
						value: async (pool: string) => {
							if (pool === A) throw new EnvironmentError('access-denied', 'Get-CsUser: access is denied');
							return lab.readPoolUsers(pool);
						},
					},
					readManagementStorePool: { value: async () => undefined },
				}),
			},
		});
		const { exitCode, text, row } = await statusAll(blind);
		expect(exitCode, text).toBe(1);
		expect(row(A)?.slice(6)).toEqual(['UNKNOWN', 'could not tell (+1)']);
		expect(text).toMatch(/could not tell whether pool-redmond-b\.contoso\.com is failed over \(unknown \(access denied\): .*access is denied\)/);
		expect(text).toMatch(/Central Management store: .*could not be told/);
	});
});
