import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDrill, resultLines } from '../../../source/cli/commands/drill.js';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario } from '../../../source/environments/lab/scenario.js';
import { runDrill, type DrillEvent } from '../../../source/operations/drill.js';
import type { DrillStepId } from '../../../source/sfb/drill.js';

/** A cancel in the middle of a farm change: the change runs to its end, then the drill stops and says where the farm is. */

const A = 'pool-redmond-b.contoso.com';
const B = 'pool-dublin-b.contoso.com';

let stateDir: string;
beforeEach(async () => {
	stateDir = await mkdtemp(path.join(tmpdir(), 'sfb-pair-drill-cancel-'));
});
afterEach(async () => {
	await rm(stateDir, { recursive: true, force: true });
});

/** The drill on the lab, cancelled at the first line `step` prints (the cmdlet is then under way). */
async function drillCancelledDuring(step: DrillStepId) {
	const lab = await openLabEnvironment({ stateDir, scenario: await loadScenario('drill'), timeScale: 10_000 });
	const request = await prepareDrill(lab, A, false);
	const controller = new AbortController();
	const events: DrillEvent[] = [];
	const result = await runDrill({
		environment: lab,
		drill: lab.drill,
		inventory: await lab.readInventory(),
		request,
		pacing: { pollMs: 1, steadyTimeoutMs: 60_000, placementPolls: 5, sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}) },
		signal: controller.signal,
		progress: undefined,
		onProgress: async () => undefined,
		onEvent: (event) => {
			events.push(event);
			if (event.type === 'line' && event.step === step) controller.abort();
		},
	});
	return { lab, request, result, events };
}

describe('a drill cancelled in the middle of a farm change', () => {
	it('lets the pool failover finish, tells the operator once why it waits, then stops (130) saying the users are on the backup', async () => {
		const { lab, request, result, events } = await drillCancelledDuring('pool-over');

		expect(lab.readFarm().poolFailovers?.[A]).toBeDefined();
		expect(new Set((await lab.readPoolUsers(A)).users.map((user) => user.servedBy))).toEqual(new Set([B]));
		const told = events.filter((event) => event.type === 'waiting');
		expect(told).toEqual([
			{
				type: 'waiting',
				step: 'pool-over',
				text: `Waiting for Invoke-CsPoolFailOver on ${A} to finish before stopping: stopped half way it would leave the pool half failed over.`,
			},
		]);
		expect(events).toContainEqual(expect.objectContaining({ type: 'step-finished', step: expect.objectContaining({ id: 'pool-over' }), outcome: 'done' }));
		// Nothing runs after the change the cancel waited for: no failback was started.
		expect(events.some((event) => event.type === 'step-started' && event.step.id === 'pool-back')).toBe(false);
		expect(result).toMatchObject({ outcome: 'cancelled', exitCode: 130, resume: `sfb-pair drill --pool ${A}` });
		expect(result.summary).toMatch(new RegExp(`^Stopped after the failover: ${A}'s users are served by ${B} \\(.*\\); the Central Management store is on ${B}; to fail back and finish, run:$`));
		expect(resultLines(result, request).slice(-2)).toEqual([result.summary, `  sfb-pair drill --pool ${A}`]);
	});

	it('lets the store failover finish too: the store is on the backup, the users still home', async () => {
		const { lab, result, events } = await drillCancelledDuring('store-over');

		expect(await lab.readManagementStorePool()).toBe(B);
		expect(lab.readFarm().poolFailovers ?? {}).toEqual({});
		expect(events.filter((event) => event.type === 'waiting').map((event) => event.type === 'waiting' && event.text)).toEqual([
			`Waiting for Invoke-CsManagementServerFailover to ${B} to finish before stopping: stopped half way it would leave the Central Management store between two databases.`,
		]);
		expect(result.exitCode).toBe(130);
		expect(result.summary).toMatch(new RegExp(`^Stopped with the Central Management store on ${B}, ${A}'s users still on their own pool .*; to go on with the drill, run:$`));
	});
});
