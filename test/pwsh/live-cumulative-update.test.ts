import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { doctorCommand } from '../../source/cli/commands/doctor.js';
import type { PacingChoices } from '../../source/cli/procedure-driver.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, driveStandInPair, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm, type StandInState } from './stand-in.js';

const SHARE = '\\\\fs01.contoso.com\\updates';
const INSTALLER = `${SHARE}\\SkypeServerUpdateInstaller.exe`;
const [sea01, sea02, sea03] = POOL_A.servers as [string, string, string];
const EVERY_SERVER = [...POOL_A.servers, ...POOL_B.servers];
/** The readiness is asked every 50 ms, and a pool that stays not ready stops the run after a second. */
const PACING: PacingChoices = { syncPollSeconds: 0.2, serviceSettleSeconds: 0.3, readinessPollSeconds: 0.05, readinessTimeoutSeconds: 1 };

type Step = NonNullable<StandInState['patchingLog']>[number];

/**
 * The Cumulative Update run by the live side itself (--cu-installer), on real pwsh with the stand-in module: per upgrade
 * domain, failover → installer in silent mode → failback, each server in its own session. One farm and one environment
 * serve the file: each test starts where the one before left the farm, as an operator's next run would.
 */
describeWithPwsh('the Cumulative Update by upgrade domain on a live farm (pwsh, stand-in module, --cu-installer)', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;
	let stateDir: string;

	beforeAll(async () => {
		farm = createStandInFarm((state) => {
			// The first run's fault: sea-fe02 is down, so POOL_A is not ready for any of its domains.
			state.servers[sea02]!.frontEndDown = true;
		});
		const share = path.join(farm.dir, 'share');
		mkdirSync(share);
		writeFileSync(path.join(share, 'SkypeServerUpdateInstaller.exe'), 'the stand-in installer');
		// Paired in Topology Builder and bootstrapped: each Backup Service at the RTM build, so the CU step has work to do.
		farm.publishInTopologyBuilder();
		farm.update((state) => {
			state.shares = { [SHARE]: share };
			for (const server of EVERY_SERVER) {
				state.servers[server]!.services.LYNCBACKUP = 'Stopped';
				state.servers[server]!.cuReapplied = false;
			}
		});
		process.env.SFB_STANDIN_STATE = farm.statePath;
		stateDir = mkdtempSync(path.join(tmpdir(), 'sfb-pair-live-cu-'));
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir, modulePath: STAND_IN_MODULES, sessions: 2, cuInstaller: INSTALLER });
	});

	afterAll(async () => {
		await environment?.dispose();
		farm?.remove();
		if (stateDir) rmSync(stateDir, { recursive: true, force: true });
	});

	const drive = () => driveStandInPair(environment, stateDir, { pacing: PACING });
	const log = (): Step[] => farm.read().patchingLog ?? [];
	const stepsOf = (server: string, steps = log()) => steps.filter((step) => step.server === server).map((step) => step.action);

	it('a pool that is not ready waits, then stops naming its readiness: nothing is failed over', async () => {
		const first = await drive();
		expect(first.outcome).toBe('needs-operator');
		expect(first.reason).toContain(`${POOL_A.fqdn} is not ready for an upgrade of UpgradeDomain1 (${sea01})`);
		expect(first.reason).toContain(`${POOL_A.fqdn}: 2 of 3 Front Ends active (InsufficientActiveFrontEnds)`);
		expect(first.reason).toMatch(/Bring the pool back, then run again with --resume$/);
		expect(log()).toEqual([]);
		const asked = farm.read().calls.filter((call) => call.cmdlet === 'Get-CsPoolUpgradeReadinessState');
		expect(asked.length).toBeGreaterThan(2);
	}, 180_000);

	it('a failing installer stops its domain and says the server is left failed over; the next domain does not start', async () => {
		farm.update((state) => {
			state.servers[sea02]!.frontEndDown = false;
			state.servers[sea02]!.installer = { exitCodes: [1603], runs: 0 };
		});
		const second = await drive();
		expect(second.outcome).toBe('needs-operator');
		expect(second.reason).toContain(`${sea02}: the update installer exited with 1603; ${sea02} is left failed over`);
		expect(second.reason).toContain(`Invoke-CsComputerFailBack -ComputerName '${sea02}'`);
		const steps = log();
		expect(stepsOf(sea01, steps)).toEqual(['failover', 'install', 'failback']);
		// The retry asked the farm first: sea-fe02 was found failed over, so it was not failed over again.
		expect(stepsOf(sea02, steps)).toEqual(['failover', 'install', 'install']);
		expect(stepsOf(sea03, steps)).toEqual([]);
		expect(farm.read().servers[sea02]!.failedOver).toBe(true);
		const installs = farm.read().calls.filter((call) => call.cmdlet === 'SkypeServerUpdateInstaller.exe');
		expect(installs.map((call) => call.parameters)).toContainEqual({ Server: sea02, Path: INSTALLER, ArgumentList: ['/silentmode'] });
	}, 180_000);

	it('resumed mid-domain, each server is asked first: sea-fe02 is installed and failed back without a second failover; every domain then goes failover → install → failback, one at a time per pool, pool after pool', async () => {
		farm.update((state) => {
			state.servers[sea02]!.installer = { exitCodes: [0], runs: 0 };
		});
		const before = log().length;
		const third = await drive();
		expect(third.outcome).toBe('done');
		const steps = log().slice(before);
		expect(stepsOf(sea02, steps)).toEqual(['install', 'failback']);
		for (const server of [sea03, ...POOL_B.servers]) expect(stepsOf(server, steps)).toEqual(['failover', 'install', 'failback']);
		expect(stepsOf(sea01, steps)).toEqual([]);

		// Never two domains of a pool at once: each server's failover-to-failback window ends before the next one's opens,
		// and POOL_B starts only after POOL_A is done (one pool after the other, the default).
		const order = steps.filter((step) => step.action !== 'install').map((step) => `${step.action} ${step.server}`);
		expect(order).toEqual([
			`failback ${sea02}`,
			`failover ${sea03}`,
			`failback ${sea03}`,
			...POOL_B.servers.flatMap((server) => [`failover ${server}`, `failback ${server}`]),
		]);
		const servers = farm.read().servers;
		for (const server of EVERY_SERVER) {
			expect(servers[server]!.failedOver, server).toBe(false);
			expect(servers[server]!.cuReapplied, server).toBe(true);
		}
	}, 180_000);

	it('doctor with --cu-installer asks each Front End, from its own session, whether it can read the installer: one that is refused blocks, named', async () => {
		farm.update((state) => {
			state.servers[sea03]!.shareDenied = true;
		});
		const lines: string[] = [];
		const exitCode = await doctorCommand(environment, { json: true, pool: POOL_A.fqdn, backup: POOL_B.fqdn }, (text) => lines.push(text));
		expect(exitCode).toBe(1);
		const checks = (JSON.parse(lines.join('\n')) as { checks: { id: string; subject: string; status: string; evidence: string; action: string }[] }).checks.filter((check) => check.id === 'cu-installer');
		expect(checks.map((check) => [check.subject, check.status])).toEqual(EVERY_SERVER.map((server) => [server, server === sea03 ? 'blocking' : 'ok']));
		const refused = checks.find((check) => check.subject === sea03)!;
		expect(refused.evidence).toBe(`Get-Item -LiteralPath '${INSTALLER}' in its remote session: Access to the path '${INSTALLER}' is denied.`);
		expect(refused.action).toContain('allow the Kerberos double hop to the file server');
		expect(checks.find((check) => check.subject === sea01)!.evidence).toMatch(/: 22 bytes$/);
	}, 180_000);
});
