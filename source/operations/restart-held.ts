import { hostname } from 'node:os';
import { EnvironmentError, FRONT_END_SERVICE, type ServerRestarting } from '../environments/port.js';
import type { RestartStage } from '../procedure/state.js';
import { bootTimeCommand, failBackCommand, failOverCommand, readServiceCommand, restartCommand } from '../sfb/commands.js';
import { done, notDone, unknown, type Observation } from '../sfb/observation.js';
import { iso, type OperationContext } from './context.js';
import { TaskFailure, type Hold } from './server-fleet.js';

const POLL_MS = 15_000;
const TIMEOUT_MS = 20 * 60_000;

/** Bootstrapper's exit code for "restart needed": a restart that stops leaves the server held still. */
const HELD_EXIT = 3010;

const minutes = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`);

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A boot time read as milliseconds; a text that is not a time is output nobody can judge. */
function bootMs(server: string, text: string): number {
	const ms = Date.parse(text);
	if (Number.isNaN(ms)) throw new EnvironmentError('unexpected-output', `${bootTimeCommand(server)} answered "${text}", which is not a time`, text);
	return ms;
}

/**
 * The boot time a restart must pass: the server's own boot time when it was held, where it was read (one clock);
 * else the hold's time on the jump box, which domain members keep within Kerberos' five minutes of.
 */
const boundOf = (hold: Hold) => {
	const booted = hold.bootTime === undefined ? Number.NaN : Date.parse(hold.bootTime);
	return Number.isNaN(booted) ? { at: hold.since, words: `held since ${iso(hold.since)}` } : { at: booted, words: `held since ${iso(hold.since)}, when it had booted at ${iso(booted)}` };
};

/** Whether a held server has restarted since it was held: a boot time after the one it had then. */
export async function restartedSince(restarting: ServerRestarting, server: string, hold: Hold): Promise<Observation> {
	const command = bootTimeCommand(server);
	let text: string;
	try {
		text = await restarting.readBootTime(server);
	} catch (error) {
		if (!(error instanceof EnvironmentError)) throw error;
		return unknown(error.kind === 'unreachable' ? 'unreachable' : 'failed', `${command}: ${error.message}`);
	}
	const booted = Date.parse(text);
	if (Number.isNaN(booted)) return unknown('unexpected-output', `${command} answered "${text}", which is not a time`, text);
	const bound = boundOf(hold);
	const said = `${command} is ${iso(booted)}, ${bound.words}`;
	return booted > bound.at ? done(`${said}: it has restarted since`, iso(booted)) : notDone(`it has not restarted since: ${said}`, { value: iso(booted) });
}

/**
 * Whether a held server may run Bootstrapper again: restarted since the hold, and not left failed over (its Front End
 * service stopped and disabled: Bootstrapper would find the server out of its pool).
 */
export async function readyAfterRestart(restarting: ServerRestarting, server: string, hold: Hold): Promise<Observation> {
	const restarted = await restartedSince(restarting, server, hold);
	if (restarted.state !== 'done') return restarted;
	try {
		if (!(await restarting.isFailedOver(server))) return restarted;
	} catch (error) {
		if (!(error instanceof EnvironmentError)) throw error;
		return unknown('failed', `${restarted.evidence}; whether it is still failed over could not be told: ${error.message}`);
	}
	return notDone(`${restarted.evidence}, but it is still failed over: fail it back (${failBackCommand(server)}), or restart it from here (it is failed back, not restarted again)`);
}

export interface RestartRun {
	signal: AbortSignal;
	onLine(line: string): void;
}

/**
 * A Front End held at Bootstrapper exit 3010 restarted the way a pool's server is patched: failed over
 * (Invoke-CsComputerFailOver, its users move to the pool's other servers), restarted (Restart-Computer, never with -Wait:
 * the wait is here, bounded and cancellable), waited for until it answers with a later boot time, failed back, and its
 * Front End service seen Running. Each stage asks the farm first, so a resumed restart fails over no server twice and
 * restarts none that has restarted since the hold. A stage that fails throws a TaskFailure (still held) that says where
 * the server was left and what to run. The failover disables the services "to prevent accidental restart when computer
 * is rebooted" (cmdlet reference), so they wait for the failback. On a Standard Edition server, whose pool has no other
 * server to take its users, what Invoke-CsComputerFailOver does is [unverified]: a refusal stops here, nothing restarted.
 */
export async function restartHeldServer(context: OperationContext, restarting: ServerRestarting, server: string, hold: Hold, run: RestartRun): Promise<void> {
	const bound = boundOf(hold);
	const { session, recorder, pacing } = context;
	const pollMs = pacing.restartPollMs ?? POLL_MS;
	const timeoutMs = pacing.restartTimeoutMs ?? TIMEOUT_MS;
	const interrupted = session.state.servers[server]?.tasks.bootstrapper.restartStage;
	const note = (text: string) => recorder?.note(`${server}: ${text}`, iso(Date.now()));
	const failBackHint = `the failback command is ${failBackCommand(server)}`;
	const held = (message: string) => new TaskFailure(message, HELD_EXIT, true);
	const timed = async <T>(command: string, action: () => Promise<T>): Promise<T> => {
		const startedAt = Date.now();
		run.onLine(command);
		try {
			const value = await action();
			recorder?.command({ command, target: server, phase: 'bootstrapper', startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: 'succeeded' });
			return value;
		} catch (error) {
			recorder?.command({ command, target: server, phase: 'bootstrapper', startedAt: iso(startedAt), endedAt: iso(Date.now()), outcome: run.signal.aborted ? 'interrupted' : 'failed', tail: [reasonOf(error)] });
			throw error;
		}
	};
	const failedOver = async (during: string) => {
		try {
			return await restarting.isFailedOver(server);
		} catch (error) {
			if (!(error instanceof EnvironmentError)) throw error;
			throw held(`whether ${server} is failed over could not be told ${during} (${error.message}); ${failBackHint} if it is`);
		}
	};

	/** Until the server answers with a boot time after `after`; a server that cannot be reached is expected meanwhile. */
	const waitForBoot = async (after: number): Promise<number> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			let last: string;
			try {
				const booted = bootMs(server, await restarting.readBootTime(server));
				if (booted > after) return booted;
				last = `its boot time is still ${iso(booted)}`;
			} catch (error) {
				if (!(error instanceof EnvironmentError)) throw error;
				last = error.message;
			}
			if (Date.now() >= deadline) {
				throw held(`${server} is failed over and did not come back within ${minutes(timeoutMs)} of ${restartCommand(server)} (${last}): check its console; once it is up, restart it from here again (it is not restarted twice), or ${failBackHint}`);
			}
			await pacing.sleep(pollMs, run.signal);
		}
	};

	if (runsHere(server)) {
		throw held(
			`sfb-pair runs on ${server} itself and does not restart the computer it runs on: nothing was done to it; restart it yourself (${failOverCommand(server)}, restart it, then ${failBackCommand(server)}) and choose "I restarted it myself", or run sfb-pair from another computer`,
		);
	}
	let current: RestartStage | undefined = interrupted;
	const stage = (value: RestartStage | undefined) => {
		current = value;
		session.dispatch({ type: 'restart-stage', server, stage: value });
	};
	try {
		let booted: number | undefined;
		let before: number;
		if (interrupted === 'restart' || interrupted === 'boot-wait') {
			// Cut short while it restarted: it may still be on its way back. The hold is the bound, since nothing older was read.
			note(`the restart was cut short at "${interrupted}": waiting for it to answer with a boot time after the hold`);
			stage('boot-wait');
			booted = await waitForBoot(bound.at);
			before = bound.at;
		} else {
			try {
				before = bootMs(server, await restarting.readBootTime(server));
			} catch (error) {
				if (!(error instanceof EnvironmentError)) throw error;
				throw held(`${server} could not be asked for its boot time (${error.message}): nothing was done to it; check WinRM on ${server}, then restart it from here again`);
			}
			if (before > bound.at) {
				booted = before;
				note(`booted at ${iso(before)}, ${bound.words}: it has restarted since, and is not restarted again`);
			}
		}
		if (booted === undefined) {
			if (await failedOver('before the failover')) {
				note('already failed over: not failed over again');
			} else {
				stage('failover');
				try {
					await timed(failOverCommand(server), () => restarting.failOver(server, run));
				} catch (error) {
					if (!(error instanceof EnvironmentError) || run.signal.aborted) throw error;
					throw held(`${server} could not be failed over (${error.message}): it was not restarted and may still take users; check the pool, ${failBackHint} if it is failed over`);
				}
				if (!(await failedOver('after the failover'))) {
					throw held(`${failOverCommand(server)} ended, but ${server} is not failed over (its Front End service is not stopped and disabled): it was not restarted`);
				}
			}
			stage('restart');
			try {
				await timed(restartCommand(server), () => restarting.restart(server));
			} catch (error) {
				if (!(error instanceof EnvironmentError) || run.signal.aborted) throw error;
				throw held(`${server} is failed over, but it could not be restarted (${error.message}): restart it from its console, then check again; ${failBackHint}`);
			}
			stage('boot-wait');
			booted = await waitForBoot(before);
			note(`came back: booted at ${iso(booted)}`);
		}
		if (await failedOver('after the restart')) {
			stage('failback');
			try {
				await timed(failBackCommand(server), () => restarting.failBack(server, run));
			} catch (error) {
				if (!(error instanceof EnvironmentError) || run.signal.aborted) throw error;
				throw held(`${server} restarted (booted at ${iso(booted)}), but it could not be failed back (${error.message}): it takes no users until it is; ${failBackHint}`);
			}
		}
		stage('service-wait');
		await waitForFrontEnd(context, server, timeoutMs, pollMs, run.signal, booted);
		stage(undefined);
	} catch (error) {
		// Restarted and not back in time, the wait is where the next attempt starts: never a second restart.
		if (!run.signal.aborted && current !== 'boot-wait') stage(undefined);
		throw error;
	}
}

/** Whether `server` is the computer sfb-pair runs on (its short name), which a restart would take down with it. */
export function runsHere(server: string, here = hostname()): boolean {
	const short = (name: string) => name.split('.')[0]!.toLowerCase();
	return short(server) === short(here);
}

/** The Front End service Running again after the failback; how long it takes to start is the server's, so bounded. */
async function waitForFrontEnd(context: OperationContext, server: string, timeoutMs: number, pollMs: number, signal: AbortSignal, booted: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	const command = readServiceCommand(server, FRONT_END_SERVICE);
	for (;;) {
		let last: string;
		try {
			const status = await context.environment.readService(server, FRONT_END_SERVICE);
			if (status.state === 'Running') return;
			last = status.state;
		} catch (error) {
			if (!(error instanceof EnvironmentError)) throw error;
			last = error.message;
		}
		if (Date.now() >= deadline) {
			throw new TaskFailure(
				`${server} restarted (booted at ${iso(booted)}) and was failed back, but its Front End service is not Running after ${minutes(timeoutMs)} (${command}: ${last}): check its services and the Lync Server event log`,
				HELD_EXIT,
				true,
			);
		}
		await context.pacing.sleep(pollMs, signal);
	}
}
