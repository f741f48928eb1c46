import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readChangeRecord } from '../../source/session/change-record.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const [sea01] = POOL_A.servers as [string];

describeWithPwsh('sfb-pair run --live on pwsh with the stand-in module', (pwsh) => {
	let farm: StandInFarm;
	let stateDir: string;

	beforeEach(() => {
		farm = createStandInFarm();
		stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-live-cli-'));
	});
	afterEach(() => {
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	const fastPacing = ['--sync-poll', '1', '--service-settle', '1'];
	const run = ['run', '--pool', POOL_A.fqdn, '--backup', POOL_B.fqdn, '--yes', ...fastPacing];
	const args = (extra: string[]) => [CLI, ...extra, '--live', '--powershell', pwsh, '--state-dir', stateDir];
	const env = () => ({ ...process.env, SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) });
	const cli = (...extra: string[]) => spawnSync(process.execPath, args(extra), { encoding: 'utf8', timeout: 240_000, env: env() });
	const record = () => {
		const folder = join(stateDir, 'records');
		return readdirSync(folder)
			.filter((file) => file.endsWith('.jsonl'))
			.flatMap((file) => readChangeRecord(join(folder, file)));
	};

	it('walks the procedure as in the lab: stops for the CU the operator must re-apply, then, re-applied, resumes to steady sync', () => {
		const pools = cli('pools', '--json');
		expect(pools.status, pools.stderr).toBe(0);
		expect(JSON.parse(pools.stdout).pools.map((pool: { fqdn: string; eligible: boolean }) => [pool.fqdn, pool.eligible])).toEqual([
			[POOL_A.fqdn, true],
			[POOL_B.fqdn, true],
		]);

		const everyServer = [...POOL_A.servers, ...POOL_B.servers];
		const oneEach = Object.fromEntries(everyServer.map((server) => [server, 1]));
		const sessionsOpenedAndClosed = () => {
			const { connections, closedSessions } = farm.read();
			farm.update((state) => {
				state.connections = {};
				state.closedSessions = {};
			});
			return { connections, closedSessions };
		};
		// Each invocation opens one remote session per server and closes them when it ends.
		expect(sessionsOpenedAndClosed()).toEqual({ connections: oneEach, closedSessions: oneEach });

		const first = cli(...run);
		expect(first.status, first.stdout + first.stderr).toBe(3);
		expect(first.stdout).toMatch(/LIVE · pwsh 7\.\d+\.\d+ · SkypeForBusiness/);
		expect(first.stdout).toContain('pairing read back from the published configuration');
		for (const server of [...POOL_A.servers, ...POOL_B.servers]) expect(first.stdout).toContain(`${server}: Bootstrapper succeeded (exit 0), verified on the farm`);
		expect(first.stdout).toMatch(/re-apply the Cumulative Update on every server .* --resume: each server's Backup Service version is checked/);
		expect(sessionsOpenedAndClosed()).toEqual({ connections: oneEach, closedSessions: oneEach });

		farm.reapplyCumulativeUpdate(everyServer);
		const resumed = cli(...run, '--resume');
		expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
		expect(resumed.stdout).toContain(`done: ${POOL_A.fqdn} and ${POOL_B.fqdn} are paired`);
		expect(sessionsOpenedAndClosed()).toEqual({ connections: oneEach, closedSessions: oneEach });
		expect(resumed.stdout).not.toContain('Bootstrapper started');
		expect(resumed.stdout).toContain('step CU Cumulative Update: done');
		expect(first.stdout.match(/pairing written and topology enabled/g)).toHaveLength(1);
		expect(resumed.stdout).not.toContain('pairing written');
		expect(farm.read().registrars[POOL_A.fqdn]?.backupRegistrar).toMatch(/pool02\.contoso\.com/);
	}, 600_000);

	it('stopped by a signal during Bootstrapper: exits 130, Bootstrapper is stopped on the server, and every remote session is closed', async () => {
		farm.update((state) => {
			state.servers[sea01]!.bootstrapper.lineDelayMs = 1_000;
		});
		const status = await new Promise<number | null>((resolve, reject) => {
			const child = spawn(process.execPath, args(run), { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
			let signalled = false;
			createInterface({ input: child.stdout }).on('line', (line) => {
				if (!signalled && line.includes(`${sea01}: Bootstrapper.exe version`)) signalled = child.kill('SIGTERM');
			});
			child.on('error', reject);
			child.on('close', (code) => (signalled ? resolve(code) : reject(new Error('the run ended before Bootstrapper ran on sea-fe01'))));
		});
		expect(status).toBe(130);
		const { connections, closedSessions, servers } = farm.read();
		expect(closedSessions).toEqual(connections);
		expect(connections[sea01]).toBe(1);
		expect(servers[sea01]!.services.LYNCBACKUP).toBeUndefined();
	}, 600_000);

	it('killed during Bootstrapper: the resumed record says the run started and its outcome is unknown, then what the farm showed', async () => {
		farm.update((state) => {
			state.servers[sea01]!.bootstrapper.lineDelayMs = 300;
		});
		await new Promise<void>((resolve, reject) => {
			const child = spawn(process.execPath, args(run), { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
			let killed = false;
			createInterface({ input: child.stdout }).on('line', (line) => {
				// Its first output line: the checkpoint holds the start, and Bootstrapper is running on the server.
				if (!killed && line.includes(`${sea01}: Bootstrapper.exe version`)) killed = child.kill('SIGKILL');
			});
			child.on('error', reject);
			child.on('close', () => (killed ? resolve() : reject(new Error('the run ended before Bootstrapper ran on sea-fe01'))));
		});
		// The PowerShell the killed run left behind carries on with what it was doing, as on a real jump box.
		for (let waited = 0; waited < 30_000 && farm.read().servers[sea01]!.services.LYNCBACKUP === undefined; waited += 250) {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const finishedAlone = farm.read().servers[sea01]!.services.LYNCBACKUP !== undefined;

		const resumed = cli(...run, '--resume');
		expect(resumed.status, resumed.stdout + resumed.stderr).toBe(3);
		const entries = record();
		const cutShort = entries.find((entry) => entry.type === 'command' && entry.target === sea01 && entry.outcome === 'unknown');
		expect(cutShort, JSON.stringify(entries, null, 1)).toBeDefined();
		const said = entries.find((entry) => entry.type === 'note' && entry.text.startsWith(`${sea01}: after the Bootstrapper cut short, `));
		expect(said).toBeDefined();
		expect((said as { text: string }).text).toContain(finishedAlone ? 'Backup Service installed (Bootstrapper): done: ' : 'Backup Service installed (Bootstrapper): not done: ');
		expect(farm.read().servers[sea01]!.bootstrapper.runs).toBe(finishedAlone ? 1 : 2);
	}, 600_000);
});
