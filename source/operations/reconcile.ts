import pLimit from 'p-limit';
import type { Environment } from '../environments/port.js';
import { assessPicture, describePicture, isPairedBothWays, PHASE_OUTCOMES, summariseRemaining, type DirectionPicture, type PairPicture, type ServerPicture } from '../procedure/picture.js';
import type { UnfinishedPair } from '../procedure/operator.js';
import { PHASE_NAMES, SERVER_PHASES, type ServerPhase } from '../procedure/state.js';
import { bootstrapperCommand, cumulativeUpdateCommand, startServiceCommand, writePairingSummary } from '../sfb/commands.js';
import type { FrontEndPool, PoolInventory } from '../sfb/model.js';
import { describeObservation, notDone, type Observation } from '../sfb/observation.js';
import { findPool } from '../sfb/pairing-rules.js';
import { MANAGEMENT_SHELL } from '../procedure/plan.js';
import { iso, type OperationContext } from './context.js';
import { probe, probeSync } from './probes.js';

/** Servers probed at once; the live side has its own ceiling on PowerShell sessions. */
const SERVERS_AT_ONCE = 8;

/** A deployed server's phases, each probed once the one before it is done there (a later one cannot count before). */
async function observePhases(environment: Environment, fqdn: string, pool: string, deployment: Observation): Promise<ServerPicture> {
	if (deployment.state === 'not-done') {
		const never = notDone(`not deployed: ${deployment.evidence}`);
		return { fqdn, pool, deployment, bootstrapper: never, 'cumulative-update': never, 'backup-service': never };
	}
	const bootstrapper = await probe(environment, { kind: 'backup-service-installed', server: fqdn });
	if (bootstrapper.state === 'not-done') {
		const nothing = notDone(`no Backup Service yet: ${bootstrapper.evidence}`);
		return { fqdn, pool, deployment, bootstrapper, 'cumulative-update': nothing, 'backup-service': nothing };
	}
	const [cumulativeUpdate, service] = await Promise.all([
		probe(environment, { kind: 'cumulative-update', server: fqdn }),
		probe(environment, { kind: 'backup-service-running', server: fqdn }),
	]);
	return { fqdn, pool, deployment, bootstrapper, 'cumulative-update': cumulativeUpdate, 'backup-service': service };
}

/**
 * The pair as the farm shows it now: the pairing both ways and every server's deployment; once the pairing is there
 * both ways, each server's phases and the sync both ways (before it, nothing on a server counts for this pairing).
 * Read-only; every answer carries its evidence, and "could not tell" stays unknown.
 */
export async function observePair(environment: Environment, pool: FrontEndPool, backup: FrontEndPool, now: () => number = Date.now): Promise<PairPicture> {
	const limit = pLimit(SERVERS_AT_ONCE);
	const members = [...pool.servers.map((fqdn) => ({ fqdn, pool: pool.fqdn })), ...backup.servers.map((fqdn) => ({ fqdn, pool: backup.fqdn }))];
	const [forward, reverse, deployments] = await Promise.all([
		probe(environment, { kind: 'pairing', pool: pool.fqdn, partner: backup.fqdn }),
		probe(environment, { kind: 'pairing', pool: backup.fqdn, partner: pool.fqdn }),
		Promise.all(members.map((member) => limit(() => probe(environment, { kind: 'deployment', server: member.fqdn })))),
	]);
	const paired = forward.state === 'done' && reverse.state === 'done';
	const notYet = notDone('not yet: the pairing is not published both ways');
	const servers = paired
		? await Promise.all(members.map((member, index) => limit(() => observePhases(environment, member.fqdn, member.pool, deployments[index]!))))
		: members.map((member, index) => ({ ...member, deployment: deployments[index]!, bootstrapper: notYet, 'cumulative-update': notYet, 'backup-service': notYet }));
	const sync: DirectionPicture[] = paired
		? await Promise.all(
				[pool, backup].map(async (member) => ({ pool: member.fqdn, ...(await probeSync(environment, member.fqdn, member.hostsCentralManagementStore)) })),
			)
		: [];
	return {
		pool: pool.fqdn,
		backup: backup.fqdn,
		at: now(),
		pairing: [
			{ pool: pool.fqdn, partner: backup.fqdn, observation: forward },
			{ pool: backup.fqdn, partner: pool.fqdn, observation: reverse },
		],
		servers,
		sync,
	};
}

/** Each pair the topology publishes, once, both of its pools Front End pools of the topology. */
export function publishedPairs(inventory: PoolInventory): { pool: FrontEndPool; backup: FrontEndPool }[] {
	const seen = new Set<string>();
	const pairs: { pool: FrontEndPool; backup: FrontEndPool }[] = [];
	for (const [name, partnerName] of Object.entries(inventory.pairings)) {
		const pool = findPool(inventory, name);
		const backup = findPool(inventory, partnerName);
		const key = [name, partnerName].map((each) => each.toLowerCase()).sort().join(' ');
		if (!pool || !backup || seen.has(key)) continue;
		seen.add(key);
		pairs.push({ pool, backup });
	}
	return pairs;
}

/**
 * The standby Central Management store, probed once the pool that hosts the store is paired both ways (the pictures
 * say so): before that, no standby is expected. Undefined when there is nothing to probe.
 */
export async function observeStandbyStore(environment: Environment, inventory: PoolInventory, pictures: PairPicture[]): Promise<Observation | undefined> {
	const host = inventory.pools.find((pool) => pool.hostsCentralManagementStore);
	const picture = host && pictures.find((each) => [each.pool, each.backup].some((fqdn) => fqdn.toLowerCase() === host.fqdn.toLowerCase()));
	if (!host || !picture || !isPairedBothWays(picture)) return undefined;
	const partner = picture.pool.toLowerCase() === host.fqdn.toLowerCase() ? picture.backup : picture.pool;
	const backEnd = Object.entries(inventory.backEnds ?? {}).find(([pool]) => pool.toLowerCase() === partner.toLowerCase())?.[1];
	return probe(environment, { kind: 'standby-store', partner, partnerBackEnd: backEnd });
}

/** Each pair already published whose picture is not complete, for the wizard to offer before new pools are chosen. */
export async function unfinishedPairs(environment: Environment, inventory: PoolInventory): Promise<UnfinishedPair[]> {
	const pictures = await Promise.all(publishedPairs(inventory).map(({ pool, backup }) => observePair(environment, pool, backup)));
	return pictures.flatMap((picture) => {
		const assessment = assessPicture(picture);
		if (assessment.state === 'complete') return [];
		return [
			{
				pool: picture.pool,
				backup: picture.backup,
				state: assessment.state,
				summary: summariseRemaining(picture),
				remaining: [...assessment.failed, ...assessment.unknown, ...assessment.remaining],
			},
		];
	});
}

function commandFor(phase: ServerPhase, server: string, pool: FrontEndPool): string {
	switch (phase) {
		case 'bootstrapper':
			return bootstrapperCommand(server, pool);
		case 'cumulative-update':
			return cumulativeUpdateCommand(server);
		case 'backup-service':
			return startServiceCommand(server);
	}
}

/**
 * At every start, once the pair is known: the commands the checkpoint saw start and never end go into the change
 * record with their outcome unknown, the farm is probed, and its picture is checkpointed, so the procedure continues
 * from what is really done, whatever the checkpoint remembered (or if there is none).
 */
export async function reconcile(context: OperationContext, pool: FrontEndPool, backup: FrontEndPool): Promise<PairPicture> {
	const { session, recorder, environment } = context;
	const state = session.state;
	const noticedAt = iso(Date.now());
	const cutShort = state.serverOrder.flatMap((fqdn) =>
		SERVER_PHASES.filter((phase) => state.servers[fqdn]?.tasks[phase].state === 'running').map((phase) => ({ fqdn, phase })),
	);
	const unendedWrite = state.publish.writeStartedAt !== undefined && !state.publish.written ? state.publish.writeStartedAt : undefined;
	const poolOf = (fqdn: string) => (pool.servers.includes(fqdn) ? pool : backup);
	for (const { fqdn, phase } of cutShort) {
		const task = state.servers[fqdn]!.tasks[phase];
		recorder?.command({
			command: commandFor(phase, fqdn, poolOf(fqdn)),
			target: fqdn,
			startedAt: iso(task.startedAt ?? state.updatedAt),
			endedAt: noticedAt,
			outcome: 'unknown',
			...(task.lines.length > 0 ? { tail: task.lines } : {}),
		});
	}
	if (unendedWrite !== undefined) {
		recorder?.command({ command: writePairingSummary(pool.fqdn, backup.fqdn), target: MANAGEMENT_SHELL, startedAt: iso(unendedWrite), endedAt: noticedAt, outcome: 'unknown' });
	}

	const picture = await observePair(environment, pool, backup);
	for (const { fqdn, phase } of cutShort) {
		const seen = picture.servers.find((server) => server.fqdn === fqdn);
		if (!seen) continue;
		recorder?.note(`${fqdn}: after the ${PHASE_NAMES[phase]} cut short, ${PHASE_OUTCOMES[phase]}: ${describeObservation(seen[phase])}`, iso(Date.now()));
		if (seen[phase].state === 'not-done') session.dispatch({ type: 'task-reset', phase, server: fqdn });
	}
	if (unendedWrite !== undefined) {
		const said = picture.pairing.map((entry) => `${entry.pool} → ${entry.partner}: ${describeObservation(entry.observation)}`).join('; ');
		recorder?.note(`After the pairing write cut short: ${said}`, iso(Date.now()));
	}
	session.dispatch({ type: 'farm-observed', picture });
	recorder?.note(describePicture(picture).join('\n'), iso(picture.at));
	return picture;
}
