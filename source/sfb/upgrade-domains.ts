/** A pool's upgrade domain: the Front Ends that are patched together, while the others carry the pool. */
export interface UpgradeDomain {
	name: string;
	servers: string[];
}

/** Where a pool's upgrade domains come from: the farm's readiness cmdlet, or the lab's stand-in rule. */
export type UpgradeDomainSource = 'farm' | 'assumed';

export interface PoolUpgradeDomains {
	pool: string;
	domains: UpgradeDomain[];
	source: UpgradeDomainSource;
}

/**
 * How many upgrade domains the lab gives a pool of this many Front Ends: one per server up to eight, eight beyond,
 * so in a larger pool several servers share one. Microsoft documents that a pool's Front Ends are organized into
 * upgrade domains and that Get-CsPoolUpgradeReadinessState names them, but not how they are assigned [unverified].
 */
export const MOST_UPGRADE_DOMAINS = 8;

const domainName = (index: number) => `UpgradeDomain${index + 1}`;

/** The lab's upgrade domains for a pool's servers, in topology order, dealt round the domains [unverified rule]. */
export function assignUpgradeDomains(servers: readonly string[]): UpgradeDomain[] {
	const count = Math.min(servers.length, MOST_UPGRADE_DOMAINS);
	const domains = Array.from({ length: count }, (_, index) => ({ name: domainName(index), servers: [] as string[] }));
	for (const [index, server] of servers.entries()) domains[index % count]!.servers.push(server);
	return domains;
}

/**
 * A pool's upgrade domains: those the farm named (server → domain) when it named one for every server, else the lab's
 * rule. A server the farm left out would otherwise never be patched, so a partial answer is not used.
 */
export function upgradeDomainsOf(pool: { fqdn: string; servers: readonly string[] }, named?: Readonly<Record<string, string>>): PoolUpgradeDomains {
	if (named && pool.servers.length > 0 && pool.servers.every((server) => named[server])) {
		const domains = new Map<string, string[]>();
		for (const server of pool.servers) {
			const name = named[server]!;
			domains.set(name, [...(domains.get(name) ?? []), server]);
		}
		return { pool: pool.fqdn, source: 'farm', domains: [...domains].map(([name, servers]) => ({ name, servers })) };
	}
	return { pool: pool.fqdn, source: 'assumed', domains: assignUpgradeDomains(pool.servers) };
}

/** One upgrade domain of one pool, a stage of the schedule: its servers go at once. */
export interface ScheduledDomain {
	pool: string;
	domain: string;
	servers: string[];
}

/**
 * The order in which upgrade domains are patched. Lanes run side by side; a lane's domains run one after another.
 * A pool's domains are always in one lane, so never two domains of a pool at once.
 */
export interface UpgradeSchedule {
	lanes: ScheduledDomain[][];
}

export type PoolOrder = 'one-after-another' | 'side-by-side';

/**
 * Pools one after another by default, since the partner is the backup of the pool being patched; side by side only
 * when the operator says so.
 */
export function upgradeSchedule(pools: readonly PoolUpgradeDomains[], order: PoolOrder): UpgradeSchedule {
	const stages = pools.map((pool) =>
		pool.domains.filter((domain) => domain.servers.length > 0).map((domain) => ({ pool: pool.pool, domain: domain.name, servers: [...domain.servers] })),
	);
	const lanes = order === 'side-by-side' ? stages : [stages.flat()];
	return { lanes: lanes.filter((lane) => lane.length > 0) };
}

/** The domains in the order they start, lane by lane: for a plan that reads top to bottom. */
export function scheduledDomains(schedule: UpgradeSchedule): ScheduledDomain[] {
	return schedule.lanes.flat();
}

/**
 * Expected wall time: a domain takes one server's time (its servers go at once), plus the wait for the pool to be
 * ready again before the next; the lanes overlap, so the longest lane is the answer.
 */
export function scheduleWallTime(schedule: UpgradeSchedule, perServerMs: number, readinessWaitMs = 0): number {
	return Math.max(0, ...schedule.lanes.map((lane) => lane.length * perServerMs + Math.max(0, lane.length - 1) * readinessWaitMs));
}

/**
 * The domains that may run now: in each lane, the first whose servers are not all settled (succeeded or skipped).
 * A domain with a failed server holds its lane, so the next domain of that pool waits for the operator.
 */
export function currentDomains(schedule: UpgradeSchedule, isSettled: (server: string) => boolean): ScheduledDomain[] {
	return schedule.lanes.flatMap((lane) => {
		const current = lane.find((stage) => !stage.servers.every(isSettled));
		return current ? [current] : [];
	});
}
