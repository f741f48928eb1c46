import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sanitizeLine } from '../text/sanitize.js';
import { readBoundedFileSync } from './bounded-read.js';
import { createPrivateFileSync, describeFsError, ensurePrivateDirectory, FileProblem } from './private-fs.js';

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
	/** The boot the holder ran in (Linux); a lock from an earlier boot is stale whatever its pid. */
	bootId?: string;
	/** When the holder's process started, in the kernel's clock ticks since boot (Linux): a pid reused by another process starts at another time. */
	processStart?: string;
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
/** A lock file is one line of JSON; anything far larger is not one. */
const MAX_LOCK_BYTES = 64 * 1024;
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

/** This boot of the machine, where the kernel says (Linux); undefined elsewhere. */
function currentBootId(): string | undefined {
	try {
		return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
	} catch {
		return undefined;
	}
}

/** When process `pid` started (field 22 of /proc/PID/stat, after the command name, which may hold spaces); undefined when unknown. */
export function processStartOf(pid: number): string | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

/**
 * Whether the holder still runs. A pid alone is not enough: after a reboot or a container restart another
 * process may have the same pid, and the lock would block forever. Where the machine says (Linux), the boot
 * and the process's start time must match too; elsewhere the pid is all there is.
 */
function holderRuns(holder: LockHolder): boolean {
	const boot = currentBootId();
	if (holder.bootId !== undefined && boot !== undefined && holder.bootId !== boot) return false;
	if (!isAlive(holder.pid)) return false;
	const started = holder.processStart === undefined ? undefined : processStartOf(holder.pid);
	return started === undefined || started === holder.processStart;
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
	const { pid, host, startedAt, command, subject, token, bootId, processStart } = data as Record<string, unknown>;
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
		...(typeof bootId === 'string' ? { bootId } : {}),
		...(typeof processStart === 'string' ? { processStart } : {}),
	};
}

function readLock(lockPath: string): Found {
	let bytes: Buffer | undefined;
	let modified: number;
	try {
		bytes = readBoundedFileSync(lockPath, { maxBytes: MAX_LOCK_BYTES, what: 'a session lock' });
		modified = bytes === undefined ? 0 : fs.statSync(lockPath).mtimeMs;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return { kind: 'gone' };
		}
		if (error instanceof FileProblem) throw error;
		throw new FileProblem(lockPath, describeFsError(error), { cause: error });
	}
	if (bytes === undefined) return { kind: 'gone' };
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
		? `wait for it or stop it (its lock is ${lockPath})`
		: `wait for it or stop it; if it is no longer running there, delete ${lockPath}`;
	return `${who} is working on ${what}; ${advice}`;
}

/** Creates the lock file only if there is none; false when there already is one. */
function tryCreate(lockPath: string, holder: LockHolder): boolean {
	try {
		return createPrivateFileSync(lockPath, `${JSON.stringify(holder)}\n`);
	} catch (error) {
		throw new FileProblem(lockPath, describeFsError(error), { cause: error });
	}
}

/**
 * Removing a stale lock is a read-compare-delete, so two recoverers could otherwise both judge the same
 * stale file, and the slower one delete the lock the faster one has just created. Recoverers therefore
 * take turns through a guard file, and delete only while the lock still holds the bytes judged stale.
 */
function removeStale(lockPath: string, judged: Buffer): 'removed' | 'busy' {
	const guardPath = `${lockPath}.recovering`;
	let guarded: boolean;
	try {
		guarded = createPrivateFileSync(guardPath, `${process.pid}\n`);
	} catch (error) {
		throw new FileProblem(guardPath, describeFsError(error), { cause: error });
	}
	if (!guarded) {
		removeAbandonedGuard(guardPath);
		return 'busy';
	}
	try {
		const current = readBoundedFileSync(lockPath, { maxBytes: MAX_LOCK_BYTES, what: 'a session lock' });
		if (current?.equals(judged)) {
			fs.rmSync(lockPath, { force: true });
		}
		return 'removed';
	} catch (error) {
		throw error instanceof FileProblem ? error : new FileProblem(lockPath, `the stale lock cannot be removed: ${describeFsError(error)}`, { cause: error });
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

function withDefined<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
	return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
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
	ensurePrivateDirectory(stateDir, 'state folder');
	const lockPath = path.join(path.resolve(stateDir), `${key}.lock`);
	const subject = options.subject ?? key;
	const mine: LockHolder = {
		pid: process.pid,
		host: os.hostname(),
		startedAt: new Date().toISOString(),
		command: options.command ?? ['sfb-pair', ...process.argv.slice(2)].join(' '),
		subject,
		token: randomUUID(),
		...withDefined('bootId', currentBootId()),
		...withDefined('processStart', processStartOf(process.pid)),
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
			if (!sameHost(found.holder.host) || holderRuns(found.holder)) {
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
