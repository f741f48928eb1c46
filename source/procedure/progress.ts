import { scheduledDomains, type ScheduledDomain, type UpgradeSchedule } from '../sfb/upgrade-domains.js';
import { isByHand, isHeld, PHASE_NAMES, type ProcedureState, type ServerPhase, type ServerProgress, type ServerTask } from './state.js';

export interface PhaseProgress {
	phase: ServerPhase;
	total: number;
	/** Succeeded or skipped. */
	finished: number;
	/** Work the tool runs now; a server done by hand is waiting on the operator instead. */
	running: number;
	/** Servers done by hand whose turn it is: the tool waits for the operator to run the commands and say so. */
	waitingOnYou: number;
	failed: number;
	/** Held for a restart (Bootstrapper exit 3010), counted apart from the failed. */
	held: number;
	/** Upgrade domains all of whose servers are done, when the phase runs by domain. */
	domains?: { finished: number; total: number };
	/** Time left, from the durations seen so far in this phase (or the expected one before any); undefined when unknown. */
	leftMs?: number;
}

interface Estimate {
	/** How long one server usually takes in this phase, before any has finished here (the lab knows its scenario's timings). */
	expectedMs?: number;
	/** Servers at once inside a pool, when the phase does not run by upgrade domain. */
	perPool: number;
}

/** The mean duration of the servers the tool finished in this phase in this session: by hand, it was the operator's pace. */
function meanDuration(state: ProcedureState, phase: ServerPhase): number | undefined {
	const durations = state.serverOrder
		.filter((fqdn) => !isByHand(state, fqdn, phase))
		.map((fqdn) => state.servers[fqdn]?.tasks[phase])
		.filter((task) => task?.state === 'succeeded' && task.startedAt !== undefined && task.endedAt !== undefined)
		.map((task) => task!.endedAt! - task!.startedAt!);
	return durations.length === 0 ? undefined : durations.reduce((sum, duration) => sum + duration, 0) / durations.length;
}

/** A server done by hand whose turn it is: nothing of the tool's runs there, it waits on the operator. */
const waitsOnYou = (state: ProcedureState, fqdn: string, phase: ServerPhase) => state.servers[fqdn]?.tasks[phase].state === 'running' && isByHand(state, fqdn, phase);

/** What a server still needs in this phase; undefined once it needs nothing more, or waits for the operator (failed, held, by hand). */
function timeStillNeeded(state: ProcedureState, fqdn: string, phase: ServerPhase, each: number, now: number): number | undefined {
	const task: ServerTask | undefined = state.servers[fqdn]?.tasks[phase];
	if (!task || waitsOnYou(state, fqdn, phase)) return undefined;
	// A server past the usual time is taken to finish soon, not never.
	if (task.state === 'running') return Math.max(each * 0.1, each - (now - (task.startedAt ?? now)));
	return task.state === 'pending' ? each : undefined;
}

/** Each pool runs `perPool` servers at once and the pools run side by side: the slowest pool, its running servers finishing first. */
function perPoolTimeLeft(state: ProcedureState, servers: ServerProgress[], phase: ServerPhase, now: number, each: number, perPool: number): number {
	let leftMs = 0;
	for (const pool of new Set(servers.map((server) => server.pool))) {
		const lanes: number[] = [];
		const waiting: number[] = [];
		for (const server of servers.filter((entry) => entry.pool === pool)) {
			const task = server.tasks[phase];
			const needed = timeStillNeeded(state, server.fqdn, phase, each, now);
			if (needed === undefined) continue;
			(task.state === 'running' ? lanes : waiting).push(needed);
		}
		const slots = Math.max(1, Math.min(perPool, lanes.length + waiting.length));
		while (lanes.length < slots) lanes.push(0);
		lanes.sort((a, b) => a - b);
		for (const duration of waiting) {
			lanes[0]! += duration;
			lanes.sort((a, b) => a - b);
		}
		leftMs = Math.max(leftMs, lanes.at(-1) ?? 0);
	}
	return leftMs;
}

/**
 * By upgrade domains, as the fleet runs them: a domain's servers at once, so it lasts as long as its slowest; a lane's
 * domains one after another; the lanes side by side, so the longest lane is the time left.
 */
function scheduledTimeLeft(state: ProcedureState, schedule: UpgradeSchedule, phase: ServerPhase, now: number, each: number): number {
	const domainLeft = (domain: ScheduledDomain) =>
		Math.max(0, ...domain.servers.map((fqdn) => timeStillNeeded(state, fqdn, phase, each, now) ?? 0));
	return Math.max(0, ...schedule.lanes.map((lane) => lane.reduce((sum, domain) => sum + domainLeft(domain), 0)));
}

/** Upgrade domains whose every server is settled (succeeded or skipped), of all in the schedule. */
function domainsDone(state: ProcedureState, schedule: UpgradeSchedule, phase: ServerPhase): { finished: number; total: number } {
	const domains = scheduledDomains(schedule);
	const settled = (fqdn: string) => ['succeeded', 'skipped'].includes(state.servers[fqdn]?.tasks[phase].state ?? '');
	return { finished: domains.filter((domain) => domain.servers.every(settled)).length, total: domains.length };
}

/**
 * How far a server phase is, and how long it still takes, on the schedule the phase runs by: its upgrade domains when
 * it has them (state.schedules), else each pool's servers `perPool` at a time. Failed and held servers, and those done by
 * hand, wait for the operator and are not counted in the time.
 */
export function phaseProgress(state: ProcedureState, phase: ServerPhase, now: number, estimate: Estimate): PhaseProgress {
	const servers = state.serverOrder.map((fqdn) => state.servers[fqdn]!).filter(Boolean);
	const tasks = servers.map((server) => server.tasks[phase]);
	const schedule = state.schedules?.[phase];
	const progress: PhaseProgress = {
		phase,
		total: servers.length,
		finished: tasks.filter((task) => task.state === 'succeeded' || task.state === 'skipped').length,
		running: servers.filter((server) => server.tasks[phase].state === 'running' && !waitsOnYou(state, server.fqdn, phase)).length,
		waitingOnYou: servers.filter((server) => waitsOnYou(state, server.fqdn, phase)).length,
		failed: tasks.filter((task) => task.state === 'failed' && !isHeld(task)).length,
		held: tasks.filter(isHeld).length,
		...(schedule ? { domains: domainsDone(state, schedule, phase) } : {}),
	};
	const each = meanDuration(state, phase) ?? estimate.expectedMs;
	if (each === undefined) return progress;
	const leftMs = schedule ? scheduledTimeLeft(state, schedule, phase, now, each) : perPoolTimeLeft(state, servers, phase, now, each, estimate.perPool);
	return { ...progress, leftMs };
}

/** "about 40 min left", "under a minute left". */
export function formatTimeLeft(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (ms < 60_000) return 'under a minute left';
	if (minutes < 90) return `about ${minutes} min left`;
	return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** "Bootstrapper 5 of 24 servers · about 40 min left · 2 of 8 upgrade domains · 1 waiting on you · 2 running": the least needed last, where a narrow screen cuts. */
export function describeProgress(progress: PhaseProgress): string {
	const parts = [`${PHASE_NAMES[progress.phase]} ${progress.finished} of ${progress.total} server${progress.total === 1 ? '' : 's'}`];
	if (progress.finished + progress.failed + progress.held + progress.waitingOnYou < progress.total) {
		parts.push(progress.leftMs === undefined ? 'time left known once a server finishes' : formatTimeLeft(progress.leftMs));
	}
	if (progress.failed > 0) parts.push(`${progress.failed} failed`);
	if (progress.held > 0) parts.push(`${progress.held} held for a restart`);
	if (progress.domains) parts.push(`${progress.domains.finished} of ${progress.domains.total} upgrade domains`);
	if (progress.waitingOnYou > 0) parts.push(`${progress.waitingOnYou} waiting on you`);
	if (progress.running > 0) parts.push(`${progress.running} running`);
	return parts.join(' · ');
}
