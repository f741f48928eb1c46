import { join } from 'node:path';
import type { EnvironmentKind } from '../environments/port.js';
import type { OutcomeKind } from '../procedure/state.js';
import { UNPAIR_STEP_IDS, type UnpairPath, type UnpairStepId } from '../procedure/unpair-plan.js';
import { openChangeRecord, type RunIdentity } from './change-record.js';
import { openCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
import { loadCheckpoints, recordsDir, type SessionProblem, type StoredCheckpoint } from './session-files.js';

/**
 * 'unverified': the action ended without error and the farm has no read that could confirm it (the backup user data,
 * live). Kept apart from 'done' so the record and the debrief say so.
 */
export type UnpairStepStatus = 'pending' | 'done' | 'unverified' | 'not-done' | 'unknown' | 'failed';

export interface UnpairState {
	sessionId: string;
	environment: { kind: EnvironmentKind; description: string };
	pool: string;
	partner: string;
	path: UnpairPath;
	/** The published topology's signature the plan was confirmed against. */
	topologySignature: string;
	startedAt: number;
	updatedAt: number;
	/** When the association was seen cleared: a replica updated before this has not received it. */
	clearedAt?: number;
	snapshotPath?: string;
	steps: Record<UnpairStepId, { status: UnpairStepStatus; evidence?: string }>;
	/** Per Front End: the probe's last word on its Backup Service. */
	servers: Record<string, { status: UnpairStepStatus; evidence?: string }>;
	outcome?: { kind: OutcomeKind; reason: string; at: number };
}

export const UNPAIR_STATE_VERSION = 1;

const status = { enum: ['pending', 'done', 'unverified', 'not-done', 'unknown', 'failed'] };
const entry = { type: 'object', required: ['status'], properties: { status, evidence: { type: 'string' } } };

const unpairStateSchema = {
	type: 'object',
	required: ['sessionId', 'environment', 'pool', 'partner', 'path', 'topologySignature', 'startedAt', 'updatedAt', 'steps', 'servers'],
	properties: {
		sessionId: { type: 'string', minLength: 1 },
		environment: { type: 'object', required: ['kind', 'description'], properties: { kind: { enum: ['lab', 'live'] }, description: { type: 'string' } } },
		pool: { type: 'string', minLength: 1 },
		partner: { type: 'string', minLength: 1 },
		path: { enum: ['cmdlets', 'topology-builder'] },
		topologySignature: { type: 'string' },
		startedAt: { type: 'number' },
		updatedAt: { type: 'number' },
		clearedAt: { type: 'number' },
		snapshotPath: { type: 'string' },
		steps: { type: 'object', required: [...UNPAIR_STEP_IDS], properties: Object.fromEntries(UNPAIR_STEP_IDS.map((id) => [id, entry])) },
		servers: { type: 'object', additionalProperties: entry },
		outcome: {
			type: 'object',
			required: ['kind', 'reason', 'at'],
			properties: { kind: { enum: ['done', 'failed', 'needs-operator', 'cancelled'] }, reason: { type: 'string' }, at: { type: 'number' } },
		},
	},
};

/** Unpair sessions live apart from the pairing's, so neither reads the other's files as its own. */
export function unpairSessionsDir(stateDir: string): string {
	return join(stateDir, 'unpair-sessions');
}

export function openUnpairStore(stateDir: string, key: string): CheckpointStore<UnpairState> {
	return openCheckpointStore<UnpairState>({ stateDir: unpairSessionsDir(stateDir), key, schema: unpairStateSchema, version: UNPAIR_STATE_VERSION });
}

export type StoredUnpair = StoredCheckpoint<UnpairState>;

/**
 * The unfinished unpair of `pool` (as the pool or its former partner), and any unpair file that could not be read
 * (moved aside and named). Once cleared, the farm no longer says who the partner was: the checkpoint does.
 */
export function findUnpair(stateDir: string, pool: string): { unfinished?: StoredUnpair; problems: SessionProblem[] } {
	const { stored, problems } = loadCheckpoints(unpairSessionsDir(stateDir), (key) => openUnpairStore(stateDir, key));
	const wanted = pool.toLowerCase();
	const unfinished = stored
		.filter(({ state }) => state.outcome?.kind !== 'done' && [state.pool, state.partner].some((name) => name.toLowerCase() === wanted))
		.at(-1);
	return { ...(unfinished ? { unfinished } : {}), problems };
}

export function openUnpairRecord(stateDir: string, state: UnpairState, identity: RunIdentity, resumed: boolean, onGap?: (text: string) => void) {
	return openChangeRecord({
		dir: recordsDir(stateDir),
		sessionId: `unpair-${state.sessionId}`,
		title: `Unpair ${state.pool} and ${state.partner}`,
		environment: state.environment.description,
		pair: { pool: state.pool, backup: state.partner },
		identity,
		...(resumed ? { resumedFrom: { since: new Date(state.startedAt).toISOString(), remembered: UNPAIR_STEP_IDS.map((id) => `${id} ${state.steps[id].status}`) } } : {}),
		...(onGap ? { onGap } : {}),
	});
}
