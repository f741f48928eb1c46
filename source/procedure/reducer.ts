import type { ProcedureEvent } from './events.js';
import { isPairedBothWays, type PairPicture } from './picture.js';
import { emptyTask, isHeld, OUTPUT_LINES_KEPT, SERVER_PHASES, type ProcedureState, type ReplicationGate, type ServerPhase, type ServerProgress, type ServerTask } from './state.js';
import { STEP_IDS, stepIndex } from './steps.js';

/** The one place session state changes. Pure: the same events give the same state. */
export function reduce(state: ProcedureState, event: ProcedureEvent): ProcedureState {
	const next = { ...state, updatedAt: event.at };
	switch (event.type) {
		case 'step-started':
			return { ...next, current: event.step, steps: { ...state.steps, [event.step]: { status: 'active' } } };
		case 'step-finished':
			return {
				...next,
				steps: { ...state.steps, [event.step]: { status: event.status, ...(event.note ? { note: event.note } : {}) } },
			};
		case 'step-reopened': {
			const from = stepIndex(event.step);
			const steps = { ...state.steps };
			for (const id of STEP_IDS.slice(from)) steps[id] = { status: id === event.step ? 'active' : 'pending' };
			const unpublished = from <= stepIndex('publish');
			return { ...next, current: event.step, steps, ...(unpublished ? { publish: { written: false, verified: false } } : {}) };
		}
		case 'pair-chosen':
			return { ...next, pair: { pool: event.pool, backup: event.backup }, warnings: event.warnings };
		case 'voice-set':
			return { ...next, voice: event.voice };
		case 'snapshot-taken':
			return { ...next, publish: { ...state.publish, snapshotPath: event.path } };
		case 'pairing-write-started':
			return { ...next, publish: { ...state.publish, writeStartedAt: event.at } };
		case 'pairing-written': {
			const { writeStartedAt: _started, ...publish } = state.publish;
			// A replica holds the publish when its last update is no older than the write's start (Set-CsRegistrar's changes come then).
			const warnings = event.warnings && event.warnings.length > 0 ? { warnings: event.warnings } : {};
			return { ...next, publish: { ...publish, written: true, method: event.method, writtenAt: state.publish.writeStartedAt ?? event.at, ...warnings } };
		}
		case 'pairing-verified':
			return { ...next, publish: { ...state.publish, written: true, verified: true } };
		case 'servers-planned':
			return { ...next, ...planServers(state, event.servers) };
		case 'farm-observed':
			return applyPicture({ ...next, picture: event.picture }, event.picture);
		case 'task-observed':
			return updateTask(next, event.server, event.phase, (task) => ({ ...task, observation: event.observation }));
		case 'task-started':
			return updateTask(next, event.server, event.phase, (task) => ({
				state: 'running',
				attempts: task.attempts + 1,
				startedAt: event.at,
				lines: [],
			}));
		case 'task-output':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				lines: [...task.lines, event.line].slice(-OUTPUT_LINES_KEPT),
			}));
		case 'task-stage':
			return updateTask(next, event.server, event.phase, (task) => ({ ...task, stage: event.stage }));
		case 'phase-scheduled': {
			const { [event.phase]: _previous, ...others } = state.schedules ?? {};
			return { ...next, schedules: event.schedule ? { ...others, [event.phase]: event.schedule } : others };
		}
		case 'restart-stage':
			return updateTask(next, event.server, 'bootstrapper', ({ restartStage: _ended, restartStartedAt, ...task }) => ({
				...task,
				...(event.stage ? { restartStage: event.stage, restartStartedAt: restartStartedAt ?? event.at } : {}),
			}));
		case 'boot-time-at-hold':
			return updateTask(next, event.server, 'bootstrapper', (task) => ({ ...task, bootAtHold: event.bootTime }));
		case 'readiness-observed':
			return { ...next, readiness: { ...state.readiness, [event.pool]: { ready: event.ready, summary: event.summary, at: event.at } } };
		case 'task-succeeded':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				state: 'succeeded',
				endedAt: event.at,
				...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
				...(event.rebootRequired ? { rebootRequired: true } : {}),
				...(event.observation ? { observation: event.observation } : {}),
			}));
		case 'task-failed':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				state: 'failed',
				endedAt: event.at,
				message: event.message,
				...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
				...(event.rebootRequired ? { rebootRequired: true, heldSince: isHeld(task) ? (task.heldSince ?? event.at) : event.at } : {}),
				...(event.observation ? { observation: event.observation } : {}),
			}));
		case 'task-skipped':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				state: 'skipped',
				endedAt: event.at,
				message: event.reason,
			}));
		case 'task-reset':
			return updateTask(next, event.server, event.phase, (task) => ({
				state: 'pending',
				attempts: task.attempts,
				lines: task.lines,
				...(task.observation ? { observation: task.observation } : {}),
			}));
		case 'replication-polled':
			return { ...next, replication: pollReplicas(state.replication, event) };
		case 'replication-pushed':
			return state.replication ? { ...next, replication: { ...state.replication, pushed: { at: event.at, servers: event.servers } } } : next;
		case 'replication-settled':
			return state.replication ? { ...next, replication: { ...state.replication, settled: { at: event.at, note: event.note } } } : next;
		case 'by-hand-set': {
			const kept = (state.byHand ?? []).filter((server) => !event.servers.includes(server));
			return { ...next, byHand: event.byHand ? [...kept, ...event.servers] : kept };
		}
		case 'by-hand-asked':
			return next;
		case 'preflight-started':
			return { ...next, preflight: { pool: event.pool, backup: event.backup, startedAt: event.at, subjects: event.subjects, read: {} } };
		case 'preflight-read':
			return state.preflight ? { ...next, preflight: { ...state.preflight, read: { ...state.preflight.read, [event.subject]: event.answered } } } : next;
		case 'preflight-judged':
			return state.preflight ? { ...next, preflight: { ...state.preflight, checks: event.checks } } : next;
		case 'preflight-accepted':
			return state.preflight ? { ...next, preflight: { ...state.preflight, accepted: { at: event.at, note: event.note } } } : next;
		case 'sync-requested':
			return {
				...next,
				sync: {
					...state.sync,
					startedAt: state.sync.startedAt ?? event.at,
					requested: state.sync.requested.includes(event.pool) ? state.sync.requested : [...state.sync.requested, event.pool],
				},
			};
		case 'sync-polled': {
			const steady = event.directions.every((direction) => direction.verdict.state === 'steady');
			return {
				...next,
				sync: {
					...state.sync,
					polls: state.sync.polls + 1,
					consecutiveSteady: steady ? state.sync.consecutiveSteady + 1 : 0,
					directions: Object.fromEntries(
						event.directions.map((direction) => [direction.pool, { ...direction, polledAt: event.at }]),
					),
				},
			};
		}
		case 'procedure-ended':
			return { ...next, outcome: { kind: event.outcome, reason: event.reason, at: event.at } };
		case 'procedure-resumed': {
			const { outcome: _ended, ...rest } = next;
			return rest;
		}
	}
}

/** A new gate starts once the last one has let Bootstrapper go; a server keeps the time it was first seen behind. */
function pollReplicas(gate: ReplicationGate | undefined, event: Extract<ProcedureEvent, { type: 'replication-polled' }>): ReplicationGate {
	const current = gate && !gate.settled ? gate : { startedAt: event.at, polls: 0, replicas: {} };
	const replicas = { ...current.replicas };
	for (const { server, observation } of event.replicas) {
		const behind = observation.state === 'not-done';
		const behindSince = behind ? (current.replicas[server]?.behindSince ?? event.at) : undefined;
		replicas[server] = { observation, ...(behindSince === undefined ? {} : { behindSince }) };
	}
	return { ...current, ...(event.since === undefined ? {} : { since: event.since }), polls: current.polls + 1, replicas };
}

function planServers(state: ProcedureState, servers: { fqdn: string; pool: string }[]): Pick<ProcedureState, 'servers' | 'serverOrder'> {
	return {
		serverOrder: servers.map((server) => server.fqdn),
		servers: Object.fromEntries(
			servers.map(({ fqdn, pool }): [string, ServerProgress] => [
				fqdn,
				state.servers[fqdn] ?? { fqdn, pool, tasks: { bootstrapper: emptyTask(), 'cumulative-update': emptyTask(), 'backup-service': emptyTask() } },
			]),
		),
	};
}

/**
 * The farm decides what is done. Per server, the phases count in order: a phase is done when its probe says so and
 * every phase before it is done there; from the first that is not, every phase is to do again, except where the
 * operator chose to skip it (a decision the checkpoint keeps). Before the pair is published nothing on a server
 * counts: the Backup Service of an earlier pairing is not this pairing's.
 */
function applyPicture(state: ProcedureState, picture: PairPicture): ProcedureState {
	const paired = isPairedBothWays(picture);
	const servers = { ...state.servers };
	for (const seen of picture.servers) {
		const progress = servers[seen.fqdn];
		if (!progress) continue;
		const tasks = { ...progress.tasks };
		let before = paired;
		for (const phase of SERVER_PHASES) {
			const task = tasks[phase];
			const observation = seen[phase];
			// Held for a restart (exit 3010): what it installed is not finished until it runs again there, whatever the probe sees.
			if (isHeld(task)) {
				tasks[phase] = { ...task, observation };
				before = false;
				continue;
			}
			if (before && observation.state === 'done') {
				const { message: _message, ...kept } = task;
				tasks[phase] = { ...kept, state: 'succeeded', observation };
				continue;
			}
			tasks[phase] = task.state === 'skipped' ? { ...task, observation } : { state: 'pending', attempts: task.attempts, lines: task.lines, observation };
			if (task.state !== 'skipped') before = false;
		}
		servers[seen.fqdn] = { ...progress, tasks };
	}
	return { ...state, servers };
}

function updateTask(
	state: ProcedureState,
	server: string,
	phase: ServerPhase,
	change: (task: ServerTask) => ServerTask,
): ProcedureState {
	const progress = state.servers[server];
	if (!progress) return state;
	return {
		...state,
		servers: { ...state.servers, [server]: { ...progress, tasks: { ...progress.tasks, [phase]: change(progress.tasks[phase]) } } },
	};
}
