import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { autoOperator } from '../../source/cli/auto-operator.js';
import type { PacingChoices } from '../../source/cli/procedure-driver.js';
import { DEFAULT_VOICE } from '../../source/sfb/voice-resiliency.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { readChangeRecord } from '../../source/session/change-record.js';
import { pairKey, sessionsDir } from '../../source/session/session-files.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, driveStandInPair, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm, type StandInState } from './stand-in.js';

const [sea01, sea02] = POOL_A.servers as [string, string, string];
const EVERY_SERVER = [...POOL_A.servers, ...POOL_B.servers];

/**
 * The procedure on real pwsh with the stand-in module, driven in this process (one PowerShell environment, its
 * sessions reused), as `run --yes` drives it: the farm decides what is done at every start.
 */
describeWithPwsh('the procedure reconciles with a live farm (pwsh, stand-in module)', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;
	let stateDir: string;

	async function open(customise: (state: StandInState) => void = () => undefined) {
		farm = createStandInFarm(customise);
		process.env.SFB_STANDIN_STATE = farm.statePath;
		stateDir = mkdtempSync(path.join(tmpdir(), 'sfb-pair-live-reconcile-'));
		// Two sessions keep the test light on a shared machine; the procedure's parallelism is the same.
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir, modulePath: STAND_IN_MODULES, sessions: 2 });
	}

	afterEach(async () => {
		await environment?.dispose();
		farm?.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	const drive = ({ restartHeld, ...options }: { cumulativeUpdateDoneByHand?: boolean; pacing?: PacingChoices; restartHeld?: boolean } = {}) =>
		driveStandInPair(environment, stateDir, { ...options, ...(restartHeld ? { operator: autoOperator({ pool: POOL_A.fqdn, backup: POOL_B.fqdn, voice: DEFAULT_VOICE, retries: 1, restartHeld }) } : {}) });
	const calls = (cmdlet: string) => farm.read().calls.filter((call) => call.cmdlet === cmdlet).length;
	const bootstrapperRuns = () => Object.fromEntries(EVERY_SERVER.map((server) => [server, farm.read().servers[server]!.bootstrapper.runs]));

	it('a server that cannot be asked whether it is deployed is unknown: the run stops naming it, nothing is skipped, and the next start goes on', async () => {
		await open((state) => {
			state.servers[sea02]!.reachable = false;
		});
		const first = await drive();
		expect(first.outcome).toBe('needs-operator');
		expect(first.reason).toMatch(new RegExp(`^could not tell on ${sea02.replace(/\./g, '\\.')} whether it is deployed: unknown \\(unreachable\\): `));
		expect(first.reason).toContain('cannot be reached over PowerShell remoting (WinRM)');
		const tasks = first.session.state.servers[sea02]!.tasks;
		expect(Object.values(tasks).map((task) => task.state)).toEqual(['pending', 'pending', 'pending']);
		expect(first.session.state.steps.bootstrapper.status).toBe('pending');

		farm.update((state) => {
			state.servers[sea02]!.reachable = true;
		});
		const second = await drive();
		expect(second.outcome).toBe('needs-operator');
		expect(second.reason).toMatch(/^re-apply the Cumulative Update on every server/);
		expect(second.session.state.servers[sea02]!.tasks.bootstrapper.state).toBe('succeeded');
		expect(farm.read().servers[sea02]!.bootstrapper.runs).toBe(1);
	}, 180_000);

	it('a replica behind the publish holds Bootstrapper back until Invoke-CsManagementStoreReplication brings it up to date; Bootstrapper then runs there once', async () => {
		await open((state) => {
			state.servers[sea01]!.replicaLagMs = 3_600_000;
		});
		const first = await drive();
		expect(first.reason, first.reason).toMatch(/^re-apply the Cumulative Update on every server/);
		const pushes = farm.read().calls.filter((call) => call.cmdlet === 'Invoke-CsManagementStoreReplication');
		expect(pushes.map((call) => call.parameters)).toEqual([{ ReplicaFqdn: sea01 }]);
		expect(first.session.state.servers[sea01]!.tasks.bootstrapper).toMatchObject({ state: 'succeeded', attempts: 1 });
		expect(bootstrapperRuns()).toEqual(Object.fromEntries(EVERY_SERVER.map((server) => [server, 1])));
		expect(first.session.state.replication?.settled?.note).toMatch(/^every Front End's replica of the Central Management store holds the publish of /);
	}, 180_000);

	it('a replica a push does not reach stops the run before any Bootstrapper, naming it; once it has replicated, the next start installs it', async () => {
		await open((state) => {
			state.servers[sea01]!.replicaLagMs = 3_600_000;
			state.servers[sea01]!.replicaPushIgnored = true;
		});
		const first = await drive({ pacing: { syncPollSeconds: 0.2, serviceSettleSeconds: 0.3, replicationPollSeconds: 0.2, replicationTimeoutSeconds: 1 } });
		expect(first.outcome).toBe('needs-operator');
		expect(first.reason).toMatch(
			new RegExp(
				`^the replica of the Central Management store on ${sea01.replace(/\./g, '\\.')} \\(Get-CsManagementStoreReplicationStatus -ReplicaFqdn '${sea01.replace(/\./g, '\\.')}': UpToDate False, LastUpdateCreation \\S+\\) is not up to date with the publish of \\S+ after \\d+ s, even after Invoke-CsManagementStoreReplication: `,
			),
		);
		expect(Object.values(bootstrapperRuns())).toEqual(EVERY_SERVER.map(() => 0));

		farm.update((state) => {
			state.servers[sea01]!.replicaLagMs = 0;
		});
		const second = await drive();
		expect(second.reason).toMatch(/^re-apply the Cumulative Update on every server/);
		expect(farm.read().servers[sea01]!.bootstrapper.runs).toBe(1);
	}, 180_000);

	it('Bootstrapper exit 3010 holds the server: the run stops naming it before the CU, and a resume that finds it not restarted stops again; with --restart-held it is failed over, restarted, waited for in a new session, failed back and bootstrapped again, and one that never comes back is left described', async () => {
		const [dub01] = POOL_B.servers as [string];
		await open((state) => {
			state.servers[sea02]!.bootstrapper.exitCodes = [3010, 0];
			state.servers[dub01]!.bootstrapper.exitCodes = [3010, 0];
			state.servers[dub01]!.restartNeverReturns = true;
		});
		const first = await drive();
		expect(first.outcome).toBe('needs-operator');
		expect(first.reason).toMatch(new RegExp(`${sea02.replace(/\./g, '\\.')}: Bootstrapper exited with 3010: ${sea02.replace(/\./g, '\\.')} must restart before the Backup Service is usable; restart it, then run Bootstrapper there again`));
		expect(first.session.state.servers[sea02]!.tasks.bootstrapper).toMatchObject({ state: 'failed', exitCode: 3010, rebootRequired: true });
		expect(first.session.state.steps['cumulative-update'].status).toBe('pending');

		const notRestarted = await drive();
		expect(notRestarted.reason).toMatch(new RegExp(`${sea02.replace(/\./g, '\\.')} is held \\(Bootstrapper exit 3010\\): it has not restarted since: \\(Get-CimInstance Win32_OperatingSystem\\)\\.LastBootUpTime on ${sea02.replace(/\./g, '\\.')} is 2020-01-01T00:00:00\\.000Z, held since `));
		expect(farm.read().servers[sea02]!.bootstrapper.runs).toBe(1);

		const sessionsBefore = farm.read().connections[sea02]!;
		const restarted = await drive({ restartHeld: true, pacing: { syncPollSeconds: 0.2, serviceSettleSeconds: 0.3, restartPollSeconds: 0.1, restartTimeoutSeconds: 2 } });
		const log = farm.read().patchingLog ?? [];
		expect(log.filter((step) => step.server === sea02).map((step) => step.action)).toEqual(['failover', 'restart', 'failback']);
		expect(restarted.session.state.servers[sea02]!.tasks.bootstrapper).toMatchObject({ state: 'succeeded', exitCode: 0, observation: { state: 'done' } });
		expect(farm.read().servers[sea02]).toMatchObject({ failedOver: false, restarts: 1, bootstrapper: { runs: 2 } });
		expect(farm.read().connections[sea02]).toBeGreaterThan(sessionsBefore);
		const restarts = farm
			.read()
			.calls.filter((call) => call.cmdlet === 'Restart-Computer')
			.map((call) => call.parameters)
			.sort((a, b) => String(a.ComputerName).localeCompare(String(b.ComputerName)));
		// From the jump box, never with -Wait (the wait is sfb-pair's, bounded), over WS-Management where the cmdlet has -Protocol.
		expect(restarts).toEqual([dub01, sea02].sort().map((server) => ({ ComputerName: server, Force: true, Protocol: 'WSMan', ErrorAction: 'Stop' })));

		expect(restarted.outcome).toBe('needs-operator');
		expect(restarted.reason).toContain(
			`${dub01} is failed over and did not come back within 2 s of Restart-Computer -ComputerName '${dub01}' -Force (`,
		);
		expect(restarted.reason).toContain(`the failback command is Invoke-CsComputerFailBack -ComputerName '${dub01}'`);
		expect(log.filter((step) => step.server === dub01).map((step) => step.action)).toEqual(['failover', 'restart']);
		expect(farm.read().servers[dub01]).toMatchObject({ failedOver: true, restarts: 1, bootstrapper: { runs: 1 } });
		expect(restarted.session.state.servers[dub01]!.tasks.bootstrapper).toMatchObject({ state: 'failed', rebootRequired: true });

		// Never the computer sfb-pair runs on, by its short name or its FQDN.
		for (const self of [hostname(), `${hostname()}.contoso.com`]) {
			await expect(environment.restarting.restart(self)).rejects.toThrow(`sfb-pair runs on ${self} and does not restart the computer it runs on`);
		}
		expect(farm.read().calls.filter((call) => call.cmdlet === 'Restart-Computer')).toHaveLength(2);
	}, 180_000);

	it('with the session file lost after publishing, a new start finishes the pair from what the farm shows: nothing written or bootstrapped twice', async () => {
		await open();
		const first = await drive();
		expect(first.reason).toMatch(/^re-apply the Cumulative Update on every server/);
		expect(calls('Set-CsRegistrar')).toBe(2);
		const runs = bootstrapperRuns();

		rmSync(path.join(sessionsDir(stateDir), `${pairKey(POOL_A.fqdn, POOL_B.fqdn)}.json`));
		farm.reapplyCumulativeUpdate(EVERY_SERVER);
		const afresh = await drive();
		expect(afresh.outcome, afresh.reason).toBe('done');
		expect(calls('Set-CsRegistrar')).toBe(2);
		expect(bootstrapperRuns()).toEqual(runs);
		expect(afresh.session.state.steps.publish.note).toBe('already paired: nothing written');
		expect(afresh.session.state.steps['cumulative-update'].note).toBeUndefined();
		expect(EVERY_SERVER.map((server) => afresh.session.state.servers[server]!.tasks['cumulative-update'].observation?.evidence)).toEqual(
			EVERY_SERVER.map(() => 'Get-CsServerPatchVersion: Backup Service 6.0.9319.534, Core Components 6.0.9319.534'),
		);
		const records = readdirSync(path.join(stateDir, 'records')).filter((file) => file.endsWith('.jsonl'));
		const notes = records.flatMap((file) => readChangeRecord(path.join(stateDir, 'records', file))).flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
		expect(notes.some((text) => text.startsWith('Read back: pool01.contoso.com and pool02.contoso.com are already paired'))).toBe(true);

		const again = await drive();
		expect(again.outcome).toBe('done');
		expect(again.reason).toMatch(/are already paired and complete/);
	}, 240_000);

	it('a mixed pair, one pool deployed: its servers get Bootstrapper, the CU check and LYNCBACKUP; the run stops naming the pool to deploy', async () => {
		await open((state) => {
			for (const server of POOL_B.servers) delete state.servers[server]!.services.RTCSRV;
		});
		const first = await drive();
		expect(first.reason).toMatch(/^re-apply the Cumulative Update/);
		farm.reapplyCumulativeUpdate(POOL_A.servers);
		const result = await drive({ cumulativeUpdateDoneByHand: true });
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toBe(`${POOL_B.fqdn} is not deployed: deploy it, then run again to finish Bootstrapper, the CU and LYNCBACKUP there, and the sync`);
		for (const server of POOL_A.servers) {
			expect(Object.values(result.session.state.servers[server]!.tasks).map((task) => task.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		}
		for (const server of POOL_B.servers) {
			expect(farm.read().servers[server]!.bootstrapper.runs).toBe(0);
			expect(result.session.state.servers[server]!.tasks.bootstrapper).toMatchObject({ state: 'skipped', message: 'not deployed: deploying it installs what the pairing needs' });
		}
	}, 180_000);

	it('--cu-reapplied is checked, not believed: a server whose Backup Service is behind its Core Components stops the run, named; without Get-CsServerPatchVersion the registry is read', async () => {
		await open((state) => {
			state.servers[sea01]!.patchVersionCmdlet = false;
		});
		const first = await drive();
		expect(first.reason).toMatch(/^re-apply the Cumulative Update/);
		farm.reapplyCumulativeUpdate(EVERY_SERVER.filter((server) => server !== sea02));
		const claimed = await drive({ cumulativeUpdateDoneByHand: true });
		expect(claimed.outcome).toBe('needs-operator');
		expect(claimed.reason).toBe(
			`${sea02}: the Cumulative Update has not reached the Backup Service: Get-CsServerPatchVersion: Backup Service 6.0.9319.0 is behind Core Components 6.0.9319.534 (the Cumulative Update was not re-applied after Bootstrapper). Re-apply it there (SkypeServerUpdateInstaller.exe), then run again with --resume`,
		);
		expect(farm.read().calls.some((call) => call.cmdlet === 'Start-CsWindowsService')).toBe(false);
		expect(claimed.session.state.servers[sea01]!.tasks['cumulative-update'].observation?.evidence).toBe(
			'the installed products (registry Uninstall keys): Backup Service 6.0.9319.534, Core Components 6.0.9319.534',
		);
	}, 180_000);
});
