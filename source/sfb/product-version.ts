import type { ProductVersion } from './model.js';

/**
 * The Registrar's ServiceVersion in an exported topology document, per product (sfb-facts.md §3).
 * 7 and 8 were seen in real 2015 and 2019 topologies; 6 for Lync Server 2013 and 5 for Lync Server 2010 are not
 * confirmed by a public source [unverified].
 */
const serviceVersions: ReadonlyArray<readonly [number, Exclude<ProductVersion, 'unknown'>]> = [
	[5, 'Lync Server 2010'],
	[6, 'Lync Server 2013'],
	[7, 'Skype for Business Server 2015'],
	[8, 'Skype for Business Server 2019'],
];

export function productVersionOf(serviceVersion: number | undefined): ProductVersion {
	return serviceVersions.find(([number]) => number === serviceVersion)?.[1] ?? 'unknown';
}

export function serviceVersionOf(version: ProductVersion): number | undefined {
	return serviceVersions.find(([, product]) => product === version)?.[0];
}

/** For messages: the product name, or the raw ServiceVersion when the product is not recognised. */
export function describeVersion(version: ProductVersion, serviceVersion?: number): string {
	if (version !== 'unknown') return version;
	return serviceVersion === undefined ? 'an unknown version' : `an unknown version (ServiceVersion ${serviceVersion})`;
}

const shortNames: Record<ProductVersion, string> = {
	'Lync Server 2010': 'Lync 2010',
	'Lync Server 2013': 'Lync 2013',
	'Skype for Business Server 2015': 'SfB 2015',
	'Skype for Business Server 2019': 'SfB 2019',
	unknown: 'version ?',
};

/** Where columns are few: "SfB 2015". */
export function shortVersion(version: ProductVersion): string {
	return shortNames[version];
}
