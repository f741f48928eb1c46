import { join } from 'node:path';
import { BACKUP_SERVICE, EnvironmentError } from '../environments/port.js';
import { BACK, OperatorLeft, type Back, type BackupCandidate, type VoiceChoice } from '../procedure/operator.js';
import { buildPlan, MANAGEMENT_SHELL, publishCommands, type Plan } from '../procedure/plan.js';
import { PHASE_NAMES, SERVER_PHASES, type OutcomeKind, type ServerPhase } from '../procedure/state.js';
import { STEPS, type StepId } from '../procedure/steps.js';
import { assessPair, assessPools, findPool } from '../sfb/pairing-rules.js';
import type { FrontEndPool, PoolInventory } from '../sfb/model.js';
import { iso, type OperationContext } from './context.js';
import { runFleet, type FleetResult } from './server-fleet.js';
import { backupServiceWork, bootstrapperWork, cumulativeUpdateWork } from './server-work.js';
import { watchSync } from './sync-watch.js';

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

/**
 * The whole procedure, from reading the topology to steady-state sync. The same function drives the
 * wizard, `run --yes` and a resumed session: steps the checkpoint records as finished are re-checked
 * against the environment, never done twice.
 */
export async function runProcedure(context: OperationContext, hooks: ProcedureHooks = {}): Promise<ProcedureResult> {
	const { session } = context;
	try {
		if (session.state.outcome) session.dispatch({ type: 'procedure-resumed' });
		const inventory = await readPools(context);
		let pair = await choosePair(context, inventory, hooks);
		// Back from the plan goes to the voice settings, and from there back through the pickers.
		while ((await publish(context, inventory, pair.pool, pair.backup)) === BACK) {
			session.dispatch({ type: 'step-reopened', step: 'voice' });
			pair = await choosePair(context, inventory, hooks);
		}
		const { pool, backup } = pair;
		if (!(await checkDeployment(context, inventory, pool, backup))) {
			return end(context, 'needs-operator', `${pool.fqdn} and ${backup.fqdn} are paired but were never deployed: deploy them and the pairing is complete`);
		}
		const servers = [...pool.servers.map((fqdn) => ({ fqdn, pool: pool.fqdn })), ...backup.servers.map((fqdn) => ({ fqdn, pool: backup.fqdn }))];
		if (session.state.serverOrder.length === 0) session.dispatch({ type: 'servers-planned', servers });
		else await reconcileServers(context);

		await serverStep(context, 'bootstrapper', () => runFleet(context, bootstrapperWork(context, servers, [pool, backup])));
		carrySkipsForward(context);
		await cumulativeUpdateStep(context, servers);
		await serverStep(context, 'backup-service', () => runFleet(context, backupServiceWork(context, servers)));
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

/** Stopped from outside: q leaves the session waiting for the operator (exit 3); Ctrl+C or a signal cancels it (130). */
function stoppedByOperator(context: OperationContext, during: string): ProcedureResult {
	return context.signal.reason instanceof OperatorLeft
		? { outcome: 'needs-operator', reason: `left by the operator during ${during}; the session resumes where it stands` }
		: { outcome: 'cancelled', reason: `cancelled by the operator during ${during}` };
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

function startStep(context: OperationContext, step: StepId) {
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
	if (!context.session.state.pair && unpaired.length < 2) {
		finishStep(context, 'pools-defined', 'failed');
		stop(
			'needs-operator',
			`${unpaired.length === 0 ? 'no Front End pool is' : 'only one Front End pool is'} free to pair: define a second pool in Topology Builder, publish, then start again`,
		);
	}
	finishStep(context, 'pools-defined', 'done', `${inventory.pools.length} Front End pools, ${unpaired.length} not yet paired`);
	return inventory;
}

function poolNamed(inventory: PoolInventory, name: string): FrontEndPool {
	return findPool(inventory, name) ?? stop('failed', `${name} is no longer in the published topology`);
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
			const backupChosenAt = Date.now();
			const assessment = assessPair(inventory, pool.fqdn, backup.fqdn);
			if (!assessment.allowed) stop('failed', assessment.refusals.join('; '));
			await hooks.claimPair?.(pool.fqdn, backup.fqdn);
			// The record opens with the pair: the choices that named it are written as soon as it exists.
			context.recorder?.decision({ what: 'pool to protect', choice: pool.fqdn, at: iso(poolChosenAt) });
			context.recorder?.decision({
				what: 'backup pool',
				choice: backup.fqdn,
				...(assessment.warnings.length > 0 ? { reason: `chosen with the warnings: ${assessment.warnings.join('; ')}` } : {}),
				at: iso(backupChosenAt),
			});
			session.dispatch({ type: 'pair-chosen', pool: pool.fqdn, backup: backup.fqdn, warnings: assessment.warnings });
			for (const warning of assessment.warnings) context.recorder?.note(`Warning: ${warning}`, iso(Date.now()));
			finishStep(context, 'choose-backup', 'done', backup.fqdn);
			step = 'voice';
		} else if (pool && backup) {
			startStep(context, 'voice');
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

/** The voice settings go into the state as they are, and into the record as a decision with any adjustment made. */
function setVoice(context: OperationContext, choice: VoiceChoice) {
	const { note, ...voice } = choice;
	const described = voice.automaticFailover
		? `automatic failover and failback for Voice on: failover after ${voice.failoverSeconds} s, failback after ${voice.failbackSeconds} s`
		: 'automatic failover and failback for Voice off';
	context.recorder?.decision({ what: 'voice resiliency', choice: described, ...(note ? { reason: note } : {}), at: iso(Date.now()) });
	context.session.dispatch({ type: 'voice-set', voice });
}

/** Returns BACK when the operator goes back from the plan; nothing has been written then. */
async function publish(context: OperationContext, firstInventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool): Promise<Back | undefined> {
	const { session, environment, operator, recorder } = context;
	if (session.state.publish.verified && isFinished(context, 'publish')) {
		if (await isPaired(context, pool.fqdn, backup.fqdn)) return;
		recorder?.note(
			`The checkpoint says ${pool.fqdn} and ${backup.fqdn} were paired, but the farm does not show the pairing now: the plan is shown again before anything is written.`,
			iso(Date.now()),
		);
		session.dispatch({ type: 'step-reopened', step: 'publish' });
	}
	startStep(context, 'publish');
	if (await isPaired(context, pool.fqdn, backup.fqdn)) {
		session.dispatch({ type: 'pairing-verified' });
		const why = session.state.publish.snapshotPath
			? 'the write was made before the interruption and is on the farm'
			: 'they were paired before this session';
		recorder?.note(`Read back: ${pool.fqdn} and ${backup.fqdn} are already paired (${why}); nothing written again.`, iso(Date.now()));
		finishStep(context, 'publish', 'done', 'already paired: nothing written');
		return;
	}
	let inventory = firstInventory;
	let notice: string | undefined;
	for (;;) {
		const plan: Plan = { ...buildPlan(inventory, pool, backup, session.state.voice), ...(notice ? { notice } : {}) };
		if (notice) recorder?.note(notice, iso(Date.now()));
		const choice = await operator.confirmPlan(plan);
		if (choice === BACK) return BACK;
		recorder?.decision({ what: 'publish the pairing', choice, at: iso(Date.now()) });
		if (choice === 'topology-builder') {
			if (await awaitTopologyBuilder(context, plan)) break;
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
		try {
			await environment.writePairing(
				{ pool: pool.fqdn, backup: backup.fqdn, voice: session.state.voice },
				{ expectedSignature: plan.topologySignature },
			);
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
		session.dispatch({ type: 'pairing-written', method: 'cmdlets' });
		break;
	}
	if (!(await isPaired(context, pool.fqdn, backup.fqdn))) {
		finishStep(context, 'publish', 'failed');
		const rollback = session.state.publish.snapshotPath ? `; the topology before the change is in ${session.state.publish.snapshotPath}` : '';
		stop('failed', `the pairing did not read back after publishing: Get-CsPoolBackupRelationship does not name the partner${rollback}`);
	}
	session.dispatch({ type: 'pairing-verified' });
	finishStep(context, 'publish', 'done', 'written and read back');
}

async function isPaired(context: OperationContext, pool: string, backup: string): Promise<boolean> {
	const [forward, reverse] = await Promise.all([context.environment.readPairing(pool), context.environment.readPairing(backup)]);
	return forward?.toLowerCase() === backup.toLowerCase() && reverse?.toLowerCase() === pool.toLowerCase();
}

async function takeSnapshot(context: OperationContext) {
	const { session, environment, recorder } = context;
	if (session.state.publish.snapshotPath) return;
	const file = join(context.snapshotDir, `topology-before-${session.state.sessionId}.xml`);
	const path = await environment.snapshotTopology(file);
	recorder?.snapshot(path, iso(Date.now()));
	session.dispatch({ type: 'snapshot-taken', path });
}

async function awaitTopologyBuilder(context: OperationContext, plan: Plan): Promise<boolean> {
	await takeSnapshot(context);
	let lastCheck: string | undefined;
	for (;;) {
		const answer = await context.operator.awaitTopologyBuilder(plan, lastCheck);
		if (answer === 'cancel') return false;
		if (await isPaired(context, plan.pool.fqdn, plan.backup.fqdn)) {
			context.session.dispatch({ type: 'pairing-written', method: 'topology-builder' });
			context.recorder?.decision({ what: 'publish the pairing', choice: 'done in Topology Builder by the operator', at: iso(Date.now()) });
			return true;
		}
		lastCheck = `Not paired yet: Get-CsPoolBackupRelationship does not name ${plan.backup.fqdn} for ${plan.pool.fqdn}. Publish in Topology Builder, then check again.`;
	}
}

async function checkDeployment(context: OperationContext, inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool) {
	if (isFinished(context, 'deployment')) return context.session.state.deployed !== false;
	startStep(context, 'deployment');
	const notDeployed = [pool, backup].filter((entry) => !inventory.deployed[entry.fqdn]).map((entry) => entry.fqdn);
	context.session.dispatch({ type: 'deployment-checked', deployed: notDeployed.length === 0 });
	if (notDeployed.length === 0) {
		finishStep(context, 'deployment', 'done', 'both pools are deployed: steps 8–10 follow');
		return true;
	}
	finishStep(context, 'deployment', 'done', `not deployed: ${notDeployed.join(', ')}`);
	for (const step of ['bootstrapper', 'cumulative-update', 'backup-service', 'sync'] as const) {
		finishStep(context, step, 'skipped', 'the pools were never deployed: deploying them completes the pairing');
	}
	return false;
}

/** On resume, a checkpoint is trusted only as far as the servers confirm it. */
async function reconcileServers(context: OperationContext) {
	const { session, environment, recorder } = context;
	for (const fqdn of session.state.serverOrder) {
		const progress = session.state.servers[fqdn];
		if (!progress) continue;
		for (const phase of SERVER_PHASES) {
			const state = progress.tasks[phase].state;
			if (state === 'running' || state === 'failed') session.dispatch({ type: 'task-reset', phase, server: fqdn });
		}
		const needsCheck = progress.tasks.bootstrapper.state === 'succeeded' || progress.tasks['backup-service'].state === 'succeeded';
		if (!needsCheck) continue;
		const service = await environment.readService(fqdn, BACKUP_SERVICE);
		if (progress.tasks.bootstrapper.state === 'succeeded' && service.state === 'NotInstalled') {
			for (const phase of SERVER_PHASES) {
				if (progress.tasks[phase].state === 'succeeded') session.dispatch({ type: 'task-reset', phase, server: fqdn });
			}
			recorder?.note(
				`${fqdn}: the checkpoint says Bootstrapper finished but ${BACKUP_SERVICE} is not installed: running Bootstrapper, the CU and the service start again there.`,
				iso(Date.now()),
			);
		} else if (progress.tasks['backup-service'].state === 'succeeded' && service.state !== 'Running') {
			session.dispatch({ type: 'task-reset', phase: 'backup-service', server: fqdn });
			recorder?.note(`${fqdn}: ${BACKUP_SERVICE} was started before but is ${service.state} now: starting it again.`, iso(Date.now()));
		}
	}
	for (const step of ['bootstrapper', 'cumulative-update', 'backup-service'] as const) {
		const unfinished = session.state.serverOrder.some((fqdn) => {
			const task = session.state.servers[fqdn]?.tasks[step];
			return task?.state === 'pending';
		});
		if (unfinished && isFinished(context, step) && session.state.steps[step].status !== 'skipped') {
			session.dispatch({ type: 'step-started', step });
		}
	}
}

async function serverStep(context: OperationContext, step: 'bootstrapper' | 'backup-service', run: () => Promise<FleetResult>) {
	if (isFinished(context, step)) return;
	startStep(context, step);
	settle(context, step, await run());
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
	const skipped = context.session.state.serverOrder.filter(
		(fqdn) => context.session.state.servers[fqdn]?.tasks[step].state === 'skipped',
	);
	finishStep(context, step, 'done', skipped.length > 0 ? `skipped on ${skipped.join(', ')}` : undefined);
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

async function cumulativeUpdateStep(context: OperationContext, servers: { fqdn: string; pool: string }[]) {
	const { session, operator, recorder } = context;
	if (isFinished(context, 'cumulative-update')) return;
	startStep(context, 'cumulative-update');
	const canRun = context.environment.kind === 'lab';
	const choice = context.cumulativeUpdateDoneByHand
		? 'done-by-hand'
		: await operator.chooseCumulativeUpdate(servers.map((server) => server.fqdn), canRun);
	recorder?.decision({
		what: 're-apply the Cumulative Update',
		...(typeof choice === 'string' ? { choice } : { choice: 'skip', reason: choice.reason }),
		...(choice === 'done-by-hand' && context.cumulativeUpdateDoneByHand ? { reason: 'the operator says so with --cu-reapplied' } : {}),
		at: iso(Date.now()),
	});
	if (choice === 'run') {
		settle(context, 'cumulative-update', await runFleet(context, cumulativeUpdateWork(context, servers)));
		return;
	}
	if (choice === 'later') {
		return stop(
			'needs-operator',
			're-apply the Cumulative Update on every server (SkypeServerUpdateInstaller.exe), then run again with --resume --cu-reapplied',
		);
	}
	const reason = choice === 'done-by-hand' ? 're-applied by the operator' : `skipped by the operator: ${choice.reason}`;
	for (const { fqdn } of servers) {
		if (session.state.servers[fqdn]?.tasks['cumulative-update'].state === 'pending') {
			session.dispatch({ type: 'task-skipped', phase: 'cumulative-update', server: fqdn, reason });
		}
	}
	finishStep(context, 'cumulative-update', choice === 'done-by-hand' ? 'done' : 'skipped', reason);
}

/**
 * A server where LYNCBACKUP was skipped holds the sync back: rather than watch a sync that cannot reach steady state,
 * stop and say where the service must run. Asked of the farm each time, so starting it by hand and resuming is enough.
 */
async function requireBackupServiceEverywhere(context: OperationContext) {
	const { session, environment, recorder } = context;
	if (isFinished(context, 'sync')) return;
	const skipped = session.state.serverOrder.filter((fqdn) => session.state.servers[fqdn]?.tasks['backup-service'].state === 'skipped');
	const notRunning: string[] = [];
	for (const fqdn of skipped) {
		const status = await environment.readService(fqdn, BACKUP_SERVICE).then(
			(service) => service.state,
			(error: unknown) => `could not tell: ${error instanceof Error ? error.message : String(error)}`,
		);
		if (status === 'Running') recorder?.note(`${fqdn}: ${BACKUP_SERVICE} is Running now, though it was skipped at step 9.`, iso(Date.now()));
		else notRunning.push(`${fqdn} (${status}; skipped: ${session.state.servers[fqdn]?.tasks['backup-service'].message ?? 'no reason'})`);
	}
	if (notRunning.length === 0) return;
	stop(
		'needs-operator',
		`the sync cannot reach steady state while ${BACKUP_SERVICE} is not running on ${notRunning.join(', ')}: start it there (Start-CsWindowsService -Name ${BACKUP_SERVICE} -ComputerName <server>), then run again with --resume`,
	);
}

async function syncStep(context: OperationContext, pool: FrontEndPool, backup: FrontEndPool) {
	if (isFinished(context, 'sync')) return;
	startStep(context, 'sync');
	const result = await watchSync(context, [pool, backup]);
	if (result.kind === 'aborted') throw new Stop(stoppedByOperator(context, 'the sync'));
	if (result.kind === 'failed') {
		finishStep(context, 'sync', 'failed', result.reason);
		stop('failed', result.reason);
	}
	if (result.kind === 'stopped') {
		finishStep(context, 'sync', 'failed', result.reason);
		stop('needs-operator', `the sync is not steady yet (${result.reason}); run again with --resume to keep watching`);
	}
	finishStep(context, 'sync', 'done', `steady on ${context.session.state.sync.consecutiveSteady} polls in a row`);
}
