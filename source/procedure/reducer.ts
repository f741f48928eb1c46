import type { ProcedureEvent } from './events.js';
import { emptyTask, OUTPUT_LINES_KEPT, type ProcedureState, type ServerPhase, type ServerTask } from './state.js';
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
		case 'pairing-written':
			return { ...next, publish: { ...state.publish, written: true, method: event.method } };
		case 'pairing-verified':
			return { ...next, publish: { ...state.publish, written: true, verified: true } };
		case 'deployment-checked':
			return { ...next, deployed: event.deployed };
		case 'servers-planned':
			return {
				...next,
				serverOrder: event.servers.map((server) => server.fqdn),
				servers: Object.fromEntries(
					event.servers.map(({ fqdn, pool }) => [
						fqdn,
						state.servers[fqdn] ?? {
							fqdn,
							pool,
							tasks: { bootstrapper: emptyTask(), 'cumulative-update': emptyTask(), 'backup-service': emptyTask() },
						},
					]),
				),
			};
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
		case 'task-succeeded':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				state: 'succeeded',
				endedAt: event.at,
				...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
				...(event.rebootRequired ? { rebootRequired: true } : {}),
			}));
		case 'task-failed':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				state: 'failed',
				endedAt: event.at,
				message: event.message,
				...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
			}));
		case 'task-skipped':
			return updateTask(next, event.server, event.phase, (task) => ({
				...task,
				state: 'skipped',
				endedAt: event.at,
				message: event.reason,
			}));
		case 'task-reset':
			return updateTask(next, event.server, event.phase, (task) => ({ state: 'pending', attempts: task.attempts, lines: task.lines }));
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
