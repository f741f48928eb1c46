import type { Environment } from '../../environments/port.js';
import { pacingFor } from '../procedure-driver.js';
import { readUnpairHolds, runUnpair, type UnpairOperator, type UnpairResult, type UnpairStepEvent } from '../../operations/run-unpair.js';
import { planForPair, planUnpair, UNPAIR_STEP_IDS, UnpairRefusal, unpairPlanLines, type UnpairPlan } from '../../procedure/unpair-plan.js';
import { UNPAIR_HELD, unpairHoldMessage } from '../../procedure/unpair-hold.js';
import { CheckpointQueue } from '../../session/checkpoint-queue.js';
import { debriefPathFor, type DebriefScenario } from '../../session/debrief.js';
import { pairKey, snapshotsDir } from '../../session/session-files.js';
import { acquireSessionLock } from '../../session/session-lock.js';
import { writeUnpairDebrief } from '../../session/unpair-debrief.js';
import { findUnpair, openUnpairRecord, openUnpairStore, type StoredUnpair, type UnpairState } from '../../session/unpair-session.js';
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
export type Ask = (question: string) => Promise<string | undefined>;

/**
 * `sfb-pair unpair --pool A`: the plan, a typed confirmation (or --yes --unpair), then each step probed, done and
 * probed again, with a checkpoint to resume from and a change record. Exit 0 done, 1 failed, 2 bad usage, 3 waiting on
 * the operator (Topology Builder, a pool of the pair failed over, or something the farm could not tell), 130 not
 * confirmed or stopped.
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

	let opened: OpenedUnpair;
	try {
		opened = await openUnpair(environment, stateDir, request.pool, request.topologyBuilder, print);
	} catch (error) {
		if (!(error instanceof UnpairOnHold)) throw error;
		print(environment.description);
		print(`${UNPAIR_HELD}:`);
		for (const hold of error.holds) print(`  ${hold}`);
		return EXIT.waitingOnOperator;
	}
	print(environment.description);
	for (const line of opened.lines) print(line);

	if (!request.yes) {
		const answer = await ask!(`Type ${CONFIRM_WORD} to change the farm (anything else changes nothing): `);
		if (answer?.trim() !== CONFIRM_WORD) {
			print('Nothing was changed.');
			return EXIT.cancelled;
		}
	}
	const ended = await executeUnpair(environment, stateDir, opened, {
		confirmedBy: request.yes ? 'yes' : 'typed',
		operator: ask && !request.yes ? askingOperator(ask, print) : printingOperator(print),
		print: (line) => print(`${new Date().toISOString().slice(11, 19)} ${line}`),
		warn: (text) => write(`warning: ${sanitizeLine(text)}`),
		signal,
		explain: request.explain,
		...(request.operator ? { operatorName: request.operator } : {}),
		...(request.scenario ? { scenario: request.scenario } : {}),
	});
	print(`${ended.outcome === 'done' ? 'Done' : ended.outcome === 'needs-operator' ? 'Waiting on you' : ended.outcome === 'cancelled' ? 'Stopped' : 'Failed'}: ${ended.reason}`);
	print(`change record: ${ended.recordPath}`);
	if (ended.debriefPath) print(`training debrief: ${ended.debriefPath}`);
	return exitCodeFor(ended.outcome);
}

/** The unpair as planned for a pool (or the unfinished one to resume), with the lines to show before the confirmation. */
export interface OpenedUnpair {
	plan: UnpairPlan;
	unfinished?: StoredUnpair;
	/** Continuing an earlier unpair (when so), then the plan's lines. */
	lines: string[];
}

/** A pool of the pair is failed over, or the store runs on the standby, or it could not be told: nothing is changed (exit 3). */
export class UnpairOnHold extends Error {
	constructor(readonly holds: string[]) {
		super(unpairHoldMessage(holds));
	}
}

/**
 * Reads the farm and any unfinished unpair of the pool; a pool that cannot be unpaired is a UsageError (one line, exit
 * 2), a pair with a pool failed over is an UnpairOnHold (exit 3).
 */
export async function openUnpair(environment: Environment, stateDir: string, pool: string, topologyBuilder: boolean, print: (line: string) => void): Promise<OpenedUnpair> {
	const { unfinished, problems } = findUnpair(stateDir, pool);
	for (const problem of problems) print(`warning: an unpair session file could not be read (${problem.reason}); it is kept as ${problem.movedTo}`);
	const inventory = await environment.readInventory();
	let plan: UnpairPlan;
	try {
		plan = unfinished
			? planForPair(inventory, unfinished.state.pool, unfinished.state.partner, { topologyBuilder: unfinished.state.path === 'topology-builder' })
			: planUnpair(inventory, pool, { topologyBuilder });
	} catch (error) {
		if (error instanceof UnpairRefusal) throw new UsageError(error.message);
		throw error;
	}
	const { holds } = await readUnpairHolds(environment, plan);
	if (holds.length > 0) throw new UnpairOnHold(holds);
	const continuing = unfinished
		? [
				`Continuing the unpair started ${new Date(unfinished.state.startedAt).toISOString()} (${unfinished.state.outcome?.reason ?? 'interrupted'}): each step asks the farm again first.`,
				...(unfinished.state.topologySignature === plan.topologySignature
					? []
					: ['The published topology changed since then (a write of this unpair cut short changes it too): the plan below is made from the topology as it is now. Check it before you confirm.']),
			]
		: [];
	return { plan, ...(unfinished ? { unfinished } : {}), lines: [...continuing, ...unpairPlanLines(plan)] };
}

export interface UnpairExecution {
	/** How the operator confirmed: --yes --unpair, or the typed word. */
	confirmedBy: 'yes' | 'typed';
	operator: UnpairOperator;
	print(line: string): void;
	/** A gap in the change record. */
	warn(text: string): void;
	/** Each step as it starts and settles, for a screen that draws them. */
	onStep?: (event: UnpairStepEvent) => void;
	signal: AbortSignal;
	explain: boolean;
	operatorName?: string;
	scenario?: DebriefScenario;
}

/** The confirmed unpair under the pair's lock: its checkpoint, its change record, each step probed, and the debrief in the lab. */
export async function executeUnpair(
	environment: Environment,
	stateDir: string,
	{ plan, unfinished }: OpenedUnpair,
	options: UnpairExecution,
): Promise<UnpairResult & { recordPath: string; debriefPath?: string }> {
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
		const identity = runIdentity(options.operatorName, options.confirmedBy === 'yes' ? 'unpair --yes --unpair (answers from the command line)' : 'unpair (typed confirmation)');
		const recorder = openUnpairRecord(stateDir, state, identity, unfinished !== undefined, options.warn);
		recorder.decision({ what: 'Unpair', choice: 'confirmed', reason: options.confirmedBy === 'yes' ? '--yes --unpair' : `typed "${CONFIRM_WORD}"`, at: new Date().toISOString() });
		const result = await runUnpair({
			environment,
			plan,
			state,
			checkpoint: new CheckpointQueue((saved: UnpairState) => store.save(saved)),
			recorder,
			operator: options.operator,
			pacing: pacingFor(environment),
			snapshotDir: snapshotsDir(stateDir),
			signal: options.signal,
			print: options.print,
			explain: options.explain,
			...(options.onStep ? { onStep: options.onStep } : {}),
		});
		await recorder.flush();
		const debriefPath = options.scenario ? await writeUnpairDebrief(recorder.jsonlPath, debriefPathFor(recorder.jsonlPath), state, plan.steps, options.scenario) : undefined;
		return { ...result, recordPath: recorder.markdownPath, ...(debriefPath ? { debriefPath } : {}) };
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
			const typed = await ask(`  Enter once published${playInLab ? ', p to play the publish in the lab' : ''}, q to stop here: `);
			// Ctrl+C is a stop, never the Enter that says it is published.
			const answer = typed?.trim().toLowerCase();
			if (answer === undefined || answer === 'q') return 'stop';
			if (answer === 'p' && playInLab) await playInLab();
			return 'published';
		},
	};
}
