import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FrontEndPool, PoolInventory } from '../../source/sfb/model.js';
import { assessPair, assessPools, findPool, holdsCentralManagementStore, pairedBothWays, unknownPoolMessage } from '../../source/sfb/pairing-rules.js';
import { readTopologyDocument } from '../../source/sfb/topology-reader.js';

function pool(fqdn: string, overrides: Partial<FrontEndPool> = {}): FrontEndPool {
	return {
		fqdn,
		site: 'Seattle',
		edition: 'Enterprise',
		version: 'Skype for Business Server 2015',
		servers: [1, 2, 3].map((server) => `${fqdn.split('.')[0]}-fe${server}.contoso.com`),
		hostsCentralManagementStore: false,
		...overrides,
	};
}

function inventory(pools: FrontEndPool[], pairings: Record<string, string> = {}, deployed: Record<string, boolean> = {}): PoolInventory {
	return { topologySignature: 'sig', pools, pairings, deployed };
}

const seattle = pool('Pool01.contoso.com');
const dublin = pool('pool02.contoso.com', { site: 'Dublin' });
const paris = pool('pool03.contoso.com', { site: 'Paris' });

describe('Lync Server 2010', () => {
	it('is refused as either end of a pair, never only warned about: it has no Backup Service', () => {
		const lync = pool('lync2010.contoso.com', { site: 'Dublin', version: 'Lync Server 2010' });
		for (const [left, right] of [
			[seattle.fqdn, lync.fqdn],
			[lync.fqdn, seattle.fqdn],
		] as const) {
			expect(assessPair(inventory([seattle, lync]), left, right).refusals).toContainEqual(expect.stringMatching(/lync2010\.contoso\.com is a Lync Server 2010 pool: it has no Backup Service/));
		}
	});
});

describe('findPool and unknownPoolMessage', () => {
	const farm = inventory([seattle, dublin]);

	it('matches FQDNs case-insensitively', () => {
		expect(findPool(farm, 'POOL01.CONTOSO.COM')).toBe(seattle);
		expect(findPool(farm, 'pool09.contoso.com')).toBeUndefined();
	});

	it('lists the valid pool names in one line', () => {
		expect(unknownPoolMessage(farm, 'pool09.contoso.com')).toBe(
			'pool09.contoso.com is not a Front End pool in this topology; the Front End pools are: Pool01.contoso.com, pool02.contoso.com',
		);
		expect(unknownPoolMessage(inventory([]), 'pool09.contoso.com')).toBe(
			'pool09.contoso.com is not a Front End pool: the topology defines no Front End pools',
		);
		expect(unknownPoolMessage(farm, ' ')).toMatch(/^\(an empty name\) is not a Front End pool/);
	});
});

describe('assessPools', () => {
	it('offers pools that are not yet paired and says why the others are not offered', () => {
		const oslo = pool('pool04.contoso.com', { site: 'Oslo' });
		const farm = inventory([seattle, dublin, paris, oslo], { 'pool02.contoso.com': 'POOL03.contoso.com' }, { 'pool01.contoso.com': true });
		expect(assessPools(farm)).toEqual([
			{ pool: seattle, deployed: true, eligible: true },
			{ pool: dublin, pairedWith: 'pool03.contoso.com', deployed: null, eligible: false, reason: 'already paired with pool03.contoso.com' },
			{ pool: paris, pairedWith: 'pool02.contoso.com', deployed: null, eligible: false, reason: 'already paired with pool02.contoso.com' },
			{ pool: oslo, deployed: null, eligible: true },
		]);
	});

	it('does not offer the only pool of a topology: nothing can be paired with it', () => {
		expect(assessPools(inventory([seattle], {}, { 'pool01.contoso.com': true }))).toEqual([
			{ pool: seattle, deployed: true, eligible: false, reason: 'the only Front End pool: nothing can be paired with it until a second pool is defined' },
		]);
	});

	it('does not offer the one pool left unpaired when every other pool is paired', () => {
		const [lone] = assessPools(inventory([seattle, dublin, paris], { 'pool02.contoso.com': 'pool03.contoso.com' }));
		expect(lone).toEqual({ pool: seattle, deployed: null, eligible: false, reason: 'every other Front End pool is already paired: nothing can be paired with it' });
	});
});

describe('assessPair refusals', () => {
	it('allows two unpaired Enterprise pools of the same version in different sites, without warnings', () => {
		expect(assessPair(inventory([seattle, dublin]), 'pool01.contoso.com', 'pool02.contoso.com')).toEqual({
			allowed: true,
			refusals: [],
			warnings: [],
		});
	});

	it('refuses a pool as its own backup', () => {
		expect(assessPair(inventory([seattle, dublin]), 'pool01.contoso.com', 'POOL01.contoso.com')).toEqual({
			allowed: false,
			refusals: ['Pool01.contoso.com cannot be its own backup: choose a different Front End pool as the backup'],
			warnings: [],
		});
	});

	it('refuses unknown pools, saying which one and listing the valid names', () => {
		const farm = inventory([seattle, dublin]);
		expect(assessPair(farm, 'dir01.contoso.com', 'pool02.contoso.com').refusals).toEqual([
			'the chosen pool dir01.contoso.com is not a Front End pool in this topology; the Front End pools are: Pool01.contoso.com, pool02.contoso.com',
		]);
		expect(assessPair(farm, 'pool01.contoso.com', 'edge.contoso.com').refusals).toEqual([
			'the backup pool edge.contoso.com is not a Front End pool in this topology; the Front End pools are: Pool01.contoso.com, pool02.contoso.com',
		]);
		expect(assessPair(farm, 'a.contoso.com', 'b.contoso.com').refusals).toHaveLength(2);
	});

	it('refuses pools already paired with another pool, naming the partner', () => {
		const farm = inventory([seattle, dublin, paris], { 'pool02.contoso.com': 'pool03.contoso.com', 'pool03.contoso.com': 'pool02.contoso.com' });
		expect(assessPair(farm, 'pool01.contoso.com', 'pool02.contoso.com')).toEqual({
			allowed: false,
			refusals: [
				'pool02.contoso.com is already paired with pool03.contoso.com; pairing is one to one, so a pool can back up no other pool',
			],
			warnings: [],
		});
		expect(assessPair(farm, 'pool03.contoso.com', 'pool01.contoso.com').refusals).toEqual([
			'pool03.contoso.com is already paired with pool02.contoso.com; pairing is one to one, so a pool can back up no other pool',
		]);
	});

	it('does not refuse two pools already paired with each other: the procedure finishes what the farm shows is left', () => {
		const halfWritten = inventory([seattle, dublin], { 'pool01.contoso.com': 'pool02.contoso.com' });
		expect(assessPair(halfWritten, 'pool02.contoso.com', 'pool01.contoso.com')).toMatchObject({ allowed: true, refusals: [] });
		expect(pairedBothWays(halfWritten, 'pool01.contoso.com', 'pool02.contoso.com')).toBe(false);
		const published = inventory([seattle, dublin], { 'pool01.contoso.com': 'pool02.contoso.com', 'pool02.contoso.com': 'POOL01.contoso.com' });
		expect(pairedBothWays(published, 'pool02.contoso.com', 'Pool01.contoso.com')).toBe(true);
	});

	it('refuses Enterprise Edition with Standard Edition', () => {
		const standard = pool('se01.contoso.com', { site: 'Dublin', edition: 'Standard', servers: ['se01.contoso.com'] });
		expect(assessPair(inventory([seattle, standard]), 'pool01.contoso.com', 'se01.contoso.com').refusals).toEqual([
			'Pool01.contoso.com is an Enterprise Edition pool and se01.contoso.com is a Standard Edition server: ' +
				'Enterprise Edition pairs only with Enterprise Edition, Standard Edition only with Standard Edition',
		]);
	});

	it('refuses physical with virtual, but only when both platforms are known', () => {
		const physical = pool('pool01.contoso.com', { platform: 'physical' });
		const virtual = pool('pool02.contoso.com', { site: 'Dublin', platform: 'virtual' });
		expect(assessPair(inventory([physical, virtual]), 'pool01.contoso.com', 'pool02.contoso.com').refusals).toEqual([
			'pool01.contoso.com runs on physical servers and pool02.contoso.com on virtual servers: ' +
				'physical pools pair only with physical pools, virtual only with virtual',
		]);
		expect(assessPair(inventory([physical, dublin]), 'pool01.contoso.com', 'pool02.contoso.com').allowed).toBe(true);
	});

	it('refuses different operating systems, but only when both are known', () => {
		const older = pool('pool01.contoso.com', { operatingSystem: 'Windows Server 2016' });
		const newer = pool('pool02.contoso.com', { site: 'Dublin', operatingSystem: 'Windows Server 2019' });
		expect(assessPair(inventory([older, newer]), 'pool01.contoso.com', 'pool02.contoso.com').refusals).toEqual([
			'pool01.contoso.com runs Windows Server 2016 and pool02.contoso.com runs Windows Server 2019: ' +
				'both pools must run the same base operating system',
		]);
		const sameSpelledDifferently = pool('pool02.contoso.com', { site: 'Dublin', operatingSystem: 'windows server 2016' });
		expect(assessPair(inventory([older, sameSpelledDifferently]), 'pool01.contoso.com', 'pool02.contoso.com').allowed).toBe(true);
		expect(assessPair(inventory([older, dublin]), 'pool01.contoso.com', 'pool02.contoso.com').allowed).toBe(true);
	});
});

describe('assessPair warnings', () => {
	it('warns when both pools are in the same site', () => {
		const neighbour = pool('pool04.contoso.com');
		expect(assessPair(inventory([seattle, neighbour]), 'pool01.contoso.com', 'pool04.contoso.com')).toEqual({
			allowed: true,
			refusals: [],
			warnings: [
				'Pool01.contoso.com and pool04.contoso.com are both in site Seattle: ' +
					'Microsoft recommends pools in different sites or data centres, so that one disaster cannot take out both',
			],
		});
	});

	it('warns when the product versions differ, as an undocumented case', () => {
		const lync = pool('lync.contoso.com', { site: 'Dublin', version: 'Lync Server 2013' });
		expect(assessPair(inventory([seattle, lync]), 'pool01.contoso.com', 'lync.contoso.com').warnings).toEqual([
			'Pool01.contoso.com runs Skype for Business Server 2015 and lync.contoso.com runs Lync Server 2013: the versions differ ' +
				'(not a documented rule, but no Microsoft source describes pairing pools of different versions)',
		]);
		const future = pool('next.contoso.com', { site: 'Dublin', version: 'unknown', serviceVersion: 9 });
		expect(assessPair(inventory([seattle, future]), 'pool01.contoso.com', 'next.contoso.com').warnings[0]).toContain(
			'next.contoso.com runs an unknown version (ServiceVersion 9): the versions differ',
		);
	});

	it('warns about a 2019 Enterprise pool with fewer than 3 Front End servers', () => {
		const full = pool('ams.contoso.com', { version: 'Skype for Business Server 2019' });
		const small = pool('rtm.contoso.com', {
			site: 'Dublin',
			version: 'Skype for Business Server 2019',
			servers: ['rtm-fe1.contoso.com', 'rtm-fe2.contoso.com'],
		});
		expect(assessPair(inventory([full, small]), 'ams.contoso.com', 'rtm.contoso.com')).toEqual({
			allowed: true,
			refusals: [],
			warnings: [
				'rtm.contoso.com is a Skype for Business Server 2019 Enterprise Edition pool with 2 Front End servers: ' +
					'a 2019 Enterprise pool needs at least 3',
			],
		});
	});

	it('does not apply the 3-server minimum to 2019 Standard Edition servers or to 2015 pools', () => {
		const se1 = pool('se1.contoso.com', { edition: 'Standard', version: 'Skype for Business Server 2019', servers: ['se1.contoso.com'] });
		const se2 = pool('se2.contoso.com', { site: 'Dublin', edition: 'Standard', version: 'Skype for Business Server 2019', servers: ['se2.contoso.com'] });
		expect(assessPair(inventory([se1, se2]), 'se1.contoso.com', 'se2.contoso.com').warnings).toEqual([]);
		const small2015 = pool('pool05.contoso.com', { site: 'Dublin', servers: ['a.contoso.com', 'b.contoso.com'] });
		expect(assessPair(inventory([seattle, small2015]), 'pool01.contoso.com', 'pool05.contoso.com').warnings).toEqual([]);
	});

	it('tells what to run first when a Standard Edition server partners the CMS host, naming the partner', () => {
		const cmsHost = pool('se1.contoso.com', { edition: 'Standard', servers: ['se1.contoso.com'], hostsCentralManagementStore: true });
		const partner = pool('se2.contoso.com', { site: 'Dublin', edition: 'Standard', servers: ['se2.contoso.com'] });
		const expected = [
			'se1.contoso.com holds the Central Management store: pair it in Topology Builder, and first run ' +
				'Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn se2.contoso.com -SqlInstanceName rtc for the standby store on se2.contoso.com',
		];
		expect(assessPair(inventory([cmsHost, partner]), 'se1.contoso.com', 'se2.contoso.com').warnings).toEqual(expected);
		expect(assessPair(inventory([cmsHost, partner]), 'se2.contoso.com', 'se1.contoso.com').warnings).toEqual(expected);
	});

	it('warns for every pair that holds the Central Management store, Enterprise too, in one line: Topology Builder, and where the standby goes', () => {
		const enterpriseCms = pool('pool01.contoso.com', { hostsCentralManagementStore: true });
		const expected = [
			'pool01.contoso.com holds the Central Management store: pair it in Topology Builder, which defines the standby store on the back end of pool02.contoso.com',
		];
		expect(assessPair(inventory([enterpriseCms, dublin]), 'pool01.contoso.com', 'pool02.contoso.com').warnings).toEqual(expected);
		expect(assessPair(inventory([enterpriseCms, dublin]), 'pool02.contoso.com', 'pool01.contoso.com').warnings).toEqual(expected);
		expect(assessPair(inventory([enterpriseCms, dublin, paris]), 'pool02.contoso.com', 'pool03.contoso.com').warnings).toEqual([]);
		expect(holdsCentralManagementStore(enterpriseCms, dublin)).toBe(true);
		expect(holdsCentralManagementStore(dublin, enterpriseCms)).toBe(true);
		expect(holdsCentralManagementStore(dublin, paris)).toBe(false);
	});
});

describe('pairing rules on the fabrikam topology', () => {
	const document = readTopologyDocument(
		readFileSync(fileURLToPath(new URL('../fixtures/topology/fabrikam-2019.xml', import.meta.url)), 'utf8'),
		'fabrikam-2019.xml',
	);
	const farm = inventory(document.frontEndPools);

	it('warns about the two-server Rotterdam pool and the Lync 2013 pool in the CMS site', () => {
		expect(assessPair(farm, 'ams-pool.fabrikam.com', 'rtm-pool.fabrikam.com').warnings).toEqual([
			'rtm-pool.fabrikam.com is a Skype for Business Server 2019 Enterprise Edition pool with 2 Front End servers: a 2019 Enterprise pool needs at least 3',
			'ams-pool.fabrikam.com holds the Central Management store: pair it in Topology Builder, which defines the standby store on the back end of rtm-pool.fabrikam.com',
		]);
		expect(assessPair(farm, 'ams-pool.fabrikam.com', 'lync-pool.fabrikam.com').warnings.map((warning) => warning.split(':')[0])).toEqual([
			'ams-pool.fabrikam.com and lync-pool.fabrikam.com are both in site Amsterdam',
			'ams-pool.fabrikam.com runs Skype for Business Server 2019 and lync-pool.fabrikam.com runs Lync Server 2013',
			'ams-pool.fabrikam.com holds the Central Management store',
		]);
	});
});
