import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import path from 'node:path';

/**
 * Every folder and file sfb-pair creates in the state folder goes through here: checkpoints, change records,
 * topology snapshots (the file meant for rollback), the PowerShell transcript (every script and its output),
 * the lab farm, locks and settings. They are its owner's alone, whatever the umask: the mode is set after
 * creating, since a mode given to open or mkdir is only ever narrowed by the umask, never kept.
 */
export const privateDirectoryMode = 0o700;
const { O_WRONLY, O_CREAT, O_TRUNC, O_NONBLOCK = 0 } = fs.constants;
export const privateFileMode = 0o600;

const plainReasons: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	ENOTDIR: 'part of the path is a file, not a folder',
	EROFS: 'the file system is read-only',
	ENOSPC: 'the disk is full',
	EDQUOT: 'the disk quota is used up',
	EISDIR: 'it is a folder, not a file',
	ENOENT: 'it does not exist',
	EEXIST: 'it is a file, not a folder',
	ELOOP: 'it is a symbolic link, or a loop of them',
	ENAMETOOLONG: 'the path is too long',
	EIO: 'an input/output error (a failing disk or a lost network share)',
	EMFILE: 'too many files are open',
	ENFILE: 'too many files are open',
	EBUSY: 'it is in use by another program',
	ENXIO: 'it is a device or socket with nothing behind it',
	EFBIG: 'the file is too large for the file system',
};

/** A file-system failure as a short phrase, without the stack or the syscall noise. */
export function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code !== undefined && plainReasons[code] !== undefined) {
		return plainReasons[code];
	}
	const message = error instanceof Error ? error.message : String(error);
	return message.split('\n')[0] ?? message;
}

/** A path that cannot be used, and why, in the one form every command reports: `cannot use PATH: reason`, exit 2. */
export class FileProblem extends Error {
	readonly exitCode = 2;
	constructor(
		readonly path: string,
		readonly reason: string,
		options?: { cause?: unknown; as?: string },
	) {
		super(`cannot use ${path}${options?.as ? ` as the ${options.as}` : ''}: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'FileProblem';
	}
}

/** A Node file-system error (it has a code and a syscall), as a FileProblem naming `fallbackPath` when the error names none. */
export function asFileProblem(error: unknown, fallbackPath?: string): FileProblem | undefined {
	if (error instanceof FileProblem) return error;
	const errno = error as NodeJS.ErrnoException | undefined;
	if (typeof errno?.code !== 'string' || typeof errno.syscall !== 'string') return undefined;
	const where = errno.path ?? fallbackPath;
	return where === undefined ? undefined : new FileProblem(where, describeFsError(error), { cause: error });
}

/** What a path is, when it is not a regular file: the words for a refusal. */
export function kindOf(stats: fs.Stats): string {
	if (stats.isDirectory()) return 'it is a folder, not a file';
	if (stats.isFIFO()) return 'it is a named pipe (FIFO), not a file';
	if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device, not a file';
	if (stats.isSocket()) return 'it is a socket, not a file';
	if (stats.isSymbolicLink()) return 'it is a symbolic link: sfb-pair does not follow links in its state folder';
	return 'it is not a regular file';
}

/**
 * Creates `directory` (and missing parents) readable by its owner only, and checks it can be written. Each
 * folder created gets mode 0700 whatever the umask. An existing folder keeps its mode unless `ownFolder`
 * says sfb-pair made it (a subfolder of the state folder): the operator may share the state folder on purpose,
 * never what is inside.
 */
export function ensurePrivateDirectory(directory: string, purpose?: string, options: { ownFolder?: boolean } = {}): void {
	const absolute = path.resolve(directory);
	try {
		const missing: string[] = [];
		for (let current = absolute; ; current = path.dirname(current)) {
			const stats = statOrMissing(current);
			if (stats !== undefined) {
				if (!stats.isDirectory()) throw new FileProblem(current, stats.isFile() ? 'it is a file, not a folder' : kindOf(stats));
				break;
			}
			missing.unshift(current);
			if (path.dirname(current) === current) break;
		}
		for (const folder of missing) {
			try {
				fs.mkdirSync(folder, { mode: privateDirectoryMode });
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			fs.chmodSync(folder, privateDirectoryMode);
		}
		if (options.ownFolder && missing.length === 0) tighten(absolute);
		fs.accessSync(absolute, fs.constants.W_OK | fs.constants.X_OK);
	} catch (error) {
		if (error instanceof FileProblem && error.path !== absolute) throw new FileProblem(directory, `${error.path}: ${error.reason}`, { cause: error, ...(purpose ? { as: purpose } : {}) });
		const reason = error instanceof FileProblem ? error.reason : describeFsError(error);
		throw new FileProblem(directory, reason, { cause: error, ...(purpose ? { as: purpose } : {}) });
	}
}

/**
 * The stats of a path, or undefined when it does not exist. A path under a file counts as missing too, so the
 * walk up reaches the file and names it: Node 20 throws ENOTDIR there, Node 22 and later return undefined.
 */
function statOrMissing(target: string): fs.Stats | undefined {
	try {
		return fs.statSync(target, { throwIfNoEntry: false });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
		throw error;
	}
}

/** An existing folder of ours left open by an older version or another umask: narrowed to its owner. */
function tighten(folder: string): void {
	const stats = fs.statSync(folder);
	if ((stats.mode & 0o777) !== privateDirectoryMode && process.getuid?.() === stats.uid) fs.chmodSync(folder, privateDirectoryMode);
}

/** `<stateDir>/<name>`, created private: the state folder's own subfolders (sessions, records, snapshots, lab). */
export function privateSubfolder(stateDir: string, name: string): string {
	const folder = path.join(stateDir, name);
	ensurePrivateDirectory(folder, undefined, { ownFolder: true });
	return folder;
}

/** `2026-11-26T07-12-00-123Z`: an ISO instant that is also a valid file name on Windows. */
export function fileTimestamp(date: Date = new Date()): string {
	return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Renames `file` (`x.json`) to `x.<label>-<time>.json` beside it, for a file that cannot be used but must not be
 * lost (a damaged session, farm or settings file), and returns the new path.
 */
export function keepAside(file: string, label: string): string {
	const stem = file.replace(/\.json$/, '');
	const stamp = fileTimestamp();
	let target = `${stem}.${label}-${stamp}.json`;
	for (let attempt = 2; fs.existsSync(target); attempt += 1) target = `${stem}.${label}-${stamp}-${attempt}.json`;
	try {
		fs.renameSync(file, target);
	} catch (error) {
		throw new FileProblem(file, `it cannot be moved aside to ${target}: ${describeFsError(error)}`, { cause: error });
	}
	return target;
}

/** Opens `file` for writing with mode 0600 whatever the umask (a file that existed already is narrowed too). */
export function openPrivateSync(file: string, flags: 'w' | 'a' | 'wx' | number): number {
	const descriptor = fs.openSync(file, flags, privateFileMode);
	try {
		fs.fchmodSync(descriptor, privateFileMode);
	} catch (error) {
		fs.closeSync(descriptor);
		throw error;
	}
	return descriptor;
}

async function openPrivate(file: string, flags: 'w' | 'a'): Promise<fsPromises.FileHandle> {
	const handle = await fsPromises.open(file, flags, privateFileMode);
	try {
		await handle.chmod(privateFileMode);
	} catch (error) {
		await handle.close();
		throw error;
	}
	return handle;
}

/** Appends `text` to `file`, created private. */
export async function appendPrivateFile(file: string, text: string): Promise<void> {
	const handle = await openPrivate(file, 'a');
	try {
		await handle.writeFile(text);
	} finally {
		await handle.close();
	}
}

/** Appends `text` to `file`, created private, synced to disk before returning. */
export function appendPrivateFileSync(file: string, text: string): void {
	const descriptor = openPrivateSync(file, 'a');
	try {
		fs.writeSync(descriptor, text);
		fs.fsyncSync(descriptor);
	} finally {
		fs.closeSync(descriptor);
	}
}

/**
 * Saves a topology snapshot, the file meant for `Publish-CsTopology -FileName` on rollback: anyone who could
 * rewrite it could choose the topology published then. Its folder is made private too; returns the path.
 */
export async function writePrivateSnapshot(file: string, contents: string): Promise<string> {
	ensurePrivateDirectory(path.dirname(file), undefined, { ownFolder: true });
	await replaceFile(file, contents);
	return file;
}

/** Creates `file` only if there is none (false then), private, with `text`. */
export function createPrivateFileSync(file: string, text: string): boolean {
	let descriptor: number;
	try {
		descriptor = openPrivateSync(file, 'wx');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	try {
		fs.writeSync(descriptor, text);
	} finally {
		fs.closeSync(descriptor);
	}
	return true;
}

/** The replaces of each file still in flight in this process: the last one's rename, which the next waits for. */
const lastRenames = new Map<string, { done: Promise<unknown>; temporaries: number }>();

/**
 * Which file a path holds, as far as this process can tell without reading it: device, inode, size and modification
 * time. A replace by rename brings another inode, a write in place another time or size.
 */
export type FileIdentity = string;

const identityFrom = (stats: fs.BigIntStats): FileIdentity => `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;

/** The identity of what `file` holds now, or undefined when there is nothing there. */
export function identityOf(file: string): FileIdentity | undefined {
	const stats = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
	return stats && identityFrom(stats);
}

/**
 * Replaces `file` with `contents` so that a reader, or a crash, sees the old file or the new one, never half of
 * one: a temporary file beside it, synced, then renamed over it. Written here rather than with atomically,
 * whose process-wide signal handlers delete a temporary file still being written and then raise the signal
 * again, which turned a Ctrl+C during a checkpoint write into a failed run. `durable: false` leaves out the
 * sync: a killed process still leaves the old file or the new one whole, a power cut may leave neither.
 *
 * Replaces of one file may overlap, so a write queued behind a slow one does not wait for its sync: each writes
 * and syncs its own temporary file (`<file>.<pid>.tmp`, numbered while another is in flight) at once, and the
 * renames happen in the order of the calls, so the file ends up holding the last call's contents. Resolves with the
 * identity of the file it put in place.
 */
export async function replaceFile(file: string, contents: string, { durable = true }: { durable?: boolean } = {}): Promise<FileIdentity> {
	const earlier = lastRenames.get(file);
	const temporary = earlier ? `${file}.${process.pid}.${++earlier.temporaries}.tmp` : `${file}.${process.pid}.tmp`;
	const written = writeTemporary(temporary, contents, durable);
	const done = (async () => {
		try {
			const identity = await written;
			// An earlier call's failure is its caller's to report; this one's contents are newer all the same.
			await earlier?.done.catch(() => undefined);
			await renameRetrying(temporary, file);
			return identity;
		} catch (error) {
			// What went wrong is the write's failure, not the clean-up's (a folder in the temporary file's place).
			await fsPromises.rm(temporary, { force: true }).catch(() => undefined);
			throw error;
		}
	})();
	const entry = { done, temporaries: earlier?.temporaries ?? 0 };
	lastRenames.set(file, entry);
	try {
		return await done;
	} finally {
		if (lastRenames.get(file) === entry) lastRenames.delete(file);
	}
}

/**
 * Opening, writing into the page cache and closing take microseconds: done here, on the event loop, each costs that;
 * handed to libuv's threads each costs a round trip through the event loop, which the caller waits for. The calls
 * that wait for the disk are handed off: the sync, and the rename (it waits for the file system's journal, 7 ms and
 * more at the 95th percentile on a loaded machine, where open, write and close stayed under 1 ms).
 */
async function writeTemporary(temporary: string, contents: string, durable: boolean): Promise<FileIdentity> {
	// Non-blocking: a named pipe left where the temporary file goes fails the write at once (ENXIO) instead of holding the event loop.
	const descriptor = openPrivateSync(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK);
	try {
		const bytes = Buffer.from(contents);
		for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(descriptor, bytes, offset);
		if (durable) await syncDescriptor(descriptor);
		// The rename keeps the inode, the size and the modification time: what the file will hold once renamed.
		return identityFrom(fs.fstatSync(descriptor, { bigint: true }));
	} finally {
		fs.closeSync(descriptor);
	}
}

/** fsync off the event loop: the disk's wait, not this process's. */
export function syncDescriptor(descriptor: number): Promise<void> {
	return new Promise((resolve, reject) => fs.fsync(descriptor, (error) => (error ? reject(error) : resolve())));
}

/** `replaceFile`, blocking the event loop while it writes; `temporary` names the file written before the rename. */
export function replaceFileSync(file: string, contents: string, { temporary = `${file}.${process.pid}.tmp` }: { temporary?: string } = {}): void {
	try {
		const descriptor = openPrivateSync(temporary, 'w');
		try {
			fs.writeSync(descriptor, contents);
			fs.fsyncSync(descriptor);
		} finally {
			fs.closeSync(descriptor);
		}
		fs.renameSync(temporary, file);
	} catch (error) {
		try {
			fs.rmSync(temporary, { force: true });
		} catch {
			// As in replaceFile: the write's failure is the one to report.
		}
		throw error;
	}
}

/** On Windows a virus scanner or indexer may hold the file a moment: the rename is tried again for about a second. */
async function renameRetrying(from: string, to: string): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await fsPromises.rename(from, to);
			return;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			const held = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
			if (process.platform !== 'win32' || !held || attempt >= 10) throw error;
			await new Promise((resolve) => setTimeout(resolve, attempt * 20));
		}
	}
}
