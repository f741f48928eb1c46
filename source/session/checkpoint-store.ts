import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readBoundedFileSync } from './bounded-read.js';
import { parseJsonText } from '../text/json-text.js';
import { describeFsError, ensurePrivateDirectory, FileProblem, keepAside, replaceFile, replaceFileSync } from './private-fs.js';

export type LoadResult<T> =
	| { status: 'none' }
	| { status: 'ok'; state: T; savedAt: string }
	| { status: 'moved-aside'; reason: string; movedTo: string };

export interface CheckpointStoreOptions {
	stateDir: string;
	/** Names the file `<key>.json`; letters, digits, `.`, `_` and `-` only. */
	key: string;
	/** JSON Schema (draft 2020-12) of the state; checked on every load and save. */
	schema: object;
	/** The checkpoint format this program writes: a positive integer, raised when the state's shape changes. */
	version: number;
	/** Turns the state of an older format into the current one; throwing refuses the old file. */
	migrate?: (fromVersion: number, data: unknown) => unknown;
}

export interface CheckpointStore<T> {
	readonly path: string;
	load(): LoadResult<T>;
	/**
	 * Writes atomically (a temporary file, synced, then renamed over the checkpoint) without blocking the event
	 * loop: when the promise resolves, the state is on disk. One save at a time: wait for it before the next.
	 */
	save(state: T): Promise<void>;
	/** Renames the checkpoint to `<key>.archived-<timestamp>.json` and returns the new path. */
	archive(): string;
}

interface Document {
	version: number;
	savedAt: string;
	state: unknown;
}

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A checkpoint is a few kilobytes; a file far larger is not one. */
const MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;
const longestReason = 240;

function oneLine(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > longestReason ? `${line.slice(0, longestReason - 1)}…` : line;
}

let ajv: Ajv2020 | undefined;
const validators = new WeakMap<object, Map<number, ValidateFunction>>();

/**
 * The whole document: its envelope always, the state only when the document claims the current version, so
 * an older document reaches `migrate` and a newer one can be refused with its version named.
 */
function documentValidator(schema: object, version: number): ValidateFunction {
	const byVersion = validators.get(schema) ?? new Map<number, ValidateFunction>();
	validators.set(schema, byVersion);
	let validate = byVersion.get(version);
	if (!validate) {
		ajv ??= new Ajv2020({ allErrors: true });
		validate = ajv.compile({
			type: 'object',
			properties: { version: { type: 'integer', minimum: 1 }, savedAt: { type: 'string' }, state: {} },
			if: { properties: { version: { const: version } }, required: ['version'] },
			then: { properties: { state: schema } },
		});
		byVersion.set(version, validate);
	}
	return validate;
}

/** Ajv's errors as "state/step must be string; …", without the echo of the if/then that carried them. */
function schemaProblems(validate: ValidateFunction): string | undefined {
	const problems = (validate.errors ?? [])
		.filter((error) => error.keyword !== 'if')
		.map(({ instancePath, message = '' }) => `${instancePath === '' ? 'the document' : instancePath.slice(1)} ${message}`);
	return problems.length > 0 ? problems.join('; ') : undefined;
}

export function openCheckpointStore<T>(options: CheckpointStoreOptions): CheckpointStore<T> {
	const { stateDir, key, schema, version, migrate } = options;
	if (!keyPattern.test(key)) {
		throw new Error(`cannot keep a checkpoint named "${key}": use letters, digits, ".", "_" and "-" only`);
	}
	if (!Number.isInteger(version) || version < 1) {
		throw new Error(`checkpoint format version must be a positive integer, not ${String(version)}`);
	}
	ensurePrivateDirectory(stateDir, undefined, { ownFolder: true });
	const filePath = path.join(path.resolve(stateDir), `${key}.json`);
	const validate = () => documentValidator(schema, version);
	/** Whether the file on disk is known to be ours (or absent), so a save may replace it. */
	let checked = false;

	function serialize(document: Document): string {
		return `${JSON.stringify(document, undefined, '\t')}\n`;
	}

	function moveAside(reason: string): LoadResult<T> {
		const movedTo = renameWithSuffix('corrupt');
		checked = true;
		return { status: 'moved-aside', reason: oneLine(`the checkpoint ${reason}`), movedTo };
	}

	function renameWithSuffix(label: string): string {
		return keepAside(filePath, label);
	}

	/** The file as a document of the current format, or why it is not one. */
	function read(): { kind: 'none' } | { kind: 'unreadable'; reason: string } | { kind: 'document'; document: Document } {
		let bytes: Buffer | undefined;
		try {
			bytes = readBoundedFileSync(filePath, { maxBytes: MAX_CHECKPOINT_BYTES, what: 'a session file' });
		} catch (error) {
			// A link is kept aside like a damaged file: reading through it would show another file's contents.
			if (error instanceof FileProblem && error.reason.startsWith('it is a symbolic link')) return { kind: 'unreadable', reason: 'is a symbolic link, not a file sfb-pair wrote' };
			throw error;
		}
		if (bytes === undefined) return { kind: 'none' };
		if (bytes.length === 0) return { kind: 'unreadable', reason: 'is empty (it was probably cut off while being written)' };
		const json = parseJsonText(bytes.toString('utf8'));
		if (!json.ok) return { kind: 'unreadable', reason: `${json.reason} (damaged or cut off)` };
		const parsed = json.value;
		const check = validate();
		if (!check(parsed)) return { kind: 'unreadable', reason: `does not match the checkpoint format: ${schemaProblems(check) ?? 'unknown problem'}` };
		const document = parsed as Partial<Document>;
		if (typeof document.version !== 'number') return { kind: 'unreadable', reason: 'has no format version, so it is not a checkpoint this program wrote' };
		if (typeof document.savedAt !== 'string' || !('state' in document)) {
			return { kind: 'unreadable', reason: 'is incomplete: it lacks the time it was saved or the state itself' };
		}
		return { kind: 'document', document: document as Document };
	}

	function migrated(document: Document): LoadResult<T> {
		const fromVersion = document.version;
		if (migrate === undefined) {
			return moveAside(`is format ${fromVersion}, which this program (format ${version}) cannot read`);
		}
		let state: unknown;
		try {
			state = migrate(fromVersion, document.state);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			return moveAside(`could not be migrated from format ${fromVersion} to ${version}: ${message}`);
		}
		const current: Document = { version, savedAt: document.savedAt, state };
		const check = validate();
		if (!check(current)) {
			return moveAside(`was migrated from format ${fromVersion} but does not match format ${version}: ${schemaProblems(check) ?? 'unknown problem'}`);
		}
		try {
			replaceFileSync(filePath, serialize(current));
		} catch (error) {
			throw new FileProblem(filePath, describeFsError(error), { cause: error });
		}
		return { status: 'ok', state: state as T, savedAt: document.savedAt };
	}

	return {
		path: filePath,

		load() {
			const found = read();
			if (found.kind === 'none') {
				checked = true;
				return { status: 'none' };
			}
			if (found.kind === 'unreadable') return moveAside(found.reason);
			const { document } = found;
			checked = true;
			if (document.version > version) {
				return moveAside(`was written by a newer sfb-pair (format ${document.version}; this one reads up to format ${version})`);
			}
			if (document.version < version) return migrated(document);
			return { status: 'ok', state: document.state as T, savedAt: document.savedAt };
		},

		async save(state) {
			// A save before any load: a file that cannot be read is kept beside the new one, never overwritten.
			if (!checked) {
				if (read().kind === 'unreadable') renameWithSuffix('corrupt');
				checked = true;
			}
			const document: Document = { version, savedAt: new Date().toISOString(), state };
			const check = validate();
			if (!check(document)) {
				throw new Error(`cannot save the checkpoint: the state does not match its schema: ${schemaProblems(check) ?? 'unknown problem'}`);
			}
			try {
				await replaceFile(filePath, serialize(document));
			} catch (error) {
				throw new FileProblem(filePath, describeFsError(error), { cause: error });
			}
		},

		archive() {
			if (!fs.existsSync(filePath)) {
				throw new Error(`there is no checkpoint to archive at ${filePath}`);
			}
			return renameWithSuffix('archived');
		},
	};
}
