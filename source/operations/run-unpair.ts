import { join } from 'node:path';
import { EnvironmentError, type Environment, type PoolUnpairing } from '../environments/port.js';
import type { OutcomeKind } from '../procedure/state.js';
import { UNPAIR_WAIT_NOTICE } from '../procedure/publish-wait.js';
import { UNPAIR_STEPS, unpairTopologyBuilderSteps, type UnpairPlan, type UnpairStepId } from '../procedure/unpair-plan.js';
import { unpairHoldMessage, unpairHolds } from '../procedure/unpair-hold.js';
import type { CheckpointQueue } from '../session/checkpoint-queue.js';
import type { UnpairState, UnpairStepStatus } from '../session/unpair-session.js';
import { bootstrapperCommand, clearPairingSummary, pushReplicationCommand, removeBackupDataCommand, replicationCommand, uninstallStandbyCommand } from '../sfb/commands.js';
import { isBootstrapperSuccess } from '../sfb/bootstrapper.js';
import { describeObservation, type Observation } from '../sfb/observation.js';
import type { Pacing, Recorder } from './context.js';
import { iso } from './context.js';
import { observePair } from './failover-state.js';
import { probe } from './probes.js';
import { probeBackupData, probeBackupServiceRemoved, probeClearing, probeStandbyRemoved } from './unpair-probes.js';

export interface UnpairOperator {
	/**
	 * The Topology Builder path: the steps to follow. Resolves 'published' when the operator says the publish is done
	 * (the farm is then asked), or 'stop' to end here and come back later (exit 3). The lab may play the publish.
	 */
	topologyBuilder(steps: string[], playInLab: (() => Promise<void>) | undefined): Promise<'published' | 'stop'>;
}

export interface UnpairContext {
	environment: Environment;
	plan: UnpairPlan;
	state: UnpairState;
	/** One write in flight, the newest state next: the pools' servers settle side by side. */
	checkpoint: CheckpointQueue<UnpairState>;
	recorder: Recorder & { written(): Promise<void> };
	operator: UnpairOperator;
	pacing: Pick<Pacing, 'replicationPollMs' | 'replicationTimeoutMs' | 'sleep'>;
	snapshotDir: string;
	signal: AbortSignal;
	/** One line for the operator: what runs, what the farm says. */
	print(line: string): void;
	explain: boolean;
	/** Each step as it starts and as the farm settles it, for a screen that draws the steps. */
	onStep?: (event: UnpairStepEvent) => void;
}

export type UnpairStepEvent = { type: 'started'; step: UnpairStepId } | { type: 'settled'; step: UnpairStepId; status: UnpairStepStatus; evidence: string };

export interface UnpairResult {
	outcome: OutcomeKind;
	reason: string;
}

class Stop extends Error {
	constructor(
		readonly outcome: Exclude<OutcomeKind, 'done'>,
		message: string,
	) {
		super(message);
	}
}

/**
 * The way back, step by step: each step first asks the farm, does only what it says is not done, and counts it done
 * when the farm says so. A probe that could not tell stops the run (exit 3) rather than acting on a guess, except where
 * repeating the action is harmless by its documentation (Remove-CsUserStoreBackupData removes only data of pools no
 * longer paired). Every change is checkpointed and recorded before the next farm call.
 */
export async function runUnpair(context: UnpairContext): Promise<UnpairResult> {
	const { plan, print } = context;
	try {
		const { holds, evidence } = await readUnpairHolds(context.environment, plan);
		if (holds.length > 0) throw new Stop('needs-operator', unpairHoldMessage(holds));
		context.recorder.note(`Before any change, nothing of the pair is failed over: ${evidence}`, iso(Date.now()));
		for (const [index, step] of plan.steps.entries()) {
			context.signal.throwIfAborted();
			context.onStep?.({ type: 'started', step });
			print(`Step ${index + 1}/${plan.steps.length}: ${UNPAIR_STEPS[step].title}`);
			if (context.explain) {
				print(`  why: ${UNPAIR_STEPS[step].why}`);
				print(`  source: ${UNPAIR_STEPS[step].source}`);
			}
			await STEP_WORK[step](context);
		}
		return await finish(context, 'done', `${plan.pool.fqdn} and ${plan.partner.fqdn} are no longer paired; every step is confirmed by the farm`);
	} catch (error) {
		if (error instanceof Stop) return finish(context, error.outcome, error.message);
		if (context.signal.aborted) return finish(context, 'cancelled', 'stopped by the operator; run the same command again to continue where it was');
		throw error;
	}
}

/**
 * Whether the unpair may change the farm now: no pool of the pair failed over, the store where the topology puts it
 * (unpairHolds), with the evidence read. Asked before the confirmation and again before the first change of every run.
 */
export async function readUnpairHolds(environment: Environment, plan: UnpairPlan): Promise<{ holds: string[]; evidence: string }> {
	const picture = await observePair(environment, plan.pool.fqdn, plan.partner.fqdn, plan.centralManagementStore !== undefined);
	const evidence = picture ? [...picture.pools.map((each) => each.evidence), ...(picture.store ? [picture.store.evidence] : [])] : [];
	return { holds: unpairHolds(plan, picture), evidence: evidence.length > 0 ? evidence.join('; ') : 'no users are homed on either pool' };
}

async function finish(context: UnpairContext, outcome: OutcomeKind, reason: string): Promise<UnpairResult> {
	const at = Date.now();
	context.state.outcome = { kind: outcome, reason, at };
	context.recorder.ended(outcome, reason, iso(at));
	await save(context);
	return { outcome, reason };
}

async function save(context: UnpairContext): Promise<void> {
	context.state.updatedAt = Date.now();
	context.checkpoint.request(structuredClone(context.state));
	await Promise.all([context.checkpoint.written(), context.recorder.written()]);
}

async function settle(context: UnpairContext, step: UnpairStepId, status: UnpairStepStatus, evidence: string): Promise<void> {
	context.state.steps[step] = { status, evidence };
	context.onStep?.({ type: 'settled', step, status, evidence });
	context.print(`  ${status === 'done' ? 'done' : status}: ${evidence}`);
	await save(context);
}

const stopUnknown = (what: string, observation: Observation) =>
	new Stop('needs-operator', `${what} could not be told, so nothing was done on a guess: ${describeObservation(observation)}. Check it, then run the same command again`);

function unpairingOf(environment: Environment): PoolUnpairing {
	if (!environment.unpairing) throw new Stop('failed', `${environment.description} cannot unpair: it has no cmdlets to clear a pairing or remove backup data`);
	return environment.unpairing;
}

/**
 * Both pools measured against the unpair's before (each names the other) and after (neither names a backup pool). Any
 * mix of the two is this unpair's own work, cut short or not begun; a pool that names a third pool is a change someone
 * else made, which nothing here writes over.
 */
async function clearedBothWays(context: UnpairContext): Promise<{ done: boolean; evidence: string; unknownOne?: Observation }> {
	const { pool, partner } = context.plan;
	const readings = await Promise.all([probeClearing(context.environment, pool.fqdn, partner.fqdn), probeClearing(context.environment, partner.fqdn, pool.fqdn)]);
	const evidence = readings.map((each) => each.observation.evidence).join('; ');
	const elsewhere = readings.find((each) => each.stage === 'elsewhere');
	if (elsewhere) {
		const other = elsewhere.pool === pool.fqdn ? partner.fqdn : pool.fqdn;
		throw new Stop(
			'failed',
			`${elsewhere.pool} is now paired with ${elsewhere.observation.value}, not with ${other} as when this unpair started: someone changed the pairing since, and nothing was written over it (${evidence}). Check the pairing in Topology Builder before anything else is changed`,
		);
	}
	const unknownOne = readings.find((each) => each.stage === 'unknown')?.observation;
	return { done: readings.every((each) => each.stage === 'cleared'), evidence, ...(unknownOne ? { unknownOne } : {}) };
}

/**
 * The write is checked against the topology of the plan the operator confirmed in this run. On a resume that may differ
 * from the one the unpair started on: its own first write moves the signature (each Set-CsRegistrar publishes a new one),
 * and the read-back has just shown nothing but the unpair's before and after. The record says so.
 */
async function adoptConfirmedTopology(context: UnpairContext, evidence: string): Promise<void> {
	const { state, plan } = context;
	if (state.topologySignature === plan.topologySignature) return;
	context.recorder.note(
		`The published topology changed since this unpair started (Signature ${state.topologySignature} is now ${plan.topologySignature}); the pairing shows only this unpair's own work (${evidence}), so the write goes on against the plan confirmed now.`,
		iso(Date.now()),
	);
	state.topologySignature = plan.topologySignature;
	await save(context);
}

async function snapshotOnce(context: UnpairContext): Promise<void> {
	if (context.state.snapshotPath) return;
	const path = await context.environment.snapshotTopology(join(context.snapshotDir, `topology-before-unpair-${context.state.sessionId}.xml`));
	context.state.snapshotPath = path;
	context.recorder.snapshot(path, iso(Date.now()));
	context.print(`  topology snapshot: ${path}`);
	await save(context);
}

async function clearStep(context: UnpairContext): Promise<void> {
	const { plan, environment } = context;
	let seen = await clearedBothWays(context);
	if (seen.unknownOne) throw stopUnknown('Whether the association is cleared', seen.unknownOne);
	if (!seen.done) {
		await snapshotOnce(context);
		if (plan.path === 'cmdlets') {
			await adoptConfirmedTopology(context, seen.evidence);
			const unpairing = unpairingOf(environment);
			const command = clearPairingSummary(plan.pool.fqdn, plan.partner.fqdn);
			const startedAt = Date.now();
			context.print(`  ${command}`);
			// The publish runs to its end (the environment gives it no timeout and no signal): a cancel is told why it waits.
			const tellWait = () => context.print(`  ${UNPAIR_WAIT_NOTICE}`);
			context.signal.addEventListener('abort', tellWait, { once: true });
			try {
				const published = await unpairing.clearPairing(plan.pool.fqdn, plan.partner.fqdn, { expectedSignature: context.state.topologySignature });
				for (const warning of published?.warnings ?? []) {
					context.print(`  Enable-CsTopology warned: ${warning}`);
					context.recorder.note(`Enable-CsTopology warned: ${warning}`, iso(Date.now()));
				}
				if (published?.reportPath) context.recorder.note(`Enable-CsTopology's report (-Report) is kept in ${published.reportPath}`, iso(Date.now()));
			} catch (error) {
				if (!(error instanceof EnvironmentError)) throw error;
				context.recorder.command({ command, target: `${plan.pool.fqdn} ↔ ${plan.partner.fqdn}`, startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'failed', tail: [error.message] });
				throw new Stop('failed', `${command} failed: ${error.message}`);
			} finally {
				context.signal.removeEventListener('abort', tellWait);
			}
			seen = await clearedBothWays(context);
			context.recorder.command({
				command,
				target: `${plan.pool.fqdn} ↔ ${plan.partner.fqdn}`,
				startedAt: iso(startedAt),
				endedAt: iso(Date.now()),
				outcome: seen.done ? 'succeeded' : 'unknown',
				verification: seen.evidence,
			});
		} else {
			const steps = unpairTopologyBuilderSteps(plan);
			const lab = environment.unpairing?.publishUnpairAsTopologyBuilder?.bind(environment.unpairing);
			while (!seen.done) {
				const answer = await context.operator.topologyBuilder(steps, lab ? () => lab(plan.pool.fqdn, plan.partner.fqdn) : undefined);
				// A stop asked for by Ctrl+C or a signal ends the run as cancelled, not as waiting on the publish.
				context.signal.throwIfAborted();
				seen = await clearedBothWays(context);
				if (seen.done) break;
				if (answer === 'stop') {
					context.recorder.decision({ what: 'Topology Builder', choice: 'publish later', reason: seen.evidence, at: iso(Date.now()) });
					await save(context);
					throw new Stop('needs-operator', `waiting on the Topology Builder publish (${steps.length} steps shown); the farm says: ${seen.evidence}. Publish, then run the same command again`);
				}
				context.print(`  not yet: ${seen.evidence}`);
			}
			context.recorder.note(`Topology Builder publish seen by the farm: ${seen.evidence}`, iso(Date.now()));
		}
		if (seen.unknownOne) throw stopUnknown('Whether the association is cleared', seen.unknownOne);
		if (!seen.done) throw new Stop('failed', `the pairing is still there after the write: ${seen.evidence}`);
		context.state.clearedAt = Date.now();
	}
	context.state.clearedAt ??= Date.now();
	await settle(context, 'clear', 'done', seen.evidence);
}

/**
 * Bootstrapper reads the server's replica of the topology: before the cleared association reaches it, it changes
 * nothing (sfb-facts.md §8). Push, then wait until the replica is current.
 */
async function replicaCurrent(context: UnpairContext, server: string): Promise<void> {
	const since = iso(context.state.clearedAt ?? Date.now());
	const deadline = Date.now() + context.pacing.replicationTimeoutMs;
	let observation = await probe(context.environment, { kind: 'replication', server, since });
	if (observation.state === 'done') return;
	try {
		await context.environment.pushReplication(server);
		context.print(`  ${pushReplicationCommand(server)}`);
	} catch (error) {
		if (!(error instanceof EnvironmentError)) throw error;
		context.print(`  ${pushReplicationCommand(server)}: ${error.message}`);
	}
	while (observation.state !== 'done') {
		if (Date.now() >= deadline) {
			throw new Stop('needs-operator', `${server} has not received the topology without the pairing: ${describeObservation(observation)} (${replicationCommand(server)}). Bootstrapper would change nothing there; check replication, then run again`);
		}
		await context.pacing.sleep(context.pacing.replicationPollMs, context.signal);
		observation = await probe(context.environment, { kind: 'replication', server, since });
	}
}

async function bootstrapServer(context: UnpairContext, server: { fqdn: string; pool: string }): Promise<void> {
	const { environment, plan } = context;
	const record = (status: UnpairStepStatus, evidence: string) => {
		context.state.servers[server.fqdn] = { status, evidence };
		context.print(`  ${server.fqdn}: ${status}: ${evidence}`);
	};
	const before = await probeBackupServiceRemoved(environment, server.fqdn);
	if (before.state === 'done') return (record('done', before.evidence), save(context));
	if (before.state === 'unknown') {
		record('unknown', before.evidence);
		await save(context);
		throw stopUnknown(`The Backup Service on ${server.fqdn}`, before);
	}
	await replicaCurrent(context, server.fqdn);
	const command = bootstrapperCommand(server.fqdn, server.pool === plan.pool.fqdn ? plan.pool : plan.partner);
	context.print(`  ${command}`);
	const startedAt = Date.now();
	let exitCode: number | undefined;
	let tail: string[];
	try {
		const outcome = await environment.runBootstrapper(server.fqdn, { signal: context.signal, onLine: () => undefined });
		exitCode = outcome.exitCode;
		tail = outcome.tail.slice(-5);
	} catch (error) {
		if (!(error instanceof EnvironmentError)) throw error;
		tail = [error.message];
	}
	const after = await probeBackupServiceRemoved(environment, server.fqdn);
	const succeeded = after.state === 'done';
	context.recorder.command({
		command,
		target: server.fqdn,
		phase: 'bootstrapper',
		startedAt: iso(startedAt),
		endedAt: iso(Date.now()),
		outcome: succeeded ? 'succeeded' : after.state === 'unknown' ? 'unknown' : 'failed',
		...(exitCode === undefined ? {} : { exitCode }),
		tail,
		verification: after.evidence,
	});
	if (succeeded) return (record('done', after.evidence), save(context));
	const ran = exitCode === undefined ? tail.join(' ') : `exit ${exitCode}${isBootstrapperSuccess(exitCode) ? ' (success)' : ''}`;
	record(after.state === 'unknown' ? 'unknown' : 'failed', `${after.evidence} after Bootstrapper ${ran}`);
	await save(context);
	throw after.state === 'unknown'
		? stopUnknown(`The Backup Service on ${server.fqdn} after Bootstrapper`, after)
		: new Stop('failed', `${server.fqdn}: Bootstrapper ${ran}, but ${after.evidence}; look at its log on the server, then run the same command again`);
}

/** The pools side by side, one server at a time inside each, so each pool keeps serving its users. */
async function bootstrapperStep(context: UnpairContext): Promise<void> {
	const byPool = [context.plan.pool.fqdn, context.plan.partner.fqdn].map((pool) => context.plan.servers.filter((server) => server.pool === pool));
	const results = await Promise.allSettled(
		byPool.map(async (servers) => {
			for (const server of servers) await bootstrapServer(context, server);
		}),
	);
	const failure = results.find((each): each is PromiseRejectedResult => each.status === 'rejected');
	if (failure) {
		// A failed server never hides the others: each pool's servers were all tried up to their own first failure.
		const messages = results.flatMap((each) => (each.status === 'rejected' && each.reason instanceof Stop ? [each.reason.message] : []));
		if (!(failure.reason instanceof Stop)) throw failure.reason;
		const outcome = results.some((each) => each.status === 'rejected' && each.reason instanceof Stop && each.reason.outcome === 'failed') ? 'failed' : failure.reason.outcome;
		await settle(context, 'bootstrapper', outcome === 'failed' ? 'failed' : 'unknown', messages.join(' | '));
		throw new Stop(outcome, messages.join(' | '));
	}
	await settle(context, 'bootstrapper', 'done', `${context.plan.servers.length} Front End servers: LYNCBACKUP no longer installed`);
}

async function backupDataStep(context: UnpairContext): Promise<void> {
	const unpairing = unpairingOf(context.environment);
	const evidence: string[] = [];
	let unverified = false;
	for (const pool of [context.plan.pool.fqdn, context.plan.partner.fqdn]) {
		const before = await probeBackupData(context.environment, pool);
		if (before.state === 'done') {
			evidence.push(before.evidence);
			continue;
		}
		const command = removeBackupDataCommand(pool);
		context.print(`  ${command}`);
		const startedAt = Date.now();
		try {
			await unpairing.removeBackupData(pool);
		} catch (error) {
			if (!(error instanceof EnvironmentError)) throw error;
			context.recorder.command({ command, target: pool, startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'failed', tail: [error.message] });
			await settle(context, 'backup-data', 'failed', `${command}: ${error.message}`);
			throw new Stop('failed', `${command} failed: ${error.message}`);
		}
		const after = await probeBackupData(context.environment, pool);
		const said = after.state === 'unknown' ? `${command} completed without error; ${after.evidence} [unverified]` : after.evidence;
		context.recorder.command({
			command,
			target: pool,
			startedAt: iso(startedAt),
			endedAt: iso(Date.now()),
			outcome: after.state === 'done' ? 'succeeded' : after.state === 'unknown' ? 'unknown' : 'failed',
			verification: said,
		});
		if (after.state === 'not-done') {
			await settle(context, 'backup-data', 'failed', said);
			throw new Stop('failed', `${command} ran, but ${after.evidence}`);
		}
		unverified ||= after.state === 'unknown';
		evidence.push(said);
	}
	await settle(context, 'backup-data', unverified ? 'unverified' : 'done', evidence.join('; '));
}

async function standbyStoreStep(context: UnpairContext): Promise<void> {
	const cms = context.plan.centralManagementStore;
	if (!cms) return;
	const observation = await probeStandbyRemoved(context.environment, cms.partner, cms.partnerBackEnd);
	if (observation.state === 'unknown') throw stopUnknown('Whether the standby Central Management store is gone', observation);
	if (observation.state === 'not-done') {
		await settle(context, 'standby-store', 'not-done', observation.evidence);
		throw new Stop(
			'needs-operator',
			`the standby Central Management store is still defined: ${observation.evidence}. In Topology Builder, check that ${cms.host} has no associated backup pool and publish again, then run the same command again`,
		);
	}
	const backEnd = cms.partnerBackEnd;
	context.print(`  the database itself stays on the SQL Server until removed by hand: ${uninstallStandbyCommand(backEnd?.sqlServer ?? `<back end of ${cms.partner}>`, backEnd?.instance)}`);
	await settle(context, 'standby-store', 'done', observation.evidence);
}

const STEP_WORK: Record<UnpairStepId, (context: UnpairContext) => Promise<void>> = {
	clear: clearStep,
	bootstrapper: bootstrapperStep,
	'backup-data': backupDataStep,
	'standby-store': standbyStoreStep,
};
