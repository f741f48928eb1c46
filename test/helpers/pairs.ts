/** The default farm's pair to make: neither pool is paired yet. */
export const DEFAULT_POOL = 'pool-redmond.contoso.com';
export const DEFAULT_BACKUP = 'pool-dublin.contoso.com';

/** The default farm's pair already in place, steady: the pair the drill scenarios fail over and back. */
export const PAIRED_POOL = 'pool-redmond-b.contoso.com';
export const PAIRED_BACKUP = 'pool-dublin-b.contoso.com';
