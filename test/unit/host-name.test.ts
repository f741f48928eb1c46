import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../source/environments/lab/scenario.js';
import { isHostName } from '../../source/sfb/host-name.js';
import { readTopologyDocument, TOPOLOGY_NAMESPACE } from '../../source/sfb/topology-reader.js';

const accepted = ['fe01.contoso.com', 'FE01.Contoso.COM', 'se01', '1pool.contoso.com', 'a-b.c-d.example', `${'a'.repeat(63)}.contoso.com`];
const refused = [
	'',
	'$SkypeFQDN',
	'pool 1.contoso.com',
	'pool_1.contoso.com',
	'a..b.contoso.com',
	'.contoso.com',
	'fe01.contoso.com.',
	'-fe01.contoso.com',
	'fe01-.contoso.com',
	`${'a'.repeat(64)}.contoso.com`,
	`${'abcdefgh.'.repeat(28)}com`,
	'fe01.contoso.com\u009b',
	'fe01.contoso.com"; Remove-Item',
];

/** A scenario of one pool named `fqdn`, parsed as the lab parses a scenario file. */
function labVerdict(fqdn: string): string {
	const scenario = {
		name: 'one',
		description: 'one pool',
		seed: 1,
		sites: [{ id: '1', name: 'Lab' }],
		pools: [{ fqdn, site: 'Lab', edition: 'Standard', version: 'Skype for Business Server 2015', servers: ['se01.lab.local'] }],
	};
	try {
		parseScenario(scenario, 'one.json');
		return 'accepted';
	} catch (error) {
		if (!(error instanceof ScenarioError)) throw error;
		return error.message;
	}
}

/** A topology document whose one Standard Edition server is named `fqdn`. */
function topologyVerdict(fqdn: string): string {
	const name = fqdn.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
	const xml = `<Topology xmlns="${TOPOLOGY_NAMESPACE}">
<Sites><CentralSite SiteId="1"><Name>Lab</Name></CentralSite></Sites>
<Clusters><Cluster Fqdn="${name}"><ClusterId SiteId="1" Number="1"/><Machine OrdinalInCluster="1" Fqdn="se01.lab.local"/></Cluster></Clusters>
<Services>
<Service ServiceVersion="7"><ServiceId SiteId="1" RoleName="UserServices" Instance="1"/><InstalledOn><ClusterId SiteId="1" Number="1"/></InstalledOn></Service>
<Service ServiceVersion="7"><ServiceId SiteId="1" RoleName="Registrar" Instance="1"/><InstalledOn><ClusterId SiteId="1" Number="1"/></InstalledOn></Service>
</Services>
</Topology>`;
	try {
		readTopologyDocument(xml, 'one.xml');
		return 'accepted';
	} catch (error) {
		return (error as Error).message;
	}
}

describe('isHostName', () => {
	it.each(accepted)('accepts %j', (name) => {
		expect(isHostName(name)).toBe(true);
	});

	it.each(refused)('refuses %j', (name) => {
		expect(isHostName(name)).toBe(false);
	});
});

describe('the lab and topology documents check names with the same function', () => {
	it.each(accepted)('both accept %j', (name) => {
		expect(labVerdict(name)).toBe('accepted');
		expect(topologyVerdict(name)).toBe('accepted');
	});

	it.each(refused)('both refuse %j', (name) => {
		expect(labVerdict(name)).toBe('one.json: pools[0].fqdn must be a host name such as fe01.contoso.com');
		expect(topologyVerdict(name)).toMatch(/^one\.xml has <Cluster Fqdn=".*"> at line 3, column 11: not a host name such as fe01\.contoso\.com$/);
	});
});
