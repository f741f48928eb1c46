import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { prepareNext, type NextOptions } from '../../../source/cli/wizard-next.js';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario } from '../../../source/environments/lab/scenario.js';
import type { GuardedQuestion, GuardedRunEvent } from '../../../source/procedure/guarded-run.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { PAIRED_BACKUP as B, PAIRED_POOL as A } from '../../helpers/pools.js';

/** The wizard's drill and unpair jobs on the lab, in process: what the shared screen is given and what it is told. */

const stateDir = useTemporaryStateDir('sfb-pair-next-');

async function optionsFor(scenarioName: string): Promise<NextOptions> {
	const scenario = await loadScenario(scenarioName);
	const environment = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: 10_000 });
	return { environment, stateDir: stateDir(), pool: A, backup: B, explain: false, topologyBuilder: false, scenario };
}

async function run(
	options: NextOptions,
	action: 'drill-disaster' | 'unpair',
	answer: (question: GuardedQuestion) => string = () => 'published',
	cancel: { controller: AbortController; when: (event: GuardedRunEvent) => boolean } | undefined = undefined,
) {
	const job = await prepareNext(options, action);
	const events: GuardedRunEvent[] = [];
	const questions: GuardedQuestion[] = [];
	const result = await job.run(
		(event) => {
			events.push(event);
			if (cancel?.when(event)) cancel.controller.abort();
		},
		async (question) => {
			questions.push(question);
			return answer(question);
		},
		cancel?.controller.signal ?? new AbortController().signal,
	);
	return { job, events, questions, result };
}

describe('the wizard after a pairing: the jobs behind its drill and unpair', () => {
	it('the drill in disaster mode after a stale sync: its steps, the lost changes under the result, the record with the debrief', async () => {
		const { job, events, result } = await run(await optionsFor('drill-stale-sync'), 'drill-disaster');
		expect(job.word).toBe('failover');
		expect(job.title).toMatch(/^Drill: fail pool-redmond-b\.contoso\.com over to pool-dublin-b\.contoso\.com and back, disaster mode/);
		expect(job.steps.map((step) => step.id)).toEqual(['readiness', 'store-over', 'pool-over', 'served-by-backup', 'pool-back', 'served-by-home', 'store-back', 'steady']);
		expect(events).toContainEqual(expect.objectContaining({ type: 'step-finished', id: 'pool-over', status: 'done' }));
		expect(events.filter((event) => event.type === 'step-line' && event.id === 'pool-over').length).toBeGreaterThan(0);
		expect(result.exitCode).toBe(0);
		expect(result.details[0]).toBe(`Lost in the disaster-mode failover (changed on ${A} after its last export):`);
		expect(result.details.length).toBeGreaterThan(1);
		expect(result.files[0]?.label).toBe('Drill record (with the training debrief)');
		expect(await readFile(result.files[0]!.path, 'utf8')).toMatch(/## Training debrief[\s\S]*did not reach pool-dublin-b/);
	});

	it('a cancel during the failover: the wait is written once to the scrollback, the result says where the users are, and the command that continues has a line of its own', async () => {
		const controller = new AbortController();
		const { events, result } = await run(await optionsFor('drill'), 'drill-disaster', undefined, { controller, when: (event) => event.type === 'step-line' && event.id === 'pool-over' });
		expect(events.filter((event) => event.type === 'note')).toEqual([
			{ type: 'note', text: `Waiting for Invoke-CsPoolFailOver on ${A} to finish before stopping: stopped half way it would leave the pool half failed over.` },
		]);
		expect(result).toMatchObject({ outcome: 'cancelled', exitCode: 130 });
		expect(result.headline).toMatch(new RegExp(`^Stopped after the failover: ${A}'s users are served by ${B} .*; to fail back and finish, run:$`));
		expect(result.details).toEqual([`  sfb-pair drill --pool ${A}`]);
	});

	it('the unpair of a pair that holds the store asks for the Topology Builder publish and plays it in the lab when told to', async () => {
		const { job, questions, result, events } = await run(await optionsFor('drill'), 'unpair', (question) => (question.options.some((option) => option.value === 'play') ? 'play' : 'published'));
		expect(job.word).toBe('unpair');
		expect(job.title).toMatch(/^Unpair pool-redmond-b\.contoso\.com and pool-dublin-b\.contoso\.com \(pool-redmond-b\.contoso\.com holds the Central Management store/);
		expect(questions[0]?.title).toBe('In Topology Builder:');
		expect(questions[0]?.options.map((option) => option.value)).toEqual(['published', 'play', 'stop']);
		expect(events).toContainEqual(expect.objectContaining({ type: 'step-finished', id: 'clear', status: 'done' }));
		expect(result).toMatchObject({ outcome: 'done', exitCode: 0 });
		expect(result.files.map((file) => file.label)).toEqual(['Change record', 'Training debrief']);
	});

	it('stopping at the Topology Builder question waits on the operator (exit 3) and names the command that continues', async () => {
		const { result } = await run(await optionsFor('drill'), 'unpair', () => 'stop');
		expect(result).toMatchObject({ outcome: 'waiting', exitCode: 3 });
		expect(result.details).toEqual(['To continue from where the farm is:', `  sfb-pair unpair --pool ${A}`]);
	});

	it('Ctrl+C at the Topology Builder question ends the unpair as stopped (exit 130), not as waiting on the publish', async () => {
		const job = await prepareNext(await optionsFor('drill'), 'unpair');
		const cancel = new AbortController();
		const result = await job.run(
			() => undefined,
			async () => (cancel.abort(), 'stop'),
			cancel.signal,
		);
		expect(result).toMatchObject({ outcome: 'cancelled', exitCode: 130, headline: 'Stopped: stopped by the operator; run the same command again to continue where it was' });
	});

	it('an unpair while the pool is failed over is refused before any screen, with the way back, for What next? to show', async () => {
		const options = await optionsFor('drill');
		await options.environment.drill!.failOverPool(A, true);
		await expect(prepareNext(options, 'unpair')).rejects.toThrow(
			`Not unpaired; this run changed nothing: ${A} is failed over: its users sign in to ${B} (`,
		);
		await expect(prepareNext(options, 'unpair')).rejects.toThrow(`sfb-pair drill --pool ${A} (continues a drill) or Invoke-CsPoolFailBack -PoolFqdn '${A}'`);
	});

	it('a pool that is not paired is refused before any screen, in one line', async () => {
		const options = { ...(await optionsFor('default')), pool: 'pool-redmond.contoso.com' };
		await expect(prepareNext(options, 'drill-disaster')).rejects.toThrow(/pool-redmond\.contoso\.com is not paired/);
		await expect(prepareNext(options, 'unpair')).rejects.toThrow(/is not paired: there is nothing to unpair/);
	});
});
