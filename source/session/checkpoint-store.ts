import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { describeFsError, ensurePrivateDirectory, fileTimestamp, privateFileMode } from './private-fs.js';

export type LoadResult<T> =
	| { status: 'none' }
	| { status: 'ok'; state: T; savedAt: string }
	| { status: 'moved-aside'; reason: string; movedTo: string };

export interface CheckpointStoreOptions {
	stateDir: string;
	/** Names the file `<key>.json`; letters, digits, `.`, `_` and `-` only. */
	key: string;
	/** JSON Schema (draft 2020-12, formats allowed) of the state; checked on every load and save. */
	schema: object;
	/** The checkpoint format this program writes: a positive integer, raised when the state's shape changes. */
	version: number;
	/** Turns the state of an older format into the current one; throwing refuses the old file. */
	migrate?: (fromVersion: number, data: unknown) => unknown;
}

export interface CheckpointStore<T> {
	readonly path: string;
	load(): LoadResult<T>;
	/** Writes synchronously and atomically: when it returns, the state is on disk. */
	save(state: T): void;
	/** Renames the checkpoint to `<key>.archived-<timestamp>.json` and returns the new path. */
	archive(): string;
}

type Document = Record<string, unknown>;

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const schemaViolationPrefix = 'Config schema violation: ';
const longestReason = 240;

function oneLine(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > longestReason ? `${line.slice(0, longestReason - 1)}…` : line;
}

function isSchemaViolation(error: unknown): error is Error {
	return error instanceof Error && error.message.startsWith(schemaViolationPrefix);
}

function isInvalidContent(error: unknown): error is Error {
	return error instanceof SyntaxError || isSchemaViolation(error);
}

/** conf's "`state/step` must be string; `` must match "then" schema" as "state/step must be string". */
function schemaProblems(error: Error): string {
	return error.message
		.slice(schemaViolationPrefix.length)
		.split('; ')
		.filter((problem) => !problem.endsWith('must match "then" schema'))
		.map((problem) => problem.replace(/^`(.*?)`/, (_match, where: string) => (where === '' ? 'the document' : where)))
		.join('; ');
}

export function openCheckpointStore<T>(options: CheckpointStoreOptions): CheckpointStore<T> {
	const { stateDir, key, schema, version, migrate } = options;
	if (!keyPattern.test(key)) {
		throw new Error(`cannot keep a checkpoint named "${key}": use letters, digits, ".", "_" and "-" only`);
	}
	if (!Number.isInteger(version) || version < 1) {
		throw new Error(`checkpoint format version must be a positive integer, not ${String(version)}`);
	}
	ensurePrivateDirectory(stateDir, 'state directory');
	const filePath = path.join(path.resolve(stateDir), `${key}.json`);
	const display = `checkpoint ${filePath}`;

	// The state is checked against its schema only when the document claims the current version, so an
	// older document reaches `migrate` and a newer one can be refused with its version named.
	const confOptions = {
		cwd: stateDir,
		configName: key,
		configFileMode: privateFileMode,
		accessPropertiesByDotNotation: false,
		schema: {
			version: { type: 'integer', minimum: 1 },
			savedAt: { type: 'string' },
			state: {},
		},
		rootSchema: {
			if: { properties: { version: { const: version } }, required: ['version'] },
			then: { properties: { state: schema } },
		},
	} as ConstructorParameters<typeof Conf<Document>>[0];

	let conf: Conf<Document> | undefined;

	function moveAside(reason: string): LoadResult<T> {
		const movedTo = renameWithSuffix('corrupt');
		conf = open();
		return { status: 'moved-aside', reason: oneLine(`the checkpoint ${reason}`), movedTo };
	}

	function renameWithSuffix(label: string): string {
		const stamp = fileTimestamp();
		let target = path.join(path.dirname(filePath), `${key}.${label}-${stamp}.json`);
		for (let attempt = 2; fs.existsSync(target); attempt += 1) {
			target = path.join(path.dirname(filePath), `${key}.${label}-${stamp}-${attempt}.json`);
		}
		try {
			fs.renameSync(filePath, target);
		} catch (error) {
			throw new Error(`cannot move the ${display} to ${target}: ${describeFsError(error)}`, { cause: error });
		}
		return target;
	}

	function reasonForUnreadable(error: Error): string {
		if (error.message.startsWith(schemaViolationPrefix)) {
			return `does not match the checkpoint format: ${schemaProblems(error)}`;
		}
		if (fs.statSync(filePath).size === 0) {
			return 'is empty (it was probably cut off while being written)';
		}
		return `is not valid JSON (damaged or cut off: ${error.message})`;
	}

	function open(): Conf<Document> {
		try {
			return new Conf<Document>(confOptions);
		} catch (error) {
			if (isInvalidContent(error)) {
				throw error;
			}
			throw new Error(`cannot read the ${display}: ${describeFsError(error)}`, { cause: error });
		}
	}

	/** For a save before any load: a file that cannot be read is kept beside the new one, never overwritten. */
	function openReplacingUnreadable(): Conf<Document> {
		try {
			return open();
		} catch (error) {
			if (!isInvalidContent(error)) {
				throw error;
			}
			renameWithSuffix('corrupt');
			return open();
		}
	}

	function migrated(document: Document, fromVersion: number, store: Conf<Document>): LoadResult<T> {
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
		const savedAt = document.savedAt as string;
		try {
			store.store = { version, savedAt, state };
		} catch (error) {
			if (isSchemaViolation(error)) {
				return moveAside(`was migrated from format ${fromVersion} but does not match format ${version}: ${schemaProblems(error)}`);
			}
			throw new Error(`cannot write the ${display}: ${describeFsError(error)}`, { cause: error });
		}
		return { status: 'ok', state: state as T, savedAt };
	}

	return {
		path: filePath,

		load() {
			if (!fs.existsSync(filePath)) {
				conf ??= open();
				return { status: 'none' };
			}
			let store: Conf<Document>;
			try {
				store = open();
			} catch (error) {
				if (isInvalidContent(error)) {
					return moveAside(reasonForUnreadable(error));
				}
				throw error;
			}
			conf = store;
			// conf re-reads the file on every access: read it once.
			const document = store.store;
			const found = document.version;
			if (typeof found !== 'number') {
				return moveAside('has no format version, so it is not a checkpoint this program wrote');
			}
			if (typeof document.savedAt !== 'string' || !('state' in document)) {
				return moveAside('is incomplete: it lacks the time it was saved or the state itself');
			}
			if (found > version) {
				return moveAside(`was written by a newer sfb-pair (format ${found}; this one reads up to format ${version})`);
			}
			if (found < version) {
				return migrated(document, found, store);
			}
			return { status: 'ok', state: document.state as T, savedAt: document.savedAt };
		},

		save(state) {
			conf ??= openReplacingUnreadable();
			try {
				// A copy: the schema check fills in defaults, and the caller's state may be frozen.
				const stored: unknown = JSON.parse(JSON.stringify(state));
				conf.store = { version, savedAt: new Date().toISOString(), state: stored };
			} catch (error) {
				if (isSchemaViolation(error)) {
					throw new Error(`cannot save the checkpoint: the state does not match its schema: ${schemaProblems(error)}`, { cause: error });
				}
				throw new Error(`cannot write the ${display}: ${describeFsError(error)}`, { cause: error });
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
