import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcedureState } from '../procedure/state.js';
import { isUnfinished } from '../procedure/state.js';
import { openChangeRecord, type RunIdentity } from './change-record.js';
import { STEP_IDS, STEPS } from '../procedure/steps.js';
import { openCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
import { PROCEDURE_STATE_VERSION, procedureStateSchema } from './procedure-schema.js';
import { describeFsError, FileProblem, kindOf } from './private-fs.js';

/** Sessions are kept per pair, whichever way round it was chosen. */
export function pairKey(pool: string, backup: string): string {
	return [pool, backup]
		.map((name) => name.toLowerCase().replace(/[^a-z0-9.-]/g, '_'))
		.sort()
		.join('--');
}

export function sessionsDir(stateDir: string): string {
	return join(stateDir, 'sessions');
}

export function openProcedureStore(stateDir: string, key: string): CheckpointStore<ProcedureState> {
	return openCheckpointStore<ProcedureState>({
		stateDir: sessionsDir(stateDir),
		key,
		schema: procedureStateSchema,
		version: PROCEDURE_STATE_VERSION,
	});
}

export type StoredSession = StoredCheckpoint<ProcedureState>;
export type SessionProblem = { key: string; reason: string; movedTo: string };

/** A checkpoint file read back: its key, its state, and the store to write it again. */
export type StoredCheckpoint<T> = { key: string; state: T; savedAt: string; store: CheckpointStore<T> };

/**
 * Every checkpoint file in `folder` (archived and corrupt copies left out): the ones read, and any that could not be
 * read, moved aside and named. A missing folder holds none; anything else in its place is a FileProblem.
 */
export function loadCheckpoints<T>(folder: string, open: (key: string) => CheckpointStore<T>): { stored: StoredCheckpoint<T>[]; problems: SessionProblem[] } {
	const stats = statSync(folder, { throwIfNoEntry: false });
	if (stats === undefined) return { stored: [], problems: [] };
	if (!stats.isDirectory()) throw new FileProblem(folder, stats.isFile() ? 'it is a file, not a folder' : kindOf(stats));
	let files: string[];
	try {
		files = readdirSync(folder).sort();
	} catch (error) {
		throw new FileProblem(folder, describeFsError(error), { cause: error });
	}
	const stored: StoredCheckpoint<T>[] = [];
	const problems: SessionProblem[] = [];
	for (const file of files) {
		const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\.json$/.exec(file);
		if (!match || file.includes('.archived-') || file.includes('.corrupt-')) continue;
		const key = match[1]!;
		const store = open(key);
		const loaded = store.load();
		if (loaded.status === 'moved-aside') problems.push({ key, reason: loaded.reason, movedTo: loaded.movedTo });
		else if (loaded.status === 'ok') stored.push({ key, state: loaded.state, savedAt: loaded.savedAt, store });
	}
	return { stored, problems };
}

/** Every session file in the state folder: the unfinished ones, and any file that could not be read (moved aside). */
export function findSessions(stateDir: string): { unfinished: StoredSession[]; problems: SessionProblem[] } {
	const { stored, problems } = loadCheckpoints(sessionsDir(stateDir), (key) => openProcedureStore(stateDir, key));
	return { unfinished: stored.filter((session) => isUnfinished(session.state)), problems };
}

export function recordsDir(stateDir: string): string {
	return join(stateDir, 'records');
}

export function snapshotsDir(stateDir: string): string {
	return join(stateDir, 'snapshots');
}

export interface RecordOpening {
	identity?: RunIdentity;
	/** The session is being resumed: its record should exist already. */
	resumed?: boolean;
	onGap?: (text: string) => void;
}

/** What a checkpoint remembers of a session, for a record that lost its earlier part. */
function remembered(state: ProcedureState): string[] {
	const steps = STEP_IDS.filter((id) => state.steps[id].status !== 'pending').map((id) => {
		const step = state.steps[id];
		return `step ${STEPS[id].label} ${STEPS[id].title} ${step.status}${step.note ? ` (${step.note})` : ''}`;
	});
	return [...steps, ...(state.publish.snapshotPath ? [`topology snapshot ${state.publish.snapshotPath}`] : [])];
}

export function openRecordFor(stateDir: string, state: ProcedureState, opening: RecordOpening = {}) {
	return openChangeRecord({
		dir: recordsDir(stateDir),
		sessionId: state.sessionId,
		title: state.pair ? `Pair ${state.pair.pool} with ${state.pair.backup}` : 'Pool pairing',
		environment: state.environment.description,
		...(state.pair ? { pair: state.pair } : {}),
		...(opening.identity ? { identity: opening.identity } : {}),
		...(opening.resumed ? { resumedFrom: { since: new Date(state.startedAt).toISOString(), remembered: remembered(state) } } : {}),
		...(opening.onGap ? { onGap: opening.onGap } : {}),
	});
}

export function newSessionId(now: Date = new Date()): string {
	return now.toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
}
