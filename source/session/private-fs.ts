import fs from 'node:fs';
import fsPromises from 'node:fs/promises';

/** The state dir holds checkpoints and change records of production changes: only its owner may read it. */
export const privateDirectoryMode = 0o700;
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

/**
 * Creates `directory` (and missing parents) readable by its owner only, and checks it can be written.
 * An existing folder keeps its mode: it may be one the operator chose and shares on purpose.
 */
export function ensurePrivateDirectory(directory: string, purpose: string): void {
	try {
		const firstCreated = fs.mkdirSync(directory, { recursive: true, mode: privateDirectoryMode });
		if (firstCreated !== undefined) {
			fs.chmodSync(directory, privateDirectoryMode);
		}
		fs.accessSync(directory, fs.constants.W_OK | fs.constants.X_OK);
	} catch (error) {
		throw new Error(`cannot use ${directory} as the ${purpose}: ${describeFsError(error)}`, { cause: error });
	}
}

/** `2026-11-26T07-12-00-123Z`: an ISO instant that is also a valid file name on Windows. */
export function fileTimestamp(date: Date = new Date()): string {
	return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Replaces `file` with `contents` so that a reader, or a crash, sees the old file or the new one, never half of
 * one: a temporary file beside it, synced, then renamed over it. Written here rather than with atomically,
 * whose process-wide signal handlers delete a temporary file still being written and then raise the signal
 * again, which turned a Ctrl+C during a checkpoint write into a failed run.
 */
export async function replaceFile(file: string, contents: string): Promise<void> {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		const handle = await fsPromises.open(temporary, 'w', privateFileMode);
		try {
			await handle.writeFile(contents);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await renameRetrying(temporary, file);
	} catch (error) {
		await fsPromises.rm(temporary, { force: true });
		throw error;
	}
}

/** `replaceFile`, blocking the event loop while it writes. */
export function replaceFileSync(file: string, contents: string): void {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		const descriptor = fs.openSync(temporary, 'w', privateFileMode);
		try {
			fs.writeSync(descriptor, contents);
			fs.fsyncSync(descriptor);
		} finally {
			fs.closeSync(descriptor);
		}
		fs.renameSync(temporary, file);
	} catch (error) {
		fs.rmSync(temporary, { force: true });
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
