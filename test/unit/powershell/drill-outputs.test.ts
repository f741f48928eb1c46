import { describe, expect, it } from 'vitest';
import { parsePoolUsers, parseStorePool } from '../../../source/environments/powershell/powershell-drill.js';
import { judgePlacement } from '../../../source/sfb/drill.js';
import type { PoolInventory } from '../../../source/sfb/model.js';

/** The drill's live reads, tolerant of shapes no public source confirms: what they cannot read stays unknown. */
const inventory: PoolInventory = {
	topologySignature: 'x',
	pools: [
		{ fqdn: 'pool01.contoso.com', site: 'Seattle', edition: 'Enterprise', version: 'Skype for Business Server 2015', servers: ['sea-fe01.contoso.com'], hostsCentralManagementStore: true },
		{ fqdn: 'pool02.contoso.com', site: 'Dublin', edition: 'Enterprise', version: 'Skype for Business Server 2015', servers: ['dub-fe01.contoso.com'], hostsCentralManagementStore: false },
	],
	pairings: {},
	deployed: {},
};

describe('the live drill reads', () => {
	it('the active store: ActiveMasterFqdn as a server or a pool maps to its pool; missing or foreign is could not tell', () => {
		expect(parseStorePool({ ActiveMasterFqdn: 'DUB-FE01.contoso.com' }, inventory)).toBe('pool02.contoso.com');
		expect(parseStorePool([{ activemasterfqdn: 'pool01.contoso.com' }], inventory)).toBe('pool01.contoso.com');
		expect(parseStorePool({ ActiveMasterFqdn: '' }, inventory)).toBeUndefined();
		expect(parseStorePool({ ActiveMasterFqdn: 'elsewhere.fabrikam.com' }, inventory)).toBeUndefined();
		expect(parseStorePool(null, inventory)).toBeUndefined();
	});

	it('the users: served by UserServicesPoolFqdn; a record without it makes the placement unknown, never "not failed over"', () => {
		const read = parsePoolUsers('pool01.contoso.com', [
			{ sipAddress: 'sip:a@contoso.com', registrarPool: 'pool01.contoso.com', info: { UserServicesPoolFqdn: 'pool02.contoso.com' } },
			{ sipAddress: 'sip:b@contoso.com', registrarPool: 'pool01.contoso.com', info: { PrimaryPoolFqdn: 'pool01.contoso.com' } },
		]);
		expect(read.users.map((user) => user.servedBy)).toEqual(['pool02.contoso.com', undefined]);
		expect(judgePlacement(read, 'pool02.contoso.com')).toEqual({ placement: 'unknown', evidence: '2 users of pool01.contoso.com: 0 on pool01.contoso.com, 1 on pool02.contoso.com, 1 could not be told' });
		expect(judgePlacement(parsePoolUsers('pool01.contoso.com', null), 'pool02.contoso.com').placement).toBe('unknown');
		const over = parsePoolUsers('pool01.contoso.com', { sipAddress: 'sip:a@contoso.com', registrarPool: 'pool01.contoso.com', info: { UserServicesPoolFqdn: 'UserServer:pool02.contoso.com' } });
		expect(judgePlacement(over, 'pool02.contoso.com').placement).toBe('backup');
	});
});
