import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sanitizeLine } from '../text/sanitize.js';
import { describeFsError, ensurePrivateDirectory, privateFileMode } from './private-fs.js';

/** What a lock file says about the wizard holding it. */
export interface LockHolder {
	pid: number;
	host: string;
	/** ISO 8601 */
	startedAt: string;
	command: string;
	/** What the holder is working on, for the message another wizard shows, e.g. "pool1 ↔ pool2". */
	subject: string;
	/** Tells this holder's file apart from a later one with the same pid. */
	token: string;
}

export interface SessionLock {
	readonly path: string;
	readonly holder: LockHolder;
	/** Removes the lock file if it is still this one; does nothing otherwise or when called again. */
	release(): void;
}

export interface SessionLockOptions {
	/** Shown to another wizard that finds the lock; the key when absent. */
	subject?: string;
	/** Recorded in the lock file; the current command line when absent. */
	command?: string;
}

export class SessionLockedError extends Error {
	constructor(
		message: string,
		readonly lockPath: string,
		/** Absent when the lock file could not be read. */
		readonly holder?: LockHolder,
	) {
		super(message);
		this.name = 'SessionLockedError';
	}
}

/** A lock file that cannot be read may be one another wizard is writing this instant: leave it alone this long. */
const unreadableLockGraceMs = 2 * 60 * 1000;

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const abandonedGuardMs = 10_000;
/** How long to keep trying while other wizards are recovering the same stale lock. */
const recoveryPatienceMs = 1_000;
const recoveryRetryMs = 10;

type Found =
	| { kind: 'gone' }
	| { kind: 'held'; holder: LockHolder; bytes: Buffer }
	| { kind: 'unreadable'; bytes: Buffer; ageMs: number };

function sameHost(host: string): boolean {
	return host.toLowerCase() === os.hostname().toLowerCase();
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code !== 'ESRCH';
	}
}

function parseHolder(bytes: Buffer): LockHolder | undefined {
	let data: unknown;
	try {
		data = JSON.parse(bytes.toString('utf8'));
	} catch {
		return undefined;
	}
	if (typeof data !== 'object' || data === null) {
		return undefined;
	}
	const { pid, host, startedAt, command, subject, token } = data as Record<string, unknown>;
	// A pid of 0 or below would signal a whole process group when probed.
	if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) {
		return undefined;
	}
	if (typeof host !== 'string' || typeof startedAt !== 'string' || typeof token !== 'string') {
		return undefined;
	}
	return {
		pid,
		host,
		startedAt,
		token,
		command: typeof command === 'string' ? command : '',
		subject: typeof subject === 'string' ? subject : '',
	};
}

function readLock(lockPath: string): Found {
	let bytes: Buffer;
	let modified: number;
	try {
		bytes = fs.readFileSync(lockPath);
		modified = fs.statSync(lockPath).mtimeMs;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return { kind: 'gone' };
		}
		throw new Error(`cannot read the session lock ${lockPath}: ${describeFsError(error)}`, { cause: error });
	}
	const holder = parseHolder(bytes);
	return holder === undefined ? { kind: 'unreadable', bytes, ageMs: Date.now() - modified } : { kind: 'held', holder, bytes };
}

function localMinute(iso: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) {
		return sanitizeLine(iso);
	}
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function lockedMessage(holder: LockHolder, subject: string, lockPath: string): string {
	const who = `another sfb-pair (pid ${holder.pid} on ${sanitizeLine(holder.host)}, started ${localMinute(holder.startedAt)})`;
	const what = sanitizeLine(holder.subject) || subject;
	const advice = sameHost(holder.host)
		? 'wait for it or stop it'
		: `wait for it or stop it; if it is no longer running there, delete ${lockPath}`;
	return `${who} is working on ${what}; ${advice}`;
}

/** Creates the lock file only if there is none; false when there already is one. */
function tryCreate(lockPath: string, holder: LockHolder): boolean {
	try {
		fs.writeFileSync(lockPath, `${JSON.stringify(holder)}\n`, { flag: 'wx', mode: privateFileMode });
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			return false;
		}
		throw new Error(`cannot create the session lock ${lockPath}: ${describeFsError(error)}`, { cause: error });
	}
}

/**
 * Removing a stale lock is a read-compare-delete, so two recoverers could otherwise both judge the same
 * stale file, and the slower one delete the lock the faster one has just created. Recoverers therefore
 * take turns through a guard file, and delete only while the lock still holds the bytes judged stale.
 */
function removeStale(lockPath: string, judged: Buffer): 'removed' | 'busy' {
	const guardPath = `${lockPath}.recovering`;
	try {
		fs.writeFileSync(guardPath, `${process.pid}\n`, { flag: 'wx', mode: privateFileMode });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
			throw new Error(`cannot recover the stale session lock ${lockPath}: ${describeFsError(error)}`, { cause: error });
		}
		removeAbandonedGuard(guardPath);
		return 'busy';
	}
	try {
		let current: Buffer;
		try {
			current = fs.readFileSync(lockPath);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return 'removed';
			}
			throw error;
		}
		if (current.equals(judged)) {
			fs.rmSync(lockPath, { force: true });
		}
		return 'removed';
	} catch (error) {
		throw new Error(`cannot remove the stale session lock ${lockPath}: ${describeFsError(error)}`, { cause: error });
	} finally {
		fs.rmSync(guardPath, { force: true });
	}
}

/** A recoverer holds the guard for microseconds: one this old belongs to a recoverer that was killed. */
function removeAbandonedGuard(guardPath: string): void {
	try {
		if (Date.now() - fs.statSync(guardPath).mtimeMs >= abandonedGuardMs) {
			fs.rmSync(guardPath, { force: true });
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw new Error(`cannot remove the abandoned guard ${guardPath}: ${describeFsError(error)}`, { cause: error });
		}
	}
}

function pause(milliseconds: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/**
 * One wizard per pair: creates `<stateDir>/<key>.lock` or throws SessionLockedError naming who holds it.
 * A lock left by a process that no longer runs on this machine is recovered.
 */
export function acquireSessionLock(stateDir: string, key: string, options: SessionLockOptions = {}): SessionLock {
	if (!keyPattern.test(key)) {
		throw new Error(`cannot lock a session named "${key}": use letters, digits, ".", "_" and "-" only`);
	}
	ensurePrivateDirectory(stateDir, 'state directory');
	const lockPath = path.join(path.resolve(stateDir), `${key}.lock`);
	const subject = options.subject ?? key;
	const mine: LockHolder = {
		pid: process.pid,
		host: os.hostname(),
		startedAt: new Date().toISOString(),
		command: options.command ?? ['sfb-pair', ...process.argv.slice(2)].join(' '),
		subject,
		token: randomUUID(),
	};

	const giveUpAt = Date.now() + recoveryPatienceMs;
	while (Date.now() < giveUpAt) {
		if (tryCreate(lockPath, mine)) {
			return {
				path: lockPath,
				holder: mine,
				release() {
					const found = readLock(lockPath);
					if (found.kind === 'held' && found.holder.token === mine.token) {
						fs.rmSync(lockPath, { force: true });
					}
				},
			};
		}
		const found = readLock(lockPath);
		if (found.kind === 'held') {
			if (!sameHost(found.holder.host) || isAlive(found.holder.pid)) {
				throw new SessionLockedError(lockedMessage(found.holder, subject, lockPath), lockPath, found.holder);
			}
			if (removeStale(lockPath, found.bytes) === 'busy') {
				pause(recoveryRetryMs);
			}
		} else if (found.kind === 'unreadable') {
			if (found.ageMs < unreadableLockGraceMs) {
				throw new SessionLockedError(
					`the session lock ${lockPath} cannot be read and is less than ${unreadableLockGraceMs / 60_000} minutes old; another sfb-pair may be starting: try again, or delete it if none is running`,
					lockPath,
				);
			}
			if (removeStale(lockPath, found.bytes) === 'busy') {
				pause(recoveryRetryMs);
			}
		}
	}
	throw new SessionLockedError(
		`the session lock ${lockPath} keeps changing hands; another sfb-pair is starting for ${subject}: try again in a moment`,
		lockPath,
	);
}
