import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireSessionLock, SessionLockedError, type LockHolder } from '../../../source/session/session-lock.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const lockModule = pathToFileURL(path.join(projectRoot, 'source/session/session-lock.ts')).href;
const posix = process.platform !== 'win32';

let stateDir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
	stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-lock-'));
});

afterEach(() => {
	for (const child of children.splice(0)) {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
	}
	fs.rmSync(stateDir, { recursive: true, force: true });
});

interface Contender {
	child: ChildProcessWithoutNullStreams;
	/** Resolves once the process is running and waiting for `start`. */
	ready: Promise<void>;
	/** "won" or "locked" */
	verdict: Promise<string>;
	/** Makes the process try for the lock at this `Date.now()` time, so several can try within one millisecond. */
	start(at: number): void;
}

/** A separate Node process that tries to take the lock when told, reports, then holds on until killed. */
function contender(): Contender {
	const code = `
		import { acquireSessionLock } from ${JSON.stringify(lockModule)};
		process.stdin.setEncoding('utf8');
		process.stdout.write('ready\\n');
		const startAt = await new Promise((resolve) => process.stdin.once('data', (line) => resolve(Number(line))));
		while (Date.now() < startAt) {}
		let verdict;
		try {
			acquireSessionLock(${JSON.stringify(stateDir)}, 'pool1-pool2', { subject: 'pool1 ↔ pool2', command: 'sfb-pair --lab' });
			verdict = 'won';
		} catch (error) {
			verdict = error.name === 'SessionLockedError' ? 'locked' : 'error: ' + error.message;
		}
		process.stdout.write(verdict + '\\n');
		setInterval(() => {}, 60_000);
	`;
	const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: projectRoot });
	children.push(child);
	let errors = '';
	child.stderr.on('data', (chunk: Buffer) => {
		errors += chunk.toString();
	});
	const lines = new Promise<string[]>((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const complete = output.split('\n').slice(0, -1);
			if (complete.length >= 2) {
				resolve(complete);
			}
		});
		child.on('exit', (exitCode) => reject(new Error(`contender exited (${exitCode}) before deciding: ${errors}`)));
	});
	const ready = new Promise<void>((resolve, reject) => {
		child.stdout.once('data', () => resolve());
		child.once('exit', () => reject(new Error(`contender exited before it was ready: ${errors}`)));
	});
	return {
		child,
		ready,
		verdict: lines.then((all) => all[1] ?? ''),
		start: (at) => child.stdin.write(`${at}\n`),
	};
}

async function startTogether(contenders: Contender[]): Promise<string[]> {
	await Promise.all(contenders.map(({ ready }) => ready));
	const at = Date.now() + 100;
	for (const each of contenders) {
		each.start(at);
	}
	return Promise.all(contenders.map(({ verdict }) => verdict));
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) {
			resolve();
		} else {
			child.once('exit', () => resolve());
		}
	});
}

/** The pid of a process that has exited, so nothing answers to it. */
function deadPid(): number {
	const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
	return Number(result.stdout.toString());
}

function writeLock(holder: Partial<LockHolder>) {
	const lockPath = path.join(stateDir, 'pool1-pool2.lock');
	fs.writeFileSync(lockPath, JSON.stringify({
		pid: process.pid,
		host: os.hostname(),
		startedAt: '2026-11-26T07:12:00.000Z',
		command: 'sfb-pair',
		subject: 'pool1 ↔ pool2',
		token: 'someone-else',
		...holder,
	}));
	return lockPath;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lockFiles(): string[] {
	return fs.readdirSync(stateDir).filter((name) => name.includes('.lock'));
}

describe('acquireSessionLock', () => {
	it('creates a private lock file naming this process, and removes it on release', () => {
		const lock = acquireSessionLock(stateDir, 'pool1-pool2', { subject: 'pool1 ↔ pool2', command: 'sfb-pair --lab' });
		expect(lock.path).toBe(path.join(stateDir, 'pool1-pool2.lock'));
		const written = JSON.parse(fs.readFileSync(lock.path, 'utf8'));
		expect(written).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'sfb-pair --lab', subject: 'pool1 ↔ pool2' });
		expect(new Date(written.startedAt).toISOString()).toBe(written.startedAt);
		if (posix) {
			expect(fs.statSync(lock.path).mode & 0o777).toBe(0o600);
		}
		lock.release();
		expect(lockFiles()).toEqual([]);
		lock.release();
	});

	it('creates a missing state dir for its owner only', () => {
		const nested = path.join(stateDir, 'a', 'b');
		acquireSessionLock(nested, 'pool1-pool2').release();
		if (posix) {
			expect(fs.statSync(nested).mode & 0o777).toBe(0o700);
		}
	});

	it('refuses a second wizard in the same process and says who holds the lock', () => {
		const first = acquireSessionLock(stateDir, 'pool1-pool2', { subject: 'pool1 ↔ pool2' });
		let refusal: unknown;
		try {
			acquireSessionLock(stateDir, 'pool1-pool2');
		} catch (error) {
			refusal = error;
		}
		expect(refusal).toBeInstanceOf(SessionLockedError);
		const locked = refusal as SessionLockedError;
		expect(locked.holder).toEqual(first.holder);
		expect(locked.message).toMatch(
			new RegExp(`^another sfb-pair \\(pid ${process.pid} on ${os.hostname()}, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\) is working on pool1 ↔ pool2; wait for it or stop it \\(its lock is ${escape(path.join(stateDir, 'pool1-pool2.lock'))}\\)$`),
		);
		first.release();
		acquireSessionLock(stateDir, 'pool1-pool2').release();
	});

	it('refuses while another process holds the lock, and recovers it once that process is killed', async () => {
		const holder = contender();
		expect(await startTogether([holder])).toEqual(['won']);
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(
			new RegExp(`^another sfb-pair \\(pid ${holder.child.pid} on .+\\) is working on pool1 ↔ pool2; wait for it or stop it \\(its lock is .+pool1-pool2\\.lock\\)$`),
		);

		holder.child.kill('SIGKILL');
		await exited(holder.child);

		const lock = acquireSessionLock(stateDir, 'pool1-pool2');
		expect(JSON.parse(fs.readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
		expect(lockFiles()).toEqual(['pool1-pool2.lock']);
		lock.release();
	});

	it('lets exactly one of several processes recover a stale lock at once', async () => {
		writeLock({ pid: deadPid() });
		const contenders = Array.from({ length: 6 }, () => contender());
		const verdicts = await startTogether(contenders);
		expect(verdicts.filter((verdict) => verdict === 'won')).toHaveLength(1);
		expect(verdicts.filter((verdict) => verdict === 'locked')).toHaveLength(5);
		const winner = contenders[verdicts.indexOf('won')];
		expect(JSON.parse(fs.readFileSync(path.join(stateDir, 'pool1-pool2.lock'), 'utf8'))).toMatchObject({ pid: winner?.child.pid });
		expect(lockFiles()).toEqual(['pool1-pool2.lock']);
	});

	it('recovers a stale lock even when an earlier recoverer was killed halfway', () => {
		writeLock({ pid: deadPid() });
		const guard = path.join(stateDir, 'pool1-pool2.lock.recovering');
		fs.writeFileSync(guard, '4242\n');
		const aMinuteAgo = new Date(Date.now() - 60_000);
		fs.utimesSync(guard, aMinuteAgo, aMinuteAgo);
		const lock = acquireSessionLock(stateDir, 'pool1-pool2');
		expect(lock.holder.pid).toBe(process.pid);
		expect(lockFiles()).toEqual(['pool1-pool2.lock']);
	});

	it('leaves a stale lock to a recoverer that is at work and says to try again', () => {
		const lockPath = writeLock({ pid: deadPid() });
		const stale = fs.readFileSync(lockPath);
		fs.writeFileSync(path.join(stateDir, 'pool1-pool2.lock.recovering'), '4242\n');
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2', { subject: 'pool1 ↔ pool2' })).toThrow(
			`the session lock ${lockPath} keeps changing hands; another sfb-pair is starting for pool1 ↔ pool2: try again in a moment`,
		);
		expect(fs.readFileSync(lockPath)).toEqual(stale);
	});

	it('recovers the lock of a dead process on this machine', () => {
		writeLock({ pid: deadPid() });
		const lock = acquireSessionLock(stateDir, 'pool1-pool2');
		expect(lock.holder.pid).toBe(process.pid);
		expect(lockFiles()).toEqual(['pool1-pool2.lock']);
	});

	describe.runIf(fs.existsSync('/proc/self/stat'))('a pid reused by another process', () => {
		it('records the boot and the start time of the process that holds the lock', () => {
			const lock = acquireSessionLock(stateDir, 'pool1-pool2');
			const written = JSON.parse(fs.readFileSync(lock.path, 'utf8')) as LockHolder;
			expect(written.bootId).toBe(fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
			expect(written.processStart).toMatch(/^\d+$/);
			lock.release();
		});

		it('recovers a lock whose pid now belongs to a process that started at another time', () => {
			// This very process is alive: only its start time tells it from the holder that wrote the lock.
			writeLock({ pid: process.pid, processStart: '1', bootId: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() });
			const lock = acquireSessionLock(stateDir, 'pool1-pool2');
			expect(lock.holder.token).not.toBe('someone-else');
			lock.release();
		});

		it('recovers a lock written during an earlier boot of the machine, whatever runs under its pid now', () => {
			writeLock({ pid: process.pid, bootId: '00000000-0000-0000-0000-000000000000' });
			acquireSessionLock(stateDir, 'pool1-pool2').release();
		});

		it('still refuses a lock whose process is the one that wrote it', () => {
			const holder = JSON.parse(fs.readFileSync(acquireSessionLock(path.join(stateDir, 'probe'), 'x').path, 'utf8')) as LockHolder;
			writeLock({ pid: process.pid, processStart: holder.processStart, bootId: holder.bootId });
			expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(SessionLockedError);
		});

		it('still refuses a lock from an older sfb-pair, which recorded only the pid, while that pid runs', () => {
			writeLock({ pid: process.pid });
			expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(SessionLockedError);
		});
	});

	it('a folder in place of the lock file: cannot use it, naming the path', () => {
		fs.mkdirSync(path.join(stateDir, 'pool1-pool2.lock'));
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(/^cannot use \S+pool1-pool2\.lock: it is a folder, not a file$/);
	});

	it('never recovers a lock held on another machine, whose processes it cannot see', () => {
		const lockPath = writeLock({ pid: deadPid(), host: 'JUMP02' });
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(
			new RegExp(`^another sfb-pair \\(pid \\d+ on JUMP02, started .+\\) is working on pool1 ↔ pool2; wait for it or stop it; if it is no longer running there, delete ${lockPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
		);
		expect(fs.existsSync(lockPath)).toBe(true);
	});

	it('shows the start time in local time, to the minute', () => {
		const zone = process.env.TZ;
		process.env.TZ = 'Europe/Zurich';
		try {
			writeLock({ pid: process.pid, startedAt: '2026-11-26T06:12:30.000Z' });
			expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(`started 2026-11-26 07:12)`);
		} finally {
			process.env.TZ = zone;
		}
	});

	it('keeps terminal control sequences from a tampered lock file out of its message', () => {
		writeLock({ host: `JUMP01\u001b[2J\u001b]0;pwned\u0007`, subject: 'pool1\r\u001b[1Afake prompt' });
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(/on JUMP01,.*working on pool1 fake prompt;/);
	});

	it('refuses a recent unreadable lock file, which may be another wizard starting', () => {
		const lockPath = path.join(stateDir, 'pool1-pool2.lock');
		fs.writeFileSync(lockPath, '{"pid": 12');
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(
			`the session lock ${lockPath} cannot be read and is less than 2 minutes old; another sfb-pair may be starting: try again, or delete it if none is running`,
		);
		expect(fs.readFileSync(lockPath, 'utf8')).toBe('{"pid": 12');
	});

	it('recovers an unreadable lock file once it is older than the grace period', () => {
		const lockPath = path.join(stateDir, 'pool1-pool2.lock');
		fs.writeFileSync(lockPath, 'garbage');
		const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
		fs.utimesSync(lockPath, tenMinutesAgo, tenMinutesAgo);
		const lock = acquireSessionLock(stateDir, 'pool1-pool2');
		expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({ token: lock.holder.token });
	});

	it('treats a lock file with an impossible pid as unreadable rather than probing it', () => {
		const lockPath = writeLock({ pid: 0 });
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(/cannot be read/);
		writeLock({ pid: -1 });
		expect(() => acquireSessionLock(stateDir, 'pool1-pool2')).toThrow(/cannot be read/);
		expect(fs.existsSync(lockPath)).toBe(true);
	});

	it('does not remove a lock that is no longer its own on release', () => {
		const lock = acquireSessionLock(stateDir, 'pool1-pool2');
		const lockPath = writeLock({ token: 'a-later-wizard' });
		lock.release();
		expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toMatchObject({ token: 'a-later-wizard' });
	});

	it('keeps separate pairs apart', () => {
		const first = acquireSessionLock(stateDir, 'pool1-pool2');
		const second = acquireSessionLock(stateDir, 'pool3-pool4');
		expect(lockFiles().sort()).toEqual(['pool1-pool2.lock', 'pool3-pool4.lock']);
		first.release();
		second.release();
	});
});
