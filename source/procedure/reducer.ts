import type { ProcedureEvent } from './events.js';
import { isPairedBothWays, type PairPicture } from './picture.js';
import { emptyTask, OUTPUT_LINES_KEPT, SERVER_PHASES, type ProcedureState, type ServerPhase, type ServerProgress, type ServerTask } from './state.js';
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
			return { ...next, publish: { ...publish, written: true, method: event.method, writtenAt: event.at } };
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
