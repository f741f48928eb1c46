import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../source/environments/lab/clock.js';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario, parseScenario, type ScenarioInput } from '../../../source/environments/lab/scenario.js';
import { EnvironmentError } from '../../../source/environments/port.js';
import { judgeDirection } from '../../../source/sfb/backup-status.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { PAIRED_BACKUP as B, PAIRED_POOL as A } from '../../helpers/pools.js';

/** The drill's lab: users per pool, where they sign in, the failover's refusals, the failback's resync, what disaster mode loses. */

const SECOND = 1000;

const stateDir = useTemporaryStateDir('sfb-pair-drill-lab-');

async function openDrillLab(extra: Omit<ScenarioInput, 'description'> = {}) {
	const clock = new ManualClock({ start: 0 });
	const scenario = parseScenario({ extends: 'drill', name: 'test', description: 'the drill farm under test', ...extra }, 'test.json');
	const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, clock, timeScale: 1 });
	return { lab, clock };
}

const servedBy = async (lab: Awaited<ReturnType<typeof openDrillLab>>['lab'], pool: string) => new Set((await lab.readPoolUsers(pool)).users.map((user) => user.servedBy));

describe('the lab drill', () => {
	it('homes users on each pool; a failover has them served by the backup, still homed on their pool, and a failback brings them home', async () => {
		const { lab } = await openDrillLab();
		const before = await lab.readPoolUsers(A);
		expect(before.users).toHaveLength(6);
		expect((await lab.readPoolUsers(B)).users.map((user) => user.sipAddress)).not.toEqual(before.users.map((user) => user.sipAddress));
		expect(await servedBy(lab, A)).toEqual(new Set([A]));

		await lab.failOverPool(A, true);
		const during = await lab.readPoolUsers(A);
		expect(new Set(during.users.map((user) => user.servedBy))).toEqual(new Set([B]));
		expect(new Set(during.users.map((user) => user.homePool))).toEqual(new Set([A]));
		expect(await servedBy(lab, B)).toEqual(new Set([B]));
		await expect(lab.failOverPool(A, true)).rejects.toThrow(/already failed over/);

		await lab.failBackPool(A);
		expect(await servedBy(lab, A)).toEqual(new Set([A]));
		await expect(lab.failBackPool(A)).rejects.toThrow(/not failed over/);
	});

	it('the failback starts the sync afresh: the pair is not steady until it has caught up', async () => {
		const { lab, clock } = await openDrillLab();
		expect(judgeDirection(await lab.readBackupStatus(A), true).state).toBe('steady');
		await lab.failOverPool(A, true);
		expect(judgeDirection(await lab.readBackupStatus(B), false).state).not.toBe('steady');
		await lab.failBackPool(A);
		expect(judgeDirection(await lab.readBackupStatus(A), true).state).not.toBe('steady');
		clock.advance(20 * 60 * SECOND);
		expect(judgeDirection(await lab.readBackupStatus(A), true).state).toBe('steady');
		expect(judgeDirection(await lab.readBackupStatus(B), false).state).toBe('steady');
	});

	it('refuses a planned failover while the export builds a backlog; disaster mode goes ahead', async () => {
		const { lab } = await openDrillLab({ faults: [{ type: 'sync-backlog', pool: A, attempts: 5 }] });
		const refusal = await lab.failOverPool(A, false).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(EnvironmentError);
		expect((refusal as Error).message).toMatch(/not in steady state \(.*NonSteadyState/);
		expect(await servedBy(lab, A)).toEqual(new Set([A]));
		const outcome = await lab.failOverPool(A, true);
		expect(outcome.exitCode).toBe(0);
		expect(await servedBy(lab, A)).toEqual(new Set([B]));
	});

	it('a disaster-mode failover after a stale sync loses the changes made since, once; a planned one loses none', async () => {
		const stale = { faults: [{ type: 'stale-sync' as const, pool: A, minutes: 45 }] };
		const planned = await openDrillLab({ ...stale, name: 'planned' });
		expect((await planned.lab.failOverPool(A, false)).lostChanges).toEqual([]);

		const { lab } = await openDrillLab(stale);
		const outcome = await lab.failOverPool(A, true);
		expect(outcome.lostChanges!.length).toBeGreaterThan(3);
		for (const change of outcome.lostChanges!) expect(change).toMatch(/^sip:redmond-b\.user\d\d@contoso\.com .+ \d+ min before the failover$/);
		expect(outcome.tail.some((line) => /could not be carried over/.test(line))).toBe(true);
		await lab.failBackPool(A);
		expect((await lab.failOverPool(A, true)).lostChanges).toEqual([]);
	});

	it('moves the Central Management store only to the standby its pairing defined, and back', async () => {
		const { lab } = await openDrillLab();
		expect(await lab.readManagementStorePool()).toBe(A);
		await expect(lab.failOverManagementStore('pool-dublin.contoso.com')).rejects.toThrow(/no Central Management database is defined on the back end of pool-dublin/);
		await lab.failOverManagementStore(B);
		expect(await lab.readManagementStorePool()).toBe(B);
		await lab.failOverManagementStore(A);
		expect(await lab.readManagementStorePool()).toBe(A);
	});

	it('the drill scenarios load, and name their faults', async () => {
		expect((await loadScenario('drill')).usersPerPool).toBe(6);
		expect((await loadScenario('drill-not-steady')).faults).toEqual([{ type: 'sync-backlog', pool: A, attempts: 3 }]);
		expect((await loadScenario('drill-stale-sync')).faults).toEqual([{ type: 'stale-sync', pool: A, minutes: 45 }]);
	});
});
