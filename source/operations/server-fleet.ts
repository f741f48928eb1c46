import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { FailureDecision } from '../procedure/operator.js';
import { CheckpointFailure } from '../session/checkpoint-queue.js';
import type { ServerPhase } from '../procedure/state.js';
import type { OperationContext } from './context.js';
import { iso } from './context.js';

export interface WorkResult {
	exitCode?: number;
	rebootRequired?: boolean;
}

/** A server's work failed in a way the operator must decide about. */
export class TaskFailure extends Error {
	constructor(
		message: string,
		readonly exitCode?: number,
	) {
		super(message);
	}
}

export interface FleetWork {
	phase: ServerPhase;
	servers: { fqdn: string; pool: string }[];
	/** Override the context's per-pool concurrency (service starts are light and can all go at once). */
	perPool?: number;
	commandFor(server: string): string;
	run(server: string, options: { signal: AbortSignal; onLine: (line: string) => void }): Promise<WorkResult>;
}

export type FleetResult = { kind: 'completed' } | { kind: 'aborted' } | { kind: 'deferred'; servers: string[] };

/**
 * Runs one phase on many servers: within a pool at most `perPool` at once, pools side by side.
 * A failed server waits for the operator's decision while the others keep going.
 */
export async function runFleet(context: OperationContext, work: FleetWork): Promise<FleetResult> {
	const { session, operator, recorder } = context;
	const stop = new AbortController();
	// Every server in flight listens on it; dozens at once are expected, not a leak.
	setMaxListeners(0, stop.signal);
	const onOuterAbort = () => stop.abort();
	context.signal.addEventListener('abort', onOuterAbort);
	const limiters = new Map<string, ReturnType<typeof pLimit>>();
	const poolOf = new Map(work.servers.map((server) => [server.fqdn, server.pool]));
	const inFlight = new Set<Promise<void>>();
	const deferred: string[] = [];
	let decisions: Promise<unknown> = Promise.resolve();
	let abortedByOperator = false;
	const retryWithoutAsking = new Set<string>();

	const track = (promise: Promise<void>) => {
		inFlight.add(promise);
		// A rejection is the fleet's to report, through Promise.all below: this chain only keeps the set current.
		promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
	};

	const schedule = (server: string) => {
		const pool = poolOf.get(server) ?? '';
		let limiter = limiters.get(pool);
		if (!limiter) {
			limiter = pLimit(work.perPool ?? context.perPool);
			limiters.set(pool, limiter);
		}
		track(limiter(() => attempt(server)));
	};

	const attempt = async (server: string) => {
		if (stop.signal.aborted) return;
		const startedAt = Date.now();
		session.dispatch({ type: 'task-started', phase: work.phase, server });
		const lines: string[] = [];
		const onLine = (line: string) => {
			lines.push(line);
			session.dispatch({ type: 'task-output', phase: work.phase, server, line });
		};
		const entry = (outcome: 'succeeded' | 'failed' | 'interrupted', exitCode?: number) =>
			recorder?.command({
				command: work.commandFor(server),
				target: server,
				phase: work.phase,
				startedAt: iso(startedAt),
				endedAt: iso(Date.now()),
				outcome,
				...(exitCode === undefined ? {} : { exitCode }),
				tail: lines.slice(-10),
			});
		try {
			const result = await work.run(server, { signal: stop.signal, onLine });
			entry('succeeded', result.exitCode);
			session.dispatch({ type: 'task-succeeded', phase: work.phase, server, ...result });
		} catch (error) {
			if (error instanceof CheckpointFailure) throw error;
			if (stop.signal.aborted) {
				entry('interrupted');
				return;
			}
			const exitCode = error instanceof TaskFailure ? error.exitCode : undefined;
			const message = error instanceof Error ? error.message : String(error);
			entry('failed', exitCode);
			session.dispatch({ type: 'task-failed', phase: work.phase, server, message, ...(exitCode === undefined ? {} : { exitCode }) });
			track(decide(server, message));
		}
	};

	const decide = async (server: string, message: string) => {
		const turn = decisions.then((): Promise<FailureDecision> | FailureDecision | undefined => {
			if (stop.signal.aborted) return undefined;
			if (retryWithoutAsking.delete(server)) return { action: 'retry' };
			const task = session.state.servers[server]?.tasks[work.phase];
			return operator.decideFailure({
				phase: work.phase,
				server,
				pool: poolOf.get(server) ?? '',
				message,
				attempts: task?.attempts ?? 1,
				lines: task?.lines ?? [],
				otherFailures: work.servers
					.map(({ fqdn }) => fqdn)
					.filter((fqdn) => fqdn !== server && session.state.servers[fqdn]?.tasks[work.phase].state === 'failed'),
			});
		});
		decisions = turn;
		const decision = await turn;
		if (!decision) return;
		const at = iso(Date.now());
		const what = `${work.phase} failed on ${server}`;
		recorder?.decision({ what, choice: decision.action, ...(decision.action === 'skip' ? { reason: decision.reason } : {}), at });
		switch (decision.action) {
			case 'retry-all-failed':
				for (const { fqdn } of work.servers) {
					if (fqdn !== server && session.state.servers[fqdn]?.tasks[work.phase].state === 'failed') retryWithoutAsking.add(fqdn);
				}
				session.dispatch({ type: 'task-reset', phase: work.phase, server });
				schedule(server);
				return;
			case 'retry':
				session.dispatch({ type: 'task-reset', phase: work.phase, server });
				schedule(server);
				return;
			case 'skip':
				session.dispatch({ type: 'task-skipped', phase: work.phase, server, reason: decision.reason });
				return;
			case 'abort':
				abortedByOperator = true;
				stop.abort();
				return;
			case 'defer':
				deferred.push(server);
				return;
		}
	};

	try {
		for (const { fqdn } of work.servers) {
			const state = session.state.servers[fqdn]?.tasks[work.phase].state;
			if (state !== 'succeeded' && state !== 'skipped') schedule(fqdn);
		}
		while (inFlight.size > 0) await Promise.all([...inFlight]);
	} catch (error) {
		// The others stop too, and are recorded as interrupted before the run ends and its lock is released.
		stop.abort();
		while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
		throw error;
	} finally {
		context.signal.removeEventListener('abort', onOuterAbort);
	}
	if (abortedByOperator || context.signal.aborted) return { kind: 'aborted' };
	if (deferred.length > 0) return { kind: 'deferred', servers: deferred };
	return { kind: 'completed' };
}
