import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../source/environments/lab/clock.js';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import {
	listScenarios,
	loadScenario,
	loadTopologyOverlay,
	parseScenario,
	scenarioFromTopology,
	ScenarioError,
} from '../../../source/environments/lab/scenario.js';
import { readTopologyDocument } from '../../../source/sfb/topology-reader.js';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(path.join(tmpdir(), 'sfb-pair-scenario-'));
});
afterEach(async () => {
	await rm(directory, { recursive: true, force: true });
});

async function scenarioFile(name: string, content: unknown): Promise<string> {
	const file = path.join(directory, name);
	await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content), 'utf8');
	return file;
}

async function loadError(name: string, content: unknown): Promise<string> {
	const error: unknown = await loadScenario(await scenarioFile(name, content)).catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(ScenarioError);
	return (error as ScenarioError).message;
}

const minimalPool = {
	fqdn: 'pool01.contoso.com',
	site: 'Redmond',
	edition: 'Enterprise',
	version: 'Skype for Business Server 2015',
	servers: ['fe01.contoso.com'],
};
const minimal = { name: 'mine', description: 'one pool', seed: 7, sites: [{ id: '1', name: 'Redmond' }], pools: [minimalPool] };

describe('built-in scenarios', () => {
	it('lists default and bootstrap-failure with a one-line description each', () => {
		const listed = listScenarios();
		expect(listed.map((entry) => entry.name)).toEqual(expect.arrayContaining(['default', 'bootstrap-failure']));
		for (const entry of listed) expect(entry.description).toMatch(/^[^\n]{10,}$/);
	});

	it('the default farm has two sites, pairable pools of both editions, a pair in place, a Director and an Edge', async () => {
		const scenario = await loadScenario('default');
		expect(scenario.sites.map((site) => site.name)).toEqual(['Redmond', 'Dublin']);
		const enterprise = scenario.pools.filter((pool) => pool.edition === 'Enterprise');
		const standard = scenario.pools.filter((pool) => pool.edition === 'Standard');
		expect(new Set(standard.map((pool) => pool.site))).toEqual(new Set(['Redmond', 'Dublin']));
		expect(enterprise.every((pool) => pool.servers.length >= 3)).toBe(true);
		expect(scenario.pools.filter((pool) => pool.hostsCentralManagementStore)).toHaveLength(1);
		expect(scenario.pools.every((pool) => pool.deployed && pool.cumulativeUpdate !== 'RTM')).toBe(true);
		expect(scenario.pairings).toHaveLength(1);
		expect(scenario.otherClusters.flatMap((cluster) => cluster.roles)).toEqual(expect.arrayContaining(['Director', 'EdgeServer']));
	});

	it('bootstrap-failure is the default farm plus one failing Bootstrapper run', async () => {
		const [base, failing] = await Promise.all([loadScenario('default'), loadScenario('bootstrap-failure')]);
		expect(failing.pools).toEqual(base.pools);
		expect(failing.faults).toEqual([{ type: 'bootstrapper-exit', server: 'dub-fe02.contoso.com', exitCode: 1603, attempts: 1 }]);
	});

	it('an unknown name says which scenarios exist', async () => {
		await expect(loadScenario('nosuch')).rejects.toThrow(/^unknown scenario "nosuch": the built-in scenarios are default, enterprise-happy, .*topology-changed, preflight-blocked, drill, drill-not-steady, drill-stale-sync, unpair-repair, or give the path/);
	});

	const library = [
		'enterprise-happy',
		'standard-edition',
		'cms-standard-partner',
		'not-deployed',
		'unsupported-pairs',
		'server-unreachable',
		'another-version',
		'restart-needed',
		'cu-not-reapplied',
		'sync-slow',
		'sync-error',
		'access-denied',
		'topology-changed',
	];

	it.each(library)('%s is built in, named in kebab-case, and loads', async (name) => {
		expect(listScenarios().map((entry) => entry.name)).toContain(name);
		expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
		const scenario = await loadScenario(name);
		expect(scenario.name).toBe(name);
		expect(scenario.pools.length).toBeGreaterThanOrEqual(2);
	});

	it('restart-needed holds dub-fe02 at exit 3010 once; a restart takes 180 s unless the timings say, and restart-hangs names its server', async () => {
		const scenario = await loadScenario('restart-needed');
		expect(scenario.faults).toEqual([{ type: 'reboot-required', server: 'dub-fe02.contoso.com', attempts: 1 }]);
		expect(scenario.timings.restartSeconds).toBe(180);
		const hangs = parseScenario({ ...minimal, timings: { restartSeconds: 30 }, faults: [{ type: 'restart-hangs', server: 'fe01.contoso.com' }] }, 'hangs.json');
		expect([hangs.timings.restartSeconds, hangs.faults]).toEqual([30, [{ type: 'restart-hangs', server: 'fe01.contoso.com', attempts: 1 }]]);
		expect(() => parseScenario({ ...minimal, faults: [{ type: 'restart-hangs' }] }, 'hangs.json')).toThrow(/hangs\.json: faults\[0\]/);
	});

	it('the CMS host of cms-standard-partner is a Standard Edition server, and so is its partner', async () => {
		const scenario = await loadScenario('cms-standard-partner');
		const cms = scenario.pools.find((pool) => pool.hostsCentralManagementStore);
		expect(cms?.edition).toBe('Standard');
		expect(scenario.pools.filter((pool) => pool.edition === 'Standard')).toHaveLength(2);
	});

	it('not-deployed has pools in the topology that were never deployed', async () => {
		const scenario = await loadScenario('not-deployed');
		expect(scenario.pools.filter((pool) => !pool.deployed).map((pool) => pool.fqdn)).toEqual(['pool-bgo.northwindtraders.com', 'pool-trd.northwindtraders.com']);
	});

	it('the slow sync lingers past the 30-minute watch of `run`', async () => {
		const scenario = await loadScenario('sync-slow');
		const { sync, jitter } = scenario.timings;
		const extra = scenario.faults.reduce((total, fault) => (fault.type === 'sync-slow' ? total + fault.extraSeconds : total), 0);
		expect((sync.secondsNotInitialized + sync.secondsNonSteady) * (1 - jitter) + extra).toBeGreaterThan(30 * 60);
	});
});

describe('scenario files', () => {
	it('fills in defaults for what a file leaves out', async () => {
		const scenario = await loadScenario(await scenarioFile('mine.json', minimal));
		expect(scenario.pools[0]).toMatchObject({ deployed: true, cumulativeUpdate: 'RTM', hostsCentralManagementStore: false });
		expect(scenario.timings).toMatchObject({ bootstrapperSeconds: 150, sync: { secondsNotInitialized: 60, secondsNonSteady: 150 } });
		expect(scenario.faults).toEqual([]);
	});

	it('names the file and the field, in one line', async () => {
		const pools = [minimalPool, { ...minimalPool, fqdn: 'pool02.contoso.com', servers: ['fe02.contoso.com'] }, { ...minimalPool, fqdn: 'pool03.contoso.com', servers: ['fe03.contoso.com'], edition: 'Premium' }];
		expect(await loadError('my.json', { ...minimal, pools })).toBe('my.json: pools[2].edition must be "Enterprise" or "Standard"');
	});

	it.each([
		[{ ...minimal, pools: [{ ...minimalPool, fqdn: undefined }] }, 'pools[0].fqdn is required'],
		[{ ...minimal, colour: 'blue' }, 'colour is not a field of a scenario'],
		[{ ...minimal, seed: 'abc' }, 'seed must be an integer'],
		[{ ...minimal, faults: [{ type: 'meteor', server: 'fe01.contoso.com' }] }, 'faults[0].type must be one of "bootstrapper-exit"'],
		[{ ...minimal, faults: [{ type: 'bootstrapper-exit', server: 'fe01.contoso.com', exitCode: 0 }] }, 'faults[0].exitCode must not be 0 or 3010'],
		[{ ...minimal, faults: [{ type: 'unreachable', server: 'fe09.contoso.com' }] }, 'faults[0].server "fe09.contoso.com" is not a Front End server of any pool'],
		[{ ...minimal, pools: [{ ...minimalPool, site: 'Oslo' }] }, 'pools[0].site "Oslo" is not one of the sites (Redmond)'],
		[{ ...minimal, pools: [{ ...minimalPool, cumulativeUpdate: 'latest' }] }, 'pools[0].cumulativeUpdate must be "RTM" or "CU" and a number'],
		[{ ...minimal, pairings: [{ pool: 'pool01.contoso.com', backup: 'pool09.contoso.com' }] }, 'pairings[0].backup "pool09.contoso.com" is not one of the pools'],
		[{ ...minimal, timings: { sync: { secondsNonSteady: -1 } } }, 'timings.sync.secondsNonSteady must be at least 0'],
	])('refuses %j with "%s"', async (content, reason) => {
		const message = await loadError('bad.json', content);
		expect(message).toContain(`bad.json: ${reason}`);
		expect(message).not.toContain('\n');
	});

	it('reports broken JSON and missing files with the file name', async () => {
		expect(await loadError('broken.json', '{ "name": ')).toMatch(/^broken\.json: not valid JSON: /);
		await expect(loadScenario(path.join(directory, 'absent.json'))).rejects.toThrow('absent.json: cannot read');
	});

	it('a file can extend a built-in scenario and replace its faults', async () => {
		const file = await scenarioFile('slow.json', {
			extends: 'default',
			name: 'slow-sync',
			description: 'the default farm with a slow Dublin sync',
			faults: [{ type: 'sync-slow', pool: 'pool-dublin.contoso.com', extraSeconds: 600 }],
		});
		const scenario = await loadScenario(file);
		expect(scenario.name).toBe('slow-sync');
		expect(scenario.pools).toHaveLength(6);
		expect(scenario.faults).toEqual([{ type: 'sync-slow', pool: 'pool-dublin.contoso.com', extraSeconds: 600 }]);
	});
});

const fixture = `<?xml version="1.0" encoding="utf-8"?>
<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="3f2504e0-4f89-41d3-9a0c-0305e82c3301">
  <InternalDomains AllowAllDomains="false" DefaultDomain="fabrikam.com">
    <InternalDomain Name="fabrikam.com" Authoritative="false" AllowSubDomains="false" />
  </InternalDomains>
  <Sites>
    <CentralSite SiteId="1"><Name>Paris</Name><Location /></CentralSite>
    <CentralSite SiteId="2"><Name>Lyon</Name><Location /></CentralSite>
  </Sites>
  <Clusters>
    <Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="fepool.fabrikam.com">
      <ClusterId SiteId="1" Number="1" />
      <Machine OrdinalInCluster="1" Fqdn="fe01.fabrikam.com" FaultDomain="fe01.fabrikam.com" UpgradeDomain="fe01.fabrikam.com" />
      <Machine OrdinalInCluster="2" Fqdn="fe02.fabrikam.com" FaultDomain="fe02.fabrikam.com" UpgradeDomain="fe02.fabrikam.com" />
      <Machine OrdinalInCluster="3" Fqdn="fe03.fabrikam.com" FaultDomain="fe03.fabrikam.com" UpgradeDomain="fe03.fabrikam.com" />
    </Cluster>
    <Cluster RequiresReplication="false" RequiresSetup="false" Fqdn="sql01.fabrikam.com">
      <ClusterId SiteId="1" Number="2" />
      <Machine OrdinalInCluster="1" Fqdn="sql01.fabrikam.com" FaultDomain="sql01.fabrikam.com" UpgradeDomain="sql01.fabrikam.com" />
    </Cluster>
    <Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="dir01.fabrikam.com">
      <ClusterId SiteId="1" Number="3" />
      <Machine OrdinalInCluster="1" Fqdn="dir01.fabrikam.com" FaultDomain="dir01.fabrikam.com" UpgradeDomain="dir01.fabrikam.com" />
    </Cluster>
    <Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="se01.fabrikam.com">
      <ClusterId SiteId="2" Number="1" />
      <Machine OrdinalInCluster="1" Fqdn="se01.fabrikam.com" FaultDomain="se01.fabrikam.com" UpgradeDomain="se01.fabrikam.com" />
    </Cluster>
  </Clusters>
  <SqlInstances>
    <SqlInstance><SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="2" /></SqlInstanceId></SqlInstance>
    <SqlInstance><SqlInstanceId Name="rtc"><ClusterId SiteId="2" Number="1" /></SqlInstanceId></SqlInstance>
  </SqlInstances>
  <Services>
    <Service RoleVersion="1" ServiceVersion="7">
      <ServiceId SiteId="1" RoleName="UserStore" Instance="1" />
      <DependsOn />
      <InstalledOn><SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="2" /></SqlInstanceId></InstalledOn>
    </Service>
    <Service RoleVersion="2" ServiceVersion="7">
      <ServiceId SiteId="1" RoleName="UserServices" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="1" RoleName="UserStore" Instance="1" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
    </Service>
    <Service RoleVersion="2" ServiceVersion="7" Type="Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService">
      <ServiceId SiteId="1" RoleName="Registrar" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="1" RoleName="UserServices" Instance="1" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
      <RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false" />
    </Service>
    <Service RoleVersion="1" ServiceVersion="7">
      <ServiceId SiteId="1" RoleName="CentralMgmtStore" Instance="1" />
      <DependsOn />
      <InstalledOn><SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="2" /></SqlInstanceId></InstalledOn>
    </Service>
    <Service RoleVersion="1" ServiceVersion="7" Type="Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.CentralMgmtService">
      <ServiceId SiteId="1" RoleName="CentralMgmt" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="1" RoleName="CentralMgmtStore" Instance="1" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
      <CentralMgmtService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsActive="true" />
    </Service>
    <Service RoleVersion="2" ServiceVersion="7" Type="Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService">
      <ServiceId SiteId="1" RoleName="Registrar" Instance="2" />
      <DependsOn />
      <InstalledOn><ClusterId SiteId="1" Number="3" /></InstalledOn>
      <RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="true" />
    </Service>
    <Service RoleVersion="1" ServiceVersion="7">
      <ServiceId SiteId="2" RoleName="UserStore" Instance="1" />
      <DependsOn />
      <InstalledOn><SqlInstanceId Name="rtc"><ClusterId SiteId="2" Number="1" /></SqlInstanceId></InstalledOn>
    </Service>
    <Service RoleVersion="2" ServiceVersion="7">
      <ServiceId SiteId="2" RoleName="UserServices" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="2" RoleName="UserStore" Instance="1" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="2" Number="1" /></InstalledOn>
    </Service>
    <Service RoleVersion="2" ServiceVersion="7" Type="Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService">
      <ServiceId SiteId="2" RoleName="Registrar" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="2" RoleName="UserServices" Instance="1" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="2" Number="1" /></InstalledOn>
      <RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false" />
    </Service>
  </Services>
</Topology>
`;

describe('scenarioFromTopology', () => {
	const document = () => readTopologyDocument(fixture, 'fabrikam.xml');

	it('takes sites, pools and servers from the document and the rest from defaults', () => {
		const scenario = scenarioFromTopology(document());
		expect(scenario.signature).toBe('3f2504e0-4f89-41d3-9a0c-0305e82c3301');
		expect(scenario.sites.map((site) => site.name)).toEqual(['Paris', 'Lyon']);
		expect(scenario.pools).toEqual([
			expect.objectContaining({
				fqdn: 'fepool.fabrikam.com',
				site: 'Paris',
				edition: 'Enterprise',
				servers: ['fe01.fabrikam.com', 'fe02.fabrikam.com', 'fe03.fabrikam.com'],
				hostsCentralManagementStore: true,
				deployed: true,
				cumulativeUpdate: 'RTM',
			}),
			expect.objectContaining({ fqdn: 'se01.fabrikam.com', site: 'Lyon', edition: 'Standard', servers: ['se01.fabrikam.com'] }),
		]);
		expect(scenario.otherClusters.map((cluster) => cluster.fqdn)).toEqual(['sql01.fabrikam.com', 'dir01.fabrikam.com']);
		expect(scenario.pairings).toEqual([]);
	});

	it('the overlay adds what the document does not hold: deployment, CU, faults, timings', () => {
		const scenario = scenarioFromTopology(document(), {
			name: 'fabrikam',
			pools: [{ fqdn: 'se01.fabrikam.com', deployed: false, cumulativeUpdate: 'CU12' }],
			faults: [{ type: 'reboot-required', server: 'fe02.fabrikam.com', attempts: 1 }],
			timings: { bootstrapperSeconds: 90 },
		});
		expect(scenario.name).toBe('fabrikam');
		expect(scenario.pools[1]).toMatchObject({ deployed: false, cumulativeUpdate: 'CU12', edition: 'Standard' });
		expect(scenario.faults).toEqual([{ type: 'reboot-required', server: 'fe02.fabrikam.com', attempts: 1 }]);
		expect(scenario.timings.bootstrapperSeconds).toBe(90);
	});

	it('an overlay naming servers the document does not have is refused with the overlay file named', () => {
		expect(() =>
			scenarioFromTopology(document(), { faults: [{ type: 'another-version-installed', server: 'fe09.fabrikam.com', attempts: 1 }] }, 'overlay.json'),
		).toThrow('overlay.json: faults[0].server "fe09.fabrikam.com" is not a Front End server of any pool');
		expect(() => scenarioFromTopology(document(), { pools: [{ fqdn: 'dir01.fabrikam.com', deployed: false }] }, 'overlay.json')).toThrow(
			'overlay.json: pools[0].fqdn "dir01.fabrikam.com" is not a Front End pool of the topology document',
		);
	});

	it('a lab farm built from the document publishes the same pools and signature back', async () => {
		const stateDir = path.join(directory, 'state');
		const lab = await openLabEnvironment({ stateDir, scenario: scenarioFromTopology(document()), clock: new ManualClock() });
		const inventory = await lab.readInventory();
		expect(inventory.topologySignature).toBe('3f2504e0-4f89-41d3-9a0c-0305e82c3301');

		const snapshot = await lab.snapshotTopology(path.join(directory, 'snapshots', 'before.xml'));
		const reread = readTopologyDocument(await readFile(snapshot, 'utf8'), 'before.xml');
		expect(reread.signature).toBe(inventory.topologySignature);
		expect(reread.frontEndPools.map(({ fqdn, site, edition, version, servers, hostsCentralManagementStore }) => ({ fqdn, site, edition, version, servers, hostsCentralManagementStore }))).toEqual(
			document().frontEndPools.map(({ fqdn, site, edition, version, servers, hostsCentralManagementStore }) => ({ fqdn, site, edition, version, servers, hostsCentralManagementStore })),
		);
	});
});

describe('loadTopologyOverlay', () => {
	const document = () => readTopologyDocument(fixture, 'fabrikam.xml');

	it('reads an overlay file whose pools, timings and faults then shape the farm built from the document', async () => {
		const file = await scenarioFile('fabrikam-overlay.json', {
			name: 'fabrikam-rehearsal',
			pools: [
				{ fqdn: 'fepool.fabrikam.com', cumulativeUpdate: 'CU15', platform: 'physical', operatingSystem: 'Windows Server 2016' },
				{ fqdn: 'se01.fabrikam.com', deployed: false },
			],
			timings: { bootstrapperSeconds: 60 },
			faults: [{ type: 'unreachable', server: 'fe02.fabrikam.com' }],
		});
		const scenario = scenarioFromTopology(document(), await loadTopologyOverlay(file), 'fabrikam.xml', 'fabrikam-overlay.json');
		expect(scenario.name).toBe('fabrikam-rehearsal');
		expect(scenario.pools[0]).toMatchObject({ fqdn: 'fepool.fabrikam.com', cumulativeUpdate: 'CU15', platform: 'physical', hostsCentralManagementStore: true });
		expect(scenario.pools[1]).toMatchObject({ fqdn: 'se01.fabrikam.com', deployed: false, edition: 'Standard' });
		expect(scenario.timings.bootstrapperSeconds).toBe(60);
		expect(scenario.faults).toEqual([{ type: 'unreachable', server: 'fe02.fabrikam.com', attempts: 1, during: 'bootstrapper' }]);
	});

	it.each([
		[{ pools: [{ fqdn: 'fepool.fabrikam.com', deployed: 'no' }] }, 'pools[0].deployed must be a boolean'],
		[{ pools: [{ deployed: false }] }, 'pools[0].fqdn is required'],
		[{ pools: [{ fqdn: 'fepool.fabrikam.com', edition: 'Standard' }] }, 'pools[0].edition is not a field of pools[0]: the topology document gives it'],
		[{ sites: [] }, 'sites is not a field of a topology overlay: the topology document gives it'],
		[{ extends: 'default' }, 'extends is not a field of a topology overlay'],
		[{ faults: [{ type: 'meteor' }] }, 'faults[0].type must be one of "bootstrapper-exit"'],
		[{ timings: { jitter: 2 } }, 'timings.jitter must be at most 0.5'],
		[{ pools: [{ fqdn: 'fepool.fabrikam.com', cumulativeUpdate: 'latest' }] }, 'pools[0].cumulativeUpdate must be "RTM" or "CU" and a number'],
	])('refuses %j naming the file and the field', async (content, reason) => {
		const file = await scenarioFile('overlay.json', content);
		const error: unknown = await loadTopologyOverlay(file).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ScenarioError);
		expect((error as Error).message).toContain(`overlay.json: ${reason}`);
		expect((error as Error).message).not.toContain('\n');
	});

	it('reports broken JSON and a missing file with the file name', async () => {
		await expect(loadTopologyOverlay(await scenarioFile('torn.json', '{ "pools": ['))).rejects.toThrow(/^torn\.json: not valid JSON: /);
		await expect(loadTopologyOverlay(path.join(directory, 'absent.json'))).rejects.toThrow('absent.json: cannot read');
	});

	it('a reference the document does not hold is reported against the overlay file', async () => {
		const overlay = await loadTopologyOverlay(await scenarioFile('overlay.json', { faults: [{ type: 'reboot-required', server: 'fe09.fabrikam.com' }] }));
		expect(() => scenarioFromTopology(document(), overlay, 'fabrikam.xml', 'overlay.json')).toThrow(
			'overlay.json: faults[0].server "fe09.fabrikam.com" is not a Front End server of any pool',
		);
		const stray = await loadTopologyOverlay(await scenarioFile('overlay.json', { pools: [{ fqdn: 'dir01.fabrikam.com' }] }));
		expect(() => scenarioFromTopology(document(), stray, 'fabrikam.xml', 'overlay.json')).toThrow(
			'overlay.json: pools[0].fqdn "dir01.fabrikam.com" is not a Front End pool of the topology document fabrikam.xml',
		);
	});
});

describe('parseScenario', () => {
	it('names the source it was given', () => {
		expect(() => parseScenario({ ...minimal, name: 'has space' }, 'inline.json')).toThrow(
			'inline.json: name may hold only letters, digits, ".", "_" and "-" (it names the farm file)',
		);
	});
});
