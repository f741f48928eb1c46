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
	refuseOversizedFile,
} from '../../source/sfb/topology-reader.js';

const fixtureDirectory = fileURLToPath(new URL('../fixtures/topology/', import.meta.url));
const fixture = (name: string) => readFileSync(fixtureDirectory + name, 'utf8');
const readFixture = (name: string) => readTopologyDocument(fixture(name), name);

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

	it("names each pool's file store, from its user services' dependency, as a UNC path", () => {
		expect(document.frontEndPools.map((pool) => [pool.fqdn, pool.fileStore])).toEqual([
			['pool01.contoso.com', '\\\\sea-fs01.contoso.com\\SfBShare'],
			['sea-se01.contoso.com', '\\\\sea-se01.contoso.com\\SfBShare'],
			['pool02.contoso.com', '\\\\dub-fs01.contoso.com\\SfBShare'],
			['dub-se01.contoso.com', '\\\\dub-se01.contoso.com\\SfBShare'],
		]);
	});

	it('marks only the pool with the active CentralMgmt service as the CMS host', () => {
		expect(document.frontEndPools.filter((pool) => pool.hostsCentralManagementStore).map((pool) => pool.fqdn)).toEqual([
			'pool01.contoso.com',
		]);
	});

	it("names each pool's back end, the SQL Server and instance of its user store: a Standard Edition server is its own", () => {
		expect(document.backEnds).toEqual({
			'pool01.contoso.com': { sqlServer: 'sea-sql01.contoso.com', instance: 'SFBBE' },
			'sea-se01.contoso.com': { sqlServer: 'sea-se01.contoso.com', instance: 'rtc' },
			'pool02.contoso.com': { sqlServer: 'dub-sql01.contoso.com', instance: 'SFBBE' },
			'dub-se01.contoso.com': { sqlServer: 'dub-se01.contoso.com', instance: 'rtc' },
		});
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

	it('takes the first of two clusters with the same id, for the file store as for the back end', () => {
		const twoClustersOneId = ['fs-first.lab.local', 'fs-second.lab.local'].map(
			(fqdn) => `<Cluster Fqdn="${fqdn}"><ClusterId SiteId="1" Number="5" /><Machine OrdinalInCluster="1" Fqdn="${fqdn}" /></Cluster>`,
		);
		const fileStore = `<Service RoleVersion="1" ServiceVersion="7">
      <ServiceId SiteId="1" RoleName="FileStore" Instance="1" />
      <InstalledOn><ClusterId SiteId="1" Number="5" /></InstalledOn>
      <FileStoreService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" ShareName="share" />
    </Service>`;
		const userStoreOnTheSameId = '<SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="5" /></SqlInstanceId>';
		const document = readTopologyDocument(
			singleServerDocument('7', fileStore)
				.replace('</Clusters>', `${twoClustersOneId.join('')}</Clusters>`)
				.replace('<Dependency Usage="Default">', '<Dependency Usage="Default"><ServiceId SiteId="1" RoleName="FileStore" Instance="1" /></Dependency><Dependency Usage="Default">')
				.replace('<InstalledOn><SqlInstanceId Name="rtc"><ClusterId SiteId="1" Number="1" /></SqlInstanceId></InstalledOn>', `<InstalledOn>${userStoreOnTheSameId}</InstalledOn>`),
			'x.xml',
		);
		expect(document.frontEndPools[0]?.fileStore).toBe('\\\\fs-first.lab.local\\share');
		expect(document.backEnds['se01.lab.local']).toEqual({ sqlServer: 'fs-first.lab.local', instance: 'rtc' });
	});

	it('accepts namespace prefixes on every element', () => {
		const prefixed = singleServerDocument()
			.replace(/<(\/?)(?!\?)([A-Za-z]+)/g, '<$1t:$2')
			.replace(`xmlns="${TOPOLOGY_NAMESPACE}"`, `xmlns:t="${TOPOLOGY_NAMESPACE}"`);
		expect(prefixed).toContain('<t:Topology xmlns:t=');
		expect(readTopologyDocument(prefixed, 'prefixed.xml').frontEndPools.map((pool) => pool.fqdn)).toEqual(['se01.lab.local']);
	});

	it('decodes the predefined XML entities and character references in names', () => {
		const document = readTopologyDocument(
			singleServerDocument().replace('<Name>Lab</Name>', '<Name>R&amp;D &lt;Nord&gt; Montr&#233;al &#x4E2D;</Name>'),
			'x.xml',
		);
		expect(document.sites[0]?.name).toBe('R&D <Nord> Montréal 中');
	});

});

describe('readTopologyDocument reads a document however it was saved', () => {
	const original = fixture('contoso-two-sites.xml');
	const expected = readTopologyDocument(original, 'contoso.xml');
	const utf16 = (text: string, endian: 'le' | 'be') => {
		const little = Buffer.from(text, 'utf16le');
		return endian === 'le' ? little : Buffer.from(little).swap16();
	};
	const bom = { le: Buffer.from([0xff, 0xfe]), be: Buffer.from([0xfe, 0xff]) };

	it.each([
		['UTF-8 with a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(original, 'utf8')])],
		['UTF-16LE with a byte order mark (Windows PowerShell 5.1 Out-File and >)', Buffer.concat([bom.le, utf16(original, 'le')])],
		['UTF-16LE without a byte order mark', utf16(original, 'le')],
		['UTF-16BE with a byte order mark', Buffer.concat([bom.be, utf16(original, 'be')])],
		['UTF-16BE without a byte order mark', utf16(original, 'be')],
		['Windows line ends, UTF-16LE with a byte order mark', Buffer.concat([bom.le, utf16(original.replaceAll('\n', '\r\n'), 'le')])],
	])('%s', (_label, bytes) => {
		expect(readTopologyDocument(decodeTopologyBytes(bytes), 'saved.xml')).toEqual(expected);
	});

	it('a string that still starts with a byte order mark', () => {
		expect(readTopologyDocument(`\uFEFF${original}`, 'bom.xml')).toEqual(expected);
	});

	it('decodes UTF-8 text that is not ASCII', () => {
		expect(decodeTopologyBytes(Buffer.from('<a>é</a>', 'utf8'))).toBe('<a>é</a>');
	});

	it('comments, processing instructions, CDATA, single quotes and blanks around values change nothing', () => {
		const decorated = original
			.replace('<Sites>', '<!-- exported for the change ticket --><?tool note?><Sites>')
			.replace('<Name>Contoso Seattle</Name>', '<Name><![CDATA[Contoso Seattle]]></Name>')
			.replace('Fqdn="pool01.contoso.com"', "Fqdn=' pool01.contoso.com '")
			.replace('<ClusterId SiteId="1" Number="1" />', '<ClusterId\n        SiteId="1"\n        Number="1"\n      />');
		expect(readTopologyDocument(decorated, 'decorated.xml')).toEqual(expected);
	});

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
		expect(document.sites).toEqual(sites);
		// The writer gives each pool a file store (Standard Edition its own server, Enterprise a generated one): read back as a UNC path.
		expect(document.frontEndPools.map(({ fileStore, ...pool }) => (fileStore?.startsWith('\\\\') ? pool : { ...pool, fileStore }))).toEqual(pools);
	});
});

/** The single-server document with its one cluster (line 8) or machine (line 10) renamed. */
const renamed = (attribute: string, replacement: string) => singleServerDocument().replace(attribute, replacement);
const EXPORT_HINT = '(export it with Get-CsTopology -AsXml)';
const NOT_WELL_FORMED = 'is not well-formed XML:';

/** Every refusal: what is read, as what, and the one line that says why. */
const refusals: [label: string, read: () => unknown, message: string][] = [
	['a document over 20 MB', () => readTopologyDocument(topology(`<Clusters/>${' '.repeat(MAX_TOPOLOGY_BYTES)}`), 'huge.xml'), 'huge.xml is 20.1 MB, over the 20 MB limit for a topology document'],
	['a file over 40 MB, before it is read (UTF-16 doubles the bytes)', () => refuseOversizedFile(2 * MAX_TOPOLOGY_BYTES + 1, 'huge.xml'), 'huge.xml is 40.1 MB, over the 20 MB limit for a topology document'],
	['an empty file', () => readTopologyDocument('', 'empty.xml'), `empty.xml is empty ${EXPORT_HINT}`],
	['a file of blanks', () => readTopologyDocument(' \r\n\t', 'blank.xml'), `blank.xml is empty ${EXPORT_HINT}`],
	['not-xml.txt: Get-CsTopology without -AsXml', () => readFixture('not-xml.txt'), `not-xml.txt is not XML: it does not start with an element ${EXPORT_HINT}`],
	[
		'topology-builder.tbxml: a Topology Builder file',
		() => readFixture('topology-builder.tbxml'),
		'topology-builder.tbxml is a Topology Builder file (.tbxml), not an exported topology document: ' +
			'on a Front End server run (Get-CsTopology -AsXml).ToString() > topology.xml and give that file',
	],
	[
		'a .tbxml file that is not XML',
		() => readTopologyDocument('PK\u0003\u0004', 'site.tbxml'),
		'site.tbxml is a Topology Builder file (.tbxml), not an exported topology document: ' +
			'on a Front End server run (Get-CsTopology -AsXml).ToString() > topology.xml and give that file',
	],
	[
		'another root element',
		() => readTopologyDocument('<Objs Version="1.1.0.1"/>', 'clixml.xml'),
		`clixml.xml is not an exported topology document: its root element is <Objs>, expected <Topology> ${EXPORT_HINT}`,
	],
	[
		'no-namespace.xml: a Topology root outside any namespace',
		() => readFixture('no-namespace.xml'),
		`no-namespace.xml is not an exported topology document: its <Topology> root has no namespace, expected ${TOPOLOGY_NAMESPACE} ${EXPORT_HINT}`,
	],
	[
		'a Topology root in another namespace',
		() => readTopologyDocument(topology('<Clusters/>', 'xmlns="urn:example:other"'), 'other.xml'),
		`other.xml is not an exported topology document: its <Topology> root has namespace urn:example:other, expected ${TOPOLOGY_NAMESPACE} ${EXPORT_HINT}`,
	],
	[
		'billion-laughs.xml: a DOCTYPE, refused before any entity expands',
		() => readFixture('billion-laughs.xml'),
		'billion-laughs.xml declares a DOCTYPE at line 2, column 1, which an exported topology document never has (entity declarations are refused)',
	],
	[
		'deeply-nested.xml: nesting far beyond the schema',
		() => readFixture('deeply-nested.xml'),
		'deeply-nested.xml nests elements deeper than 64 levels at line 66, column 28, far beyond any exported topology document',
	],
	[
		'truncated.xml: an export cut short',
		() => readFixture('truncated.xml'),
		`truncated.xml ${NOT_WELL_FORMED} it ends at line 63 with elements still open; the file looks cut short`,
	],
	['a closing tag that does not match', () => readTopologyDocument(topology('<Clusters>\n<Cluster></Clusters>'), 'broken.xml'), `broken.xml ${NOT_WELL_FORMED} line 4, column 20: unexpected close tag`],
	['a control character', () => readTopologyDocument(renamed('<Name>Lab</Name>', '<Name>L\u001bab</Name>'), 'esc.xml'), `esc.xml ${NOT_WELL_FORMED} line 5, column 36: disallowed character`],
	['a reference to a control character', () => readTopologyDocument(renamed('<Name>Lab</Name>', '<Name>L&#27;ab</Name>'), 'ref.xml'), `ref.xml ${NOT_WELL_FORMED} line 5, column 40: malformed character entity`],
	[
		'a reference to a control character in a document declared XML 1.1',
		() => readTopologyDocument(renamed('<Name>Lab</Name>', '<Name>L&#27;ab</Name>').replace('version="1.0"', 'version="1.1"'), 'ref11.xml'),
		`ref11.xml ${NOT_WELL_FORMED} line 5, column 40: malformed character entity`,
	],
	['an entity no DOCTYPE declares', () => readTopologyDocument(renamed('<Name>Lab</Name>', '<Name>L&nbsp;ab</Name>'), 'nbsp.xml'), `nbsp.xml ${NOT_WELL_FORMED} line 5, column 41: undefined entity`],
	['an attribute given twice', () => readTopologyDocument(renamed('Number="1" />', 'Number="1" Number="2" />'), 'twice.xml'), `twice.xml ${NOT_WELL_FORMED} line 9, column 52: duplicate attribute: Number`],
	['a second root element', () => readTopologyDocument(`${singleServerDocument()}<Topology/>`, 'two.xml'), `two.xml ${NOT_WELL_FORMED} line 36, column 10: documents may contain only one root`],
	['a < inside an attribute value', () => readTopologyDocument(renamed('Fqdn="se01.lab.local">', 'Fqdn="se01<lab">'), 'lt.xml'), `lt.xml ${NOT_WELL_FORMED} line 8, column 72: disallowed character`],
	['no clusters', () => readTopologyDocument(topology('<Sites />'), 'sites-only.xml'), `sites-only.xml defines no clusters, so it holds no Front End pools ${EXPORT_HINT}`],
	['an empty Clusters element', () => readTopologyDocument(topology('<Clusters />'), 'empty-clusters.xml'), `empty-clusters.xml defines no clusters, so it holds no Front End pools ${EXPORT_HINT}`],
	[
		'a pool named with a placeholder',
		() => readTopologyDocument(renamed('Fqdn="se01.lab.local">', 'Fqdn="$SkypeFQDN">'), 'placeholder.xml'),
		'placeholder.xml has <Cluster Fqdn="$SkypeFQDN"> at line 8, column 5: not a host name such as fe01.contoso.com',
	],
	[
		'a server name that is not a host name',
		() => readTopologyDocument(renamed('Fqdn="se01.lab.local" FaultDomain', 'Fqdn="se01 lab" FaultDomain'), 'server.xml'),
		'server.xml has <Machine Fqdn="se01 lab"> at line 10, column 7: not a host name such as fe01.contoso.com',
	],
	[
		'a pool without an Fqdn',
		() => readTopologyDocument(renamed('Fqdn="se01.lab.local">', '>'), 'no-fqdn.xml'),
		'no-fqdn.xml has a <Cluster> without an Fqdn at line 8, column 5',
	],
	[
		'a name too long to quote whole, with a quote in it',
		() => readTopologyDocument(renamed('Fqdn="se01.lab.local">', `Fqdn="se01&quot;${'x'.repeat(200)}">`), 'long.xml'),
		`long.xml has <Cluster Fqdn="se01\\"${'x'.repeat(74)}…"> at line 8, column 5: not a host name such as fe01.contoso.com`,
	],
];

describe('readTopologyDocument refuses what it cannot use, in one line naming the file and the place', () => {
	it.each(refusals)('%s', (_label, read, message) => {
		let thrown: unknown;
		try {
			read();
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(TopologyReadError);
		expect((thrown as Error).message).toBe(message);
		expect(message).not.toMatch(/[\r\n]/);
	});

	it('accepts elements nested 64 deep and refuses 65', () => {
		const nested = (depth: number) =>
			topology(`${'<Extension>'.repeat(depth - 1)}${'</Extension>'.repeat(depth - 1)}<Clusters><Cluster Fqdn="a"/></Clusters>`);
		expect(readTopologyDocument(nested(64), 'deep.xml').otherClusters).toHaveLength(1);
		expect(() => readTopologyDocument(nested(65), 'deep.xml')).toThrow(
			'deep.xml nests elements deeper than 64 levels at line 3, column 694, far beyond any exported topology document',
		);
	});

	it('a file of exactly 40 MB may still be under 20 MB once decoded from UTF-16', () => {
		expect(() => refuseOversizedFile(2 * MAX_TOPOLOGY_BYTES, 'utf16.xml')).not.toThrow();
	});

	it('does not check the names of clusters that are not Front End pools (a gateway may be an address)', () => {
		const gateway = '<Cluster Fqdn="2001:db8::10"><ClusterId SiteId="1" Number="9" /></Cluster>';
		const document = readTopologyDocument(singleServerDocument().replace('</Clusters>', `${gateway}</Clusters>`), 'gateway.xml');
		expect(document.otherClusters.map((cluster) => cluster.fqdn)).toEqual(['2001:db8::10']);
	});
});

describe('readTopologyDocument under random edits of a fixture', () => {
	// Fragments that make or break well-formedness, entities, namespaces, comments and nesting.
	const fragments = [
		'<', '>', '/', '&', '&amp;', '&#233;', '&#x4E2D;', '&nbsp;', '&#0;', '"', "'", '=', ':', '--', ' ', '\r\n', '\u00a0', '\u0001', '\u009b',
		' Extra="1"', ' xmlns="urn:x"', ' Fqdn="dup"', ' Fqdn="$SkypeFQDN"', 't:', '<!-- note -->', '<!-- a -- b -->', '<Empty/>', '<Name>x</Name>', '</Name>',
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

	it('gives a document or a one-line refusal naming the file, never another error', () => {
		const original = fixture('fabrikam-2019.xml');
		fc.assert(
			fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
				try {
					readTopologyDocument(apply(original, edits), 'edited.xml');
				} catch (error) {
					expect(error).toBeInstanceOf(TopologyReadError);
					expect((error as Error).message).toMatch(/^edited\.xml [^\r\n]+$/);
				}
			}),
			{ numRuns: 300 },
		);
	});
});
