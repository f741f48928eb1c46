import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairKey, sessionsDir } from '../../source/session/session-files.js';
import { DEFAULT_BACKUP, DEFAULT_POOL, leaveAfterPairing, requireTmux, TmuxTerminal } from '../helpers/tmux.js';

/** The farm decides what is done: a session file lost after publishing, as `pools`, `plan`, `status`, `run` and the wizard see it. */

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const POOL = DEFAULT_POOL;
const BACKUP = DEFAULT_BACKUP;
const SERVERS = ['red-fe01', 'red-fe02', 'red-fe03', 'dub-fe01', 'dub-fe02', 'dub-fe03'].map((name) => `${name}.contoso.com`);
const RUN = ['run', '--lab', '--pool', POOL, '--backup', BACKUP, '--yes'];

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

function cli(stateDir: string, ...args: string[]): Promise<Result> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args, '--state-dir', stateDir], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
			resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
		});
	});
}

/** `run` killed once two servers of each pool are bootstrapped, its session file then lost: the farm half done. */
async function halfDoneWithoutSession(): Promise<string> {
	const stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-farm-truth-'));
	await new Promise<void>((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...RUN, '--time-scale', '200', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
		let succeeded = 0;
		let killed = false;
		createInterface({ input: child.stdout }).on('line', (line) => {
			if (!killed && / Bootstrapper succeeded/.test(line) && ++succeeded === 4) killed = child.kill('SIGKILL');
		});
		child.on('error', reject);
		child.on('close', () => (killed ? resolve() : reject(new Error('the run ended before four servers were bootstrapped'))));
	});
	rmSync(join(sessionsDir(stateDir), `${pairKey(POOL, BACKUP)}.json`));
	return stateDir;
}

const farm = (stateDir: string) =>
	JSON.parse(readFileSync(join(stateDir, 'lab', 'default.farm.json'), 'utf8')) as { pairingWrites: number; servers: Record<string, { bootstrapperRuns: number; bootstrapper: { state: string } }> };

const stateDirs: string[] = [];
afterAll(() => {
	for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

describe('a pair published and not finished, its session file lost', () => {
	let stateDir: string;
	beforeAll(async () => {
		stateDir = await halfDoneWithoutSession();
		stateDirs.push(stateDir);
	});

	it('pools shows it paired and unfinished, with what remains; plan and status read the same probes', async () => {
		const pools = await cli(stateDir, 'pools', '--lab', '--json');
		expect(pools.code, pools.stderr).toBe(0);
		const entries = (JSON.parse(pools.stdout) as { pools: { fqdn: string; pairedWith: string | null; pairState: string; remaining: string[] }[] }).pools;
		const ours = entries.filter((entry) => [POOL, BACKUP].includes(entry.fqdn));
		expect(ours.map((entry) => [entry.pairedWith, entry.pairState])).toEqual([
			[BACKUP, 'unfinished'],
			[POOL, 'unfinished'],
		]);
		expect(ours[0]!.remaining.some((line) => /^(red|dub)-fe03\.contoso\.com: Backup Service installed \(Bootstrapper\): .*LYNCBACKUP is not installed$/.test(line))).toBe(true);
		expect(entries.find((entry) => entry.fqdn === 'pool-redmond-b.contoso.com')?.pairState).toBe('complete');
		const text = await cli(stateDir, 'pools', '--lab');
		expect(text.stdout).toContain(`paired with ${BACKUP}, unfinished`);
		expect(text.stdout).toContain(`sfb-pair run --pool ${POOL} --backup ${BACKUP} --yes`);

		const status = await cli(stateDir, 'status', '--lab', '--pool', POOL);
		expect(status.code, status.stdout).toBe(3);
		expect(status.stdout).toContain(`${POOL} ↔ ${BACKUP}: paired, unfinished`);
		expect(status.stdout).toMatch(/^red-fe01\.contoso\.com +pool-redmond\.contoso\.com +done +done +not done +not done$/m);

		const plan = await cli(stateDir, 'plan', '--lab', '--pool', POOL, '--backup', BACKUP, '--json');
		expect(plan.code, plan.stderr).toBe(0);
		const planned = JSON.parse(plan.stdout) as { state: string; steps: { step: string; skipped: string | null; remaining: number; commands: { target: string; observation: { state: string } | null }[] }[] };
		expect(planned.state).toBe('unfinished');
		const step = (id: string) => planned.steps.find((entry) => entry.step === id)!;
		expect(step('publish').skipped).toBe('already paired both ways: nothing to write');
		expect(step('bootstrapper').remaining).toBe(2);
		expect(step('cumulative-update').remaining).toBe(6);
	});

	it('run finishes it from what the farm shows: nothing published or bootstrapped twice; then it says the pair is complete', async () => {
		const before = farm(stateDir);
		const done = SERVERS.filter((server) => before.servers[server]?.bootstrapper.state === 'done');
		expect(done).toHaveLength(4);

		const finished = await cli(stateDir, ...RUN, '--time-scale', '2000');
		expect(finished.code, finished.stdout + finished.stderr).toBe(0);
		expect(finished.stdout).toContain('step 6 Confirm and publish: done (already paired: nothing written)');
		const after = farm(stateDir);
		expect(after.pairingWrites).toBe(1);
		// A server bootstrapped before the kill is not bootstrapped again; one cut short by it runs once more.
		for (const server of SERVERS) expect(after.servers[server]?.bootstrapperRuns).toBe(done.includes(server) ? 1 : before.servers[server]!.bootstrapperRuns + 1);

		const again = await cli(stateDir, ...RUN);
		expect(again.code, again.stdout).toBe(0);
		expect(again.stdout).toContain(`done: ${POOL} and ${BACKUP} are already paired and complete`);
		expect(again.stdout).not.toMatch(/started$/m);
		const status = await cli(stateDir, 'status', '--lab', '--pool', POOL, '--json');
		expect(status.code).toBe(0);
		expect((JSON.parse(status.stdout) as { state: string }).state).toBe('complete');
	});
});

describe('the wizard and a pair published but not finished', () => {
	beforeAll(() => requireTmux());

	it('offers to finish it before the pool picker, and finishing it runs only what remains', async () => {
		const stateDir = await halfDoneWithoutSession();
		stateDirs.push(stateDir);
		const before = farm(stateDir);
		const terminal = await TmuxTerminal.start(['--lab', '--time-scale', '1000'], { stateDir });
		try {
			const offer = await terminal.waitFor('Pair two other pools', 20_000);
			expect(offer).toContain(`Finish ${POOL} ↔ ${BACKUP}`);
			expect(offer).toContain('unfinished: CU re-apply on 4, Bootstrapper on 2, sync on 2');
			await terminal.keys('Enter');
			await terminal.waitForHistory(/the farm now: pool-redmond\.contoso\.com ↔ pool-dublin\.contoso\.com/, 20_000);
			await terminal.waitFor('Run the update installer on all 6 servers now', 30_000);
			await terminal.keys('Enter');
			await leaveAfterPairing(terminal, 60_000);
			expect(await terminal.exitCode(20_000)).toBe(0);
			expect(farm(stateDir).pairingWrites).toBe(1);
			for (const server of SERVERS) {
				const runsBefore = before.servers[server]!.bootstrapperRuns;
				expect(farm(stateDir).servers[server]?.bootstrapperRuns).toBe(before.servers[server]!.bootstrapper.state === 'done' ? runsBefore : runsBefore + 1);
			}
		} finally {
			await terminal.dispose();
		}
	}, 120_000);
});
