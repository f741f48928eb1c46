import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../source/environments/lab/clock.js';
import { farmFileAt } from '../../../source/environments/lab/farm-file.js';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { parseScenario } from '../../../source/environments/lab/scenario.js';
import { FileProblem } from '../../../source/session/private-fs.js';

/**
 * The lab farm file as the work writes it: after the turn of the event loop, the newest state next;
 * what a call reports is on disk when it returns; a second Ctrl+C (process.exit) still leaves the newest
 * state, and a kill at any moment leaves a whole farm.
 */

const projectRoot = path.resolve(import.meta.dirname, '../../..');
const RED = 'pool-redmond.contoso.com';
const SERVERS = ['red-fe01.contoso.com', 'red-fe02.contoso.com', 'red-fe03.contoso.com', 'dub-fe01.contoso.com', 'dub-fe02.contoso.com', 'dub-fe03.contoso.com'];

let stateDir: string;
beforeEach(() => {
	stateDir = fs.mkdtempSync(path.join(tmpdir(), 'sfb-pair-farm-file-'));
});
afterEach(() => {
	vi.restoreAllMocks();
	fs.rmSync(stateDir, { recursive: true, force: true });
});

const scenario = () => parseScenario({ extends: 'default', name: 'test', description: 'default farm under test' }, 'test.json');

async function openLab(clock = new ManualClock({ start: 0 })) {
	const lab = await openLabEnvironment({ stateDir, scenario: scenario(), clock, timeScale: 1 });
	await lab.writePairing({ pool: RED, backup: 'pool-dublin.contoso.com', voice: { automaticFailover: false, failoverSeconds: 300, failbackSeconds: 600 } });
	return { lab, clock };
}

/** The lines of a child's script that open the lab on the test's state folder as `lab`. */
const openLabInChild = () => [
	"const { ManualClock } = await import('./source/environments/lab/clock.ts');",
	"const { openLabEnvironment } = await import('./source/environments/lab/lab-environment.ts');",
	"const { parseScenario } = await import('./source/environments/lab/scenario.ts');",
	"const scenario = parseScenario({ extends: 'default', name: 'test', description: 'x' }, 'test.json');",
	`const lab = await openLabEnvironment({ stateDir: ${JSON.stringify(stateDir)}, scenario, clock: new ManualClock({ start: 0 }), timeScale: 1 });`,
];

const onDisk = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { servers: Record<string, { bootstrapper: { state: string } }>; syncRequests: Record<string, number[]> };

/** Every replacement of `file`, made through either rename. */
function countReplacements(file: string): () => number {
	let count = 0;
	const renameSync = fs.renameSync;
	const rename = fsPromises.rename;
	vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
		if (to === file) count += 1;
		renameSync(from, to);
	});
	vi.spyOn(fsPromises, 'rename').mockImplementation(async (from, to) => {
		if (to === file) count += 1;
		await rename(from, to);
	});
	return () => count;
}

describe('the lab farm file', () => {
	it('takes the changes of calls made together in one write, not one write each', async () => {
		const { lab } = await openLab();
		const replacements = countReplacements(lab.farmPath);
		await Promise.all(SERVERS.map((server) => lab.runBootstrapper(server)));
		expect(SERVERS.map((server) => onDisk(lab.farmPath).servers[server]?.bootstrapper.state)).toEqual(SERVERS.map(() => 'done'));
		expect(replacements(), 'six runs started in one turn of the event loop, then six ends').toBeLessThanOrEqual(1 + SERVERS.length);
	});

	it('is read by each call as this process last left it, before that is on disk', async () => {
		const { lab } = await openLab();
		await Promise.all([lab.startBackupSync(RED), lab.startBackupSync(RED), lab.startBackupSync(RED)]);
		expect(onDisk(lab.farmPath).syncRequests[RED]).toHaveLength(3);
	});

	it('holds what a call reports by the time the call returns', async () => {
		const { lab } = await openLab();
		expect((await lab.runBootstrapper('red-fe01.contoso.com')).exitCode).toBe(0);
		expect(onDisk(lab.farmPath).servers['red-fe01.contoso.com']?.bootstrapper.state).toBe('done');
	});

	it('is not read and parsed again at every call while the file is the one this process wrote', async () => {
		const { lab } = await openLab();
		await lab.runBootstrapper('red-fe01.contoso.com');
		const openSync = vi.spyOn(fs, 'openSync');
		const opensOfFarm = () => openSync.mock.calls.filter(([file]) => file === lab.farmPath).length;
		expect(lab.readFarm().servers['red-fe01.contoso.com']?.bootstrapper.state).toBe('done');
		expect((await lab.readService('red-fe01.contoso.com', 'LYNCBACKUP')).state).not.toBe('NotInstalled');
		expect(opensOfFarm()).toBe(0);
	});

	it('is read again once the file is another: changed in place to the same size, or replaced', async () => {
		const { lab } = await openLab();
		await lab.runBootstrapper('red-fe01.contoso.com');
		const text = fs.readFileSync(lab.farmPath, 'utf8');
		expect(text).toContain('"bootstrapperRuns": 1,');
		// By hand, in place: same inode, same size; its modification time is what differs.
		fs.writeFileSync(lab.farmPath, text.replace('"bootstrapperRuns": 1,', '"bootstrapperRuns": 7,'));
		const later = new Date(Date.now() + 3_600_000);
		fs.utimesSync(lab.farmPath, later, later);
		expect(lab.readFarm().servers['red-fe01.contoso.com']?.bootstrapperRuns).toBe(7);
		// Another process's write: a file of its own renamed over this one.
		fs.writeFileSync(`${lab.farmPath}.other`, text.replace('"bootstrapperRuns": 1,', '"bootstrapperRuns": 8,'));
		fs.renameSync(`${lab.farmPath}.other`, lab.farmPath);
		expect(lab.readFarm().servers['red-fe01.contoso.com']?.bootstrapperRuns).toBe(8);
	});

	it('a farm that cannot be written fails the call that changed it, naming the file, and every call after', async () => {
		const { lab } = await openLab();
		// A folder where the write's temporary file goes: refused whoever runs the test, root included.
		fs.mkdirSync(`${lab.farmPath}.${process.pid}.tmp`);
		const problem = await lab.startBackupSync(RED).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(problem).toBeInstanceOf(FileProblem);
		expect((problem as FileProblem).message).toBe(`cannot use ${lab.farmPath}: it is a folder, not a file`);
		await expect(lab.readPairing(RED)).rejects.toBe(problem);
		await expect(lab.dispose()).rejects.toBe(problem);
	});

	it('a process that exits at once (a second Ctrl+C) still leaves the newest state on disk', () => {
		const script = [
			...openLabInChild(),
			"for (const server of ['red-fe01.contoso.com', 'red-fe02.contoso.com', 'dub-fe01.contoso.com']) void lab.runBootstrapper(server);",
			'process.exit(130);',
		].join('\n');
		const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
		expect(child.stderr).toBe('');
		expect(child.status).toBe(130);
		const farm = onDisk(path.join(stateDir, 'lab', 'test.farm.json'));
		expect(['red-fe01.contoso.com', 'red-fe02.contoso.com', 'dub-fe01.contoso.com'].map((server) => farm.servers[server]?.bootstrapper.state)).toEqual(['running', 'running', 'running']);
		expect(fs.readdirSync(path.join(stateDir, 'lab')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
	});

	it('a process killed while it writes leaves a whole farm, the old or the new', async () => {
		const script = [
			...openLabInChild(),
			"await lab.writePairing({ pool: 'pool-redmond.contoso.com', backup: 'pool-dublin.contoso.com', voice: { automaticFailover: false, failoverSeconds: 300, failbackSeconds: 600 } });",
			"process.stdout.write('writing\\n');",
			"for (;;) await lab.startBackupSync('pool-redmond.contoso.com');",
		].join('\n');
		const farmFile = path.join(stateDir, 'lab', 'test.farm.json');
		for (const afterMs of [5, 20, 45]) {
			const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot });
			await new Promise<void>((resolve, reject) => {
				child.stdout.on('data', (chunk: Buffer) => {
					if (chunk.toString().includes('writing')) setTimeout(resolve, afterMs);
				});
				child.on('exit', () => reject(new Error('the writer ended by itself')));
			});
			child.kill('SIGKILL');
			await new Promise((resolve) => child.once('close', resolve));
			expect(() => onDisk(farmFile), `killed ${afterMs} ms into its writes`).not.toThrow();
			const lab = await openLabEnvironment({ stateDir, scenario: scenario(), clock: new ManualClock({ start: 0 }), timeScale: 1 });
			expect(await lab.readPairing(RED)).toBe('pool-dublin.contoso.com');
			fs.rmSync(farmFile);
			await farmFileAt(farmFile).written();
		}
	});
});
