import { SERVER_PHASES } from '../procedure/state.js';
import { STEP_IDS } from '../procedure/steps.js';

/** The checkpoint format; raise it (and teach `migrateProcedureState`) whenever ProcedureState changes shape. */
export const PROCEDURE_STATE_VERSION = 1;

const observation = {
	type: 'object',
	required: ['state', 'evidence'],
	properties: { state: { enum: ['done', 'not-done', 'unknown'] }, evidence: { type: 'string' }, reason: { type: 'string' }, value: { type: 'string' } },
};

const task = {
	type: 'object',
	required: ['state', 'attempts', 'lines'],
	properties: {
		state: { enum: ['pending', 'running', 'succeeded', 'failed', 'skipped'] },
		attempts: { type: 'integer', minimum: 0 },
		startedAt: { type: 'number' },
		endedAt: { type: 'number' },
		exitCode: { type: 'integer' },
		rebootRequired: { type: 'boolean' },
		heldSince: { type: 'number' },
		bootAtHold: { type: 'string' },
		restartStage: { enum: ['failover', 'restart', 'boot-wait', 'failback', 'service-wait'] },
		restartStartedAt: { type: 'number' },
		message: { type: 'string' },
		lines: { type: 'array', items: { type: 'string' } },
		stage: { enum: ['failover', 'install', 'failback'] },
		observation,
	},
};

const scheduledDomain = {
	type: 'object',
	required: ['pool', 'domain', 'servers'],
	properties: { pool: { type: 'string' }, domain: { type: 'string' }, servers: { type: 'array', items: { type: 'string' } } },
};

/** Absent in sessions saved before the phases recorded their upgrade domains: those estimate per server. */
const schedules = {
	type: 'object',
	propertyNames: { enum: [...SERVER_PHASES] },
	additionalProperties: { type: 'object', required: ['lanes'], properties: { lanes: { type: 'array', items: { type: 'array', items: scheduledDomain } } } },
};

export const procedureStateSchema = {
	type: 'object',
	required: ['sessionId', 'environment', 'startedAt', 'updatedAt', 'current', 'steps', 'voice', 'publish', 'servers', 'serverOrder', 'sync'],
	properties: {
		sessionId: { type: 'string', minLength: 1 },
		environment: {
			type: 'object',
			required: ['kind', 'description'],
			properties: { kind: { enum: ['lab', 'live'] }, description: { type: 'string' } },
		},
		startedAt: { type: 'number' },
		updatedAt: { type: 'number' },
		current: { enum: [...STEP_IDS] },
		steps: {
			type: 'object',
			required: [...STEP_IDS],
			additionalProperties: {
				type: 'object',
				required: ['status'],
				properties: { status: { enum: ['pending', 'active', 'done', 'skipped', 'failed'] }, note: { type: 'string' } },
			},
		},
		pair: { type: 'object', required: ['pool', 'backup'], properties: { pool: { type: 'string' }, backup: { type: 'string' } } },
		voice: {
			type: 'object',
			required: ['automaticFailover', 'failoverSeconds', 'failbackSeconds'],
			properties: {
				automaticFailover: { type: 'boolean' },
				failoverSeconds: { type: 'integer', minimum: 1 },
				failbackSeconds: { type: 'integer', minimum: 1 },
			},
		},
		warnings: { type: 'array', items: { type: 'string' } },
		publish: { type: 'object', required: ['written', 'verified'], properties: { warnings: { type: 'array', items: { type: 'string' } } } },
		servers: {
			type: 'object',
			additionalProperties: {
				type: 'object',
				required: ['fqdn', 'pool', 'tasks'],
				properties: {
					fqdn: { type: 'string' },
					pool: { type: 'string' },
					tasks: { type: 'object', required: [...SERVER_PHASES], additionalProperties: task },
				},
			},
		},
		serverOrder: { type: 'array', items: { type: 'string' } },
		sync: { type: 'object', required: ['requested', 'polls', 'consecutiveSteady', 'directions'] },
		replication: { type: 'object', required: ['startedAt', 'polls', 'replicas'], properties: { replicas: { type: 'object', additionalProperties: { type: 'object', required: ['observation'], properties: { observation } } } } },
		byHand: { type: 'array', items: { type: 'string' } },
		schedules,
		preflight: {
			type: 'object',
			required: ['pool', 'backup', 'startedAt', 'subjects', 'read'],
			properties: {
				subjects: { type: 'array', items: { type: 'string' } },
				read: { type: 'object', additionalProperties: { type: 'boolean' } },
				checks: { type: 'array', items: { type: 'object', required: ['id', 'subject', 'status', 'evidence', 'action'], properties: { status: { enum: ['ok', 'warning', 'blocking'] } } } },
				accepted: { type: 'object', required: ['at', 'note'] },
			},
		},
		picture: {
			type: 'object',
			required: ['pool', 'backup', 'at', 'pairing', 'servers', 'sync'],
			properties: {
				pairing: { type: 'array', items: { type: 'object', required: ['pool', 'partner', 'observation'], properties: { observation } } },
				servers: {
					type: 'array',
					items: {
						type: 'object',
						required: ['fqdn', 'pool', 'deployment', ...SERVER_PHASES],
						properties: { deployment: observation, ...Object.fromEntries(SERVER_PHASES.map((phase) => [phase, observation])) },
					},
				},
				sync: { type: 'array', items: { type: 'object', required: ['pool', 'observation', 'modules'], properties: { observation } } },
			},
		},
		outcome: { type: 'object', required: ['kind', 'reason', 'at'] },
	},
} as const;
