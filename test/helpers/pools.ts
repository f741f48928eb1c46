import type { FrontEndPool } from '../../source/sfb/model.js';

/** The default farm's pair to make: neither pool is paired yet. */
export const DEFAULT_POOL = 'pool-redmond.contoso.com';
export const DEFAULT_BACKUP = 'pool-dublin.contoso.com';

/** The default farm's pair already in place, steady: the pair the drill scenarios fail over and back. */
export const PAIRED_POOL = 'pool-redmond-b.contoso.com';
export const PAIRED_BACKUP = 'pool-dublin-b.contoso.com';

/** A Front End pool as the inventory reads it: an Enterprise Edition 2015 pool in Redmond with two Front Ends, unless told otherwise. */
export function frontEndPool(fqdn: string, overrides: Partial<FrontEndPool> = {}): FrontEndPool {
	const name = fqdn.split('.')[0]!;
	return {
		fqdn,
		site: 'Redmond',
		edition: 'Enterprise',
		version: 'Skype for Business Server 2015',
		servers: [`${name}-fe1.contoso.com`, `${name}-fe2.contoso.com`],
		hostsCentralManagementStore: false,
		...overrides,
	};
}
