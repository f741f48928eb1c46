import type { Edition, FrontEndPool, PoolInventory } from './model.js';
import { describeVersion } from './product-version.js';

/** Which pools can still be chosen, and why the others cannot (sfb-facts.md §1). */
export interface PoolEligibility {
	pool: FrontEndPool;
	pairedWith?: string;
	/** null: the farm could not tell. */
	deployed: boolean | null;
	eligible: boolean;
	reason?: string;
}

/** Refusals break Microsoft's pairing rules; warnings are recommendations and undocumented cases. */
export interface PairAssessment {
	allowed: boolean;
	refusals: string[];
	warnings: string[];
}

/** A Front End pool by FQDN; DNS names are case-insensitive. */
export function findPool(inventory: PoolInventory, name: string): FrontEndPool | undefined {
	const wanted = normalise(name);
	return inventory.pools.find((pool) => normalise(pool.fqdn) === wanted);
}

/**
 * Two Front End pools whose names differ only in case (pool01, POOL01): one name to DNS, so the topology is
 * wrong, and the second could never be chosen. Returns the first such pair.
 */
export function sameNameTwice(pools: FrontEndPool[]): [FrontEndPool, FrontEndPool] | undefined {
	const seen = new Map<string, FrontEndPool>();
	for (const pool of pools) {
		const earlier = seen.get(normalise(pool.fqdn));
		if (earlier) return [earlier, pool];
		seen.set(normalise(pool.fqdn), pool);
	}
	return undefined;
}

export function unknownPoolMessage(inventory: PoolInventory, name: string): string {
	const shown = name.trim() === '' ? '(an empty name)' : name;
	if (inventory.pools.length === 0) return `${shown} is not a Front End pool: the topology defines no Front End pools`;
	const names = inventory.pools.map((pool) => pool.fqdn).join(', ');
	return `${shown} is not a Front End pool in this topology; the Front End pools are: ${names}`;
}

/** A pool is eligible when it is not paired and another pool is free to be its partner. */
export function assessPools(inventory: PoolInventory): PoolEligibility[] {
	const partners = inventory.pools.map((pool) => partnerOf(inventory, pool.fqdn));
	const unpaired = partners.filter((partner) => partner === undefined).length;
	return inventory.pools.map((pool, index) => {
		const deployed = lookup(inventory.deployed, pool.fqdn) ?? null;
		const pairedWith = partners[index];
		if (pairedWith !== undefined) return { pool, pairedWith, deployed, eligible: false, reason: `already paired with ${pairedWith}` };
		if (unpaired > 1) return { pool, deployed, eligible: true };
		const reason =
			inventory.pools.length === 1
				? 'the only Front End pool: nothing can be paired with it until a second pool is defined'
				: 'every other Front End pool is already paired: nothing can be paired with it';
		return { pool, deployed, eligible: false, reason };
	});
}

export function assessPair(inventory: PoolInventory, poolFqdn: string, backupFqdn: string): PairAssessment {
	if (normalise(poolFqdn) === normalise(backupFqdn)) {
		const shown = findPool(inventory, poolFqdn)?.fqdn ?? poolFqdn;
		return verdict([`${shown} cannot be its own backup: choose a different Front End pool as the backup`], []);
	}

	const pool = findPool(inventory, poolFqdn);
	const backup = findPool(inventory, backupFqdn);
	if (!pool || !backup) {
		const refusals: string[] = [];
		if (!pool) refusals.push(`the chosen pool ${unknownPoolMessage(inventory, poolFqdn)}`);
		if (!backup) refusals.push(`the backup pool ${unknownPoolMessage(inventory, backupFqdn)}`);
		return verdict(refusals, []);
	}

	return verdict(refusalsFor(inventory, pool, backup), warningsFor(pool, backup));
}

function refusalsFor(inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool): string[] {
	const refusals: string[] = [];
	const poolPartner = partnerOf(inventory, pool.fqdn);
	const backupPartner = partnerOf(inventory, backup.fqdn);
	// Already paired with each other is not a refusal: the procedure finishes what the farm shows is left to do.
	if (poolPartner === undefined || normalise(poolPartner) !== normalise(backup.fqdn)) {
		for (const [member, partner] of [
			[pool, poolPartner],
			[backup, backupPartner],
		] as const) {
			if (partner !== undefined) {
				refusals.push(
					`${member.fqdn} is already paired with ${partner}; pairing is one to one, so a pool can back up no other pool`,
				);
			}
		}
	}

	if (pool.edition !== backup.edition) {
		refusals.push(
			`${pool.fqdn} is ${describeEdition(pool.edition)} and ${backup.fqdn} is ${describeEdition(backup.edition)}: ` +
				'Enterprise Edition pairs only with Enterprise Edition, Standard Edition only with Standard Edition',
		);
	}
	if (pool.platform && backup.platform && pool.platform !== backup.platform) {
		refusals.push(
			`${pool.fqdn} runs on ${pool.platform} servers and ${backup.fqdn} on ${backup.platform} servers: ` +
				'physical pools pair only with physical pools, virtual only with virtual',
		);
	}
	if (pool.operatingSystem && backup.operatingSystem && normalise(pool.operatingSystem) !== normalise(backup.operatingSystem)) {
		refusals.push(
			`${pool.fqdn} runs ${pool.operatingSystem} and ${backup.fqdn} runs ${backup.operatingSystem}: ` +
				'both pools must run the same base operating system',
		);
	}
	for (const member of [pool, backup]) {
		if (member.version === 'Lync Server 2010') {
			refusals.push(`${member.fqdn} is a Lync Server 2010 pool: it has no Backup Service (that came with Lync Server 2013), so it cannot be paired`);
		}
	}
	return refusals;
}

function warningsFor(pool: FrontEndPool, backup: FrontEndPool): string[] {
	const warnings: string[] = [];
	if (pool.site === backup.site) {
		warnings.push(
			`${pool.fqdn} and ${backup.fqdn} are both in site ${pool.site}: ` +
				'Microsoft recommends pools in different sites or data centres, so that one disaster cannot take out both',
		);
	}

	const poolVersion = describeVersion(pool.version, pool.serviceVersion);
	const backupVersion = describeVersion(backup.version, backup.serviceVersion);
	if (poolVersion !== backupVersion) {
		warnings.push(
			`${pool.fqdn} runs ${poolVersion} and ${backup.fqdn} runs ${backupVersion}: the versions differ ` +
				'(not a documented rule, but no Microsoft source describes pairing pools of different versions)',
		);
	}

	for (const member of [pool, backup]) {
		if (member.version === 'Skype for Business Server 2019' && member.edition === 'Enterprise' && member.servers.length < 3) {
			const count = member.servers.length === 1 ? '1 Front End server' : `${member.servers.length} Front End servers`;
			warnings.push(
				`${member.fqdn} is a Skype for Business Server 2019 Enterprise Edition pool with ${count}: ` +
					'a 2019 Enterprise pool needs at least 3',
			);
		}
	}

	const cmsHost = [pool, backup].find((member) => member.hostsCentralManagementStore);
	if (cmsHost) {
		const partner = cmsHost === pool ? backup : pool;
		warnings.push(
			partner.edition === 'Standard'
				? `${cmsHost.fqdn} holds the Central Management store: pair it in Topology Builder, and first run ` +
						`Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${partner.fqdn} -SqlInstanceName rtc for the standby store on ${partner.fqdn}`
				: `${cmsHost.fqdn} holds the Central Management store: pair it in Topology Builder, which defines the standby store on the back end of ${partner.fqdn}`,
		);
	}
	return warnings;
}

/**
 * Either pool hosts the Central Management store: Microsoft documents pairing it only through Topology Builder, which
 * also defines the standby store on the partner's back end (sfb-facts.md §8).
 */
export function holdsCentralManagementStore(pool: FrontEndPool, backup: FrontEndPool): boolean {
	return pool.hostsCentralManagementStore || backup.hostsCentralManagementStore;
}

/** Both Registrars name each other: the pairing is published both ways (a write cut short may leave one). */
export function pairedBothWays(inventory: PoolInventory, poolFqdn: string, backupFqdn: string): boolean {
	const named = (from: string, to: string) => {
		const partner = lookup(inventory.pairings, from);
		return partner !== undefined && normalise(partner) === normalise(to);
	};
	return named(poolFqdn, backupFqdn) && named(backupFqdn, poolFqdn);
}

/** The partner of a pool, in the inventory's spelling; a pairing may be recorded in either direction. */
function partnerOf(inventory: PoolInventory, fqdn: string): string | undefined {
	const wanted = normalise(fqdn);
	const entry = Object.entries(inventory.pairings).find(
		([left, right]) => normalise(left) === wanted || normalise(right) === wanted,
	);
	if (!entry) return undefined;
	const partner = normalise(entry[0]) === wanted ? entry[1] : entry[0];
	return findPool(inventory, partner)?.fqdn ?? partner;
}

function lookup<T>(record: Record<string, T>, fqdn: string): T | undefined {
	const wanted = normalise(fqdn);
	return Object.entries(record).find(([key]) => normalise(key) === wanted)?.[1];
}

function describeEdition(edition: Edition): string {
	return edition === 'Enterprise' ? 'an Enterprise Edition pool' : 'a Standard Edition server';
}

function normalise(name: string): string {
	return name.trim().toLowerCase();
}

function verdict(refusals: string[], warnings: string[]): PairAssessment {
	return { allowed: refusals.length === 0, refusals, warnings };
}
