import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillCommand, type DrillCommandRequest } from '../../../source/cli/commands/drill.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario } from '../../../source/environments/lab/scenario.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { PAIRED_BACKUP as B, PAIRED_POOL as A } from '../../helpers/pools.js';

/** `sfb-pair drill` on the lab, in process: the plan, the confirmation, the steps verified by probes, the record. */

const stateDir = useTemporaryStateDir('sfb-pair-drill-');

async function drillOn(scenarioName: string, request: Partial<DrillCommandRequest> = {}, prepare?: (lab: LabEnvironment) => Promise<void>) {
	const scenario = await loadScenario(scenarioName);
	const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: 10_000 });
	await prepare?.(lab);
	const lines: string[] = [];
	const exitCode = await drillCommand(
		lab,
		stateDir(),
		{ pool: A, planned: false, yes: true, drill: true, explain: false, scenario, ...request },
		(line) => lines.push(line),
		new AbortController().signal,
	);
	const recordLine = lines.find((line) => line.startsWith('drill record: '));
	const record = recordLine ? await readFile(recordLine.slice('drill record: '.length), 'utf8') : '';
	return { lab, exitCode, lines, text: lines.join('\n'), record };
}

describe('sfb-pair drill', () => {
	it('on a steady pair: store and users over to the backup and back, each verified, the pair steady again; the record cites its sources', async () => {
		const { lab, exitCode, text, record } = await drillOn('drill');
		expect(exitCode).toBe(0);
		expect(text).toMatch(/Invoke-CsPoolFailOver -PoolFqdn 'pool-redmond-b\.contoso\.com' -DisasterMode/);
		expect(text).toMatch(/Location Information Service/);
		expect(text).toMatch(/✓ Central Management store to the backup pool: done\n.*the active Central Management store is on pool-dublin-b/);
		expect(text).toMatch(/6 users of pool-redmond-b\.contoso\.com: 0 on pool-redmond-b\.contoso\.com, 6 on pool-dublin-b\.contoso\.com/);
		expect(text).toMatch(/Drill done/);
		expect(new Set((await lab.readPoolUsers(A)).users.map((user) => user.servedBy))).toEqual(new Set([A]));
		expect(await lab.readManagementStorePool()).toBe(A);
		expect(record).toMatch(/Invoke-CsPoolFailBack -PoolFqdn 'pool-redmond-b\.contoso\.com'` \(Microsoft Learn: Failing over and failing back a pool/);
		expect(record).toMatch(/## Training debrief[\s\S]*Nothing was lost/);
	});

	it('before the pair is steady: refused with the evidence, exit 3, nothing changed', async () => {
		const { lab, exitCode, text, record } = await drillOn('drill-not-steady');
		expect(exitCode).toBe(3);
		expect(text).toMatch(/pool-redmond-b\.contoso\.com: not steady yet \(sync out waiting/);
		expect(text).toMatch(/Nothing was changed: the pair is not steady both ways/);
		expect(text).not.toMatch(/Invoke-CsPoolFailOver.*\n.*│/);
		expect(lab.readFarm().poolFailovers ?? {}).toEqual({});
		expect(await lab.readManagementStorePool()).toBe(A);
		expect(record).toMatch(/refused before anything changed/);
	});

	it('in disaster mode after a stale sync: the changes lost are printed and in the debrief; --planned loses none', async () => {
		const disaster = await drillOn('drill-stale-sync');
		expect(disaster.exitCode).toBe(0);
		expect(disaster.text).toMatch(/Lost in the disaster-mode failover[^\n]*\n {2}- sip:redmond-b\.user\d\d@contoso\.com/);
		expect(disaster.record).toMatch(/## Training debrief[\s\S]*stale sync: \d+ changes made on pool-redmond-b\.contoso\.com after its last export did not reach pool-dublin-b/);
		stateDir.renew();

		const planned = await drillOn('drill-stale-sync', { planned: true });
		expect(planned.exitCode).toBe(0);
		expect(planned.text).toMatch(/Invoke-CsPoolFailOver -PoolFqdn 'pool-redmond-b\.contoso\.com'\n/);
		expect(planned.text).not.toMatch(/Lost in the disaster-mode failover/);
	});

	it('after an interruption: re-probes the farm and continues with the failback', async () => {
		const { exitCode, text, lab } = await drillOn('drill', {}, async (farm) => {
			await farm.failOverManagementStore(B);
			await farm.failOverPool(A, true);
		});
		expect(exitCode).toBe(0);
		expect(text).toMatch(/↷ The pair is steady both ways: skipped\n.*resumed: pool-redmond-b\.contoso\.com is failed over already/);
		expect(text).toMatch(/↷ Fail over pool-redmond-b\.contoso\.com: skipped/);
		expect(text).toMatch(/✓ Fail back pool-redmond-b\.contoso\.com: done/);
		expect(await lab.readManagementStorePool()).toBe(A);
	});

	it('after an interruption past the failback: moves the store back without failing the pool over again', async () => {
		const { exitCode, text, lab } = await drillOn('drill', {}, async (farm) => {
			await farm.failOverManagementStore(B);
			await mkdir(path.join(stateDir(), 'drills'), { recursive: true });
			await writeFile(path.join(stateDir(), 'drills', `${B}--${A}.json`), '{"failedBack":true}\n');
		});
		expect(exitCode).toBe(0);
		expect(text).not.toMatch(/▸ Fail over/);
		expect(text).toMatch(/↷ Fail back pool-redmond-b\.contoso\.com: skipped/);
		expect(text).toMatch(/✓ Central Management store back to pool-redmond-b\.contoso\.com: done/);
		expect(await lab.readManagementStorePool()).toBe(A);
		await expect(readFile(path.join(stateDir(), 'drills', `${B}--${A}.json`))).rejects.toThrow(/ENOENT/);
	});

	it('a drill stopped after its failback, before the pair was steady, is finished by the next run (no second failover); once done, the run after is a whole drill', async () => {
		const { exitCode, text, lab } = await drillOn('drill', {}, async () => {
			await mkdir(path.join(stateDir(), 'drills'), { recursive: true });
			await writeFile(path.join(stateDir(), 'drills', `${B}--${A}.json`), '{"failedBack":true}\n');
		});
		expect(exitCode).toBe(0);
		expect(text).toMatch(/resumed: an earlier run of this drill failed pool-redmond-b\.contoso\.com back/);
		expect(text).not.toMatch(/✓ Fail over pool-redmond-b\.contoso\.com: done/);
		expect(text).toMatch(/↷ Fail back pool-redmond-b\.contoso\.com: skipped/);
		expect(lab.readFarm().poolFailovers ?? {}).toEqual({});
		await expect(readFile(path.join(stateDir(), 'drills', `${B}--${A}.json`))).rejects.toThrow(/ENOENT/);

		const again = await drillOn('drill');
		expect(again.exitCode).toBe(0);
		expect(again.text).toMatch(/✓ Fail over pool-redmond-b\.contoso\.com: done/);
		expect(again.text).toMatch(/✓ Fail back pool-redmond-b\.contoso\.com: done/);
	});

	it('a pool with no users homed on it is refused with what to do: nothing would show the failover working', async () => {
		const scenario = { ...(await loadScenario('drill')), usersPerPool: 0 };
		const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: 10_000 });
		const lines: string[] = [];
		const exitCode = await drillCommand(lab, stateDir(), { pool: A, planned: false, yes: true, drill: true, explain: false, scenario }, (line) => lines.push(line), new AbortController().signal);
		expect(exitCode).toBe(1);
		expect(lines.join('\n')).toMatch(/Nothing was changed: no users are homed on pool-redmond-b\.contoso\.com .*Move-CsUser -Identity <user> -Target 'pool-redmond-b\.contoso\.com'/);
		expect(lab.readFarm().poolFailovers ?? {}).toEqual({});
	});

	it('asks for the typed word: anything else changes nothing (exit 130); "failover" goes ahead', async () => {
		const wrong = await drillOn('drill', { yes: false, drill: false, ask: async () => 'yes' });
		expect(wrong.exitCode).toBe(130);
		expect(wrong.text).toMatch(/Nothing was changed\.$/);
		expect(wrong.lab.readFarm().poolFailovers ?? {}).toEqual({});
		let question = '';
		const typed = await drillOn('drill', {
			yes: false,
			drill: false,
			ask: async (asked) => {
				question = asked;
				return ' failover\n';
			},
		});
		expect(question).toBe('Type failover to go ahead (anything else cancels): ');
		expect(typed.exitCode).toBe(0);
	});

	it('refuses bad usage with one line: --yes without --drill, no terminal and no flags, an unpaired pool', async () => {
		await expect(drillOn('drill', { drill: false })).rejects.toThrow(/--yes and --drill go together/);
		await expect(drillOn('drill', { yes: false, drill: false })).rejects.toThrow(/add --yes --drill/);
		await expect(drillOn('drill', { pool: 'pool-redmond.contoso.com' })).rejects.toThrow(/pool-redmond\.contoso\.com is not paired/);
		await expect(drillOn('drill', { pool: 'nowhere.contoso.com' })).rejects.toThrow(/nowhere\.contoso\.com is not a Front End pool/);
	});
});
