import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { doctorCommand } from '../../source/cli/commands/doctor.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import type { Check } from '../../source/procedure/preflight.js';
import { renderTopologyDocument } from '../../source/sfb/topology-writer.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, SITES, STAND_IN_MODULES, type StandInFarm, type StandInState } from './stand-in.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const [sea01, sea02] = POOL_A.servers as [string, string, string];
const [dub01, dub02] = POOL_B.servers as [string, string, string];

/**
 * `sfb-pair doctor` on real pwsh with the stand-in module: one environment for the suite (its sessions reused, as one
 * doctor run reuses them), the farm changed between tests while nothing is asking it. Each fault fails its check.
 */
describeWithPwsh('sfb-pair doctor on a live farm (pwsh, stand-in module)', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;
	let stateDir: string;
	let baseline: string;

	beforeAll(async () => {
		farm = createStandInFarm();
		baseline = readFileSync(farm.statePath, 'utf8');
		process.env.SFB_STANDIN_STATE = farm.statePath;
		stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-live-doctor-'));
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir, modulePath: STAND_IN_MODULES, sessions: 3 });
	}, 120_000);
	afterEach(() => {
		const initial = JSON.parse(baseline) as StandInState;
		farm.update((state) => {
			for (const key of Object.keys(state)) if (!(key in initial)) delete (state as unknown as Record<string, unknown>)[key];
			Object.assign(state, initial, { calls: [] });
		});
		writeFileSync(join(farm.dir, 'topology.xml'), renderTopologyDocument({ signature: initial.signature, sites: SITES, pools: [POOL_A, POOL_B] }));
	});
	afterAll(async () => {
		await environment?.dispose();
		farm?.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	async function doctor(change: (state: StandInState) => void = () => undefined) {
		farm.update(change);
		const lines: string[] = [];
		const code = await doctorCommand(environment, { json: true, pool: POOL_A.fqdn, backup: POOL_B.fqdn }, (text) => lines.push(text));
		const checks = (JSON.parse(lines.join('\n')) as { checks: Check[] }).checks;
		return { code, checks, failing: checks.filter((check) => check.status !== 'ok').map((check) => [check.id, check.status, check.subject]) };
	}

	it('a healthy farm: every check ok, exit 0, read with the cmdlets the README lists', async () => {
		const { code, checks, failing } = await doctor();
		expect(failing).toEqual([]);
		expect(code).toBe(0);
		expect(checks.find((check) => check.id === 'fabric')?.evidence).toBe("Get-CsPoolFabricState -PoolFqdn 'pool01.contoso.com': Services with missing primary 0, Services with missing secondaries 0");
		expect(checks.find((check) => check.id === 'double-hop')?.evidence).toBe("Get-ChildItem -LiteralPath '\\\\pool01-fs.contoso.com\\share' in its remote session: listed");
		expect(checks.find((check) => check.id === 'cumulative-update')?.evidence).toMatch(/6\.0\.9319\.534 on sea-fe01, sea-fe02, sea-fe03, dub-fe01, dub-fe02, dub-fe03/);
		const cmdlets = new Set(farm.read().calls.map((call) => call.cmdlet));
		for (const cmdlet of ['Get-CsPoolFabricState', 'Get-CsManagementStoreReplicationStatus', 'Get-CsWindowsService', 'New-PSSession']) expect(cmdlets).toContain(cmdlet);
		expect(cmdlets).not.toContain('Set-CsRegistrar');
		expect(cmdlets).not.toContain('Enable-CsTopology');
	}, 120_000);

	const faults: [string, (state: StandInState) => void, [string, string, string][]][] = [
		['not in RTCUniversalServerAdmins', (state) => (state.account = { rtcUniversalServerAdmins: false }), [['rtc-admins', 'blocking', 'contoso\\sfbadmin']]],
		['not elevated', (state) => (state.account = { elevated: false }), [['elevated', 'blocking', 'contoso\\sfbadmin']]],
		['no Domain Admin, no setup permission', (state) => {
			state.account = { domainAdmins: false, setupPermission: false };
			state.servers[sea01]!.distinguishedName = 'CN=SEA-FE01,OU=Skype Servers,DC=contoso,DC=com';
		}, [['topology-rights', 'blocking', 'contoso\\sfbadmin']]],
		['an unreachable server', (state) => {
			// Gone since the last test: its open session breaks, and opening another fails.
			state.servers[dub02]!.reachable = false;
			state.breakSessions = [dub02];
		}, [['winrm', 'blocking', dub02]]],
		['SMB blocked', (state) => (state.servers[sea02]!.smbBlocked = true), [['smb', 'blocking', sea02]]],
		['the double hop refused', (state) => (state.servers[dub01]!.doubleHopDenied = true), [['double-hop', 'warning', dub01]]],
		['a missing replica in the fabric', (state) => (state.fabricMissing = { [POOL_B.fqdn]: 1 }), [['fabric', 'blocking', POOL_B.fqdn]]],
		['a replica behind', (state) => {
			state.publishedAt = Date.now();
			state.servers[dub01]!.replicaLagMs = 3_600_000;
		}, [['replication', 'blocking', dub01]]],
		['another Cumulative Update', (state) => (state.servers[dub02]!.coreVersion = '6.0.9319.516'), [['cumulative-update', 'blocking', `${POOL_A.fqdn} ↔ ${POOL_B.fqdn}`]]],
		['another OS', (state) => (state.servers[dub01]!.operatingSystem = 'Microsoft Windows Server 2016 Datacenter'), [['operating-system', 'blocking', `${POOL_A.fqdn} ↔ ${POOL_B.fqdn}`]]],
		['one pool physical', (state) => {
			for (const server of POOL_B.servers) Object.assign(state.servers[server]!, { manufacturer: 'HPE', model: 'ProLiant DL380 Gen10' });
		}, [['platform', 'blocking', `${POOL_A.fqdn} ↔ ${POOL_B.fqdn}`]]],
	];
	it.each(faults)('%s: that check fails, and only that one', async (_name, change, expected) => {
		const { code, failing } = await doctor(change);
		const blocking = expected.some(([, status]) => status === 'blocking');
		// An unreachable server also leaves what only it could say unread: those are "could not tell", never "ok".
		expect(failing.filter(([, status]) => status === 'blocking' || expected.some(([id]) => id === 'double-hop'))).toEqual(expected);
		expect(code).toBe(blocking ? 1 : 0);
	}, 120_000);

	it('refuses a Lync Server 2010 pool', async () => {
		writeFileSync(join(farm.dir, 'topology.xml'), renderTopologyDocument({ signature: farm.read().signature, sites: SITES, pools: [POOL_A, { ...POOL_B, version: 'Lync Server 2010' }] }));
		const { code, failing } = await doctor();
		expect(failing).toEqual([['product-version', 'blocking', POOL_B.fqdn]]);
		expect(code).toBe(1);
	}, 120_000);

	it('--capture writes the shape of every cmdlet output read, privately, with no value and no name of the farm; refuses a folder or a FIFO', () => {
		const folder = mkdtempSync(join(tmpdir(), 'sfb-pair-capture-'));
		try {
			const env = { ...process.env, SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) };
			const cli = (...extra: string[]) => spawnSync(process.execPath, [CLI, 'doctor', '--live', '--powershell', pwsh, '--state-dir', stateDir, ...extra], { encoding: 'utf8', timeout: 240_000, env });
			const file = join(folder, 'shapes.json');
			farm.update((state) => (state.servers[POOL_A.servers[0]!]!.distinguishedName = 'CN=SEA-FE01,OU=Skype Servers,DC=contoso,DC=com'));
			const run = cli('--pool', POOL_A.fqdn, '--backup', POOL_B.fqdn, '--capture', file);
			expect(run.status, run.stdout + run.stderr).toBe(0);
			expect(run.stdout).toMatch(/Nothing blocks pairing\./);
			expect(run.stdout).toMatch(/cmdlet outputs' shapes written to .*shapes\.json/);
			expect(lstatSync(file).mode & 0o777).toBe(0o600);
			const text = readFileSync(file, 'utf8');
			const capture = JSON.parse(text) as { shapes: { command: string; shape: unknown }[] };
			const commands = capture.shapes.map((entry) => entry.command);
			for (const command of ['Get-CsTopology -AsXml', 'Get-CsService -Registrar', 'Get-CsPoolBackupRelationship -PoolFqdn pool1', 'Get-CsBackupServiceStatus -PoolFqdn pool2', 'Get-CsPoolFabricState -PoolFqdn pool1', 'Get-CsManagementStoreReplicationStatus -ReplicaFqdn pool1-fe1', 'on pool2-fe1: Get-CsServerPatchVersion', 'on pool1-fe1: Get-CimInstance -ClassName Win32_ComputerSystem', 'on pool1-fe1: Get-CsPoolUpgradeReadinessState', `on pool2-fe1: Get-CimInstance -ClassName Win32_Service -Filter "Name = 'RTCSRV'"`, 'Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus', 'Get-CsUser -ResultSize 1 (on pool1) | Get-CsUserPoolInfo']) {
				expect(commands).toContain(command);
			}
			// The other reads of the live side: the account, the event log, the registry, SMB, RTCSRV's install path, the publish's report.
			const shapeOf = (command: string) => capture.shapes.find((entry) => entry.command === command)?.shape;
			expect(shapeOf('whoami.exe /groups /fo csv /nh')).toMatchObject({ items: expect.arrayContaining([{ type: 'System.String' }]) });
			expect(shapeOf('Test-CsSetupPermission -ComputerOU <the first Front End OU>')).toMatchObject({ count: 1 });
			expect(shapeOf(`on pool1-fe1: Get-CimInstance -ClassName Win32_Service -Filter "Name = 'RTCSRV'"`)).toMatchObject({ count: 1, items: [{ properties: { PathName: { type: 'System.String' } } }] });
			expect(shapeOf("on pool2-fe1: Get-WinEvent -FilterHashtable @{ ProviderName = 'LS Backup Service'; Id = 4007 } -MaxEvents 1")).toMatchObject({ error: { errorId: expect.stringMatching(/^NoMatchingEventsFound/) } });
			expect(shapeOf('on pool1-fe1: Get-ItemPropertyValue -Path <Group Policy State\\Machine> -Name Distinguished-Name')).toMatchObject({ items: [{ type: 'System.String' }] });
			expect(shapeOf('on pool2-fe1: Test-NetConnection -ComputerName <the pool file server> -Port 445 -InformationLevel Quiet')).toMatchObject({ items: [{ type: 'System.Boolean' }] });
			expect(shapeOf('Enable-CsTopology -Report (the newest report kept in the state folder)')).toEqual({ absent: 'sfb-pair has not published from this state folder' });
			const replication = capture.shapes.find((entry) => entry.command.startsWith('Get-CsManagementStoreReplicationStatus -ReplicaFqdn'));
			const userPoolInfo = capture.shapes.find((entry) => entry.command.endsWith('| Get-CsUserPoolInfo'));
			expect(userPoolInfo?.shape).toMatchObject({ count: 1, items: [{ properties: { UserServicesPoolFqdn: { type: 'System.String' } } }] });
			expect(replication?.shape).toMatchObject({ count: 1, items: [{ properties: { UpToDate: { type: 'System.Boolean' }, LastUpdateCreation: { type: 'System.DateTime' } } }] });
			expect(text).not.toMatch(/contoso|sea-fe|dub-fe|pool0[12]|6\.0\.9319|Windows Server|Virtual Machine/i);

			mkdirSync(join(folder, 'a-folder'));
			const refusedFolder = cli('--capture', join(folder, 'a-folder'));
			expect(refusedFolder.status).toBe(2);
			expect(refusedFolder.stderr).toMatch(/cannot use .*a-folder as the capture file: it is a folder, not a file/);
			spawnSync('mkfifo', [join(folder, 'fifo')]);
			const refusedFifo = cli('--capture', join(folder, 'fifo'));
			expect(refusedFifo.status).toBe(2);
			expect(refusedFifo.stderr).toMatch(/named pipe/);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	}, 300_000);
});
