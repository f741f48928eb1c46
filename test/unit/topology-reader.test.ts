import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrontEndPool } from '../../source/sfb/model.js';
import { renderTopologyDocument } from '../../source/sfb/topology-writer.js';
import {
	MAX_TOPOLOGY_BYTES,
	TOPOLOGY_NAMESPACE,
	TopologyReadError,
	decodeTopologyBytes,
	readTopologyDocument,
	readTopologyDocumentByReference,
	refuseOversizedFile,
} from '../../source/sfb/topology-reader.js';

const fixtureDirectory = fileURLToPath(new URL('../fixtures/topology/', import.meta.url));
const fixture = (name: string) => readFileSync(fixtureDirectory + name, 'utf8');
const readFixture = (name: string) => readTopologyDocument(fixture(name), name);

function refusal(xml: string, sourceName = 'topology.xml'): string {
	try {
		readTopologyDocument(xml, sourceName);
	} catch (error) {
		expect(error).toBeInstanceOf(TopologyReadError);
		const message = (error as Error).message;
		expect(message.startsWith(`${sourceName} `)).toBe(true);
		expect(message).not.toContain('\n');
		expect(message).not.toContain('undefined');
		return message;
	}
	throw new Error(`${sourceName} was accepted`);
}

/** The smallest document the reader accepts around `body`, in the exported shape. */
function topology(body: string, rootAttributes = `xmlns="${TOPOLOGY_NAMESPACE}" Signature="7e1d5a2c-0b3f-4c6d-9e8a-1f2b3c4d5e6f"`) {
	return `<?xml version="1.0" encoding="utf-8"?>\n<Topology ${rootAttributes}>\n${body}\n</Topology>\n`;
}

/** One Standard Edition server: one site, one cluster, one machine, one of each service, so no element repeats. */
const singleServer = `
  <Sites>
    <CentralSite SiteId="1"><Name>Lab</Name><Location /></CentralSite>
  </Sites>
  <Clusters>
    <Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="se01.lab.local">
      <ClusterId SiteId="1" Number="1" />
      <Machine OrdinalInCluster="1" Fqdn="se01.lab.local" FaultDomain="se01.lab.local" UpgradeDomain="se01.lab.local" />
    </Cluster>
  </Clusters>
  <SqlInstances>
    <SqlInstance><SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="1" /></SqlInstanceId></SqlInstance>
  </SqlInstances>
  <Services>
    <Service RoleVersion="2" ServiceVersion="VERSION">
      <ServiceId SiteId="1" RoleName="UserServices" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="1" RoleName="UserStore" Instance="1" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
    </Service>
    <Service RoleVersion="2" ServiceVersion="VERSION">
      <ServiceId SiteId="1" RoleName="Registrar" Instance="1" />
      <DependsOn />
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
      <RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false" />
    </Service>
    <Service RoleVersion="1" ServiceVersion="VERSION">
      <ServiceId SiteId="1" RoleName="UserStore" Instance="1" />
      <DependsOn />
      <InstalledOn><SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="1" /></SqlInstanceId></InstalledOn>
    </Service>
    CMS
  </Services>`;

const singleServerDocument = (version = '7', cms = '') =>
	topology(singleServer.replaceAll('VERSION', version).replace('CMS', cms));

describe('readTopologyDocument on contoso-two-sites.xml', () => {
	const document = readFixture('contoso-two-sites.xml');

	it('reads the signature and both central sites', () => {
		expect(document.signature).toBe('5f0c8e42-9a1d-4b7e-8c3f-2d6a1e9b7c40');
		expect(document.sites).toEqual([
			{ id: '1', name: 'Contoso Seattle' },
			{ id: '2', name: 'Contoso Dublin' },
		]);
	});

	it('finds the two Enterprise pools and the two Standard Edition servers, in document order', () => {
		expect(document.frontEndPools.map((pool) => [pool.fqdn, pool.site, pool.edition, pool.version])).toEqual([
			['pool01.contoso.com', 'Contoso Seattle', 'Enterprise', 'Skype for Business Server 2015'],
			['sea-se01.contoso.com', 'Contoso Seattle', 'Standard', 'Skype for Business Server 2015'],
			['pool02.contoso.com', 'Contoso Dublin', 'Enterprise', 'Skype for Business Server 2015'],
			['dub-se01.contoso.com', 'Contoso Dublin', 'Standard', 'Skype for Business Server 2015'],
		]);
	});

	it('lists servers by OrdinalInCluster, not by their order in the file', () => {
		const pool01 = document.frontEndPools.find((pool) => pool.fqdn === 'pool01.contoso.com');
		expect(pool01?.servers).toEqual(['sea-fe01.contoso.com', 'sea-fe02.contoso.com', 'sea-fe03.contoso.com']);
		const standard = document.frontEndPools.find((pool) => pool.fqdn === 'sea-se01.contoso.com');
		expect(standard?.servers).toEqual(['sea-se01.contoso.com']);
	});

	it('marks only the pool with the active CentralMgmt service as the CMS host', () => {
		expect(document.frontEndPools.filter((pool) => pool.hostsCentralManagementStore).map((pool) => pool.fqdn)).toEqual([
			'pool01.contoso.com',
		]);
	});

	it('keeps the Director, Edge, Mediation, SQL and file store clusters out of the pools, with their roles', () => {
		expect(document.otherClusters).toEqual([
			{ fqdn: 'sea-sql01.contoso.com', site: 'Contoso Seattle', roles: ['UserStore', 'ApplicationStore', 'CentralMgmtStore'] },
			{ fqdn: 'dir01.contoso.com', site: 'Contoso Seattle', roles: ['Director', 'WebServices'] },
			{ fqdn: 'edgepool01.contoso.com', site: 'Contoso Seattle', roles: ['EdgeServer'] },
			{ fqdn: 'medpool01.contoso.com', site: 'Contoso Seattle', roles: ['MediationServer'] },
			{ fqdn: 'sea-fs01.contoso.com', site: 'Contoso Seattle', roles: ['FileStore'] },
			{ fqdn: 'dub-sql01.contoso.com', site: 'Contoso Dublin', roles: ['UserStore'] },
			{ fqdn: 'dub-fs01.contoso.com', site: 'Contoso Dublin', roles: ['FileStore'] },
		]);
	});
});

describe('readTopologyDocument on fabrikam-2019.xml', () => {
	const document = readFixture('fabrikam-2019.xml');

	it('reads central and branch sites', () => {
		expect(document.sites.map((site) => site.name)).toEqual(['Amsterdam', 'Rotterdam', 'Utrecht Branch']);
	});

	it('tells 2019 pools from the Lync Server 2013 pool, with their server counts', () => {
		expect(
			document.frontEndPools.map((pool) => ({
				fqdn: pool.fqdn,
				version: pool.version,
				edition: pool.edition,
				servers: pool.servers.length,
				cms: pool.hostsCentralManagementStore,
			})),
		).toEqual([
			{ fqdn: 'ams-pool.fabrikam.com', version: 'Skype for Business Server 2019', edition: 'Enterprise', servers: 3, cms: true },
			{ fqdn: 'lync-pool.fabrikam.com', version: 'Lync Server 2013', edition: 'Enterprise', servers: 2, cms: false },
			{ fqdn: 'rtm-pool.fabrikam.com', version: 'Skype for Business Server 2019', edition: 'Enterprise', servers: 2, cms: false },
		]);
	});

	it('does not report a ServiceVersion for recognised products', () => {
		expect(document.frontEndPools.every((pool) => pool.serviceVersion === undefined)).toBe(true);
	});
});

describe('readTopologyDocument on shapes real documents take', () => {
	it('reads a document where every element occurs once (a single Standard Edition server)', () => {
		const document = readTopologyDocument(singleServerDocument(), 'single.xml');
		expect(document.sites).toEqual([{ id: '1', name: 'Lab' }]);
		expect(document.frontEndPools).toEqual([
			{
				fqdn: 'se01.lab.local',
				site: 'Lab',
				edition: 'Standard',
				version: 'Skype for Business Server 2015',
				servers: ['se01.lab.local'],
				hostsCentralManagementStore: false,
			},
		]);
		expect(document.otherClusters).toEqual([]);
	});

	it('keeps an unrecognised ServiceVersion so it can be reported', () => {
		const [pool] = readTopologyDocument(singleServerDocument('9'), 'future.xml').frontEndPools;
		expect(pool?.version).toBe('unknown');
		expect(pool?.serviceVersion).toBe(9);
	});

	it('does not count an inactive CentralMgmt service as the CMS host', () => {
		const inactive = `<Service RoleVersion="1" ServiceVersion="7">
      <ServiceId SiteId="1" RoleName="CentralMgmt" Instance="1" />
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
      <CentralMgmtService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsActive="false" />
    </Service>`;
		expect(readTopologyDocument(singleServerDocument('7', inactive), 'x.xml').frontEndPools[0]?.hostsCentralManagementStore).toBe(false);
		const active = inactive.replace('IsActive="false"', 'IsActive="true"');
		expect(readTopologyDocument(singleServerDocument('7', active), 'x.xml').frontEndPools[0]?.hostsCentralManagementStore).toBe(true);
	});

	it('accepts namespace prefixes on every element', () => {
		const prefixed = singleServerDocument()
			.replace(/<(\/?)(?!\?)([A-Za-z]+)/g, '<$1t:$2')
			.replace(`xmlns="${TOPOLOGY_NAMESPACE}"`, `xmlns:t="${TOPOLOGY_NAMESPACE}"`);
		expect(prefixed).toContain('<t:Topology xmlns:t=');
		expect(readTopologyDocument(prefixed, 'prefixed.xml').frontEndPools.map((pool) => pool.fqdn)).toEqual(['se01.lab.local']);
	});

	it('ignores a UTF-8 byte order mark and decodes UTF-16 files written by Windows PowerShell', () => {
		const text = `\uFEFF${singleServerDocument()}`;
		expect(readTopologyDocument(text, 'bom.xml').frontEndPools).toHaveLength(1);
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(singleServerDocument(), 'utf16le')]);
		expect(readTopologyDocument(decodeTopologyBytes(utf16), 'utf16.xml').frontEndPools).toHaveLength(1);
		expect(decodeTopologyBytes(Buffer.from('<a>é</a>', 'utf8'))).toBe('<a>é</a>');
	});

	it('decodes the predefined XML entities and character references in names', () => {
		const document = readTopologyDocument(
			singleServerDocument().replace('<Name>Lab</Name>', '<Name>R&amp;D &lt;Nord&gt; Montr&#233;al &#x4E2D;</Name>'),
			'x.xml',
		);
		expect(document.sites[0]?.name).toBe('R&D <Nord> Montréal 中');
	});

	it('accepts elements nested 64 deep and refuses 65', () => {
		const nested = (depth: number) =>
			topology(`${'<Extension>'.repeat(depth - 1)}${'</Extension>'.repeat(depth - 1)}<Clusters><Cluster Fqdn="a"/></Clusters>`);
		expect(readTopologyDocument(nested(64), 'deep.xml').otherClusters).toHaveLength(1);
		expect(refusal(nested(65), 'deep.xml')).toBe(
			'deep.xml nests elements deeper than 64 levels, far beyond any exported topology document',
		);
	});
});

describe('readTopologyDocument refuses what it cannot use, in one line naming the file', () => {
	it('truncated.xml: an export cut short', () => {
		expect(refusal(fixture('truncated.xml'), 'truncated.xml')).toBe(
			'truncated.xml is not well-formed XML: it ends at line 63 with elements still open; the file looks cut short',
		);
	});

	it('malformed XML names the line', () => {
		expect(refusal(topology('<Clusters>\n<Cluster></Clusters>'), 'broken.xml')).toMatch(
			/^broken\.xml is not well-formed XML: line 4, column \d+: Expected closing tag 'Cluster'/,
		);
	});

	it('not-xml.txt: text that is not XML at all', () => {
		expect(refusal(fixture('not-xml.txt'), 'not-xml.txt')).toBe(
			'not-xml.txt is not XML: it does not start with an element (export it with Get-CsTopology -AsXml)',
		);
	});

	it('an empty file', () => {
		expect(refusal('', 'empty.xml')).toBe('empty.xml is empty (export it with Get-CsTopology -AsXml)');
		expect(refusal(' \r\n\t', 'blank.xml')).toBe('blank.xml is empty (export it with Get-CsTopology -AsXml)');
	});

	it('topology-builder.tbxml: a Topology Builder file', () => {
		expect(refusal(fixture('topology-builder.tbxml'), 'topology-builder.tbxml')).toBe(
			'topology-builder.tbxml is not an exported topology document: its root element is <TopologyBuilder>, ' +
				'expected <Topology> (export it with Get-CsTopology -AsXml)',
		);
	});

	it('no-namespace.xml: a Topology root outside the Topology.2008 schema', () => {
		expect(refusal(fixture('no-namespace.xml'), 'no-namespace.xml')).toBe(
			'no-namespace.xml is not an exported topology document: its <Topology> root has no namespace, ' +
				`expected ${TOPOLOGY_NAMESPACE} (export it with Get-CsTopology -AsXml)`,
		);
		expect(refusal(topology('<Clusters/>', 'xmlns="urn:example:other"'))).toContain(
			'its <Topology> root has namespace urn:example:other, expected',
		);
	});

	it('a document without clusters', () => {
		const message = 'defines no clusters, so it holds no Front End pools (export it with Get-CsTopology -AsXml)';
		expect(refusal(topology('<Sites />'), 'sites-only.xml')).toBe(`sites-only.xml ${message}`);
		expect(refusal(topology('<Clusters />'), 'empty-clusters.xml')).toBe(`empty-clusters.xml ${message}`);
	});

	it('billion-laughs.xml: entity declarations are refused before anything expands', () => {
		expect(refusal(fixture('billion-laughs.xml'), 'billion-laughs.xml')).toBe(
			'billion-laughs.xml declares a DOCTYPE, which an exported topology document never has (entity declarations are refused)',
		);
	});

	it('deeply-nested.xml: nesting far beyond the schema', () => {
		expect(refusal(fixture('deeply-nested.xml'), 'deeply-nested.xml')).toBe(
			'deeply-nested.xml nests elements deeper than 64 levels, far beyond any exported topology document',
		);
	});

	it('a document over 20 MB', () => {
		const padding = ' '.repeat(MAX_TOPOLOGY_BYTES);
		expect(refusal(topology(`<Clusters/>${padding}`), 'huge.xml')).toBe(
			'huge.xml is 20.1 MB, over the 20 MB limit for a topology document',
		);
	});

	it('a file too big to be under 20 MB in UTF-8 or UTF-16, before it is read', () => {
		expect(() => refuseOversizedFile(2 * MAX_TOPOLOGY_BYTES, 'utf16.xml')).not.toThrow();
		expect(() => refuseOversizedFile(2 * MAX_TOPOLOGY_BYTES + 1, 'huge.xml')).toThrow(
			new TopologyReadError('huge.xml', 'is 40.1 MB, over the 20 MB limit for a topology document'),
		);
	});
});

/** What a reading gives: the document, or the one-line refusal. */
function outcome(read: (xml: string, sourceName: string) => unknown, xml: string): unknown {
	try {
		return { document: read(xml, 'edited.xml') };
	} catch (error) {
		return { refusal: error instanceof TopologyReadError ? error.message : `unexpected ${String(error)}` };
	}
}

describe('readTopologyDocument reads and refuses exactly as fast-xml-parser does', () => {
	// Fragments that make or break well-formedness, entities, namespaces, comments and nesting.
	const fragments = [
		'<', '>', '/', '&', '&amp;', '&#233;', '&#x4E2D;', '&nbsp;', '"', "'", '=', ':', '--', ' ', '\r\n', '\u00a0', '\u0001',
		' Extra="1"', ' xmlns="urn:x"', ' Fqdn="dup"', 't:', '<!-- note -->', '<!-- a -- b -->', '<Empty/>', '<Name>x</Name>', '</Name>',
		'<Cluster Fqdn="new.contoso.com"><ClusterId SiteId="1" Number="99"/></Cluster>', '<![CDATA[x]]>', '<?pi x?>',
		'<!DOCTYPE Topology>', ']]>', '<a:b:c/>', '<1a/>', '<a b=1/>', '<a b="<"/>',
	];
	const edit = fc.oneof(
		fc.record({ at: fc.nat(), insert: fc.constantFrom(...fragments) }),
		fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 12 }) }),
	);
	const apply = (xml: string, edits: ({ at: number; insert: string } | { at: number; remove: number })[]) =>
		edits.reduce((text, change) => {
			const at = change.at % (text.length + 1);
			return 'insert' in change ? text.slice(0, at) + change.insert + text.slice(at) : text.slice(0, at) + text.slice(at + change.remove);
		}, xml);

	for (const name of ['contoso-two-sites.xml', 'fabrikam-2019.xml']) {
		it(`${name} under random edits`, () => {
			const original = fixture(name);
			fc.assert(
				fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
					const xml = apply(original, edits);
					expect(outcome(readTopologyDocument, xml)).toEqual(outcome(readTopologyDocumentByReference, xml));
				}),
				{ numRuns: 400 },
			);
		});
	}

	it('a written document of 200 pools, with Windows line ends and a byte order mark', () => {
		const sites = Array.from({ length: 10 }, (_, index) => ({ id: String(index + 1), name: `Site ${index + 1} R&D` }));
		const pools: FrontEndPool[] = Array.from({ length: 200 }, (_, index) => ({
			fqdn: `pool${index}.contoso.com`,
			site: `Site ${(index % 10) + 1} R&D`,
			edition: index % 4 === 3 ? 'Standard' : 'Enterprise',
			version: index % 3 === 0 ? 'Skype for Business Server 2019' : 'Skype for Business Server 2015',
			servers: index % 4 === 3 ? [`pool${index}.contoso.com`] : [1, 2, 3].map((server) => `fe${server}-pool${index}.contoso.com`),
			hostsCentralManagementStore: index === 0,
		}));
		const xml = `\uFEFF${renderTopologyDocument({ signature: 'a1b2', sites, pools }).replaceAll('\n', '\r\n')}`;
		const document = readTopologyDocument(xml, 'big.xml');
		expect(document.frontEndPools).toHaveLength(200);
		expect(document.sites[0]?.name).toBe('Site 1 R&D');
		expect(document).toEqual(readTopologyDocumentByReference(xml, 'big.xml'));
	});
});
