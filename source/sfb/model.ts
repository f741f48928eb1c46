export type Edition = 'Enterprise' | 'Standard';

export type ProductVersion =
	/** Lync Server 2010 has no Backup Service (it came with Lync Server 2013): it cannot be paired. */
	| 'Lync Server 2010'
	| 'Lync Server 2013'
	| 'Skype for Business Server 2015'
	| 'Skype for Business Server 2019'
	| 'unknown';

export type Platform = 'physical' | 'virtual';

export interface Site {
	id: string;
	name: string;
}

/** A Front End pool (an Enterprise Edition pool or a Standard Edition server) as the topology defines it. */
export interface FrontEndPool {
	fqdn: string;
	site: string;
	edition: Edition;
	version: ProductVersion;
	/** The Registrar's ServiceVersion attribute, kept so an unknown version can still be reported. */
	serviceVersion?: number;
	servers: string[];
	/** True when this pool hosts the active Central Management store. */
	hostsCentralManagementStore: boolean;
	/** The UNC path of the pool's file store (`\\fs.contoso.com\share`), where the topology names it. */
	fileStore?: string;
	/** Known only where a lab scenario says so; the topology document does not record it. */
	platform?: Platform;
	operatingSystem?: string;
}

/** A pool's back end: the SQL Server (and named instance, where there is one) that holds its user store. */
export interface BackEnd {
	sqlServer: string;
	instance?: string;
}

/** What the topology document says: its pools, and every other cluster, so nothing it holds is silently lost. */
export interface TopologyDocument {
	signature?: string;
	sites: Site[];
	frontEndPools: FrontEndPool[];
	/** Clusters that are not Front End pools (Directors, Edge, Mediation, SQL, file stores), with the reason. */
	otherClusters: { fqdn: string; site: string; roles: string[] }[];
	/** Front End pool FQDN → its back end, where the topology says (a Standard Edition server is its own). */
	backEnds: Record<string, BackEnd>;
	/** The SQL Servers that hold a Central Management store (CentralMgmtStore): the active one, and a standby once the CMS pool is paired. */
	centralManagementStores: string[];
}

/** The farm as the wizard sees it: the pools, who is paired with whom, and which pools are deployed. */
export interface PoolInventory {
	/** Changes whenever the published topology changes; a plan made against another signature is stale. */
	topologySignature: string;
	pools: FrontEndPool[];
	/** pool FQDN → its backup pool FQDN, in both directions. */
	pairings: Record<string, string>;
	/** pool FQDN → whether the pool has been deployed (its servers installed), not just defined; null: could not tell. */
	deployed: Record<string, boolean | null>;
	/** Front End pool FQDN → its back end, as the topology names it; absent where it could not be read. */
	backEnds?: Record<string, BackEnd>;
}

export interface VoiceResiliency {
	automaticFailover: boolean;
	failoverSeconds: number;
	failbackSeconds: number;
}

export interface PairingRequest {
	pool: string;
	backup: string;
	voice: VoiceResiliency;
}
