import type { Environment } from '../../environments/port.js';
import { pacingFor } from '../procedure-driver.js';
import { runUnpair, type UnpairOperator } from '../../operations/run-unpair.js';
import { planForPair, planUnpair, UNPAIR_STEP_IDS, UnpairRefusal, unpairPlanLines, type UnpairPlan } from '../../procedure/unpair-plan.js';
import { CheckpointQueue } from '../../session/checkpoint-queue.js';
import { debriefPathFor, type DebriefScenario } from '../../session/debrief.js';
import { pairKey, snapshotsDir } from '../../session/session-files.js';
import { acquireSessionLock } from '../../session/session-lock.js';
import { writeUnpairDebrief } from '../../session/unpair-debrief.js';
import { findUnpair, openUnpairRecord, openUnpairStore, type UnpairState } from '../../session/unpair-session.js';
import { newSessionId } from '../../session/session-files.js';
import { redactSecrets } from '../../session/redact.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.js';
import { runIdentity } from '../run-identity.js';

export const CONFIRM_WORD = 'unpair';

export interface UnpairRequest {
	pool: string;
	/** --yes and --unpair: both, to change the farm without a typed confirmation. */
	yes: boolean;
	unpair: boolean;
	/** The pairing was published with Topology Builder: undo it there (guided). */
	topologyBuilder: boolean;
	explain: boolean;
	operator?: string;
	scenario?: DebriefScenario;
}

/** Asks the operator one line in the terminal; absent when there is no terminal to ask in. */
export type Ask = (question: string) => Promise<string>;

/**
 * `sfb-pair unpair --pool A`: the plan, a typed confirmation (or --yes --unpair), then each step probed, done and
 * probed again, with a checkpoint to resume from and a change record. Exit 0 done, 1 failed, 2 bad usage, 3 waiting on
 * the operator (Topology Builder, or something the farm could not tell), 130 not confirmed or stopped.
 */
export async function unpairCommand(
	environment: Environment,
	stateDir: string,
	request: UnpairRequest,
	output: (line: string) => void,
	signal: AbortSignal,
	ask: Ask | undefined,
	width?: number,
): Promise<number> {
	// In a terminal, long lines break between words under their own indent; to a file or a program they stay whole.
	const write = (line: string) => {
		if (width === undefined) return output(line);
		const indent = /^\s*/.exec(line)![0];
		for (const [index, each] of wrapWords(line.slice(indent.length), width - indent.length, '    ').entries()) output(`${indent}${index === 0 ? each.trimStart() : each}`);
	};
	if (request.yes !== request.unpair) throw new UsageError(`unpair without a prompt needs both --yes and --unpair (${request.yes ? '--unpair' : '--yes'} is missing)`);
	if (!request.yes && ask === undefined) throw new UsageError('unpair changes the farm: add --yes --unpair to confirm without a terminal, or run it in a terminal to type the word unpair');
	const print = (line: string) => write(redactSecrets(sanitizeLine(line)));

	const { unfinished, problems } = findUnpair(stateDir, request.pool);
	for (const problem of problems) print(`warning: an unpair session file could not be read (${problem.reason}); it is kept as ${problem.movedTo}`);
	const inventory = await environment.readInventory();
	let plan: UnpairPlan;
	try {
		plan = unfinished
			? planForPair(inventory, unfinished.state.pool, unfinished.state.partner, { topologyBuilder: unfinished.state.path === 'topology-builder' })
			: planUnpair(inventory, request.pool, { topologyBuilder: request.topologyBuilder });
	} catch (error) {
		if (error instanceof UnpairRefusal) throw new UsageError(error.message);
		throw error;
	}
	print(environment.description);
	if (unfinished) print(`Continuing the unpair started ${new Date(unfinished.state.startedAt).toISOString()} (${unfinished.state.outcome?.reason ?? 'interrupted'}): each step asks the farm again first.`);
	if (unfinished && unfinished.state.topologySignature !== plan.topologySignature) print('The published topology changed since then (a write of this unpair cut short changes it too): the plan below is made from the topology as it is now. Check it before you confirm.');
	for (const line of unpairPlanLines(plan)) print(line);

	if (!request.yes) {
		const answer = await ask!(`Type ${CONFIRM_WORD} to change the farm (anything else changes nothing): `);
		if (answer.trim() !== CONFIRM_WORD) {
			print('Nothing was changed.');
			return EXIT.cancelled;
		}
	}

	const key = pairKey(plan.pool.fqdn, plan.partner.fqdn);
	const lock = acquireSessionLock(stateDir, key, { subject: `unpair ${plan.pool.fqdn} ↔ ${plan.partner.fqdn}`, command: 'sfb-pair unpair' });
	try {
		const store = unfinished?.store ?? openUnpairStore(stateDir, key);
		if (!unfinished && store.load().status === 'ok') store.archive();
		const now = Date.now();
		const state: UnpairState = unfinished
			? { ...unfinished.state, updatedAt: now }
			: {
					sessionId: newSessionId(new Date(now)),
					environment: { kind: environment.kind, description: environment.description },
					pool: plan.pool.fqdn,
					partner: plan.partner.fqdn,
					path: plan.path,
					topologySignature: plan.topologySignature,
					startedAt: now,
					updatedAt: now,
					steps: Object.fromEntries(UNPAIR_STEP_IDS.map((id) => [id, { status: 'pending' }])) as UnpairState['steps'],
					servers: {},
				};
		delete state.outcome;
		await store.save(state);
		const identity = runIdentity(request.operator, request.yes ? 'unpair --yes --unpair (answers from the command line)' : 'unpair (typed confirmation)');
		const recorder = openUnpairRecord(stateDir, state, identity, unfinished !== undefined, (text) => write(`warning: ${sanitizeLine(text)}`));
		recorder.decision({ what: 'Unpair', choice: 'confirmed', reason: request.yes ? '--yes --unpair' : `typed "${CONFIRM_WORD}"`, at: new Date().toISOString() });
		const result = await runUnpair({
			environment,
			plan,
			state,
			checkpoint: new CheckpointQueue((saved: UnpairState) => store.save(saved)),
			recorder,
			operator: ask && !request.yes ? askingOperator(ask, print) : printingOperator(print),
			pacing: pacingFor(environment),
			snapshotDir: snapshotsDir(stateDir),
			signal,
			print: (line) => print(`${new Date().toISOString().slice(11, 19)} ${line}`),
			explain: request.explain,
		});
		await recorder.flush();
		print(`${result.outcome === 'done' ? 'Done' : result.outcome === 'needs-operator' ? 'Waiting on you' : result.outcome === 'cancelled' ? 'Stopped' : 'Failed'}: ${result.reason}`);
		print(`change record: ${recorder.markdownPath}`);
		if (request.scenario) print(`training debrief: ${await writeUnpairDebrief(recorder.jsonlPath, debriefPathFor(recorder.jsonlPath), state, plan.steps, request.scenario)}`);
		return exitCodeFor(result.outcome);
	} finally {
		lock.release();
	}
}

/** `--yes --unpair`: nobody to click in Topology Builder, so the steps are printed and the run stops (exit 3) until the farm shows it. */
function printingOperator(print: (line: string) => void): UnpairOperator {
	return {
		async topologyBuilder(steps, playInLab) {
			print('  In Topology Builder:');
			for (const step of steps) print(`    ${step}`);
			if (playInLab) print('  In the lab: run sfb-pair unpair in a terminal, without --yes --unpair, and press p to play this publish.');
			return 'stop';
		},
	};
}

function askingOperator(ask: Ask, print: (line: string) => void): UnpairOperator {
	return {
		async topologyBuilder(steps, playInLab) {
			print('  In Topology Builder:');
			for (const step of steps) print(`    ${step}`);
			const answer = (await ask(`  Enter once published${playInLab ? ', p to play the publish in the lab' : ''}, q to stop here: `)).trim().toLowerCase();
			if (answer === 'q') return 'stop';
			if (answer === 'p' && playInLab) await playInLab();
			return 'published';
		},
	};
}
