import type { BackEnd, FrontEndPool, Site, TopologyDocument } from './model.js';
import { serviceVersionOf } from './product-version.js';
import { TOPOLOGY_NAMESPACE } from './topology-reader.js';

const SERVICE_ROLES_NAMESPACE = 'urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008';
const ROLE_TYPE_PREFIX = 'Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.';
/** Roles that live in a SQL instance rather than directly on a cluster. */
const STORE_ROLES = new Set(['UserStore', 'ApplicationStore', 'CentralMgmtStore', 'ArchivingStore', 'MonitoringStore']);
/** Standard Edition keeps its databases in SQL Express; the same instance name serves the generated back ends. */
const SQL_INSTANCE = 'rtc';

/** The share every file store the writer defines holds the pool's files in. */
const FILE_SHARE = 'share';

/**
 * The file store `renderTopologyDocument` gives a pool, as a UNC path, without writing the document: a Standard
 * Edition server's own share, else the file store cluster of its site from `otherClusters`, else one generated for it.
 */
export function writtenFileStore(pool: FrontEndPool, otherClusters: TopologyDocument['otherClusters'] = []): string {
	const host =
		pool.edition === 'Standard'
			? pool.fqdn
			: (otherClusters.find((cluster) => cluster.site === pool.site && cluster.roles.includes('FileStore'))?.fqdn ?? siblingFqdn(pool.fqdn, 'fs'));
	return `\\\\${host}\\${FILE_SHARE}`;
}

export interface TopologyWriterInput {
	signature: string;
	sites: Site[];
	pools: FrontEndPool[];
	/** Directors, Edge, Mediation, SQL and file store clusters; a Director is the role 'Director'. */
	otherClusters?: TopologyDocument['otherClusters'];
	/** The pool on whose back end the standby Central Management store is defined, once the CMS pool is paired. */
	standbyStorePool?: string;
}

/**
 * Writes a document in the shape `Get-CsTopology -AsXml` exports, which `readTopologyDocument` reads back to the
 * same pools. Each Enterprise pool's user store and file store go to a SQL or file store cluster of its site
 * from `otherClusters` when there is one, otherwise to a back end generated for it (`<pool>-sql`, `<pool>-fs`).
 * Platform and operating system are not part of the schema and are not written.
 */
export function renderTopologyDocument(input: TopologyWriterInput): string {
	const builder = new TopologyBuilder(input.sites);
	const otherClusters = input.otherClusters ?? [];
	const poolClusters = input.pools.map((pool) => builder.addCluster(pool.site, pool.fqdn, pool.servers));
	const givenClusters = otherClusters.map((cluster) => builder.addCluster(cluster.site, cluster.fqdn, [cluster.fqdn]));

	const sharedCluster = (site: string, role: string): ClusterRef | undefined => {
		const index = otherClusters.findIndex((cluster) => cluster.site === site && cluster.roles.includes(role));
		return givenClusters[index];
	};

	input.pools.forEach((pool, index) => {
		const cluster = poolClusters[index] as ClusterRef;
		const version = serviceVersionOf(pool.version) ?? pool.serviceVersion;
		const standard = pool.edition === 'Standard';
		const backEnd = standard
			? cluster
			: (sharedCluster(pool.site, 'UserStore') ?? builder.addStoreCluster(pool.site, siblingFqdn(pool.fqdn, 'sql')));
		const fileServer = standard
			? cluster
			: (sharedCluster(pool.site, 'FileStore') ?? builder.addStoreCluster(pool.site, siblingFqdn(pool.fqdn, 'fs')));
		builder.addFrontEndServices(cluster, { backEnd, fileServer, version, hostsCms: pool.hostsCentralManagementStore, fqdn: pool.fqdn });
		if (input.standbyStorePool === pool.fqdn) builder.addStandbyStore(backEnd, version);
	});

	const otherVersion = input.pools.map((pool) => serviceVersionOf(pool.version) ?? pool.serviceVersion).find(Boolean);
	otherClusters.forEach((cluster, index) => {
		builder.addRoleServices(givenClusters[index] as ClusterRef, cluster.roles, otherVersion);
	});

	return builder.render(input.signature, defaultDomain(input.pools));
}

/**
 * Where `renderTopologyDocument` puts each pool's user store, without writing or reading a document (a lab's names may
 * hold what no XML document can): a Standard Edition server's own SQL Express, else its site's SQL cluster from
 * `otherClusters`, else the back end generated for it.
 */
export function backEndsOf(input: Pick<TopologyWriterInput, 'pools' | 'otherClusters'>): Record<string, BackEnd> {
	const otherClusters = input.otherClusters ?? [];
	return Object.fromEntries(
		input.pools.map((pool) => {
			const shared = otherClusters.find((cluster) => cluster.site === pool.site && cluster.roles.includes('UserStore'));
			const sqlServer = pool.edition === 'Standard' ? pool.fqdn : (shared?.fqdn ?? siblingFqdn(pool.fqdn, 'sql'));
			return [pool.fqdn, { sqlServer, instance: SQL_INSTANCE }];
		}),
	);
}

interface ClusterRef {
	siteId: string;
	number: number;
}

interface ServiceRef {
	siteId: string;
	role: string;
	instance: number;
}

interface FrontEndLayout {
	fqdn: string;
	backEnd: ClusterRef;
	fileServer: ClusterRef;
	version: number | undefined;
	hostsCms: boolean;
}

interface ServiceSpec {
	id: ServiceRef;
	on: ClusterRef;
	version: number | undefined;
	dependsOn?: ServiceRef[];
	/** The role's own settings element, in the ServiceRoles namespace. */
	settings?: string;
	roleVersion?: number;
	type?: string;
}

class TopologyBuilder {
	private readonly clusters: string[] = [];
	private readonly sqlInstances = new Set<string>();
	private readonly services: string[] = [];
	private readonly clusterNumbers = new Map<string, number>();
	private readonly instanceNumbers = new Map<string, number>();
	private readonly rolesOnCluster = new Map<string, Set<string>>();

	constructor(private readonly sites: Site[]) {}

	addCluster(siteName: string, fqdn: string, machines: string[]): ClusterRef {
		const ref = this.nextCluster(siteName, fqdn);
		const machineXml = machines.map(
			(machine, index) =>
				`      <Machine OrdinalInCluster="${index + 1}" Fqdn="${escape(machine)}" FaultDomain="${escape(machine)}" UpgradeDomain="${escape(machine)}">\n` +
				'        <NetInterface InterfaceSide="Primary" InterfaceNumber="1" IPAddress="0.0.0.0" />\n' +
				'      </Machine>\n',
		);
		this.clusters.push(
			`    <Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="${escape(fqdn)}">\n${clusterIdXml(ref, 6)}${machineXml.join('')}    </Cluster>\n`,
		);
		return ref;
	}

	addStoreCluster(siteName: string, fqdn: string): ClusterRef {
		return this.addCluster(siteName, fqdn, [fqdn]);
	}

	addFrontEndServices(cluster: ClusterRef, layout: FrontEndLayout): void {
		const { siteId } = cluster;
		const { version } = layout;
		const userStore = this.allocate(siteId, 'UserStore');
		const fileStore = this.allocate(siteId, 'FileStore');
		const userServices = this.allocate(siteId, 'UserServices');
		const registrar = this.allocate(siteId, 'Registrar');
		const webServices = this.allocate(siteId, 'WebServices');
		const confServices = this.allocate(siteId, 'ConfServices');

		this.addService({ id: userStore, on: layout.backEnd, version });
		this.addService({
			id: fileStore,
			on: layout.fileServer,
			version,
			type: 'FileStoreService',
			settings: `<FileStoreService xmlns="${SERVICE_ROLES_NAMESPACE}" ShareName="${FILE_SHARE}" />`,
		});
		this.addService({ id: userServices, on: cluster, version, roleVersion: 2, dependsOn: [userStore, fileStore, confServices] });
		this.addService({
			id: registrar,
			on: cluster,
			version,
			roleVersion: 2,
			type: 'RegistrarService',
			dependsOn: [userServices, webServices],
			settings: `<RegistrarService xmlns="${SERVICE_ROLES_NAMESPACE}" IsDirector="false" IsPoolEnabledForSAOnEdge="false" />`,
		});
		this.addService({
			id: webServices,
			on: cluster,
			version,
			type: 'WebService',
			dependsOn: [fileStore, userServices],
			settings:
				`<WebService xmlns="${SERVICE_ROLES_NAMESPACE}">\n` +
				`        <ExternalSettings Host="${escape(siblingFqdn(layout.fqdn, 'ext'))}">\n          <OverrideUrls />\n        </ExternalSettings>\n` +
				'      </WebService>',
		});
		this.addService({
			id: confServices,
			on: cluster,
			version,
			type: 'ConfService',
			dependsOn: [fileStore, webServices, userServices],
			settings: `<ConfService xmlns="${SERVICE_ROLES_NAMESPACE}" />`,
		});
		if (layout.hostsCms) {
			const store = this.allocate(siteId, 'CentralMgmtStore');
			this.addService({ id: store, on: layout.backEnd, version });
			this.addService({
				id: this.allocate(siteId, 'CentralMgmt'),
				on: cluster,
				version,
				type: 'CentralMgmtService',
				dependsOn: [store, fileStore],
				settings: `<CentralMgmtService xmlns="${SERVICE_ROLES_NAMESPACE}" IsActive="true" />`,
			});
		}
	}

	/** The standby Central Management store: a CentralMgmtStore on the partner's back end, which no CentralMgmt service uses until a failover. */
	addStandbyStore(backEnd: ClusterRef, version: number | undefined): void {
		this.addService({ id: this.allocate(backEnd.siteId, 'CentralMgmtStore'), on: backEnd, version });
	}

	/** Services for a cluster that is not a Front End pool; roles a pool already placed there are not repeated. */
	addRoleServices(cluster: ClusterRef, roles: string[], version: number | undefined): void {
		const present = this.rolesOnCluster.get(clusterKey(cluster)) ?? new Set();
		for (const role of roles) {
			if (role === 'Director') {
				this.addService({
					id: this.allocate(cluster.siteId, 'Registrar'),
					on: cluster,
					version,
					roleVersion: 2,
					type: 'RegistrarService',
					settings: `<RegistrarService xmlns="${SERVICE_ROLES_NAMESPACE}" IsDirector="true" IsPoolEnabledForSAOnEdge="false" />`,
				});
			} else if (!present.has(role)) {
				this.addService({ id: this.allocate(cluster.siteId, role), on: cluster, version });
			}
		}
	}

	render(signature: string, domain: string): string {
		const sites = this.sites
			.map(
				(site) =>
					`    <CentralSite SiteId="${escape(site.id)}">\n      <Name>${escape(site.name)}</Name>\n      <Location />\n    </CentralSite>\n`,
			)
			.join('');
		return (
			'<?xml version="1.0" encoding="utf-8"?>\n' +
			`<Topology xmlns="${TOPOLOGY_NAMESPACE}" Signature="${escape(signature)}">\n` +
			`  <InternalDomains AllowAllDomains="false" DefaultDomain="${escape(domain)}">\n` +
			`    <InternalDomain Name="${escape(domain)}" Authoritative="false" AllowSubDomains="false" />\n` +
			'  </InternalDomains>\n' +
			`  <Sites>\n${sites}  </Sites>\n` +
			`  <Clusters>\n${this.clusters.join('')}  </Clusters>\n` +
			`  <SqlInstances>\n${[...this.sqlInstances].join('')}  </SqlInstances>\n` +
			`  <Services>\n${this.services.join('')}  </Services>\n` +
			'</Topology>\n'
		);
	}

	private nextCluster(siteName: string, clusterName: string): ClusterRef {
		const site = this.sites.find((candidate) => candidate.name === siteName);
		if (!site) {
			const known = this.sites.map((candidate) => candidate.name).join(', ') || 'none';
			throw new Error(`cannot write ${clusterName}: its site "${siteName}" is not among the sites (${known})`);
		}
		const number = (this.clusterNumbers.get(site.id) ?? 0) + 1;
		this.clusterNumbers.set(site.id, number);
		return { siteId: site.id, number };
	}

	private allocate(siteId: string, role: string): ServiceRef {
		const key = `${siteId}/${role}`;
		const instance = (this.instanceNumbers.get(key) ?? 0) + 1;
		this.instanceNumbers.set(key, instance);
		return { siteId, role, instance };
	}

	private addService(spec: ServiceSpec): void {
		const onSql = STORE_ROLES.has(spec.id.role);
		const placement = onSql
			? `        <SqlInstanceId Name="${SQL_INSTANCE}">\n${clusterIdXml(spec.on, 10)}        </SqlInstanceId>\n`
			: clusterIdXml(spec.on, 8);
		if (onSql) {
			this.sqlInstances.add(
				`    <SqlInstance>\n      <SqlInstanceId Name="${SQL_INSTANCE}">\n${clusterIdXml(spec.on, 8)}      </SqlInstanceId>\n    </SqlInstance>\n`,
			);
		}
		const roles = this.rolesOnCluster.get(clusterKey(spec.on)) ?? new Set<string>();
		roles.add(spec.id.role);
		this.rolesOnCluster.set(clusterKey(spec.on), roles);

		const versionAttribute = spec.version === undefined ? '' : ` ServiceVersion="${spec.version}"`;
		const typeAttribute = spec.type ? ` Type="${ROLE_TYPE_PREFIX}${spec.type}"` : '';
		const dependencies = (spec.dependsOn ?? [])
			.map((dependency) => `        <Dependency Usage="Default">\n${serviceIdXml(dependency, 10)}        </Dependency>\n`)
			.join('');
		this.services.push(
			`    <Service RoleVersion="${spec.roleVersion ?? 1}"${versionAttribute}${typeAttribute}>\n` +
				serviceIdXml(spec.id, 6) +
				(dependencies ? `      <DependsOn>\n${dependencies}      </DependsOn>\n` : '      <DependsOn />\n') +
				`      <InstalledOn>\n${placement}      </InstalledOn>\n` +
				`      <Ports xmlns="${SERVICE_ROLES_NAMESPACE}" />\n` +
				(spec.settings ? `      ${spec.settings}\n` : '') +
				'    </Service>\n',
		);
	}
}

function clusterKey(ref: ClusterRef): string {
	return `${ref.siteId}:${ref.number}`;
}

function clusterIdXml(ref: ClusterRef, indent: number): string {
	return `${' '.repeat(indent)}<ClusterId SiteId="${escape(ref.siteId)}" Number="${ref.number}" />\n`;
}

function serviceIdXml(ref: ServiceRef, indent: number): string {
	return `${' '.repeat(indent)}<ServiceId SiteId="${escape(ref.siteId)}" RoleName="${escape(ref.role)}" Instance="${ref.instance}" />\n`;
}

/** `pool01.contoso.com` with `sql` → `pool01-sql.contoso.com`. */
function siblingFqdn(fqdn: string, suffix: string): string {
	const dot = fqdn.indexOf('.');
	return dot === -1 ? `${fqdn}-${suffix}` : `${fqdn.slice(0, dot)}-${suffix}${fqdn.slice(dot)}`;
}

function defaultDomain(pools: FrontEndPool[]): string {
	const fqdn = pools[0]?.fqdn ?? 'contoso.com';
	const dot = fqdn.indexOf('.');
	return dot === -1 ? fqdn : fqdn.slice(dot + 1);
}

function escape(value: string): string {
	return value.replace(/[&<>"']/g, (character) => `&${entityNames[character] ?? 'amp'};`);
}

const entityNames: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };
