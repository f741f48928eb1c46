import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrontEndPool, ProductVersion, Site } from '../../source/sfb/model.js';
import { readTopologyDocument } from '../../source/sfb/topology-reader.js';
import { backEndsOf, renderTopologyDocument, writtenFileStore } from '../../source/sfb/topology-writer.js';

/** A pool as the writer is given it: the file store is not an input, the writer generates one (checked on its own below). */
const definitionOf = ({ fileStore: _fileStore, ...pool }: FrontEndPool): FrontEndPool => pool;

const fixtureDirectory = fileURLToPath(new URL('../fixtures/topology/', import.meta.url));
const readFixture = (name: string) => readTopologyDocument(readFileSync(fixtureDirectory + name, 'utf8'), name);
const sortedRoles = (clusters: { fqdn: string; site: string; roles: string[] }[]) =>
	clusters.map((cluster) => ({ ...cluster, roles: [...cluster.roles].sort() }));

describe('renderTopologyDocument', () => {
	it('writes the contoso fixture back to the same pools, sites and other clusters', () => {
		const original = readFixture('contoso-two-sites.xml');
		const xml = renderTopologyDocument({
			signature: original.signature ?? '',
			sites: original.sites,
			pools: original.frontEndPools,
			otherClusters: original.otherClusters,
		});
		const written = readTopologyDocument(xml, 'written.xml');
		expect(written.signature).toBe(original.signature);
		expect(written.sites).toEqual(original.sites);
		expect(written.frontEndPools.map(definitionOf)).toEqual(original.frontEndPools.map(definitionOf));
		// Given SQL and file store clusters are reused as back ends, so no cluster is added or lost.
		expect(sortedRoles(written.otherClusters)).toEqual(sortedRoles(original.otherClusters));
		expect(written.backEnds).toEqual(backEndsOf({ pools: original.frontEndPools, otherClusters: original.otherClusters }));
		expect(written.backEnds['pool01.contoso.com']).toEqual({ sqlServer: 'sea-sql01.contoso.com', instance: 'rtc' });
	});

	it('puts the standby Central Management store on the back end of the pool it is given, beside the active one', () => {
		const original = readFixture('fabrikam-2019.xml');
		const input = { signature: 's', sites: original.sites, pools: original.frontEndPools };
		expect(readTopologyDocument(renderTopologyDocument(input), 'w.xml').centralManagementStores).toEqual(['ams-pool-sql.fabrikam.com']);
		const paired = readTopologyDocument(renderTopologyDocument({ ...input, standbyStorePool: 'rtm-pool.fabrikam.com' }), 'w.xml');
		expect(paired.centralManagementStores).toEqual(['ams-pool-sql.fabrikam.com', 'rtm-pool-sql.fabrikam.com']);
		expect(paired.backEnds).toEqual(backEndsOf(input));
		expect(paired.frontEndPools.map(definitionOf)).toEqual(original.frontEndPools.map(definitionOf));
	});

	it('gives each Enterprise pool a generated back end and file store when none is given', () => {
		const original = readFixture('fabrikam-2019.xml');
		const written = readTopologyDocument(
			renderTopologyDocument({ signature: 'c2a7d913-4e58-4f0b-b6a1-8e3d5f72019a', sites: original.sites, pools: original.frontEndPools }),
			'written.xml',
		);
		expect(written.frontEndPools.map(definitionOf)).toEqual(original.frontEndPools.map(definitionOf));
		expect(written.otherClusters).toEqual([
			{ fqdn: 'ams-pool-sql.fabrikam.com', site: 'Amsterdam', roles: ['UserStore', 'CentralMgmtStore'] },
			{ fqdn: 'ams-pool-fs.fabrikam.com', site: 'Amsterdam', roles: ['FileStore'] },
			{ fqdn: 'lync-pool-sql.fabrikam.com', site: 'Amsterdam', roles: ['UserStore'] },
			{ fqdn: 'lync-pool-fs.fabrikam.com', site: 'Amsterdam', roles: ['FileStore'] },
			{ fqdn: 'rtm-pool-sql.fabrikam.com', site: 'Rotterdam', roles: ['UserStore'] },
			{ fqdn: 'rtm-pool-fs.fabrikam.com', site: 'Rotterdam', roles: ['FileStore'] },
		]);
	});

	it('says which file store it gives each pool without writing the document (the lab uses it), as the document reads back', () => {
		for (const fixture of ['contoso-two-sites.xml', 'fabrikam-2019.xml']) {
			const original = readFixture(fixture);
			const otherClusters = fixture.startsWith('contoso') ? original.otherClusters : [];
			const written = readTopologyDocument(renderTopologyDocument({ signature: 's', sites: original.sites, pools: original.frontEndPools, otherClusters }), 'w.xml');
			expect(written.frontEndPools.map((pool) => pool.fileStore)).toEqual(original.frontEndPools.map((pool) => writtenFileStore(pool, otherClusters)));
		}
	});

	it('writes a Director and an Edge pool that the reader keeps out of the Front End pools', () => {
		const sites: Site[] = [{ id: '1', name: 'HQ' }];
		const pool: FrontEndPool = {
			fqdn: 'pool.lab.local',
			site: 'HQ',
			edition: 'Enterprise',
			version: 'Skype for Business Server 2015',
			servers: ['fe1.lab.local', 'fe2.lab.local'],
			hostsCentralManagementStore: true,
		};
		const otherClusters = [
			{ fqdn: 'dir.lab.local', site: 'HQ', roles: ['Director'] },
			{ fqdn: 'edge.lab.local', site: 'HQ', roles: ['EdgeServer'] },
		];
		const written = readTopologyDocument(renderTopologyDocument({ signature: 's', sites, pools: [pool], otherClusters }), 'w.xml');
		expect(written.frontEndPools.map(definitionOf)).toEqual([pool]);
		expect(written.otherClusters).toEqual(expect.arrayContaining(otherClusters));
	});

	it('keeps an unrecognised ServiceVersion through the round trip', () => {
		const pool: FrontEndPool = {
			fqdn: 'next.lab.local',
			site: 'HQ',
			edition: 'Standard',
			version: 'unknown',
			serviceVersion: 9,
			servers: ['next.lab.local'],
			hostsCentralManagementStore: false,
		};
		const sites = [{ id: '1', name: 'HQ' }];
		expect(readTopologyDocument(renderTopologyDocument({ signature: 's', sites, pools: [pool] }), 'w.xml').frontEndPools.map(definitionOf)).toEqual([pool]);
	});

	it('refuses a pool whose site is not among the sites, in one line', () => {
		const pool: FrontEndPool = {
			fqdn: 'lost.lab.local',
			site: 'Nowhere',
			edition: 'Standard',
			version: 'Skype for Business Server 2019',
			servers: ['lost.lab.local'],
			hostsCentralManagementStore: false,
		};
		expect(() => renderTopologyDocument({ signature: 's', sites: [{ id: '1', name: 'HQ' }], pools: [pool] })).toThrow(
			'cannot write lost.lab.local: its site "Nowhere" is not among the sites (HQ)',
		);
	});

	it('round-trips any set of pools, including names that need escaping', () => {
		const versions: ProductVersion[] = ['Lync Server 2013', 'Skype for Business Server 2015', 'Skype for Business Server 2019'];
		const siteName = fc.stringMatching(/^[A-Za-z0-9&<>"'][A-Za-z0-9 &<>"'.-]{0,15}[A-Za-z0-9&<>"']$/);
		const scenario = fc
			.uniqueArray(siteName, { minLength: 1, maxLength: 4 })
			.chain((siteNames) =>
				fc.record({
					siteNames: fc.constant(siteNames),
					pools: fc.array(
						fc.record({
							site: fc.constantFrom(...siteNames),
							edition: fc.constantFrom('Enterprise' as const, 'Standard' as const),
							version: fc.constantFrom(...versions),
							serverCount: fc.integer({ min: 1, max: 5 }),
						}),
						{ minLength: 1, maxLength: 8 },
					),
					cmsIndex: fc.nat(),
				}),
			);
		fc.assert(
			fc.property(scenario, ({ siteNames, pools, cmsIndex }) => {
				const sites = siteNames.map((name, index) => ({ id: String(index + 1), name }));
				const frontEndPools: FrontEndPool[] = pools.map((shape, index) => ({
					fqdn: `pool${index}.corp.example`,
					site: shape.site,
					edition: shape.edition,
					version: shape.version,
					servers: Array.from({ length: shape.serverCount }, (_, server) => `fe${index}-${server}.corp.example`),
					hostsCentralManagementStore: index === cmsIndex % pools.length,
				}));
				const written = readTopologyDocument(renderTopologyDocument({ signature: 'sig', sites, pools: frontEndPools }), 'p.xml');
				expect(written.sites).toEqual(sites);
				expect(written.frontEndPools.map(definitionOf)).toEqual(frontEndPools);
			}),
			{ numRuns: 60 },
		);
	});

	it('writes a 200-pool document that reads back to 200 pools', () => {
		const sites = Array.from({ length: 10 }, (_, index) => ({ id: String(index + 1), name: `Site ${index + 1}` }));
		const pools: FrontEndPool[] = Array.from({ length: 200 }, (_, index) => ({
			fqdn: `pool${String(index).padStart(3, '0')}.corp.example`,
			site: `Site ${(index % 10) + 1}`,
			edition: index % 4 === 0 ? 'Standard' : 'Enterprise',
			version: 'Skype for Business Server 2019',
			servers: index % 4 === 0 ? [`pool${index}.corp.example`] : [1, 2, 3].map((server) => `fe${index}-${server}.corp.example`),
			hostsCentralManagementStore: index === 0,
		}));
		const written = readTopologyDocument(renderTopologyDocument({ signature: 'bench', sites, pools }), 'bench.xml');
		expect(written.frontEndPools).toHaveLength(200);
		expect(written.frontEndPools.map(definitionOf)).toEqual(pools);
	});
});
