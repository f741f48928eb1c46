/**
 * What `Get-CsPoolUpgradeReadinessState` (SfB 2015) or `Get-CsUpgradeDomainInfo` (SfB 2019) says about a pool, run on
 * one of its Front Ends. Microsoft's reference names the contents (the pool's Front Ends, how many are active, the
 * upgrade domains and whether the pool can be upgraded now) but not the property names [unverified]: they are read
 * tolerantly and every property is kept as text.
 */
export interface PoolUpgradeReadiness {
	pool: string;
	/** True: a domain may be patched now. Undefined: the output did not say. */
	ready: boolean | undefined;
	/** The state word as given, e.g. Ready, Busy, InsufficientActiveFrontEnds [unverified]. */
	state?: string;
	frontEnds?: number;
	activeFrontEnds?: number;
	/** Each upgrade domain with its servers, as named by the farm. */
	domains: { name: string; servers: string[]; ready?: boolean }[];
	/** Every property returned, as text. */
	raw: string;
}

/** One line, the counts first where a narrow screen cuts: "pool-a: 2 of 3 Front Ends active (Busy)". */
export function describeReadiness(readiness: PoolUpgradeReadiness): string {
	const state = readiness.state ?? (readiness.ready === undefined ? 'readiness not given' : readiness.ready ? 'Ready' : 'not ready');
	if (readiness.frontEnds === undefined || readiness.activeFrontEnds === undefined) return `${readiness.pool}: ${state}`;
	return `${readiness.pool}: ${readiness.activeFrontEnds} of ${readiness.frontEnds} Front Ends active (${state})`;
}

/** server → upgrade domain, as the readiness output names them. */
export function domainsNamed(readiness: PoolUpgradeReadiness): Record<string, string> {
	return Object.fromEntries(readiness.domains.flatMap((domain) => domain.servers.map((server) => [server.toLowerCase(), domain.name] as const)));
}

/**
 * May this domain start? When the pool says Ready; or, resuming a domain stopped midway, when the only Front Ends
 * missing are this domain's own servers, still failed over from before (they are the work, not a reason to wait).
 */
export function readyForDomain(readiness: PoolUpgradeReadiness, ownFailedOver: number): boolean {
	if (readiness.ready === true) return true;
	if (ownFailedOver === 0 || readiness.frontEnds === undefined || readiness.activeFrontEnds === undefined) return false;
	return readiness.activeFrontEnds + ownFailedOver >= readiness.frontEnds;
}
