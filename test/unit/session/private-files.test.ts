import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readBoundedFileSync } from '../../../source/session/bounded-read.js';
import { openChangeRecord } from '../../../source/session/change-record.js';
import { appendPrivateFile, asFileProblem, ensurePrivateDirectory, FileProblem, replaceFile, writePrivateSnapshot } from '../../../source/session/private-fs.js';

const posix = process.platform !== 'win32';
let folder: string;
let umask: number;

beforeEach(() => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-private-'));
	umask = process.umask();
});
afterEach(() => {
	process.umask(umask);
	vi.restoreAllMocks();
	fs.rmSync(folder, { recursive: true, force: true });
});

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe.runIf(posix)('private folders and files, whatever the umask', () => {
	it.each([0o000, 0o022, 0o277])('umask %o: folders 0700, snapshot, appended and replaced files 0600', async (mask) => {
		process.umask(mask);
		const nested = path.join(folder, 'a', 'b');
		ensurePrivateDirectory(nested);
		expect([mode(path.join(folder, 'a')), mode(nested)]).toEqual(['700', '700']);
		const snapshot = await writePrivateSnapshot(path.join(folder, 'snapshots', 'topology.xml'), '<Topology/>');
		await appendPrivateFile(path.join(folder, 'transcript.log'), 'one\n');
		await appendPrivateFile(path.join(folder, 'transcript.log'), 'two\n');
		await replaceFile(path.join(folder, 'checkpoint.json'), '{}');
		expect([mode(path.join(folder, 'snapshots')), mode(snapshot), mode(path.join(folder, 'transcript.log')), mode(path.join(folder, 'checkpoint.json'))]).toEqual(['700', '600', '600', '600']);
		expect(fs.readFileSync(path.join(folder, 'transcript.log'), 'utf8')).toBe('one\ntwo\n');
	});

	it('narrows a transcript an older version left readable by everyone', async () => {
		const transcript = path.join(folder, 'powershell-transcript.log');
		fs.writeFileSync(transcript, 'old\n', { mode: 0o666 });
		fs.chmodSync(transcript, 0o666);
		await appendPrivateFile(transcript, 'new\n');
		expect(mode(transcript)).toBe('600');
	});

	it('leaves the mode of an existing state folder the operator chose', () => {
		fs.chmodSync(folder, 0o755);
		ensurePrivateDirectory(folder, 'state folder');
		expect(mode(folder)).toBe('755');
	});
});

describe('bounded reads', () => {
	it('reads a regular file, and says there is none', () => {
		fs.writeFileSync(path.join(folder, 'a.json'), '{}');
		expect(readBoundedFileSync(path.join(folder, 'a.json'), { maxBytes: 10, what: 'a test file' })?.toString()).toBe('{}');
		expect(readBoundedFileSync(path.join(folder, 'none.json'), { maxBytes: 10, what: 'a test file' })).toBeUndefined();
	});

	it.runIf(posix)('refuses a device, a folder, a FIFO and (unless allowed) a link, before reading', () => {
		const fifo = path.join(folder, 'pipe');
		execFileSync('mkfifo', [fifo]);
		fs.writeFileSync(path.join(folder, 'target'), 'secret');
		fs.symlinkSync(path.join(folder, 'target'), path.join(folder, 'link'));
		const read = (file: string, followSymlinks = true) => () => readBoundedFileSync(file, { maxBytes: 1024, what: 'a test file', followSymlinks });
		expect(read('/dev/zero')).toThrow('cannot use /dev/zero: it is a device, not a file');
		expect(read(folder)).toThrow(`cannot use ${folder}: it is a folder, not a file`);
		expect(read(fifo)).toThrow(`cannot use ${fifo}: it is a named pipe (FIFO), not a file`);
		expect(read(path.join(folder, 'link'), false)).toThrow(/it is a symbolic link/);
		expect(read(path.join(folder, 'link'))()?.toString()).toBe('secret');
	});

	it('refuses a file over the limit by its size', () => {
		fs.writeFileSync(path.join(folder, 'big'), 'x'.repeat(2048));
		expect(() => readBoundedFileSync(path.join(folder, 'big'), { maxBytes: 1024, what: 'a test file' })).toThrow(/it is 2 kB, over the 1 kB limit for a test file$/);
	});
});

describe('filesystem errors name the path', () => {
	it('a Node error with a path becomes "cannot use PATH: reason"', () => {
		const error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/state/records/x.jsonl' });
		expect(asFileProblem(error)?.message).toBe('cannot use /state/records/x.jsonl: the disk is full');
		expect(asFileProblem(new Error('not a file-system error'))).toBeUndefined();
	});

	it('a full disk while the change record is written names the record file, not "unexpected error"', async () => {
		const record = openChangeRecord({ dir: path.join(folder, 'records'), sessionId: 's1', title: 'Pair', environment: 'LAB' });
		await record.flush();
		vi.spyOn(fs, 'writeSync').mockImplementation(() => {
			throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
		});
		// The entry's caller goes on; the next call to the farm, which waits for the record, gets the failure.
		record.note('hello', new Date().toISOString());
		const thrown = await record.written().catch((error: unknown) => error);
		expect((thrown as Error).cause).toBeInstanceOf(FileProblem);
		expect((thrown as Error).message).toBe(`cannot use ${path.join(folder, 'records', 's1.jsonl')}: the disk is full`);
	});
});

describe('replaceFile, called again before the last call landed', () => {
	it('writes each call whole and lands them in call order: the file holds the last one, and no temporary file is left', async () => {
		const file = path.join(folder, 'checkpoint.json');
		// The first call's write is the slow one (16 MB): it must still not land over the later, small ones.
		const calls = [JSON.stringify({ state: 1, padding: 'x'.repeat(16 * 1024 * 1024) }), JSON.stringify({ state: 2 }), JSON.stringify({ state: 3 })];
		const landed: number[] = [];
		await Promise.all(calls.map((contents, index) => replaceFile(file, contents).then(() => landed.push(index + 1))));
		expect(landed).toEqual([1, 2, 3]);
		expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ state: 3 });
		expect(fs.readdirSync(folder)).toEqual(['checkpoint.json']);
	});

	it.runIf(posix)('fails at once, naming no half-written file, when a named pipe is where its temporary file goes', async () => {
		const file = path.join(folder, 'checkpoint.json');
		fs.writeFileSync(file, 'old');
		execFileSync('mkfifo', [`${file}.${process.pid}.tmp`]);
		await expect(replaceFile(file, 'new')).rejects.toMatchObject({ code: 'ENXIO' });
		expect(fs.readFileSync(file, 'utf8')).toBe('old');
	});

	it('a failed call does not stop a later one from landing', async () => {
		const file = path.join(folder, 'farm.json');
		// A folder where the first call's temporary file goes.
		fs.mkdirSync(`${file}.${process.pid}.tmp`);
		const first = replaceFile(file, 'one');
		const second = replaceFile(file, 'two');
		await expect(first).rejects.toThrow();
		await second;
		expect(fs.readFileSync(file, 'utf8')).toBe('two');
	});
});
