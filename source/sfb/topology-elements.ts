import type { BackEnd, Edition, FrontEndPool, Site, TopologyDocument } from './model.js';
import { productVersionOf } from './product-version.js';

/**
 * The elements of an exported topology (Topology.2008 schema, sfb-facts.md §3) that say which clusters are
 * Front End pools, gathered as the parser meets them, then turned into the domain model. Everything else in the
 * document (Edge, trunks, web services, …) is skipped. Elements are matched by local name, whatever their prefix
 * or namespace, and where the schema allows one child of a kind only the first one counts.
 */

type Attributes = Record<string, string>;

/** A cluster or machine, with where its element starts in the text, for a refusal to point at. */
export interface Located<T> {
	value: T;
	at: number;
}

export interface ClusterRecord {
	key?: string;
	fqdn: Located<string | undefined>;
	siteId: string;
	machines: { fqdn: Located<string | undefined>; ordinal: number }[];
}

interface ServiceRecord {
	key?: string;
	role: string;
	clusterKey?: string;
	sqlInstanceClusterKey?: string;
	sqlInstanceName?: string;
	serviceVersion?: number;
	isDirector: boolean;
	isActiveCms: boolean;
	dependsOn: string[];
	/** A FileStoreService's ShareName. */
	shareName?: string;
	seenInstalledOn: boolean;
	seenDependsOn: boolean;
}

/** What an open element is, which decides what its children are. */
const enum Frame {
	Ignored,
	Topology,
	Sites,
	Site,
	SiteName,
	Clusters,
	Cluster,
	Services,
	Service,
	InstalledOn,
	SqlInstanceId,
	DependsOn,
	Dependency,
}

export class TopologyElements {
	readonly sites: Site[] = [];
	readonly clusters: ClusterRecord[] = [];
	signature: string | undefined;
	private readonly services: ServiceRecord[] = [];
	private readonly frames: Frame[] = [];
	private siteHasName = false;
	private siteName = '';
	private dependencyHasServiceId = false;

	/**
	 * An element opens. `localName` has no prefix; `startOfTag` gives where its `<` is in the text, and is asked
	 * only for the elements a refusal may name.
	 */
	open(localName: string, attributes: Attributes, startOfTag: () => number): void {
		const parent = this.frames.length === 0 ? undefined : this.frames[this.frames.length - 1];
		this.frames.push(parent === undefined ? this.openRoot(attributes) : this.openChild(parent, localName, attributes, startOfTag));
	}

	close(): void {
		const frame = this.frames.pop();
		if (frame === Frame.SiteName) this.siteHasName = true;
		else if (frame === Frame.Site) this.closeSite();
	}

	/** True inside the one element whose text is read, a site's <Name>. */
	get readsText(): boolean {
		return this.frames[this.frames.length - 1] === Frame.SiteName;
	}

	/** Text or CDATA inside the current element. */
	text(value: string): void {
		if (this.readsText) this.siteName += value;
	}

	toDocument(): TopologyDocument {
		return interpret(this.sites, this.clusters, this.services, this.signature);
	}

	private openRoot(attributes: Attributes): Frame {
		this.signature = attributes.Signature?.trim();
		return Frame.Topology;
	}

	private openChild(parent: Frame, name: string, attributes: Attributes, startOfTag: () => number): Frame {
		switch (parent) {
			case Frame.Topology:
				if (name === 'Sites') return Frame.Sites;
				if (name === 'Clusters') return Frame.Clusters;
				if (name === 'Services') return Frame.Services;
				return Frame.Ignored;
			case Frame.Sites:
				if (name !== 'CentralSite' && name !== 'BranchSite') return Frame.Ignored;
				this.sites.push({ id: attribute(attributes, 'SiteId') ?? '', name: '' });
				this.siteHasName = false;
				this.siteName = '';
				return Frame.Site;
			case Frame.Site:
				return name === 'Name' && !this.siteHasName ? Frame.SiteName : Frame.Ignored;
			case Frame.Clusters:
				if (name !== 'Cluster') return Frame.Ignored;
				this.clusters.push({ fqdn: { value: attribute(attributes, 'Fqdn'), at: startOfTag() }, siteId: '', machines: [] });
				return Frame.Cluster;
			case Frame.Cluster:
				this.openClusterChild(last(this.clusters), name, attributes, startOfTag);
				return Frame.Ignored;
			case Frame.Services:
				if (name !== 'Service') return Frame.Ignored;
				this.services.push(newService(attributes));
				return Frame.Service;
			case Frame.Service:
				return this.openServiceChild(last(this.services), name, attributes);
			case Frame.InstalledOn: {
				const service = last(this.services);
				if (name === 'ClusterId') service.clusterKey ??= clusterKey(attributes);
				if (name !== 'SqlInstanceId') return Frame.Ignored;
				service.sqlInstanceName ??= attribute(attributes, 'Name');
				return Frame.SqlInstanceId;
			}
			case Frame.SqlInstanceId:
				if (name === 'ClusterId') last(this.services).sqlInstanceClusterKey ??= clusterKey(attributes);
				return Frame.Ignored;
			case Frame.DependsOn:
				if (name !== 'Dependency') return Frame.Ignored;
				this.dependencyHasServiceId = false;
				return Frame.Dependency;
			case Frame.Dependency:
				if (name === 'ServiceId' && !this.dependencyHasServiceId) {
					last(this.services).dependsOn.push(serviceKey(attributes));
					this.dependencyHasServiceId = true;
				}
				return Frame.Ignored;
			default:
				return Frame.Ignored;
		}
	}

	private openClusterChild(cluster: ClusterRecord, name: string, attributes: Attributes, startOfTag: () => number): void {
		if (name === 'ClusterId' && cluster.key === undefined) {
			cluster.key = clusterKey(attributes);
			cluster.siteId = attribute(attributes, 'SiteId') ?? '';
		} else if (name === 'Machine') {
			const ordinal = Number(attribute(attributes, 'OrdinalInCluster'));
			cluster.machines.push({
				fqdn: { value: attribute(attributes, 'Fqdn'), at: startOfTag() },
				ordinal: Number.isFinite(ordinal) ? ordinal : cluster.machines.length + 1,
			});
		}
	}

	private openServiceChild(service: ServiceRecord, name: string, attributes: Attributes): Frame {
		switch (name) {
			case 'ServiceId':
				if (service.key === undefined) {
					service.key = serviceKey(attributes);
					service.role = attribute(attributes, 'RoleName') ?? '';
				}
				return Frame.Ignored;
			case 'InstalledOn':
				if (service.seenInstalledOn) return Frame.Ignored;
				service.seenInstalledOn = true;
				return Frame.InstalledOn;
			case 'DependsOn':
				if (service.seenDependsOn) return Frame.Ignored;
				service.seenDependsOn = true;
				return Frame.DependsOn;
			case 'RegistrarService':
				service.isDirector ||= isTrue(attributes.IsDirector);
				return Frame.Ignored;
			case 'CentralMgmtService':
				service.isActiveCms ||= isTrue(attributes.IsActive);
				return Frame.Ignored;
			case 'FileStoreService':
				service.shareName ??= attribute(attributes, 'ShareName');
				return Frame.Ignored;
			default:
				return Frame.Ignored;
		}
	}

	private closeSite(): void {
		const site = last(this.sites);
		site.name = this.siteName.trim() || `site ${site.id}`;
	}
}

function newService(attributes: Attributes): ServiceRecord {
	const serviceVersion = Number(attribute(attributes, 'ServiceVersion'));
	return {
		role: '',
		...(Number.isInteger(serviceVersion) ? { serviceVersion } : {}),
		isDirector: false,
		isActiveCms: false,
		dependsOn: [],
		seenInstalledOn: false,
		seenDependsOn: false,
	};
}

function interpret(sites: Site[], clusters: ClusterRecord[], services: ServiceRecord[], signature: string | undefined): TopologyDocument {
	const sitesById = firstByKey(sites, (site) => site.id);
	const siteName = (siteId: string) => sitesById.get(siteId)?.name ?? (siteId === '' ? 'no site' : `site ${siteId}`);

	const named = services.filter((service): service is ServiceRecord & { key: string } => service.key !== undefined);
	const servicesByKey = new Map(named.map((service) => [service.key, service]));
	const servicesOnCluster = new Map<string, ServiceRecord[]>();
	for (const service of named) {
		const onCluster = service.clusterKey ?? service.sqlInstanceClusterKey;
		if (onCluster === undefined) continue;
		const list = servicesOnCluster.get(onCluster) ?? [];
		list.push(service);
		servicesOnCluster.set(onCluster, list);
	}

	const clustersByKey = firstByKey(clusters, (cluster) => cluster.key);
	const fileStoreOf = (dependencies: Dependencies): string | undefined => {
		const store = dependencies.fileStore;
		const host = store?.clusterKey === undefined ? undefined : clustersByKey.get(store.clusterKey)?.fqdn.value;
		return host && store?.shareName ? `\\\\${host}\\${store.shareName}` : undefined;
	};

	const frontEndPools: FrontEndPool[] = [];
	const backEnds: TopologyDocument['backEnds'] = {};
	const otherClusters: TopologyDocument['otherClusters'] = [];
	for (const cluster of clusters) {
		const hosted = cluster.key === undefined ? [] : (servicesOnCluster.get(cluster.key) ?? []);
		const registrar = hosted.find((service) => service.role === 'Registrar' && !service.isDirector);
		const userServices = hosted.find((service) => service.role === 'UserServices');
		const fqdn = cluster.fqdn.value ?? '';
		if (registrar && userServices) {
			const version = productVersionOf(registrar.serviceVersion);
			const dependencies = dependenciesOf(userServices, servicesByKey);
			const fileStore = fileStoreOf(dependencies);
			frontEndPools.push({
				fqdn,
				site: siteName(cluster.siteId),
				edition: editionOf(cluster, hosted, dependencies.userStore),
				version,
				...(version === 'unknown' && registrar.serviceVersion !== undefined ? { serviceVersion: registrar.serviceVersion } : {}),
				servers: [...cluster.machines].sort((a, b) => a.ordinal - b.ordinal).map((machine) => machine.fqdn.value ?? ''),
				hostsCentralManagementStore: hosted.some((service) => service.role === 'CentralMgmt' && service.isActiveCms),
				...(fileStore === undefined ? {} : { fileStore }),
			});
			const backEnd = backEndOf(dependencies.userStore, clustersByKey);
			if (backEnd) backEnds[fqdn] = backEnd;
		} else {
			const roles = [...new Set(hosted.map((service) => (service.isDirector ? 'Director' : service.role)))];
			otherClusters.push({ fqdn, site: siteName(cluster.siteId), roles });
		}
	}

	const clusterFqdn = (key: string | undefined) => (key === undefined ? undefined : clustersByKey.get(key)?.fqdn.value);
	const centralManagementStores = named
		.filter((service) => service.role === 'CentralMgmtStore')
		.flatMap((service) => clusterFqdn(service.sqlInstanceClusterKey ?? service.clusterKey) ?? []);
	return { ...(signature === undefined ? {} : { signature }), sites, frontEndPools, otherClusters, backEnds, centralManagementStores };
}

/** The first file store and the first user store among what a pool's user services depend on, found in one pass over them. */
interface Dependencies {
	fileStore?: ServiceRecord;
	userStore?: ServiceRecord;
}

function dependenciesOf(userServices: ServiceRecord, servicesByKey: Map<string, ServiceRecord>): Dependencies {
	const dependencies: Dependencies = {};
	for (const key of userServices.dependsOn) {
		const service = servicesByKey.get(key);
		if (service?.role === 'FileStore') dependencies.fileStore ??= service;
		else if (service?.role === 'UserStore') dependencies.userStore ??= service;
	}
	return dependencies;
}

/**
 * A Standard Edition server keeps its user store in its own SQL Express instance ("rtc"); an Enterprise
 * pool's user store lives on a separate SQL cluster (sfb-facts.md §3).
 */
function editionOf(cluster: ClusterRecord, hosted: ServiceRecord[], userStore: ServiceRecord | undefined): Edition {
	const ownsUserStore = userStore
		? (userStore.clusterKey ?? userStore.sqlInstanceClusterKey) === cluster.key
		: hosted.some((service) => service.role === 'UserStore');
	return ownsUserStore ? 'Standard' : 'Enterprise';
}

/** The SQL Server (and instance) of the pool's user store: where a standby Central Management store goes when it is paired. */
function backEndOf(userStore: ServiceRecord | undefined, clustersByKey: Map<string, ClusterRecord>): BackEnd | undefined {
	const onCluster = userStore?.sqlInstanceClusterKey ?? userStore?.clusterKey;
	const sqlServer = onCluster === undefined ? undefined : clustersByKey.get(onCluster)?.fqdn.value;
	if (!userStore || !sqlServer) return undefined;
	return { sqlServer, ...(userStore.sqlInstanceName ? { instance: userStore.sqlInstanceName } : {}) };
}

/**
 * Keys are joined rather than concatenated: a join makes a flat string, where concatenation makes a rope that each
 * map lookup would first have to flatten (thousands of lookups in a 200-pool document).
 */
function clusterKey(attributes: Attributes): string {
	return [attribute(attributes, 'SiteId') ?? '', attribute(attributes, 'Number') ?? ''].join(':');
}

function serviceKey(attributes: Attributes): string {
	const part = (name: string) => attribute(attributes, name) ?? '';
	return [part('SiteId'), part('RoleName'), part('Instance')].join('/');
}

/** Attribute values as an export writes them, without surrounding blanks. */
function attribute(attributes: Attributes, name: string): string | undefined {
	return attributes[name]?.trim();
}

function isTrue(value: string | undefined): boolean {
	return value?.trim().toLowerCase() === 'true';
}

/**
 * Items by their key, the first of each key kept, as a search from the start would find it: a lookup for every pool
 * instead of a scan of every cluster (a 200-pool document has 500).
 */
function firstByKey<T>(items: T[], keyOf: (item: T) => string | undefined): Map<string, T> {
	const byKey = new Map<string, T>();
	for (const item of items) {
		const key = keyOf(item);
		if (key !== undefined && !byKey.has(key)) byKey.set(key, item);
	}
	return byKey;
}

function last<T>(items: T[]): T {
	return items[items.length - 1] as T;
}
