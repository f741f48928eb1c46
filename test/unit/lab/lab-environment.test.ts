import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeBothDirections, judgeDirection } from '../../../source/sfb/backup-status.js';
import { DEFAULT_VOICE } from '../../../source/sfb/voice-resiliency.js';
import { BACKUP_SERVICE, EnvironmentError } from '../../../source/environments/port.js';
import { DEFAULT_LAB_TIME_SCALE, ManualClock } from '../../../source/environments/lab/clock.js';
import { resetLabFarm } from '../../../source/environments/lab/farm-file.js';
import { LabFarmDamaged, labFarmPath, type FarmState } from '../../../source/environments/lab/farm-state.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { parseScenario, type ScenarioInput } from '../../../source/environments/lab/scenario.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { DEFAULT_BACKUP as DUB, DEFAULT_POOL as RED } from '../../helpers/pools.js';

const RED_SERVERS = ['red-fe01.contoso.com', 'red-fe02.contoso.com', 'red-fe03.contoso.com'];
const DUB_SERVERS = ['dub-fe01.contoso.com', 'dub-fe02.contoso.com', 'dub-fe03.contoso.com'];
const SECOND = 1000;

const stateDir = useTemporaryStateDir('sfb-pair-lab-');

/**
 * The default farm with the Central Management store on Redmond (cms-pair), with the test's faults or timings; timeScale
 * 1 so the lab clock reads realistic seconds.
 */
function testScenario(extra: Omit<ScenarioInput, 'name' | 'description'> = {}) {
	return parseScenario({ extends: 'cms-pair', name: 'test', description: 'default farm under test, the CMS on Redmond', ...extra }, 'test.json');
}

async function openLab(extra: Omit<ScenarioInput, 'name' | 'description'> = {}, clock = new ManualClock({ start: 0 })) {
	const lab = await openLabEnvironment({ stateDir: stateDir(), scenario: testScenario(extra), clock, timeScale: 1 });
	return { lab, clock };
}

async function pairRedmondDublin(lab: LabEnvironment): Promise<void> {
	await lab.writePairing({ pool: RED, backup: DUB, voice: DEFAULT_VOICE });
}

async function bootstrapAll(lab: LabEnvironment, servers = [...RED_SERVERS, ...DUB_SERVERS]): Promise<void> {
	await Promise.all(servers.map((server) => lab.runBootstrapper(server)));
}

/** Steps 8 and 9 done right: Bootstrapper, CU re-applied, LYNCBACKUP started, on every server of both pools. */
async function bringIntoService(lab: LabEnvironment): Promise<void> {
	await pairRedmondDublin(lab);
	await bootstrapAll(lab);
	const servers = [...RED_SERVERS, ...DUB_SERVERS];
	await Promise.all(servers.map((server) => lab.reapplyCumulativeUpdate(server)));
	await Promise.all(servers.map((server) => lab.startService(server, BACKUP_SERVICE)));
}

async function failure(promise: Promise<unknown>): Promise<EnvironmentError> {
	const error: unknown = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(EnvironmentError);
	return error as EnvironmentError;
}

function serverState(lab: LabEnvironment, server: string) {
	const state = lab.readFarm().servers[server];
	if (!state) throw new Error(`no farm record of ${server}`);
	return state;
}

describe('inventory', () => {
	it('lists the Front End pools of the default farm, the pair already in place, and what is deployed', async () => {
		const { lab } = await openLab();
		const inventory = await lab.readInventory();
		expect(inventory.pools.map((pool) => pool.fqdn)).toEqual([
			RED,
			DUB,
			'se-redmond.contoso.com',
			'se-dublin.contoso.com',
			'pool-redmond-b.contoso.com',
			'pool-dublin-b.contoso.com',
		]);
		expect(inventory.pools.find((pool) => pool.fqdn === RED)).toMatchObject({ site: 'Redmond', edition: 'Enterprise', servers: RED_SERVERS, hostsCentralManagementStore: true });
		expect(inventory.pairings).toEqual({
			'pool-redmond-b.contoso.com': 'pool-dublin-b.contoso.com',
			'pool-dublin-b.contoso.com': 'pool-redmond-b.contoso.com',
		});
		expect(Object.values(inventory.deployed).every(Boolean)).toBe(true);
		expect(inventory.topologySignature).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(lab.description).toBe('LAB · scenario test · simulated farm');
	});

	it('a pool defined but not deployed reads as such, and its servers cannot be bootstrapped', async () => {
		const base = testScenario();
		const { lab } = await openLab({ pools: base.pools.map((pool) => (pool.fqdn === DUB ? { ...pool, deployed: false } : pool)) });
		expect((await lab.readInventory()).deployed[DUB]).toBe(false);
		const error = await failure(lab.runBootstrapper('dub-fe01.contoso.com'));
		expect(error.message).toContain('pool-dublin.contoso.com is defined but not deployed');
		expect(await lab.readService('dub-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'NotInstalled' });
	});
});

describe('writing the pairing', () => {
	it('records both directions, counts the write once, and changes the signature', async () => {
		const { lab } = await openLab();
		const before = await lab.readInventory();
		await pairRedmondDublin(lab);
		await pairRedmondDublin(lab);

		expect(await lab.readPairing(RED)).toBe(DUB);
		expect(await lab.readPairing(DUB)).toBe(RED);
		const farm = lab.readFarm();
		expect(farm.pairingWrites).toBe(1);
		expect(farm.pairings[DUB]?.voice).toEqual(DEFAULT_VOICE);
		const after = await lab.readInventory();
		expect(after.topologySignature).not.toBe(before.topologySignature);
		expect(after.pairings[RED]).toBe(DUB);
	});

	it('with whatIf changes nothing', async () => {
		const { lab } = await openLab();
		const before = await lab.readInventory();
		await lab.writePairing({ pool: RED, backup: DUB, voice: DEFAULT_VOICE }, { whatIf: true });
		const after = await lab.readInventory();
		expect(after.topologySignature).toBe(before.topologySignature);
		expect(after.pairings[RED]).toBeUndefined();
		expect(lab.readFarm().pairingWrites).toBe(0);
	});

	it('refuses a pool already paired elsewhere, an unknown pool and a Director', async () => {
		const { lab } = await openLab();
		const elsewhere = await failure(lab.writePairing({ pool: RED, backup: 'pool-dublin-b.contoso.com', voice: DEFAULT_VOICE }));
		expect(elsewhere.kind).toBe('failed');
		expect(elsewhere.message).toContain('pool-dublin-b.contoso.com is already paired with pool-redmond-b.contoso.com');
		expect((await failure(lab.writePairing({ pool: RED, backup: 'nosuch.contoso.com', voice: DEFAULT_VOICE }))).message).toContain('no such pool');
		expect((await failure(lab.writePairing({ pool: RED, backup: 'dir-redmond.contoso.com', voice: DEFAULT_VOICE }))).message).toContain('not a Front End pool');
		expect(lab.readFarm().pairingWrites).toBe(0);
	});

	it('refuses a write planned against a signature that is no longer the published one', async () => {
		const { lab } = await openLab();
		const planned = await lab.readInventory();
		await lab.writePairing({ pool: 'se-redmond.contoso.com', backup: 'se-dublin.contoso.com', voice: DEFAULT_VOICE });
		const stale = await failure(lab.writePairing({ pool: RED, backup: DUB, voice: DEFAULT_VOICE }, { expectedSignature: planned.topologySignature }));
		expect(stale.kind).toBe('stale-topology');
		expect(stale.message).toMatch(/^the topology changed since the plan was made: /);
		expect(await lab.readPairing(RED)).toBeUndefined();
	});

	it('topology-changed: someone else publishes after the plan was read, once', async () => {
		const { lab } = await openLab({ faults: [{ type: 'topology-changed', afterInventoryReads: 1 }] });
		const plan = await lab.readInventory();
		const stale = await failure(lab.writePairing({ pool: RED, backup: DUB, voice: DEFAULT_VOICE }, { expectedSignature: plan.topologySignature }));
		expect(stale.kind).toBe('stale-topology');

		const replanned = await lab.readInventory();
		expect(replanned.topologySignature).not.toBe(plan.topologySignature);
		await lab.writePairing({ pool: RED, backup: DUB, voice: DEFAULT_VOICE }, { expectedSignature: replanned.topologySignature });
		expect(await lab.readPairing(DUB)).toBe(RED);
		expect(lab.readFarm().pairingWrites).toBe(1);
	});

	it('topology-changed counts the reads of this opened lab only, so an earlier `pools` run does not move it', async () => {
		const faults: ScenarioInput['faults'] = [{ type: 'topology-changed', afterInventoryReads: 2 }];
		const earlier = await openLab({ faults });
		const before = (await earlier.lab.readInventory()).topologySignature;

		const { lab } = await openLab({ faults });
		expect((await lab.readInventory()).topologySignature).toBe(before);
		const plan = await lab.readInventory();
		expect(plan.topologySignature).toBe(before);
		expect((await lab.readInventory()).topologySignature).not.toBe(before);

		const again = await openLab({ faults });
		await again.lab.readInventory();
		await again.lab.readInventory();
		const third = await again.lab.readInventory();
		expect(third.topologySignature).toBe((await lab.readInventory()).topologySignature);
	});

	it('snapshots the published topology into a new folder', async () => {
		const { lab } = await openLab();
		const file = await lab.snapshotTopology(path.join(stateDir(), 'records', 'deep', 'topology.xml'));
		const xml = await readFile(file, 'utf8');
		expect(xml).toContain(`Signature="${(await lab.readInventory()).topologySignature}"`);
		expect(xml).toContain('Fqdn="red-fe02.contoso.com"');
	});
});

describe('Bootstrapper', () => {
	it('streams its progress over the scenario duration and ends with exit code 0', async () => {
		const { lab, clock } = await openLab();
		await pairRedmondDublin(lab);
		const lines: string[] = [];
		const startedAt = clock.now();
		const outcome = await lab.runBootstrapper('red-fe01.contoso.com', { onLine: (line) => lines.push(line) });

		expect(outcome).toMatchObject({ exitCode: 0, rebootRequired: false });
		expect(lines[1]).toBe('Checking prerequisites for bootstrapper...');
		expect(lines).toContain('Installing LyncBackupService (Skype for Business Server Backup Service)...success');
		expect(lines.some((line) => line.startsWith('Executing PowerShell command: Enable-CSComputer'))).toBe(true);
		expect(lines.at(-1)).toBe('Bootstrapper.exe exited with 0');
		expect(outcome.tail.at(-1)).toBe('Bootstrapper.exe exited with 0');
		const elapsedSeconds = (clock.now() - startedAt) / SECOND;
		expect(elapsedSeconds).toBeGreaterThanOrEqual(150 * 0.9);
		expect(elapsedSeconds).toBeLessThanOrEqual(150 * 1.1);
		expect(serverState(lab, 'red-fe01.contoso.com').bootstrapper).toMatchObject({ state: 'done', exitCode: 0 });
	});

	it('runs the time scale faster than the scenario says', async () => {
		const clock = new ManualClock({ start: 0 });
		const lab = await openLabEnvironment({ stateDir: stateDir(), scenario: testScenario(), clock });
		await lab.runBootstrapper('red-fe01.contoso.com');
		expect(clock.now() / SECOND).toBeLessThanOrEqual((150 * 1.1) / DEFAULT_LAB_TIME_SCALE);
		expect(clock.now() / SECOND).toBeGreaterThanOrEqual((150 * 0.9) / DEFAULT_LAB_TIME_SCALE);
	});

	it('bootstrap-failure: fails once with the exit code and an error line, then succeeds on retry', async () => {
		const clock = new ManualClock({ start: 0 });
		const scenario = parseScenario({ extends: 'bootstrap-failure' }, 'bootstrap-failure.json');
		const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, clock, timeScale: 1 });
		await pairRedmondDublin(lab);

		const lines: string[] = [];
		const first = await lab.runBootstrapper('dub-fe02.contoso.com', { onLine: (line) => lines.push(line) });
		expect(first.exitCode).toBe(1603);
		expect(lines).toContain('Installing LyncBackupService (Skype for Business Server Backup Service)...failure code 1603');
		expect(lines.some((line) => line.startsWith('Error: An error occurred: "Microsoft.Rtc.Management.Deployment.DeploymentException"'))).toBe(true);
		expect(serverState(lab, 'dub-fe02.contoso.com').bootstrapper).toMatchObject({ state: 'failed', exitCode: 1603 });
		expect((await failure(lab.startService('dub-fe02.contoso.com', BACKUP_SERVICE))).message).toContain('its last run failed');

		const retry = await lab.runBootstrapper('dub-fe02.contoso.com');
		expect(retry.exitCode).toBe(0);
		expect(serverState(lab, 'dub-fe02.contoso.com').bootstrapper).toMatchObject({ state: 'done', exitCode: 0 });
	});

	it('another-version-installed: refused at the prerequisite check on that server only', async () => {
		const { lab } = await openLab({ faults: [{ type: 'another-version-installed', server: 'red-fe02.contoso.com', attempts: 2 }] });
		const lines: string[] = [];
		const refused = await lab.runBootstrapper('red-fe02.contoso.com', { onLine: (line) => lines.push(line) });
		expect(refused.exitCode).not.toBe(0);
		expect(lines).toContainEqual(expect.stringMatching(/^Another Lync Server product with version [\d.]+ is already installed\.$/));
		expect((await lab.runBootstrapper('red-fe02.contoso.com')).exitCode).toBe(refused.exitCode);
		expect((await lab.runBootstrapper('red-fe02.contoso.com')).exitCode).toBe(0);
		expect((await lab.runBootstrapper('red-fe01.contoso.com')).exitCode).toBe(0);
	});

	it('server-output: that server prints the lines as given, partway through, for as many runs as attempts', async () => {
		const odd = ['Avertissement : le service est déjà installé.', '\u001b[2J\u001b]0;owned\u0007 cleared'];
		const { lab } = await openLab({ faults: [{ type: 'server-output', server: 'red-fe01.contoso.com', lines: odd }] });
		await pairRedmondDublin(lab);
		const lines: string[] = [];
		const outcome = await lab.runBootstrapper('red-fe01.contoso.com', { onLine: (line) => lines.push(line) });
		expect(outcome.exitCode).toBe(0);
		const at = lines.indexOf(odd[0]!);
		expect(lines[at - 1]).toMatch(/^Executing PowerShell command: Enable-CSComputer/);
		expect(lines.slice(at, at + 2)).toEqual(odd);
		expect(lines.at(-1)).toBe('Bootstrapper.exe exited with 0');
		expect(outcome.tail).toEqual(expect.arrayContaining(odd));
		const other: string[] = [];
		await lab.runBootstrapper('red-fe02.contoso.com', { onLine: (line) => other.push(line) });
		const again: string[] = [];
		await lab.runBootstrapper('red-fe01.contoso.com', { onLine: (line) => again.push(line) });
		for (const plain of [other, again]) expect(plain.filter((line) => odd.includes(line))).toEqual([]);
	});

	it('reboot-required: exit 3010 counts as installed and asks for a reboot', async () => {
		const { lab } = await openLab({ faults: [{ type: 'reboot-required', server: 'red-fe03.contoso.com' }] });
		await pairRedmondDublin(lab);
		const outcome = await lab.runBootstrapper('red-fe03.contoso.com');
		expect(outcome).toMatchObject({ exitCode: 3010, rebootRequired: true });
		expect(outcome.tail).toContain('Bootstrapper.exe exited with 3010');
		await lab.startService('red-fe03.contoso.com', BACKUP_SERVICE);
		expect((await lab.readService('red-fe03.contoso.com', BACKUP_SERVICE)).state).toBe('Running');
	});

	it('unreachable: a WinRM error for that server until its attempts are used, leaving the run not started', async () => {
		const { lab } = await openLab({ faults: [{ type: 'unreachable', server: 'dub-fe03.contoso.com', attempts: 1, during: 'bootstrapper' }] });
		const error = await failure(lab.runBootstrapper('dub-fe03.contoso.com'));
		expect(error.kind).toBe('unreachable');
		expect(error.message).toContain('Connecting to remote server dub-fe03.contoso.com failed');
		expect(error.message).toContain('WinRM cannot complete the operation');
		expect(serverState(lab, 'dub-fe03.contoso.com').bootstrapper.state).toBe('not-run');
		expect((await lab.runBootstrapper('dub-fe03.contoso.com')).exitCode).toBe(0);
	});

	it('refuses a server that is not a Front End server', async () => {
		const { lab } = await openLab();
		expect((await failure(lab.runBootstrapper('fe99.contoso.com'))).message).toBe('fe99.contoso.com is not a Front End server of any pool in the topology');
		expect((await failure(lab.runBootstrapper('edge-dublin.contoso.com'))).kind).toBe('failed');
	});

	it('an abort midway leaves the run interrupted, and the next run starts again', async () => {
		const { lab } = await openLab();
		const controller = new AbortController();
		let seen = 0;
		const run = lab.runBootstrapper('red-fe01.contoso.com', {
			signal: controller.signal,
			onLine: () => {
				seen += 1;
				if (seen === 4) controller.abort();
			},
		});
		await expect(run).rejects.toMatchObject({ name: 'AbortError' });
		expect(seen).toBe(4);
		expect(serverState(lab, 'red-fe01.contoso.com').bootstrapper.state).toBe('interrupted');
		expect((await failure(lab.startService('red-fe01.contoso.com', BACKUP_SERVICE))).message).toContain('its last run was interrupted');

		expect((await lab.runBootstrapper('red-fe01.contoso.com')).exitCode).toBe(0);
		expect(serverState(lab, 'red-fe01.contoso.com').bootstrapper.state).toBe('done');
	});

	it('a run still going in this process reads as running from another instance and cannot be started twice', async () => {
		const clock = new ManualClock({ start: 0, autoAdvance: false });
		const { lab } = await openLab({}, clock);
		const controller = new AbortController();
		const run = lab.runBootstrapper('red-fe01.contoso.com', { signal: controller.signal });
		const other = await openLabEnvironment({ stateDir: stateDir(), scenario: lab.scenario, clock, timeScale: 1 });
		expect(serverState(other, 'red-fe01.contoso.com').bootstrapper.state).toBe('running');
		expect((await failure(other.runBootstrapper('red-fe01.contoso.com'))).message).toContain('Bootstrapper is already running on red-fe01.contoso.com');
		controller.abort();
		await expect(run).rejects.toMatchObject({ name: 'AbortError' });
	});

	it('a run recorded as running by a process that died reads as interrupted in a new instance', async () => {
		const { lab } = await openLab();
		const farm = lab.readFarm();
		const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
		expect(deadPid).toBeGreaterThan(0);
		const running = (runId: string, pid: number): FarmState['servers'][string]['bootstrapper'] => ({ state: 'running', runId, pid, startedAt: 0 });
		const servers = farm.servers as Record<string, FarmState['servers'][string]>;
		servers['red-fe01.contoso.com'] = { ...servers['red-fe01.contoso.com']!, bootstrapper: running('dead-process-run', deadPid ?? 0) };
		servers['red-fe02.contoso.com'] = { ...servers['red-fe02.contoso.com']!, bootstrapper: running('lost-in-this-process', process.pid) };
		await writeFile(lab.farmPath, JSON.stringify(farm));

		const restarted = await openLabEnvironment({ stateDir: stateDir(), scenario: lab.scenario, clock: new ManualClock({ start: 0 }), timeScale: 1 });
		expect(serverState(restarted, 'red-fe01.contoso.com').bootstrapper).toEqual({ state: 'interrupted', startedAt: 0 });
		expect(serverState(restarted, 'red-fe02.contoso.com').bootstrapper).toEqual({ state: 'interrupted', startedAt: 0 });
		expect((await restarted.runBootstrapper('red-fe01.contoso.com')).exitCode).toBe(0);
	});
});

describe('Cumulative Update and LYNCBACKUP', () => {
	it('the service is not installed before Bootstrapper has run, and cannot be started', async () => {
		const { lab } = await openLab();
		await pairRedmondDublin(lab);
		expect(await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'NotInstalled' });
		const error = await failure(lab.startService('red-fe01.contoso.com', BACKUP_SERVICE));
		expect(error.message).toBe('LYNCBACKUP is not installed on red-fe01.contoso.com: Bootstrapper has not completed there (it has not run); run Bootstrapper.exe first');
	});

	it('Bootstrapper run before the pairing was published installs no Backup Service', async () => {
		const { lab } = await openLab();
		const lines: string[] = [];
		await lab.runBootstrapper('red-fe01.contoso.com', { onLine: (line) => lines.push(line) });
		expect(lines.some((line) => line.includes('LyncBackupService'))).toBe(false);
		expect((await failure(lab.startService('red-fe01.contoso.com', BACKUP_SERVICE))).message).toContain('Bootstrapper ran before pool-redmond.contoso.com was paired');
	});

	it('without the CU re-applied, LYNCBACKUP stops with Event 4007 after the crash delay', async () => {
		const { lab, clock } = await openLab();
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		expect(await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'Running' });

		clock.advance(40 * SECOND);
		const crashed = await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE);
		expect(crashed.state).toBe('Stopped');
		expect(crashed.detail).toBe(
			'Event 4007, LS Backup Service: System.NullReferenceException — the Cumulative Update was not re-applied after Bootstrapper (step 9 of the current deployment article)',
		);
	});

	it('an Event 4007 from an earlier run does not count against a fresh start, but stays the evidence of a stopped service', async () => {
		const { lab, clock } = await openLab();
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		clock.advance(60 * SECOND);
		await lab.reapplyCumulativeUpdate('red-fe01.contoso.com');
		expect((await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).detail).toContain('Event 4007');

		const starting = lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		expect(await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'StartPending' });
		clock.advance(60 * SECOND);
		await starting;
		clock.advance(3600 * SECOND);
		expect(await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'Running' });
	});

	it('with the CU re-applied after Bootstrapper, LYNCBACKUP keeps running', async () => {
		const { lab, clock } = await openLab();
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		const lines: string[] = [];
		const update = await lab.reapplyCumulativeUpdate('red-fe01.contoso.com', { onLine: (line) => lines.push(line) });
		expect(update.exitCode).toBe(0);
		expect(lines[0]).toContain('SkypeServerUpdateInstaller');
		expect(lines).toContain('Applying CU15 to LyncBackupService.msi...success');
		expect(serverState(lab, 'red-fe01.contoso.com').cuReapplied).toBe(true);

		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		clock.advance(3600 * SECOND);
		expect(await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'Running' });
	});

	it('running Bootstrapper again after the CU undoes the CU for the Backup Service', async () => {
		const { lab, clock } = await openLab();
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		await lab.reapplyCumulativeUpdate('red-fe01.contoso.com');
		await lab.runBootstrapper('red-fe01.contoso.com');
		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		clock.advance(60 * SECOND);
		expect((await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).detail).toContain('Event 4007');
	});

	it('cumulative-update-not-applied: the installer skips the Backup Service once and exits 0, so LYNCBACKUP crashes; the next re-apply patches it', async () => {
		const { lab, clock } = await openLab({ faults: [{ type: 'cumulative-update-not-applied', server: 'red-fe01.contoso.com' }] });
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		const lines: string[] = [];
		const missed = await lab.reapplyCumulativeUpdate('red-fe01.contoso.com', { onLine: (line) => lines.push(line) });
		expect(missed.exitCode).toBe(0);
		expect(lines).toContain('Applying CU15 to LyncBackupService.msi...skipped: LyncBackupService.exe is in use by another process');
		expect(lines).toContain('Update installation completed with warnings: 0 updates applied, 1 skipped.');

		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		clock.advance(60 * SECOND);
		expect((await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).detail).toContain('Event 4007');

		const patched: string[] = [];
		await lab.reapplyCumulativeUpdate('red-fe01.contoso.com', { onLine: (line) => patched.push(line) });
		expect(patched).toContain('Applying CU15 to LyncBackupService.msi...success');
		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		clock.advance(3600 * SECOND);
		expect(await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).toEqual({ state: 'Running' });
	});

	it('cumulative-update-not-applied strikes only a run that had the Backup Service to patch', async () => {
		const { lab, clock } = await openLab({ faults: [{ type: 'cumulative-update-not-applied', server: 'red-fe01.contoso.com' }] });
		await lab.reapplyCumulativeUpdate('red-fe01.contoso.com');
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		const lines: string[] = [];
		await lab.reapplyCumulativeUpdate('red-fe01.contoso.com', { onLine: (line) => lines.push(line) });
		expect(lines.some((line) => line.includes('skipped'))).toBe(true);
		await lab.reapplyCumulativeUpdate('red-fe01.contoso.com');
		await lab.startService('red-fe01.contoso.com', BACKUP_SERVICE);
		clock.advance(3600 * SECOND);
		expect((await lab.readService('red-fe01.contoso.com', BACKUP_SERVICE)).state).toBe('Running');
	});

	it('an unreachable server fails the service calls with a WinRM error, then answers', async () => {
		const { lab } = await openLab({ faults: [{ type: 'unreachable', server: 'dub-fe01.contoso.com', attempts: 1, during: 'service' }] });
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('dub-fe01.contoso.com');
		expect((await failure(lab.startService('dub-fe01.contoso.com', BACKUP_SERVICE))).kind).toBe('unreachable');
		await lab.startService('dub-fe01.contoso.com', BACKUP_SERVICE);
		expect((await lab.readService('dub-fe01.contoso.com', BACKUP_SERVICE)).state).toBe('Running');
	});

	it('a service name other than LYNCBACKUP is refused in one line', async () => {
		const { lab } = await openLab();
		expect((await failure(lab.readService('red-fe01.contoso.com', 'RTCSRVX'))).message).toBe(
			"Cannot find any service with service name 'RTCSRVX' on red-fe01.contoso.com (the lab simulates LYNCBACKUP and RTCSRV only)",
		);
	});
});

describe('Backup Service sync', () => {
	it('needs the pool to be paired', async () => {
		const { lab } = await openLab();
		expect((await failure(lab.startBackupSync(RED))).message).toContain('pool-redmond.contoso.com has no backup pool');
		expect((await failure(lab.readBackupStatus(RED))).kind).toBe('failed');
	});

	it('stays NotInitialized until LYNCBACKUP runs on both pools', async () => {
		const { lab, clock } = await openLab();
		await pairRedmondDublin(lab);
		await bootstrapAll(lab);
		await Promise.all(RED_SERVERS.map((server) => lab.reapplyCumulativeUpdate(server)));
		await Promise.all(RED_SERVERS.map((server) => lab.startService(server, BACKUP_SERVICE)));
		await lab.startBackupSync(RED);
		clock.advance(3600 * SECOND);
		const status = await lab.readBackupStatus(RED);
		expect(status.backupPool).toBe(DUB);
		expect(status.modules.map((module) => module.exportStatus)).toEqual(['NotInitialized', 'NotInitialized', 'NotInitialized']);
	});

	it('moves each direction from NotInitialized through NonSteadyState to steady, with the CMS module rule', async () => {
		const { lab, clock } = await openLab();
		await bringIntoService(lab);
		await Promise.all([lab.startBackupSync(RED), lab.startBackupSync(DUB)]);

		const exports = async (pool: string) => Object.fromEntries((await lab.readBackupStatus(pool)).modules.map((module) => [module.identity, module.exportStatus]));
		expect(await exports(RED)).toEqual({ 'UserServices.PresenceFocus': 'NotInitialized', 'ConfServices.DataConf': 'NotInitialized', 'CentralMgmt.CMSMaster': 'NotInitialized' });

		clock.advance(80 * SECOND);
		expect(await exports(RED)).toEqual({ 'UserServices.PresenceFocus': 'NonSteadyState', 'ConfServices.DataConf': 'NonSteadyState', 'CentralMgmt.CMSMaster': 'NonSteadyState' });
		expect(await exports(DUB)).toEqual({ 'UserServices.PresenceFocus': 'NonSteadyState', 'ConfServices.DataConf': 'NonSteadyState', 'CentralMgmt.CMSMaster': 'NotInitialized' });
		expect(judgeDirection(await lab.readBackupStatus(RED), true).state).toBe('waiting');

		clock.advance(300 * SECOND);
		const red = await lab.readBackupStatus(RED);
		const dub = await lab.readBackupStatus(DUB);
		for (const module of red.modules) expect(['SteadyState', 'FinalState']).toContain(module.exportStatus);
		expect(dub.modules.find((module) => module.identity === 'CentralMgmt.CMSMaster')?.exportStatus).toBe('NotInitialized');
		expect([...red.modules, ...dub.modules].every((module) => module.importStatus === 'NormalState')).toBe(true);
		expect(judgeBothDirections([judgeDirection(red, true), judgeDirection(dub, false)])).toEqual({ state: 'steady' });
	});

	it('the seed decides SteadyState or FinalState, the same way every run', async () => {
		const settled = async () => {
			await resetLabFarm(stateDir(), 'test');
			const { lab, clock } = await openLab();
			await bringIntoService(lab);
			await lab.startBackupSync(RED);
			clock.advance(600 * SECOND);
			return (await lab.readBackupStatus(RED)).modules.map((module) => module.exportStatus);
		};
		expect(await settled()).toEqual(await settled());
	});

	it('sync-slow keeps a pool in NonSteadyState after the other has settled', async () => {
		const { lab, clock } = await openLab({ faults: [{ type: 'sync-slow', pool: DUB, extraSeconds: 900 }] });
		await bringIntoService(lab);
		await Promise.all([lab.startBackupSync(RED), lab.startBackupSync(DUB)]);
		clock.advance(400 * SECOND);
		expect(judgeDirection(await lab.readBackupStatus(RED), true)).toEqual({ state: 'steady' });
		const dub = await lab.readBackupStatus(DUB);
		expect(dub.modules.find((module) => module.identity === 'UserServices.PresenceFocus')?.exportStatus).toBe('NonSteadyState');
		clock.advance(900 * SECOND);
		expect(judgeDirection(await lab.readBackupStatus(DUB), false)).toEqual({ state: 'steady' });
	});

	it('sync-error puts one module of one pool in ErrorState', async () => {
		const { lab, clock } = await openLab({ faults: [{ type: 'sync-error', pool: RED, module: 'ConfServices.DataConf' }] });
		await bringIntoService(lab);
		await lab.startBackupSync(RED);
		clock.advance(600 * SECOND);
		const status = await lab.readBackupStatus(RED);
		expect(status.modules.find((module) => module.identity === 'ConfServices.DataConf')?.exportStatus).toBe('ErrorState');
		expect(judgeDirection(status, true)).toEqual({ state: 'failed', reason: 'pool-redmond.contoso.com: ConfServices.DataConf in ErrorState' });
	});

	it('status-access-denied names RTCUniversalServerAdmins, for the pool it names only', async () => {
		const { lab } = await openLab({ faults: [{ type: 'status-access-denied', pool: DUB, attempts: 1 }] });
		await pairRedmondDublin(lab);
		await lab.readBackupStatus(RED);
		const denied = await failure(lab.readBackupStatus(DUB));
		expect(denied.kind).toBe('access-denied');
		expect(denied.message).toContain('RTCUniversalServerAdmins');
		expect((await lab.readBackupStatus(DUB)).pool).toBe(DUB);
	});

	it('a 2019 pool reports the Response Group module as well', async () => {
		const base = testScenario();
		const { lab } = await openLab({ pools: base.pools.map((pool) => ({ ...pool, version: 'Skype for Business Server 2019' as const })) });
		await pairRedmondDublin(lab);
		expect((await lab.readBackupStatus(RED)).modules.map((module) => module.identity)).toEqual([
			'UserServices.PresenceFocus',
			'ConfServices.DataConf',
			'CentralMgmt.CMSMaster',
			'ApplicationServer.RGSDataStore',
		]);
	});

	it('a pair already in place in the scenario reads steady from the start', async () => {
		const { lab } = await openLab();
		const red = await lab.readBackupStatus('pool-redmond-b.contoso.com');
		const dub = await lab.readBackupStatus('pool-dublin-b.contoso.com');
		expect(judgeBothDirections([judgeDirection(red, false), judgeDirection(dub, false)])).toEqual({ state: 'steady' });
	});
});

describe('the farm on disk', () => {
	it('survives a restart: pairing, write count, Bootstrapper results, running services', async () => {
		const { lab, clock } = await openLab();
		await bringIntoService(lab);
		await lab.startBackupSync(RED);

		const restarted = await openLabEnvironment({ stateDir: stateDir(), scenario: lab.scenario, clock: new ManualClock({ start: clock.now() }), timeScale: 1 });
		expect(await restarted.readPairing(RED)).toBe(DUB);
		const farm = restarted.readFarm();
		expect(farm.pairingWrites).toBe(1);
		expect(farm.syncRequests[RED]).toHaveLength(1);
		for (const server of [...RED_SERVERS, ...DUB_SERVERS]) {
			expect(farm.servers[server]).toMatchObject({ bootstrapper: { state: 'done' }, cuReapplied: true });
			expect((await restarted.readService(server, BACKUP_SERVICE)).state).toBe('Running');
		}
	});

	it('is one file per scenario, readable by its owner only', async () => {
		const { lab } = await openLab();
		await pairRedmondDublin(lab);
		expect(lab.farmPath).toBe(labFarmPath(stateDir(), 'test'));
		expect(lab.farmPath).toBe(path.join(stateDir(), 'lab', 'test.farm.json'));
		expect((await stat(lab.farmPath)).mode & 0o777).toBe(0o600);
	});

	it('reset starts the farm afresh from the scenario', async () => {
		const { lab } = await openLab();
		await pairRedmondDublin(lab);
		await resetLabFarm(stateDir(), 'test');
		expect(await lab.readPairing(RED)).toBeUndefined();
		expect(lab.readFarm().pairingWrites).toBe(0);
	});

	it('a farm made from another version of the scenario is set aside, named in a notice, and a fresh one starts', async () => {
		const { lab } = await openLab();
		await pairRedmondDublin(lab);
		const changed = testScenario();
		changed.pools[0]?.servers.push('red-fe04.contoso.com');
		const reopened = await openLabEnvironment({ stateDir: stateDir(), scenario: changed, clock: new ManualClock(), timeScale: 1 });
		expect(reopened.notices).toEqual([expect.stringMatching(/another version of scenario "test" .* kept as \S+test\.farm\.replaced-\S+\.json, and a fresh farm starts/)]);
		const keptAs = /kept as (\S+\.json),/.exec(reopened.notices[0] ?? '')?.[1] ?? '';
		expect(JSON.parse(await readFile(keptAs, 'utf8')).pairingWrites, 'the old farm is kept as it was').toBe(1);
		expect(reopened.readFarm().pairingWrites).toBe(0);
		expect(await reopened.readPairing(RED)).toBeUndefined();
	});

	it('a corrupt farm file is moved aside and named in one line, and the next open starts afresh', async () => {
		const { lab } = await openLab();
		await writeFile(lab.farmPath, '{ "version": 1, ');
		const error: unknown = await lab.readInventory().then(() => undefined, (caught: unknown) => caught);
		if (!(error instanceof LabFarmDamaged)) throw new Error(`expected a LabFarmDamaged, got ${String(error)}`);
		expect(error.message).toMatch(
			new RegExp(`^the lab farm ${lab.farmPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be read \\(it is not valid JSON.*\\); it is kept as \\S+test\\.farm\\.corrupt-\\S+\\.json: run the command again to start the farm afresh from scenario "test"$`),
		);
		expect(await readFile(error.movedTo, 'utf8')).toBe('{ "version": 1, ');
		expect((await openLab()).lab.readFarm().pairingWrites).toBe(0);
	});
});

describe('the Central Management store and its standby', () => {
	it('lists the active database alone until the CMS pool is paired, then the standby on the partner back end too, which Test-CsDatabase passes', async () => {
		const { lab } = await openLab();
		expect((await lab.readCentralManagementDatabases()).map((database) => database.sqlServer)).toEqual(['pool-redmond-sql.contoso.com']);
		expect(await lab.testCentralManagementDatabase('pool-dublin-sql.contoso.com', 'rtc')).toMatchObject({ succeeded: false });
		await pairRedmondDublin(lab);
		expect((await lab.readCentralManagementDatabases()).map((database) => [database.identity, database.sqlServer, database.instance])).toEqual([
			['CentralMgmtStore:pool-redmond-sql.contoso.com', 'pool-redmond-sql.contoso.com', 'rtc'],
			['CentralMgmtStore:pool-dublin-sql.contoso.com', 'pool-dublin-sql.contoso.com', 'rtc'],
		]);
		expect(await lab.testCentralManagementDatabase('POOL-DUBLIN-SQL.contoso.com', 'rtc')).toMatchObject({ succeeded: true });
		expect((await lab.readInventory()).backEnds?.[DUB]).toEqual({ sqlServer: 'pool-dublin-sql.contoso.com', instance: 'rtc' });
	});

	it('no-standby-store: the pairing published without the standby lists only the active database, and the partner fails the test', async () => {
		const { lab } = await openLab({ faults: [{ type: 'no-standby-store' }] });
		await pairRedmondDublin(lab);
		expect((await lab.readCentralManagementDatabases()).map((database) => database.sqlServer)).toEqual(['pool-redmond-sql.contoso.com']);
		expect(await lab.testCentralManagementDatabase('pool-dublin-sql.contoso.com', 'rtc')).toMatchObject({
			succeeded: false,
			detail: 'no Central Management database (xds) on pool-dublin-sql.contoso.com\\rtc',
		});
	});
});

describe('patching a pool in the lab: upgrade domains, readiness, failover and failback', () => {
	it('readiness drops while a server is failed over and comes back when it is failed back', async () => {
		const { lab } = await openLab();
		expect(await lab.readUpgradeReadiness(RED)).toMatchObject({ ready: true, state: 'Ready', frontEnds: 3, activeFrontEnds: 3 });
		const lines: string[] = [];
		await lab.failOver('red-fe02.contoso.com', { onLine: (line) => lines.push(line) });
		expect(lines.at(-1)).toBe('Services stopped and disabled on red-fe02.contoso.com.');
		expect(await lab.isFailedOver('red-fe02.contoso.com')).toBe(true);
		const busy = await lab.readUpgradeReadiness(RED);
		expect(busy).toMatchObject({ ready: false, state: 'Busy', activeFrontEnds: 2 });
		expect(busy.domains.map((domain) => domain.ready)).toEqual([true, false, true]);
		expect(await lab.readUpgradeReadiness(DUB)).toMatchObject({ ready: true });
		await lab.failBack('red-fe02.contoso.com');
		expect(await lab.readUpgradeReadiness(RED)).toMatchObject({ ready: true, activeFrontEnds: 3 });
	});

	it('a server that is down keeps its pool from being ready for as many reads as the fault says', async () => {
		const { lab } = await openLab({ faults: [{ type: 'server-down', server: 'dub-fe03.contoso.com', attempts: 2 }] });
		const reads = [];
		for (let read = 0; read < 3; read++) reads.push((await lab.readUpgradeReadiness(DUB)).state);
		expect(reads).toEqual(['InsufficientActiveFrontEnds', 'InsufficientActiveFrontEnds', 'Ready']);
	});

	it('in a pool of twelve, servers share upgrade domains: eight domains', async () => {
		const servers = Array.from({ length: 12 }, (_, index) => `big-fe${index + 1}.contoso.com`);
		const { lab } = await openLab({
			pools: [{ fqdn: 'pool-big.contoso.com', site: 'Redmond', edition: 'Enterprise', version: 'Skype for Business Server 2015', servers }],
			pairings: [],
		});
		const readiness = await lab.readUpgradeReadiness('pool-big.contoso.com');
		expect(readiness.domains).toHaveLength(8);
		expect(readiness.domains[0]!.servers).toEqual(['big-fe1.contoso.com', 'big-fe9.contoso.com']);
	});

	it('a failing installer exits with its code and leaves the Backup Service behind', async () => {
		const { lab } = await openLab({ faults: [{ type: 'cumulative-update-exit', server: 'red-fe01.contoso.com', exitCode: 1603, attempts: 1 }] });
		await pairRedmondDublin(lab);
		await lab.runBootstrapper('red-fe01.contoso.com');
		const failed = await lab.reapplyCumulativeUpdate('red-fe01.contoso.com');
		expect(failed.exitCode).toBe(1603);
		expect(failed.tail.at(-1)).toBe('SkypeServerUpdateInstaller exited with 1603');
		expect(lab.readFarm().servers['red-fe01.contoso.com']!.cuReapplied).toBe(false);
		expect((await lab.reapplyCumulativeUpdate('red-fe01.contoso.com')).exitCode).toBe(0);
		expect(lab.readFarm().servers['red-fe01.contoso.com']!.cuReapplied).toBe(true);
	});
});
