import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { FailureDecision, UnknownDecision, UnknownObservation } from '../procedure/operator.js';
import { PHASE_OUTCOMES } from '../procedure/picture.js';
import { CheckpointFailure } from '../session/checkpoint-queue.js';
import type { CommandResult } from '../session/change-record.js';
import { describeObservation, notDone, type Observation } from '../sfb/observation.js';
import { restartCommand } from '../sfb/commands.js';
import { currentDomains, type ScheduledDomain, type UpgradeSchedule } from '../sfb/upgrade-domains.js';
import { isHeld, PHASE_NAMES, type ServerPhase, type ServerTask } from '../procedure/state.js';
import type { OperationContext } from './context.js';
import { iso } from './context.js';
import { couldNotTell, settleObservation } from './unknowns.js';

export interface WorkResult {
	exitCode?: number;
	rebootRequired?: boolean;
}

/** A server's work failed in a way the operator must decide about. */
export class TaskFailure extends Error {
	constructor(
		message: string,
		readonly exitCode?: number,
		/** Exit 3010: the work is not failed but held until the server restarts and it runs again there. */
		readonly rebootRequired = false,
	) {
		super(message);
	}
}

export interface FleetWork {
	phase: ServerPhase;
	servers: { fqdn: string; pool: string }[];
	/** Override the context's per-pool concurrency (service starts are light and can all go at once). */
	perPool?: number;
	/**
	 * Run by upgrade domains instead: a domain's servers at once, the next domain of a lane only once every server of
	 * this one is settled, so never two domains of a pool at once.
	 */
	domains?: UpgradeSchedule;
	/** Before a domain starts: wait until its pool may lose those servers, or say why it may not. */
	beforeDomain?(domain: ScheduledDomain, signal: AbortSignal): Promise<{ ready: true } | { ready: false; reason: string }>;
	commandFor(server: string): string;
	/** The commands the operator runs on the server itself when it is done by hand; absent where that is not offered. */
	handCommands?(server: string): string[];
	run(server: string, options: { signal: AbortSignal; onLine: (line: string) => void }): Promise<WorkResult>;
	/** The probe that says whether this phase's work is done on a server: an action counts when it says so. */
	verify(server: string): Promise<Observation>;
	/** Why the work is not done though the command reported success, from what else the farm says. */
	explain(server: string, observation: Observation, result: WorkResult, startedAt: number): Promise<string>;
	/** A held server is run again only once it has restarted: checked, or restarted here when the operator asks. */
	held?: HeldWork;
}

/** When a server was held: the jump box's time, and the server's own boot time then where it could be read. */
export interface Hold {
	since: number;
	bootTime?: string;
}

/** The hold a held task is checked against: its own boot time then where it was read, else when it was held. */
function holdOf(task: ServerTask): Hold {
	return { since: task.heldSince ?? task.endedAt ?? 0, ...(task.bootAtHold === undefined ? {} : { bootTime: task.bootAtHold }) };
}

/** What a phase does with a server held at Bootstrapper exit 3010 before it runs there again (restart-held.ts). */
export interface HeldWork {
	/** Whether it is ready to run again: restarted since it was held (its boot time), and back in its pool. */
	restartedSince(server: string, hold: Hold): Promise<Observation>;
	/** Fail it over, restart it, wait for it, fail it back; a stage that fails throws a TaskFailure that keeps it held. */
	restart(server: string, hold: Hold, run: { signal: AbortSignal; onLine: (line: string) => void }): Promise<void>;
	/** The same restart as commands an operator runs in order, when the server is done by hand. */
	handCommands(server: string): string[];
	/** Whether sfb-pair may restart it: only where the pool has other Front Ends to take its users meanwhile. */
	canRestart(server: string): boolean;
}

export type FleetResult =
	| { kind: 'completed' }
	| { kind: 'aborted' }
	| { kind: 'deferred'; servers: string[] }
	/** A pool never became ready for its next upgrade domain: those servers were not touched. */
	| { kind: 'not-ready'; reasons: string[] };

/**
 * Runs one phase on many servers: within a pool at most `perPool` at once, pools side by side. Each server's work
 * is verified by its probe before it counts; a server whose probe could not tell is asked about before anything
 * runs there. A failed server waits for the operator's decision while the others keep going.
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
	const notReady: string[] = [];
	const startedDomains = new Set<ScheduledDomain>();
	let decisions: Promise<unknown> = Promise.resolve();
	let abortedByOperator = false;
	const retryWithoutAsking = new Set<string>();
	/** Held servers the operator answered for: restart them here, or check that they restarted. */
	const heldAnswers = new Map<string, 'restart' | 'check-restarted'>();
	const what = PHASE_OUTCOMES[work.phase];

	const track = (promise: Promise<void>) => {
		inFlight.add(promise);
		// A rejection is the fleet's to report, through Promise.all below: this chain only keeps the set current.
		promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
	};

	/** One question to the operator at a time, in the order they come; none once the fleet is stopping. */
	const inTurn = <T>(question: () => Promise<T> | T): Promise<T | undefined> => {
		const turn = decisions.then(() => (stop.signal.aborted ? undefined : question()));
		decisions = turn;
		return turn;
	};
	const askUnknown = (unknown: UnknownObservation): Promise<UnknownDecision | undefined> => inTurn(() => operator.decideUnknown(unknown));

	const isSettled = (server: string) => {
		const state = session.state.servers[server]?.tasks[work.phase].state;
		return state === 'succeeded' || state === 'skipped';
	};

	/** Starts each lane's current domain once, after its gate; a lane whose domain is not finished waits for it. */
	const advance = () => {
		if (!work.domains || stop.signal.aborted) return;
		for (const domain of currentDomains(work.domains, isSettled)) {
			if (startedDomains.has(domain)) continue;
			startedDomains.add(domain);
			track(
				(async () => {
					let gate: Awaited<ReturnType<NonNullable<FleetWork['beforeDomain']>>> = { ready: true };
					try {
						if (work.beforeDomain) gate = await work.beforeDomain(domain, stop.signal);
					} catch (error) {
						if (stop.signal.aborted) return;
						throw error;
					}
					if (stop.signal.aborted) return;
					if (!gate.ready) {
						notReady.push(gate.reason);
						return;
					}
					for (const server of domain.servers) if (!isSettled(server)) schedule(server);
				})(),
			);
		}
	};

	const restartLimiters = new Map<string, ReturnType<typeof pLimit>>();
	const restartTurn = <T>(server: string, restart: () => Promise<T>): Promise<T> => {
		if (work.domains) return restart();
		const pool = poolOf.get(server) ?? '';
		const limiter = restartLimiters.get(pool) ?? pLimit(1);
		restartLimiters.set(pool, limiter);
		return limiter(restart);
	};

	const schedule = (server: string) => {
		if (work.domains) {
			track(attempt(server).then(advance));
			return;
		}
		const pool = poolOf.get(server) ?? '';
		let limiter = limiters.get(pool);
		if (!limiter) {
			limiter = pLimit(work.perPool ?? context.perPool);
			limiters.set(pool, limiter);
		}
		track(attempt(server, limiter));
	};

	/** Settles a "could not tell" with the operator; true when the work still has to run there. */
	const resolved = async (server: string, first: Observation): Promise<boolean> => {
		const settled = await settleObservation(context, { subject: server, what, canSkip: true }, () => work.verify(server), first, askUnknown);
		if (settled.kind === 'skipped') {
			session.dispatch({ type: 'task-skipped', phase: work.phase, server, reason: settled.reason });
			return false;
		}
		if (settled.kind === 'stopped') {
			if (stop.signal.aborted) return false;
			session.dispatch({ type: 'task-failed', phase: work.phase, server, message: couldNotTell({ subject: server, what }, settled.observation), observation: settled.observation });
			deferred.push(server);
			return false;
		}
		session.dispatch({ type: 'task-observed', phase: work.phase, server, observation: settled.observation });
		if (settled.observation.state === 'done') {
			session.dispatch({ type: 'task-succeeded', phase: work.phase, server, observation: settled.observation });
			return false;
		}
		return true;
	};

	/**
	 * Where a server's commands done by hand are: printed whole once when asked (by-hand-asked), and in the change record.
	 * Every other line points there: the Bootstrapper command alone is some 500 characters.
	 */
	const whereCommandsAre = (server: string, count: number) =>
		`run the ${count === 1 ? 'command' : `${count} commands`} printed above under "${server}: ${PHASE_NAMES[work.phase]} by hand" there (also in the change record)`;

	const byHand = (server: string) => work.handCommands !== undefined && (session.state.byHand ?? []).includes(server);

	/**
	 * The operator runs the work on the server. The farm is looked at first: done there already (since the last look),
	 * nobody is asked. Otherwise the commands are shown once, and when the operator says so the probe checks the farm;
	 * not verified is said with the evidence, and asked again: check again, run it remotely after all, skip, or leave it.
	 */
	const handOff = async (server: string, hold?: Hold, afterRestart = false): Promise<'remote' | undefined> => {
		// Held (exit 3010): first the restart, verified by the server's boot time; then Bootstrapper again.
		const commands = hold ? work.held!.handCommands(server) : (work.handCommands?.(server) ?? []);
		const note = hold
			? `Restart it first: ${restartCommand(server)} ends the session there; run the failback once it answers again. Bootstrapper follows.`
			: afterRestart
				? `It has restarted: run Bootstrapper there again. The farm cannot tell this run from the one before the restart (the Backup Service was installed then), so it counts on your word.`
				: undefined;
		const verify = () => (hold ? work.held!.restartedSince(server, hold) : work.verify(server));
		const startedAt = Date.now();
		// A held server stays held (its hold is what the farm is checked against) until the farm shows it restarted.
		if (!hold) session.dispatch({ type: 'task-started', phase: work.phase, server });
		// After the restart the farm already shows the first run's result: the operator is asked before anything counts.
		let observation = afterRestart ? notDone(`Bootstrapper has not been run on ${server} since its restart`) : await verify();
		let checkedByOperator = false;
		let recorded = false;
		for (;;) {
			if (observation.state === 'done' && hold) {
				recorder?.note(`${server}: ${observation.evidence}; Bootstrapper runs there again, by hand`, iso(Date.now()));
				session.dispatch({ type: 'task-reset', phase: work.phase, server });
				return handOff(server, undefined, true);
			}
			if (observation.state === 'done') {
				recorder?.command({
					command: commands.join(' ; '),
					target: `${server} (run there by the operator)`,
					phase: work.phase,
					startedAt: iso(startedAt),
					endedAt: iso(Date.now()),
					outcome: 'succeeded',
					verification: afterRestart ? `the operator's word, after the restart: ${describeObservation(observation)}` : describeObservation(observation),
				});
				session.dispatch({ type: 'task-succeeded', phase: work.phase, server, observation });
				return undefined;
			}
			session.dispatch({ type: 'task-observed', phase: work.phase, server, observation });
			const seen = observation.state === 'unknown' ? `could not tell: ${describeObservation(observation)}` : `not done yet: ${observation.evidence}`;
			const lastCheck = checkedByOperator ? seen : undefined;
			const request = { phase: work.phase, server, pool: poolOf.get(server) ?? '', commands, ...(lastCheck === undefined ? {} : { lastCheck }), ...(note === undefined ? {} : { note }) };
			if (!recorded) {
				recorder?.note(`${PHASE_NAMES[work.phase]} on ${server}, by hand: run there, in an elevated Management Shell:\n${commands.join('\n')}`, iso(Date.now()));
				recorded = true;
			}
			const answer = await inTurn(() => {
				session.dispatch({ type: 'by-hand-asked', phase: work.phase, server, commands, ...(lastCheck === undefined ? {} : { lastCheck }), ...(note === undefined ? {} : { note }) });
				return operator.runByHand(request);
			});
			if (!answer) return undefined;
			recorder?.decision({ what: `${work.phase} on ${server}, by hand`, choice: answer.action, ...(answer.action === 'skip' ? { reason: answer.reason } : {}), at: iso(Date.now()) });
			if (answer.action === 'remote') {
				session.dispatch({ type: 'by-hand-set', servers: [server], byHand: false });
				return 'remote';
			}
			if (answer.action === 'skip') {
				session.dispatch({ type: 'task-skipped', phase: work.phase, server, reason: answer.reason });
				return undefined;
			}
			if (answer.action === 'defer') {
				const message = `to be run on ${server} by hand (${seen}): ${whereCommandsAre(server, commands.length)}`;
				session.dispatch({ type: 'task-failed', phase: work.phase, server, message, ...(hold ? { exitCode: 3010, rebootRequired: true } : {}) });
				deferred.push(server);
				return undefined;
			}
			observation = await verify();
			checkedByOperator = true;
		}
	};

	/**
	 * A held server runs again once it has restarted since the hold: restarted here when the operator chose it (or a
	 * restart was cut short: it goes on from the farm's state), else its boot time checked. Not yet: held still, asked.
	 */
	const releaseHeld = async (server: string): Promise<boolean> => {
		const task = session.state.servers[server]!.tasks[work.phase];
		const how = heldAnswers.get(server) ?? (task.restartStage ? 'restart' : 'check-restarted');
		heldAnswers.delete(server);
		const hold = holdOf(task);
		const onLine = (line: string) => session.dispatch({ type: 'task-output', phase: work.phase, server, line });
		try {
			if (how === 'restart') await work.held!.restart(server, hold, { signal: stop.signal, onLine });
			else {
				const seen = await work.held!.restartedSince(server, hold);
				if (seen.state !== 'done') throw new TaskFailure(`${server} is held (Bootstrapper exit 3010): ${seen.state === 'unknown' ? `whether it is ready again could not be told: ${describeObservation(seen)}` : seen.evidence}`, 3010, true);
				recorder?.note(`${server}: ${seen.evidence}; Bootstrapper runs there again`, iso(Date.now()));
			}
		} catch (error) {
			if (error instanceof CheckpointFailure) throw error;
			if (stop.signal.aborted) return false;
			if (!(error instanceof TaskFailure)) throw error;
			recorder?.note(`${server} is held: ${error.message}`, iso(Date.now()));
			session.dispatch({ type: 'task-failed', phase: work.phase, server, message: error.message, exitCode: 3010, rebootRequired: true });
			track(decide(server, error.message));
			return false;
		}
		session.dispatch({ type: 'task-reset', phase: work.phase, server });
		return true;
	};

	/**
	 * One server's turn. Waiting on a person (a "could not tell" to settle, the work done by hand) takes no `slot`: a slot
	 * is for work the tool runs, so the rest of the pool goes on meanwhile.
	 */
	const attempt = async (server: string, slot: (task: () => Promise<void>) => Promise<void> = (task) => task()) => {
		if (stop.signal.aborted) return;
		const task = session.state.servers[server]?.tasks[work.phase];
		if (work.held && task && isHeld(task) && byHand(server)) {
			const hold = holdOf(task);
			if ((await handOff(server, hold)) !== 'remote') return;
		}
		if (work.held && isHeld(session.state.servers[server]!.tasks[work.phase])) {
			// A restart is work the tool runs: it takes the pool's slot, and one restart at a time in a pool whatever
			// --parallel allows, so no two servers of a pool are down at once (by upgrade domain, the domain's servers are).
			let released = false;
			await slot(async () => {
				released = await restartTurn(server, () => releaseHeld(server));
			});
			if (!released) return;
		}
		if (stop.signal.aborted) return;
		const before = session.state.servers[server]?.tasks[work.phase].observation;
		if (before?.state === 'unknown' && !(await resolved(server, before))) return;
		if (stop.signal.aborted) return;
		if (byHand(server) && (await handOff(server)) !== 'remote') return;
		await slot(() => runHere(server));
	};

	const runHere = async (server: string) => {
		if (stop.signal.aborted) return;
		const startedAt = Date.now();
		session.dispatch({ type: 'task-started', phase: work.phase, server });
		const lines: string[] = [];
		const onLine = (line: string) => {
			lines.push(line);
			session.dispatch({ type: 'task-output', phase: work.phase, server, line });
		};
		const entry = (outcome: CommandResult, exitCode?: number, observation?: Observation) =>
			recorder?.command({
				command: work.commandFor(server),
				target: server,
				phase: work.phase,
				startedAt: iso(startedAt),
				endedAt: iso(Date.now()),
				outcome,
				...(exitCode === undefined ? {} : { exitCode }),
				tail: lines.slice(-10),
				...(observation ? { verification: describeObservation(observation) } : {}),
			});
		let result: WorkResult;
		try {
			result = await work.run(server, { signal: stop.signal, onLine });
		} catch (error) {
			if (error instanceof CheckpointFailure) throw error;
			if (stop.signal.aborted) {
				entry('interrupted');
				return;
			}
			const exitCode = error instanceof TaskFailure ? error.exitCode : undefined;
			const rebootRequired = error instanceof TaskFailure && error.rebootRequired;
			const message = error instanceof Error ? error.message : String(error);
			entry('failed', exitCode);
			if (rebootRequired) recorder?.note(`${server} is held: ${message}`, iso(Date.now()));
			session.dispatch({ type: 'task-failed', phase: work.phase, server, message, ...(exitCode === undefined ? {} : { exitCode }), ...(rebootRequired ? { rebootRequired } : {}) });
			track(decide(server, message));
			return;
		}
		const observation = await work.verify(server);
		if (observation.state === 'done') {
			entry('succeeded', result.exitCode, observation);
			session.dispatch({ type: 'task-succeeded', phase: work.phase, server, ...result, observation });
			return;
		}
		if (observation.state === 'not-done') {
			const message = await work.explain(server, observation, result, startedAt);
			entry('failed', result.exitCode, observation);
			recorder?.note(`${server}: ${message}`, iso(Date.now()));
			session.dispatch({ type: 'task-failed', phase: work.phase, server, message, ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }), observation });
			track(decide(server, message));
			return;
		}
		entry('unknown', result.exitCode, observation);
		session.dispatch({ type: 'task-observed', phase: work.phase, server, observation });
		if (await resolved(server, observation)) {
			// Not done after all: the command's success did not hold; the operator decides as for any failure.
			const now = session.state.servers[server]?.tasks[work.phase].observation ?? observation;
			const message = await work.explain(server, now, result, startedAt);
			session.dispatch({ type: 'task-failed', phase: work.phase, server, message, observation: now });
			track(decide(server, message));
		}
	};

	/** Failed, and not held: a held server runs again only once it has restarted, never on a retry. */
	const retriable = (server: string) => {
		const task = session.state.servers[server]?.tasks[work.phase];
		return task?.state === 'failed' && !isHeld(task);
	};

	const decide = async (server: string, message: string) => {
		const decision = await inTurn((): Promise<FailureDecision> | FailureDecision => {
			if (retryWithoutAsking.delete(server) && retriable(server)) return { action: 'retry' };
			const task = session.state.servers[server]?.tasks[work.phase];
			return operator.decideFailure({
				phase: work.phase,
				server,
				pool: poolOf.get(server) ?? '',
				message,
				...(task?.rebootRequired ? { rebootRequired: true, ...(work.held?.canRestart(server) ? { canRestart: true } : {}) } : {}),
				attempts: task?.attempts ?? 1,
				lines: task?.lines ?? [],
				...(work.handCommands ? { canRunByHand: true } : {}),
				otherFailures: work.servers.map(({ fqdn }) => fqdn).filter((fqdn) => fqdn !== server && retriable(fqdn)),
			});
		});
		if (!decision) return;
		const at = iso(Date.now());
		const title = `${work.phase} failed on ${server}`;
		recorder?.decision({ what: title, choice: decision.action, ...(decision.action === 'skip' ? { reason: decision.reason } : {}), at });
		switch (decision.action) {
			case 'retry-all-failed':
				for (const { fqdn } of work.servers) {
					if (fqdn !== server && retriable(fqdn)) retryWithoutAsking.add(fqdn);
				}
				session.dispatch({ type: 'task-reset', phase: work.phase, server });
				schedule(server);
				return;
			case 'retry':
				session.dispatch({ type: 'task-reset', phase: work.phase, server });
				schedule(server);
				return;
			case 'by-hand':
				session.dispatch({ type: 'by-hand-set', servers: [server], byHand: true });
				// A held server keeps its hold: done by hand, it counts once the farm shows it restarted.
				if (!isHeld(session.state.servers[server]!.tasks[work.phase])) session.dispatch({ type: 'task-reset', phase: work.phase, server });
				schedule(server);
				return;
			case 'skip':
				session.dispatch({ type: 'task-skipped', phase: work.phase, server, reason: decision.reason });
				advance();
				return;
			case 'abort':
				abortedByOperator = true;
				stop.abort();
				return;
			case 'defer':
				deferred.push(server);
				return;
			case 'restart':
			case 'check-restarted':
				heldAnswers.set(server, decision.action);
				schedule(server);
				return;
		}
	};

	try {
		if (work.domains) advance();
		else for (const { fqdn } of work.servers) if (!isSettled(fqdn)) schedule(fqdn);
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
	if (notReady.length > 0) return { kind: 'not-ready', reasons: notReady };
	return { kind: 'completed' };
}
