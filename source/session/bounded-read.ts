import fs from 'node:fs';
import { describeFsError, FileProblem, kindOf } from './private-fs.js';

export interface BoundedReadOptions {
	/** The most bytes the file may hold. */
	maxBytes: number;
	/** What the file is, for the refusal: "a topology document", "a session file". */
	what: string;
	/**
	 * False for files in the state folder: a link there is not something sfb-pair made, and following it would
	 * read (and quote) whatever file it points at.
	 */
	followSymlinks?: boolean;
	/** The refusal when the file is over `maxBytes`; by default a FileProblem naming the size and the limit. */
	tooLarge?: (bytes: number) => Error;
}

const { O_RDONLY, O_NONBLOCK = 0, O_NOFOLLOW = 0 } = fs.constants;

/** "3 kB", "2.5 MB", "3072 MB". */
function sizeText(bytes: number): string {
	if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} kB`;
	const value = bytes / (1024 * 1024);
	return `${value >= 100 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '')} MB`;
}

/**
 * The bytes of a regular file, at most `maxBytes` of them; undefined when there is no file. A folder, a named
 * pipe (which would block the read forever), a device such as /dev/zero (which never ends) and, unless
 * allowed, a symbolic link are refused before a byte is read, each as a FileProblem that says what it is.
 */
export function readBoundedFileSync(file: string, options: BoundedReadOptions): Buffer | undefined {
	const tooLarge = options.tooLarge ?? ((bytes: number) => new FileProblem(file, `it is ${sizeText(bytes)}, over the ${sizeText(options.maxBytes)} limit for ${options.what}`));
	let descriptor: number;
	try {
		if (!options.followSymlinks) {
			const link = fs.lstatSync(file, { throwIfNoEntry: false });
			if (link === undefined) return undefined;
			if (link.isSymbolicLink()) throw new FileProblem(file, kindOf(link));
		}
		// Non-blocking, so that opening a named pipe with no writer returns at once and fstat can refuse it.
		descriptor = fs.openSync(file, O_RDONLY | O_NONBLOCK | (options.followSymlinks ? 0 : O_NOFOLLOW));
	} catch (error) {
		if (error instanceof FileProblem) throw error;
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw new FileProblem(file, describeFsError(error), { cause: error });
	}
	try {
		const stats = fs.fstatSync(descriptor);
		if (!stats.isFile()) throw new FileProblem(file, kindOf(stats));
		if (stats.size > options.maxBytes) throw tooLarge(stats.size);
		// The file may grow while it is read: the buffer grows with it, up to one byte past the limit.
		let buffer = Buffer.alloc(Math.min(stats.size, options.maxBytes) + 1);
		let filled = 0;
		for (;;) {
			if (filled === buffer.length) {
				if (buffer.length > options.maxBytes) throw tooLarge(filled);
				const grown = Buffer.alloc(Math.min(buffer.length * 2, options.maxBytes + 1));
				buffer.copy(grown);
				buffer = grown;
			}
			const read = fs.readSync(descriptor, buffer, filled, buffer.length - filled, null);
			if (read === 0) break;
			filled += read;
		}
		return buffer.subarray(0, filled);
	} catch (error) {
		if (error instanceof Error && 'syscall' in error) throw new FileProblem(file, describeFsError(error), { cause: error });
		throw error;
	} finally {
		fs.closeSync(descriptor);
	}
}
