import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { BACKUP_SERVICE, EnvironmentError, type PublishReport } from '../environments/port.js';
import { BACK, OperatorLeft, type Back, type BackupCandidate, type VoiceChoice } from '../procedure/operator.js';
import { assessPicture, PHASE_OUTCOMES, type PairPicture, type PairingPicture } from '../procedure/picture.js';
import { buildPlan, centralManagementPlan, MANAGEMENT_SHELL, NOT_DEPLOYED, publishCommands, type CentralManagementPlan, type Plan } from '../procedure/plan.js';
import { PHASE_NAMES, SERVER_PHASES, type OutcomeKind, type ServerPhase } from '../procedure/state.js';
import { STEPS, type StepId } from '../procedure/steps.js';
import { installStandbyCommand, relationshipCommand, startServiceCommand } from '../sfb/commands.js';
import type { FrontEndPool, PoolInventory } from '../sfb/model.js';
import { describeObservation, type Observation } from '../sfb/observation.js';
import { assessPair, assessPools, findPool, pairedBothWays } from '../sfb/pairing-rules.js';
import { describeTopologyChange, diffTopologies } from '../sfb/topology-diff.js';
import { TopologyReadError } from '../sfb/topology-reader.js';
import { iso, type OperationContext } from './context.js';
import { markByHand } from './by-hand.js';
import { preflightGate } from './preflight-gate.js';
import { probe } from './probes.js';
import { reconcile, unfinishedPairs } from './reconcile.js';
import { awaitReplication } from './replication-gate.js';
import { runFleet, type FleetResult, type FleetWork } from './server-fleet.js';
import { backupServiceWork, bootstrapperWork } from './server-work.js';
import { cumulativeUpdateByDomainsWork, upgradeDomainsOfPools } from './upgrade-domain-work.js';
import { upgradeSchedule } from '../sfb/upgrade-domains.js';
import { watchSync } from './sync-watch.js';
import { couldNotTell, settleObservation } from './unknowns.js';

export interface ProcedureResult {
	outcome: OutcomeKind;
	reason: string;
}

export interface ProcedureHooks {
	/** Called once the pair is known and before anything is written: takes the lock, opens the checkpoint. Throws to refuse. */
	claimPair?(pool: string, backup: string): Promise<void>;
}

class Stop extends Error {
	constructor(readonly result: ProcedureResult) {
		super(result.reason);
	}
}

const stop = (outcome: OutcomeKind, reason: string): never => {
	throw new Stop({ outcome, reason });
};

type Servers = { fqdn: string; pool: string }[];

/**
 * The whole procedure, from reading the topology to steady-state sync. The same function drives the wizard, `run
 * --yes`, a resumed session, a session on another machine or after a lost session file: once the pair is known the
 * farm is probed, and each step runs only where its probe says the work is not done. Every action is verified by
 * its probe before it counts.
 */
export async function runProcedure(context: OperationContext, hooks: ProcedureHooks = {}): Promise<ProcedureResult> {
	const { session } = context;
	try {
		if (session.state.outcome) session.dispatch({ type: 'procedure-resumed' });
		const inventory = await readPools(context);
		let pair = await choosePair(context, inventory, hooks);
		await passPreflight(context, inventory, pair.pool, pair.backup);
		markByHand(context, context.byHand ?? [], 'named with --by-hand');
		let picture = await observeAtStart(context, pair.pool, pair.backup);
		if (assessPicture(picture).state === 'complete') return alreadyComplete(context, pair.pool, pair.backup);
		// Back from the plan goes to the voice settings, and from there back through the pickers.
		while ((await publish(context, inventory, pair.pool, pair.backup, picture)) === BACK) {
			session.dispatch({ type: 'step-reopened', step: 'voice' });
			const chosen = await choosePair(context, inventory, hooks);
			await passPreflight(context, inventory, chosen.pool, chosen.backup);
			if (chosen.pool !== pair.pool || chosen.backup !== pair.backup) {
				picture = await observeAtStart(context, chosen.pool, chosen.backup);
				if (assessPicture(picture).state === 'complete') return alreadyComplete(context, chosen.pool, chosen.backup);
			}
			pair = chosen;
		}
		const { pool, backup } = pair;
		const servers = serversOf(pool, backup);
		const deployment = await checkDeployment(context, picture);
		if (deployment.deployed.length === 0) {
			return end(context, 'needs-operator', `${pool.fqdn} and ${backup.fqdn} are paired but were never deployed: deploy them and the pairing is complete`);
		}
		await replicationGate(context);
		await serverStep(context, 'bootstrapper', async () => {
			const work = bootstrapperWork(context, servers, [pool, backup]);
			if (!context.parallelDomains) return runScheduled(context, work);
			// Bootstrapper stops a server's services: one upgrade domain at a time keeps each pool's quorum, the pools side by side.
			const domains = upgradeSchedule(await upgradeDomainsOfPools(context.environment.patching, [pool, backup]), 'side-by-side');
			return runScheduled(context, { ...work, domains });
		});
		carrySkipsForward(context);
		await cumulativeUpdateStep(context, servers, [pool, backup]);
		await serverStep(context, 'backup-service', () => runScheduled(context, backupServiceWork(context, servers)));
		if (deployment.notDeployed.length > 0) {
			const names = undeployedNames([pool, backup], deployment.notDeployed);
			finishStep(context, 'sync', 'skipped', `not deployed: ${names.join(', ')}`);
			return end(
				context,
				'needs-operator',
				`${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not deployed: deploy ${names.length === 1 ? 'it' : 'them'}, then run again to finish Bootstrapper, the CU and LYNCBACKUP there, and the sync`,
			);
		}
		await requireBackupServiceEverywhere(context);
		await syncStep(context, pool, backup);
		return end(context, 'done', `${pool.fqdn} and ${backup.fqdn} are paired and their Backup Service is in steady state both ways`);
	} catch (error) {
		if (error instanceof Stop) return end(context, error.result.outcome, error.result.reason);
		if (context.signal.aborted) {
			const stopped = stoppedByOperator(context, STEPS[session.state.current].title);
			return end(context, stopped.outcome, stopped.reason);
		}
		if (error instanceof EnvironmentError) return end(context, 'failed', error.message);
		throw error;
	}
}

const serversOf = (pool: FrontEndPool, backup: FrontEndPool): Servers => [
	...pool.servers.map((fqdn) => ({ fqdn, pool: pool.fqdn })),
	...backup.servers.map((fqdn) => ({ fqdn, pool: backup.fqdn })),
];

/** Once the pair is known (again, after going back to another): its servers planned, then the farm probed. */
async function observeAtStart(context: OperationContext, pool: FrontEndPool, backup: FrontEndPool): Promise<PairPicture> {
	const servers = serversOf(pool, backup);
	const order = context.session.state.serverOrder;
	if (order.length !== servers.length || servers.some((server, index) => order[index] !== server.fqdn)) context.session.dispatch({ type: 'servers-planned', servers });
	return reconcile(context, pool, backup);
}

/** Stopped from outside: q leaves the session waiting for the operator (exit 3); Ctrl+C or a signal cancels it (130). */
function stoppedByOperator(context: OperationContext, during: string): ProcedureResult {
	return context.signal.reason instanceof OperatorLeft
		? { outcome: 'needs-operator', reason: `left by the operator during ${during}; the session resumes where it stands` }
		: { outcome: 'cancelled', reason: `cancelled by the operator during ${during}` };
}

/** A pool none of whose servers is deployed by its name, else the servers themselves. */
function undeployedNames(pools: FrontEndPool[], servers: string[]): string[] {
	return pools.flatMap((pool) => {
		const missing = pool.servers.filter((server) => servers.includes(server));
		return missing.length === pool.servers.length ? [pool.fqdn] : missing;
	});
}

function end(context: OperationContext, outcome: OutcomeKind, reason: string): ProcedureResult {
	context.session.dispatch({ type: 'procedure-ended', outcome, reason });
	context.recorder?.ended(outcome, reason, iso(Date.now()));
	return { outcome, reason };
}

function isFinished(context: OperationContext, step: StepId): boolean {
	const status = context.session.state.steps[step].status;
	return status === 'done' || status === 'skipped';
}

/** A step starts only while nobody has cancelled: work that would not stop half way (the publish) may outlast a cancel. */
function startStep(context: OperationContext, step: StepId) {
	if (context.signal.aborted) throw new Stop(stoppedByOperator(context, STEPS[context.session.state.current].title));
	if (context.session.state.steps[step].status !== 'active' || context.session.state.current !== step) {
		context.session.dispatch({ type: 'step-started', step });
	}
}

function finishStep(context: OperationContext, step: StepId, status: 'done' | 'skipped' | 'failed' = 'done', note?: string) {
	context.session.dispatch({ type: 'step-finished', step, status, ...(note ? { note } : {}) });
}

async function readPools(context: OperationContext): Promise<PoolInventory> {
	startStep(context, 'pools-defined');
	const inventory = await context.environment.readInventory();
	const unpaired = assessPools(inventory).filter((entry) => entry.pairedWith === undefined);
	finishStep(context, 'pools-defined', 'done', `${inventory.pools.length} Front End pools, ${unpaired.length} not yet paired`);
	return inventory;
}

function poolNamed(inventory: PoolInventory, name: string): FrontEndPool {
	return findPool(inventory, name) ?? stop('failed', `${name} is no longer in the published topology`);
}

/** A pair already published and not finished, offered in the wizard before new pools are chosen. */
async function offerUnfinished(context: OperationContext, inventory: PoolInventory): Promise<{ pool: string; backup: string } | undefined> {
	if (Object.keys(inventory.pairings).length === 0) return undefined;
	const pairs = await unfinishedPairs(context.environment, inventory);
	if (pairs.length === 0) return undefined;
	const choice = await context.operator.chooseUnfinishedPair(pairs);
	context.recorder?.decision({ what: 'finish a pair already published', choice: choice === 'new' ? 'pair two other pools' : `${choice.pool} ↔ ${choice.backup}`, at: iso(Date.now()) });
	return choice === 'new' ? undefined : choice;
}

async function claim(context: OperationContext, inventory: PoolInventory, hooks: ProcedureHooks, pool: FrontEndPool, backup: FrontEndPool, chosenAt: { pool: number; backup: number }) {
	const assessment = assessPair(inventory, pool.fqdn, backup.fqdn);
	if (!assessment.allowed) stop('failed', assessment.refusals.join('; '));
	await hooks.claimPair?.(pool.fqdn, backup.fqdn);
	// The record opens with the pair: the choices that named it are written as soon as it exists.
	context.recorder?.decision({ what: 'pool to protect', choice: pool.fqdn, at: iso(chosenAt.pool) });
	context.recorder?.decision({
		what: 'backup pool',
		choice: backup.fqdn,
		...(assessment.warnings.length > 0 ? { reason: `chosen with the warnings: ${assessment.warnings.join('; ')}` } : {}),
		at: iso(chosenAt.backup),
	});
	context.session.dispatch({ type: 'pair-chosen', pool: pool.fqdn, backup: backup.fqdn, warnings: assessment.warnings });
	for (const warning of assessment.warnings) context.recorder?.note(`Warning: ${warning}`, iso(Date.now()));
}

async function choosePair(context: OperationContext, inventory: PoolInventory, hooks: ProcedureHooks) {
	const { session, operator } = context;
	if (session.state.pair && isFinished(context, 'voice')) {
		return { pool: poolNamed(inventory, session.state.pair.pool), backup: poolNamed(inventory, session.state.pair.backup) };
	}
	const eligible = assessPools(inventory).filter((entry) => entry.eligible);
	const saved = session.state.pair;
	let step: StepId = saved ? 'voice' : 'choose-pool';
	let pool: FrontEndPool | undefined = saved ? poolNamed(inventory, saved.pool) : undefined;
	let backup: FrontEndPool | undefined = saved ? poolNamed(inventory, saved.backup) : undefined;
	let poolChosenAt = Date.now();
	if (!saved) {
		startStep(context, 'choose-pool');
		const named = context.requestedPair ?? (await offerUnfinished(context, inventory));
		if (named) {
			pool = poolNamed(inventory, named.pool);
			backup = poolNamed(inventory, named.backup);
			finishStep(context, 'choose-pool', 'done', pool.fqdn);
			startStep(context, 'choose-backup');
			await claim(context, inventory, hooks, pool, backup, { pool: poolChosenAt, backup: Date.now() });
			finishStep(context, 'choose-backup', 'done', backup.fqdn);
			await passPreflight(context, inventory, pool, backup);
			step = 'voice';
		} else if (eligible.length < 2) {
			const unpaired = assessPools(inventory).filter((entry) => entry.pairedWith === undefined).length;
			finishStep(context, 'choose-pool', 'failed');
			stop(
				'needs-operator',
				`${unpaired === 0 ? 'no Front End pool is' : 'only one Front End pool is'} free to pair: define a second pool in Topology Builder, publish, then start again`,
			);
		}
	}
	for (;;) {
		if (step === 'choose-pool') {
			startStep(context, 'choose-pool');
			pool = poolNamed(inventory, await operator.choosePool(eligible));
			poolChosenAt = Date.now();
			finishStep(context, 'choose-pool', 'done', pool.fqdn);
			step = 'choose-backup';
		} else if (step === 'choose-backup' && pool) {
			startStep(context, 'choose-backup');
			const candidates: BackupCandidate[] = eligible
				.filter((entry) => entry.pool.fqdn !== pool?.fqdn)
				.map((entry) => ({ pool: entry.pool, assessment: assessPair(inventory, pool!.fqdn, entry.pool.fqdn) }));
			const choice = await operator.chooseBackup(pool, candidates);
			if (choice === BACK) {
				session.dispatch({ type: 'step-reopened', step: 'choose-pool' });
				step = 'choose-pool';
				continue;
			}
			backup = poolNamed(inventory, choice);
			await claim(context, inventory, hooks, pool, backup, { pool: poolChosenAt, backup: Date.now() });
			finishStep(context, 'choose-backup', 'done', backup.fqdn);
			await passPreflight(context, inventory, pool, backup);
			step = 'voice';
		} else if (pool && backup) {
			startStep(context, 'voice');
			if (pairedBothWays(inventory, pool.fqdn, backup.fqdn)) {
				finishStep(context, 'voice', 'done', 'already paired: the published voice settings are kept');
				return { pool, backup };
			}
			const voice = await operator.chooseVoice(session.state.voice);
			if (voice === BACK) {
				context.recorder?.decision({ what: 'voice resiliency', choice: 'back', at: iso(Date.now()) });
				session.dispatch({ type: 'step-reopened', step: 'choose-backup' });
				step = 'choose-backup';
				continue;
			}
			setVoice(context, voice);
			finishStep(context, 'voice');
			return { pool, backup };
		}
	}
}

/** Once the pair is known and before anything changes: the doctor's checks, where the context asks for them (preflight-gate.ts). */
async function passPreflight(context: OperationContext, inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool) {
	const gate = await preflightGate(context, inventory, pool, backup);
	if (gate.kind === 'stopped') stop(gate.outcome, gate.reason);
}

/** The voice settings go into the state as they are, and into the record as a decision with any adjustment made. */
function setVoice(context: OperationContext, choice: VoiceChoice) {
	const { note, ...voice } = choice;
	const described = voice.automaticFailover
		? `automatic failover and failback for Voice on: failover after ${voice.failoverSeconds} s, failback after ${voice.failbackSeconds} s`
		: 'automatic failover and failback for Voice off';
	context.recorder?.decision({ what: 'voice resiliency', choice: described, ...(note ? { reason: note } : {}), at: iso(Date.now()) });
	context.session.dispatch({ type: 'voice-set', voice });
}

/** Every step found done on the farm: nothing to run. */
function alreadyComplete(context: OperationContext, pool: FrontEndPool, backup: FrontEndPool): ProcedureResult {
	if (!context.session.state.publish.verified) context.session.dispatch({ type: 'pairing-verified' });
	for (const step of ['publish', 'deployment', 'bootstrapper', 'cumulative-update', 'backup-service', 'sync'] as const) {
		if (context.session.state.steps[step].status !== 'done') finishStep(context, step, 'done', 'found done on the farm');
	}
	return end(
		context,
		'done',
		`${pool.fqdn} and ${backup.fqdn} are already paired and complete: every server has the Backup Service at the Cumulative Update level and running, and the sync reads steady both ways`,
	);
}

/**
 * The pairing both ways, as the read-backs say now. While they cannot tell, the operator decides (probe again or
 * stop): the pairing cannot be skipped. `first` is what the start's picture already read.
 */
async function readBackBothWays(context: OperationContext, pool: FrontEndPool, backup: FrontEndPool, first: PairingPicture[] = []): Promise<Observation[]> {
	const observations: Observation[] = [];
	for (const [member, partner] of [
		[pool, backup],
		[backup, pool],
	] as const) {
		const question = { subject: member.fqdn, what: `it is paired with ${partner.fqdn}`, canSkip: false };
		const settled = await settleObservation(
			context,
			question,
			() => probe(context.environment, { kind: 'pairing', pool: member.fqdn, partner: partner.fqdn }),
			first.find((entry) => entry.pool === member.fqdn)?.observation,
		);
		if (settled.kind !== 'answered') return stop('needs-operator', couldNotTell(question, settled.observation));
		observations.push(settled.observation);
	}
	return observations;
}

const bothDone = (observations: Observation[]) => observations.length === 2 && observations.every((observation) => observation.state === 'done');

/** Returns BACK when the operator goes back from the plan; nothing has been written then. */
async function publish(context: OperationContext, firstInventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool, picture: PairPicture): Promise<Back | undefined> {
	const { session, environment, operator, recorder } = context;
	const readBack = await readBackBothWays(context, pool, backup, picture.pairing);
	const cms = centralManagementPlan(firstInventory, pool, backup);
	const standby = bothDone(readBack) && cms ? await settleStandbyStore(context, cms) : undefined;
	if (bothDone(readBack) && standby?.state !== 'not-done') {
		if (session.state.publish.verified && isFinished(context, 'publish')) return;
		startStep(context, 'publish');
		session.dispatch({ type: 'pairing-verified' });
		const why = session.state.publish.snapshotPath ? 'the write was made before the interruption and is on the farm' : 'they were paired before this session';
		const store = standby ? `, with the standby Central Management store (${standby.evidence})` : '';
		recorder?.note(`Read back: ${pool.fqdn} and ${backup.fqdn} are already paired (${why})${store}; nothing written again.`, iso(Date.now()));
		finishStep(context, 'publish', 'done', 'already paired: nothing written');
		return;
	}
	if (standby?.state === 'not-done') {
		recorder?.note(`${pool.fqdn} and ${backup.fqdn} are paired both ways, but ${missingStandby(standby)}: the Topology Builder steps are shown again.`, iso(Date.now()));
	}
	if (session.state.publish.verified && isFinished(context, 'publish')) {
		recorder?.note(
			`The checkpoint says ${pool.fqdn} and ${backup.fqdn} were paired, but the farm does not show the pairing now (${readBack.map(describeObservation).join('; ')}): the plan is shown again before anything is written.`,
			iso(Date.now()),
		);
		session.dispatch({ type: 'step-reopened', step: 'publish' });
	}
	startStep(context, 'publish');
	let inventory = firstInventory;
	let notice: string | undefined;
	for (;;) {
		const plan: Plan = { ...buildPlan(inventory, pool, backup, session.state.voice, picture), ...(notice ? { notice } : {}) };
		if (notice) recorder?.note(notice, iso(Date.now()));
		const choice = await operator.confirmPlan(plan);
		if (choice === BACK) return BACK;
		recorder?.decision({ what: 'publish the pairing', choice, ...(cms ? { reason: `${cms.host} holds the Central Management store: Topology Builder is the only path` } : {}), at: iso(Date.now()) });
		if (choice === 'topology-builder' || cms) {
			if (await awaitTopologyBuilder(context, plan, standby?.state === 'not-done' && cms ? standbyCheck(cms, standby) : undefined)) break;
			continue;
		}
		const current = await environment.readInventory();
		if (current.topologySignature !== plan.topologySignature) {
			inventory = current;
			notice = 'The topology changed since this plan was made (someone else published): here is the plan made again. Check it before you confirm.';
			continue;
		}
		await takeSnapshot(context);
		const startedAt = Date.now();
		session.dispatch({ type: 'pairing-write-started' });
		let published: PublishReport | void;
		try {
			published = await environment.writePairing({ pool: pool.fqdn, backup: backup.fqdn, voice: session.state.voice }, { expectedSignature: plan.topologySignature });
		} catch (error) {
			if (error instanceof EnvironmentError && error.kind === 'stale-topology') {
				inventory = await environment.readInventory();
				notice = `${error.message}: here is the plan made again.`;
				continue;
			}
			throw error;
		}
		for (const command of publishCommands(pool.fqdn, backup.fqdn, session.state.voice).slice(1, 4)) {
			recorder?.command({ command: command.command, target: MANAGEMENT_SHELL, startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'succeeded' });
		}
		const warnings = published?.warnings ?? [];
		for (const warning of warnings) recorder?.note(`Enable-CsTopology warned: ${warning}`, iso(Date.now()));
		if (published?.reportPath) recorder?.note(`Enable-CsTopology's report (-Report) is kept in ${published.reportPath}`, iso(Date.now()));
		session.dispatch({ type: 'pairing-written', method: 'cmdlets', ...(warnings.length > 0 ? { warnings } : {}), ...(published?.reportPath ? { reportPath: published.reportPath } : {}) });
		break;
	}
	const written = await readBackBothWays(context, pool, backup);
	if (!bothDone(written)) {
		finishStep(context, 'publish', 'failed');
		const rollback = session.state.publish.snapshotPath ? `; the topology before the change is in ${session.state.publish.snapshotPath}` : '';
		stop('failed', `the pairing did not read back after publishing (${written.map(describeObservation).join('; ')})${rollback}`);
	}
	session.dispatch({ type: 'pairing-verified' });
	finishStep(context, 'publish', 'done', 'written and read back');
	return undefined;
}

async function takeSnapshot(context: OperationContext) {
	const { session, environment, recorder } = context;
	if (session.state.publish.snapshotPath) return;
	const file = join(context.snapshotDir, `topology-before-${session.state.sessionId}.xml`);
	const path = await environment.snapshotTopology(file);
	recorder?.snapshot(path, iso(Date.now()));
	session.dispatch({ type: 'snapshot-taken', path });
}

/**
 * The operator pairs the pools in Topology Builder; the farm says when it is done: the pairing read back both ways and,
 * for a pair that holds the Central Management store, the standby store. Then the topology before and after is compared.
 * In the lab the operator may have the lab play the publish. Returns false when the operator goes back to the plan.
 */
async function awaitTopologyBuilder(context: OperationContext, plan: Plan, firstCheck?: string): Promise<boolean> {
	const { environment, recorder } = context;
	await takeSnapshot(context);
	let lastCheck = firstCheck;
	for (;;) {
		const answer = await context.operator.awaitTopologyBuilder(plan, lastCheck, { canSimulate: environment.publishAsTopologyBuilder !== undefined });
		if (answer === 'cancel') return false;
		if (answer === 'stop') {
			const who = plan.centralManagementStore ? `${plan.centralManagementStore.host} holds the Central Management store, which Microsoft documents pairing only in Topology Builder` : 'the pairing is yours to publish in Topology Builder';
			return stop('needs-operator', `${who}: nothing was changed; pair ${plan.pool.fqdn} with ${plan.backup.fqdn} there (the steps above), then run again: the farm is checked first`);
		}
		if (answer === 'simulate' && environment.publishAsTopologyBuilder) {
			await environment.publishAsTopologyBuilder({ pool: plan.pool.fqdn, backup: plan.backup.fqdn, voice: plan.voice });
			recorder?.note('Lab: the operator\'s publish in Topology Builder was played by the lab.', iso(Date.now()));
		}
		const readBack = await readBackBothWays(context, plan.pool, plan.backup);
		if (!bothDone(readBack)) {
			lastCheck = `Not paired yet: ${relationshipCommand(plan.pool.fqdn)} does not name ${plan.backup.fqdn} (${readBack.map(describeObservation).join('; ')}). Publish in Topology Builder, then check again.`;
			continue;
		}
		const cms = plan.centralManagementStore;
		const standby = cms ? await settleStandbyStore(context, cms) : undefined;
		if (cms && standby && standby.state !== 'done') {
			lastCheck = standbyCheck(cms, standby);
			recorder?.note(`No standby Central Management store after the publish in Topology Builder: ${describeObservation(standby)}`, iso(Date.now()));
			continue;
		}
		const changes = await topologyChanges(context);
		context.session.dispatch({ type: 'pairing-written', method: 'topology-builder', ...(changes ? { changes } : {}) });
		context.recorder?.decision({
			what: 'publish the pairing',
			choice: 'done in Topology Builder by the operator',
			...(standby ? { reason: `standby Central Management store: ${standby.evidence}` } : {}),
			at: iso(Date.now()),
		});
		return true;
	}
}

/** The standby store, as its probe says; while it cannot tell, the operator decides (probe again or stop). */
async function settleStandbyStore(context: OperationContext, cms: CentralManagementPlan): Promise<Observation> {
	const question = { subject: cms.host, what: `its standby Central Management store is on the back end of ${cms.partner}`, canSkip: false };
	const settled = await settleObservation(context, question, () => probe(context.environment, { kind: 'standby-store', partner: cms.partner, partnerBackEnd: cms.partnerBackEnd }));
	if (settled.kind !== 'answered') return stop('needs-operator', couldNotTell(question, settled.observation));
	return settled.observation;
}

function missingStandby(observation: Observation): string {
	return `the standby Central Management store is not there (${describeObservation(observation)})`;
}

/** What the operator reads when the pairing is published but its standby store is not there (the evidence), and what to do. */
function standbyCheck(cms: CentralManagementPlan, observation: Observation): string {
	const install = cms.partnerIsStandard ? ` Run ${installStandbyCommand(cms.partner)}, then publish` : ' Publish';
	return `Paired, but no standby Central Management store: ${observation.evidence}.${install} again with its database, then check again.`;
}

/**
 * The topology saved before the publish against the one published now, in a few lines, for the screen and the record.
 * A document that cannot be read or compared is said so: the publish itself stands, as the read-backs showed.
 */
async function topologyChanges(context: OperationContext): Promise<string[] | undefined> {
	const saved = context.session.state.publish.snapshotPath;
	if (!saved) return undefined;
	try {
		const change = diffTopologies(await readFile(saved, 'utf8'), await context.environment.readTopologyDocument());
		const lines = describeTopologyChange(change);
		context.recorder?.note(`The topology before (${saved}) and after the publish in Topology Builder:\n${lines.join('\n')}`, iso(Date.now()));
		return lines;
	} catch (error) {
		if (!(error instanceof EnvironmentError || error instanceof TopologyReadError || (error as NodeJS.ErrnoException).code !== undefined)) throw error;
		const why = `the topology before and after could not be compared: ${error instanceof Error ? error.message : String(error)}`;
		context.recorder?.note(why, iso(Date.now()));
		return [why];
	}
}

/**
 * Step 7, per server from the start's picture. A server not deployed has nothing for steps 8–10 to do until it is;
 * a server that could not be asked is the operator's to decide (probe again, skip it for a reason, or stop): it is
 * never taken as not deployed.
 */
async function checkDeployment(context: OperationContext, picture: PairPicture): Promise<{ deployed: string[]; notDeployed: string[] }> {
	const { session } = context;
	startStep(context, 'deployment');
	const deployed: string[] = [];
	const notDeployed: string[] = [];
	for (const server of picture.servers) {
		const question = { subject: server.fqdn, what: 'it is deployed', canSkip: true };
		const settled = await settleObservation(context, question, () => probe(context.environment, { kind: 'deployment', server: server.fqdn }), server.deployment);
		if (settled.kind === 'stopped') {
			finishStep(context, 'deployment', 'failed', `could not tell on ${server.fqdn}`);
			return stop('needs-operator', couldNotTell(question, settled.observation));
		}
		const tasks = session.state.servers[server.fqdn]?.tasks;
		if (settled.kind === 'skipped' || settled.observation.state === 'not-done') {
			const reason = settled.kind === 'skipped' ? `skipped at the deployment check: ${settled.reason}` : NOT_DEPLOYED;
			for (const phase of SERVER_PHASES) {
				if (tasks?.[phase].state !== 'succeeded' && tasks?.[phase].state !== 'skipped') session.dispatch({ type: 'task-skipped', phase, server: server.fqdn, reason });
			}
			if (settled.kind === 'answered') notDeployed.push(server.fqdn);
			continue;
		}
		deployed.push(server.fqdn);
		for (const phase of SERVER_PHASES) {
			if (tasks?.[phase].state === 'skipped' && tasks[phase].message === NOT_DEPLOYED) session.dispatch({ type: 'task-reset', phase, server: server.fqdn });
		}
	}
	if (deployed.length === 0) {
		finishStep(context, 'deployment', 'done', 'neither pool is deployed');
		for (const step of ['bootstrapper', 'cumulative-update', 'backup-service', 'sync'] as const) {
			finishStep(context, step, 'skipped', 'the pools were never deployed: deploying them completes the pairing');
		}
	} else {
		finishStep(context, 'deployment', 'done', notDeployed.length === 0 ? 'every server is deployed: steps 8–10 follow' : `not deployed: ${notDeployed.join(', ')}`);
	}
	return { deployed, notDeployed };
}

const settledTask = (state: string | undefined) => state === 'succeeded' || state === 'skipped';

function unsettledServers(context: OperationContext, phase: ServerPhase): string[] {
	return context.session.state.serverOrder.filter((fqdn) => !settledTask(context.session.state.servers[fqdn]?.tasks[phase].state));
}

/** Before Bootstrapper: the servers it will run on hold the publish in their replica, or the procedure waits for the operator. */
async function replicationGate(context: OperationContext) {
	const servers = unsettledServers(context, 'bootstrapper');
	if (servers.length === 0) return;
	startStep(context, 'bootstrapper');
	const result = await awaitReplication(context, servers);
	if (result.kind === 'stopped') {
		finishStep(context, 'bootstrapper', 'failed', 'replicas behind the publish');
		stop('needs-operator', result.reason);
	}
}

/** A server step runs where its work is not done; where the farm shows it all done, the step is done without running. */
/** Runs a phase's servers, its schedule (upgrade domains, or none) recorded first so the time left follows the same one. */
function runScheduled(context: OperationContext, work: FleetWork): Promise<FleetResult> {
	context.session.dispatch({ type: 'phase-scheduled', phase: work.phase, ...(work.domains ? { schedule: work.domains } : {}) });
	return runFleet(context, work);
}

async function serverStep(context: OperationContext, step: 'bootstrapper' | 'backup-service', run: () => Promise<FleetResult>) {
	if (unsettledServers(context, step).length === 0) {
		if (!isFinished(context, step)) finishStep(context, step, 'done', noteFor(context, step));
		return;
	}
	startStep(context, step);
	settle(context, step, await run());
}

function noteFor(context: OperationContext, step: ServerPhase): string | undefined {
	const skipped = context.session.state.serverOrder.filter((fqdn) => context.session.state.servers[fqdn]?.tasks[step].state === 'skipped');
	return skipped.length > 0 ? `skipped on ${skipped.join(', ')}` : undefined;
}

function settle(context: OperationContext, step: ServerPhase, result: FleetResult) {
	if (result.kind === 'aborted') {
		finishStep(context, step, 'failed', 'aborted');
		if (context.signal.aborted) throw new Stop(stoppedByOperator(context, PHASE_NAMES[step]));
		stop('failed', `aborted by the operator during ${PHASE_NAMES[step]}`);
	}
	if (result.kind === 'deferred') {
		finishStep(context, step, 'failed', `waiting on ${result.servers.join(', ')}`);
		const failures = result.servers.map((server) => `${server}: ${context.session.state.servers[server]?.tasks[step].message ?? 'failed'}`);
		stop('needs-operator', `${failures.join('; ')}. Fix it, then run again with --resume`);
	}
	if (result.kind === 'not-ready') {
		finishStep(context, step, 'failed', 'a pool is not ready for its next upgrade domain');
		stop('needs-operator', `${result.reasons.join('; ')}. Bring the pool back, then run again with --resume`);
	}
	finishStep(context, step, 'done', noteFor(context, step));
}

/** A server skipped at Bootstrapper has no Backup Service: the CU and the service start are skipped there too. */
function carrySkipsForward(context: OperationContext) {
	const { session } = context;
	for (const fqdn of session.state.serverOrder) {
		const bootstrapper = session.state.servers[fqdn]?.tasks.bootstrapper;
		if (bootstrapper?.state !== 'skipped') continue;
		for (const phase of ['cumulative-update', 'backup-service'] as const) {
			if (session.state.servers[fqdn]?.tasks[phase].state === 'pending') {
				session.dispatch({ type: 'task-skipped', phase, server: fqdn, reason: `skipped at Bootstrapper: ${bootstrapper.message ?? ''}` });
			}
		}
	}
}

async function cumulativeUpdateStep(context: OperationContext, servers: Servers, pools: FrontEndPool[]) {
	const { session, operator, recorder } = context;
	const pending = unsettledServers(context, 'cumulative-update');
	if (pending.length === 0) {
		if (!isFinished(context, 'cumulative-update')) finishStep(context, 'cumulative-update', 'done', noteFor(context, 'cumulative-update'));
		return;
	}
	startStep(context, 'cumulative-update');
	const patching = context.environment.patching;
	const canRun = patching !== undefined;
	const choice = context.cumulativeUpdateDoneByHand ? 'done-by-hand' : await operator.chooseCumulativeUpdate(pending, canRun);
	recorder?.decision({
		what: 're-apply the Cumulative Update',
		...(typeof choice === 'string' ? { choice } : { choice: 'skip', reason: choice.reason }),
		...(choice === 'done-by-hand' && context.cumulativeUpdateDoneByHand ? { reason: 'the operator says so with --cu-reapplied; each server is checked' } : {}),
		at: iso(Date.now()),
	});
	if (choice === 'run') {
		if (!patching) return stop('needs-operator', 'this environment cannot run the update installer itself: re-apply the Cumulative Update by hand, then run again with --resume');
		settle(context, 'cumulative-update', await runScheduled(context, await cumulativeUpdateByDomainsWork(context, patching, servers, pools)));
		return;
	}
	if (choice === 'later') {
		return stop(
			'needs-operator',
			"re-apply the Cumulative Update on every server (SkypeServerUpdateInstaller.exe), then run again with --resume: each server's Backup Service version is checked against its Core Components",
		);
	}
	if (choice === 'done-by-hand') {
		await checkDoneByHand(context, pending);
		return;
	}
	const reason = `skipped by the operator: ${choice.reason}`;
	for (const fqdn of pending) session.dispatch({ type: 'task-skipped', phase: 'cumulative-update', server: fqdn, reason });
	finishStep(context, 'cumulative-update', 'skipped', reason);
}

/** The operator says the CU is re-applied: each server's component versions are read to check it, never believed. */
async function checkDoneByHand(context: OperationContext, pending: string[]) {
	const { session } = context;
	const what = PHASE_OUTCOMES['cumulative-update'];
	const limit = pLimit(8);
	const observe = (server: string) => probe(context.environment, { kind: 'cumulative-update', server });
	const first = await Promise.all(pending.map((server) => limit(() => observe(server))));
	const behind: string[] = [];
	for (const [index, server] of pending.entries()) {
		const question = { subject: server, what, canSkip: true };
		const settled = await settleObservation(context, question, () => observe(server), first[index]);
		if (settled.kind === 'stopped') {
			finishStep(context, 'cumulative-update', 'failed', `could not tell on ${server}`);
			stop('needs-operator', couldNotTell(question, settled.observation));
		} else if (settled.kind === 'skipped') {
			session.dispatch({ type: 'task-skipped', phase: 'cumulative-update', server, reason: settled.reason });
		} else if (settled.observation.state === 'done') {
			session.dispatch({ type: 'task-succeeded', phase: 'cumulative-update', server, observation: settled.observation });
		} else {
			const message = `the Cumulative Update has not reached the Backup Service: ${settled.observation.evidence}`;
			session.dispatch({ type: 'task-failed', phase: 'cumulative-update', server, message, observation: settled.observation });
			behind.push(`${server}: ${message}`);
		}
	}
	if (behind.length > 0) {
		finishStep(context, 'cumulative-update', 'failed', `not re-applied on ${behind.length} server${behind.length === 1 ? '' : 's'}`);
		stop('needs-operator', `${behind.join('; ')}. Re-apply it there (SkypeServerUpdateInstaller.exe), then run again with --resume`);
	}
	finishStep(context, 'cumulative-update', 'done', 're-applied by the operator, checked on every server');
}

/**
 * A server where LYNCBACKUP was skipped holds the sync back: rather than watch a sync that cannot reach steady state,
 * stop and say where the service must run. Asked of the farm each time, so starting it by hand and resuming is enough.
 */
async function requireBackupServiceEverywhere(context: OperationContext) {
	const { session, recorder } = context;
	const skipped = session.state.serverOrder.filter((fqdn) => session.state.servers[fqdn]?.tasks['backup-service'].state === 'skipped');
	const notRunning: { fqdn: string; why: string }[] = [];
	for (const fqdn of skipped) {
		const running = await probe(context.environment, { kind: 'backup-service-running', server: fqdn });
		if (running.state === 'done') recorder?.note(`${fqdn}: ${BACKUP_SERVICE} is Running now, though it was skipped at step 9 (${running.evidence}).`, iso(Date.now()));
		else notRunning.push({ fqdn, why: `${fqdn} (${describeObservation(running)}; skipped: ${session.state.servers[fqdn]?.tasks['backup-service'].message ?? 'no reason'})` });
	}
	if (notRunning.length === 0) return;
	stop(
		'needs-operator',
		`the sync cannot reach steady state while ${BACKUP_SERVICE} is not running on ${notRunning.map((server) => server.why).join(', ')}: start it there (${notRunning.map((server) => startServiceCommand(server.fqdn)).join('; ')}), then run again with --resume`,
	);
}

async function syncStep(context: OperationContext, pool: FrontEndPool, backup: FrontEndPool) {
	startStep(context, 'sync');
	const result = await watchSync(context, [pool, backup]);
	if (result.kind === 'aborted') throw new Stop(stoppedByOperator(context, 'the sync'));
	if (result.kind === 'failed') {
		finishStep(context, 'sync', 'failed', result.reason);
		stop('failed', result.reason);
	}
	if (result.kind === 'unknown') {
		finishStep(context, 'sync', 'failed', result.reason);
		stop('needs-operator', `${result.reason}; run again with --resume to keep watching`);
	}
	if (result.kind === 'stopped') {
		finishStep(context, 'sync', 'failed', result.reason);
		stop('needs-operator', `the sync is not steady yet (${result.reason}); run again with --resume to keep watching`);
	}
	finishStep(context, 'sync', 'done', `steady on ${context.session.state.sync.consecutiveSteady} polls in a row`);
}
