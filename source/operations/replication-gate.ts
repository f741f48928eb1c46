import pLimit from 'p-limit';
import { EnvironmentError } from '../environments/port.js';
import type { ReplicationDecision } from '../procedure/operator.js';
import { MANAGEMENT_SHELL } from '../procedure/plan.js';
import { pushReplicationCommand } from '../sfb/commands.js';
import type { Observation } from '../sfb/observation.js';
import { iso, pollInterval, type OperationContext } from './context.js';
import { probe } from './probes.js';
import { couldNotTell, settleObservation } from './unknowns.js';

export type GateResult = { kind: 'passed' } | { kind: 'stopped'; reason: string };

const WHAT = 'its replica of the Central Management store holds the publish';

/**
 * The gate after publishing, before Bootstrapper: Bootstrapper installs what the server's own replica of the Central
 * Management store assigns it, so run before the publish has replicated there it exits 0 and installs nothing
 * (sfb-facts.md §8). Reads every server's replica until each is up to date and holds an update made after the publish;
 * while some are behind, the operator may push the configuration to them (`Invoke-CsManagementStoreReplication`),
 * wait, or stop. A replica that could not be read is the operator's to decide, never taken as behind or current.
 */
export async function awaitReplication(context: OperationContext, servers: string[]): Promise<GateResult> {
	const { session, environment, pacing, recorder } = context;
	// Published in Topology Builder (or before this session), the moment is not known: UpToDate alone says it.
	const { writtenAt, method } = session.state.publish;
	const since = method === 'cmdlets' && writtenAt !== undefined ? iso(writtenAt) : undefined;
	const limit = pLimit(8);
	const read = (server: string) => probe(environment, { kind: 'replication', server, ...(since === undefined ? {} : { since }) });
	const skipped: string[] = [];
	let waiting = servers;
	let deadline = Date.now() + pacing.replicationTimeoutMs;
	let pushed = false;
	const pushFailures = new Map<string, string>();
	let asked = false;
	let offer: { answer: Promise<ReplicationDecision>; withdraw: AbortController } | undefined;
	const withdraw = () => {
		offer?.withdraw.abort();
		offer = undefined;
	};
	const waitedSeconds = () => Math.round((Date.now() - (session.state.replication?.startedAt ?? Date.now())) / 1000);

	try {
		for (;;) {
			const replicas = await Promise.all(waiting.map((server) => limit(async () => ({ server, observation: await read(server) }))));
			session.dispatch({ type: 'replication-polled', ...(since === undefined ? {} : { since }), replicas });
			const behind: { server: string; observation: Observation }[] = [];
			for (const { server, observation } of replicas) {
				let seen = observation;
				if (seen.state === 'unknown') {
					withdraw();
					const question = { subject: server, what: WHAT, canSkip: true };
					const settled = await settleObservation(context, question, () => read(server), seen);
					if (settled.kind === 'stopped') return { kind: 'stopped', reason: couldNotTell(question, settled.observation) };
					if (settled.kind === 'skipped') {
						skipped.push(`${server} (${settled.reason})`);
						recorder?.note(`${server}: Bootstrapper runs without knowing whether its replica holds the publish (skipped: ${settled.reason}).`, iso(Date.now()));
						continue;
					}
					seen = settled.observation;
					session.dispatch({ type: 'replication-polled', replicas: [{ server, observation: seen }] });
				}
				if (seen.state !== 'not-done') continue;
				if (session.state.replication?.replicas[server]?.behindSince === session.state.updatedAt) {
					recorder?.note(`${server}: its replica of the Central Management store is behind the publish (${seen.evidence}); Bootstrapper waits for it.`, iso(Date.now()));
				}
				behind.push({ server, observation: seen });
			}
			waiting = behind.map((entry) => entry.server);

			if (behind.length === 0) {
				withdraw();
				const held = since === undefined ? 'is up to date' : `holds the publish of ${since}`;
				const note = `every Front End's replica of the Central Management store ${held} (read ${session.state.replication?.polls ?? 1} times over ${waitedSeconds()} s)${skipped.length > 0 ? `; not known on ${skipped.join(', ')}` : ''}`;
				session.dispatch({ type: 'replication-settled', note });
				recorder?.note(`Replication gate: ${note}.`, iso(Date.now()));
				return { kind: 'passed' };
			}

			const timedOut = Date.now() >= deadline;
			if (!offer && (!asked || timedOut)) {
				asked = true;
				const controller = new AbortController();
				offer = { withdraw: controller, answer: context.operator.decideReplication({ servers: waiting, pushed, timedOut }, controller.signal) };
			}
			const decision = await pause(context, pollInterval(pacing.replicationPollMs), offer?.answer);
			if (decision === undefined) continue;
			offer = undefined;
			recorder?.decision({ what: `replicas behind the publish: ${waiting.join(', ')}`, choice: decision, at: iso(Date.now()) });
			if (decision === 'stop') return { kind: 'stopped', reason: stillBehind(behind, since, waitedSeconds(), pushed, pushFailures) };
			deadline = Date.now() + pacing.replicationTimeoutMs;
			if (decision === 'push') {
				await push(context, waiting, pushFailures);
				pushed = true;
				// A push refused is not waited out: the operator hears of it at once.
				if (waiting.some((server) => pushFailures.has(server))) deadline = Date.now();
			}
		}
	} finally {
		withdraw();
	}
}

/** The poll interval, or the operator's answer if it comes first; a cancel (Ctrl+C, q) ends the wait. */
async function pause(context: OperationContext, ms: number, answer: Promise<ReplicationDecision> | undefined): Promise<ReplicationDecision | undefined> {
	const tick = new AbortController();
	const slept = context.pacing.sleep(ms, AbortSignal.any([context.signal, tick.signal])).then(
		() => undefined,
		(error: unknown) => {
			if (context.signal.aborted) throw error;
			return undefined;
		},
	);
	try {
		return await (answer ? Promise.race([answer, slept]) : slept);
	} finally {
		tick.abort();
	}
}

/** `Invoke-CsManagementStoreReplication` to each server behind; one that refuses is noted, and its replica is read again. */
async function push(context: OperationContext, servers: string[], failures: Map<string, string>) {
	const { environment, recorder, session } = context;
	for (const server of servers) {
		const startedAt = Date.now();
		const command = pushReplicationCommand(server);
		try {
			await environment.pushReplication(server);
			failures.delete(server);
			recorder?.command({ command, target: MANAGEMENT_SHELL, startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'succeeded' });
		} catch (error) {
			if (!(error instanceof EnvironmentError)) throw error;
			failures.set(server, error.message);
			recorder?.command({ command, target: MANAGEMENT_SHELL, startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'failed', tail: [error.message] });
			recorder?.note(`${command} failed: ${error.message}; its replica is read again.`, iso(Date.now()));
		}
	}
	session.dispatch({ type: 'replication-pushed', servers });
}

function stillBehind(behind: { server: string; observation: Observation }[], since: string | undefined, seconds: number, pushed: boolean, pushFailures: Map<string, string>): string {
	const servers = behind.map((entry) => {
		const refused = pushFailures.get(entry.server);
		return `${entry.server} (${entry.observation.evidence}${refused ? `; the push failed: ${refused}` : ''})`;
	});
	const held = since === undefined ? 'up to date' : `up to date with the publish of ${since}`;
	return (
		`the replica of the Central Management store on ${servers.join(', ')} is not ${held} after ${seconds} s${pushed ? ', even after Invoke-CsManagementStoreReplication' : ''}: ` +
		`Bootstrapper run there now would install nothing. Check replication to ${behind.length === 1 ? 'that server' : 'those servers'}, then run again with --resume`
	);
}
