import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Edition, FrontEndPool, Site, TopologyDocument } from './model.js';
import { productVersionOf } from './product-version.js';

export const TOPOLOGY_NAMESPACE = 'urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008';
export const MAX_TOPOLOGY_BYTES = 20 * 1024 * 1024;
export const MAX_ELEMENT_DEPTH = 64;

const EXPORT_HINT = '(export it with Get-CsTopology -AsXml)';

/** A topology document that cannot be used; `message` is one line that names the file and says why. */
export class TopologyReadError extends Error {
	constructor(
		readonly sourceName: string,
		readonly reason: string,
	) {
		super(`${sourceName} ${reason}`);
		this.name = 'TopologyReadError';
	}
}

/**
 * Text of a topology file as saved on a jump box: Windows PowerShell 5.1's `Out-File` and `>` write UTF-16LE
 * with a byte order mark, `Set-Content` and pwsh write UTF-8, so the encoding comes from the BOM.
 */
export function decodeTopologyBytes(bytes: Uint8Array): string {
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
	return new TextDecoder('utf-8').decode(bytes);
}

/** Reads the document `Get-CsTopology -AsXml` exports (Topology.2008 schema, sfb-facts.md §3). */
export function readTopologyDocument(xml: string, sourceName: string): TopologyDocument {
	const refuse = (reason: string): never => {
		throw new TopologyReadError(sourceName, reason);
	};
	const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;

	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_TOPOLOGY_BYTES) {
		refuse(`is ${megabytes(bytes)} MB, over the ${megabytes(MAX_TOPOLOGY_BYTES)} MB limit for a topology document`);
	}
	if (text.trim() === '') refuse(`is empty ${EXPORT_HINT}`);
	if (!text.trimStart().startsWith('<')) refuse(`is not XML: it does not start with an element ${EXPORT_HINT}`);

	const validation = XMLValidator.validate(text);
	if (validation !== true) refuse(`is not well-formed XML: ${describeXmlError(validation.err, text)}`);
	if (declaresDoctype(text)) {
		refuse('declares a DOCTYPE, which an exported topology document never has (entity declarations are refused)');
	}

	const { root, rootName, namespace } = parseRoot(text, refuse);
	if (rootName !== 'Topology') {
		refuse(`is not an exported topology document: its root element is <${rootName}>, expected <Topology> ${EXPORT_HINT}`);
	}
	if (namespace !== TOPOLOGY_NAMESPACE) {
		const found = namespace === undefined ? 'has no namespace' : `has namespace ${namespace}`;
		refuse(`is not an exported topology document: its <Topology> root ${found}, expected ${TOPOLOGY_NAMESPACE} ${EXPORT_HINT}`);
	}

	const clusterNodes = elements(first(root, 'Clusters'), 'Cluster');
	if (clusterNodes.length === 0) refuse(`defines no clusters, so it holds no Front End pools ${EXPORT_HINT}`);

	return interpret(root, clusterNodes);
}

type XmlNode = Record<string, unknown>;

interface ClusterRecord {
	key?: string;
	fqdn: string;
	siteId: string;
	machines: { fqdn: string; ordinal: number }[];
}

interface ServiceRecord {
	key: string;
	role: string;
	clusterKey?: string;
	serviceVersion?: number;
	isDirector: boolean;
	isActiveCms: boolean;
	dependsOn: string[];
}

const ATTRIBUTE_PREFIX = '@_';

const repeatedElements = new Set([
	'CentralSite',
	'BranchSite',
	'Cluster',
	'Machine',
	'SqlInstance',
	'Service',
	'Dependency',
]);

function parseRoot(
	text: string,
	refuse: (reason: string) => never,
): { root: XmlNode; rootName: string; namespace: string | undefined } {
	let rootPrefix: string | undefined;
	const parser = new XMLParser({
		ignoreAttributes: false,
		attributeNamePrefix: ATTRIBUTE_PREFIX,
		// Prefixes are stripped here rather than by removeNSPrefix, which would also drop the root's xmlns.
		transformTagName: (name) => {
			if (rootPrefix === undefined && !name.startsWith('?')) rootPrefix = prefixOf(name);
			return localName(name);
		},
		transformAttributeName: (prefixedName) => {
			const name = prefixedName.startsWith(ATTRIBUTE_PREFIX) ? prefixedName.slice(ATTRIBUTE_PREFIX.length) : prefixedName;
			return ATTRIBUTE_PREFIX + (name === 'xmlns' || name.startsWith('xmlns:') ? name : localName(name));
		},
		parseTagValue: false,
		parseAttributeValue: false,
		// Entity expansion stays off; the few values read are decoded by `unescapeXml`.
		processEntities: false,
		ignoreDeclaration: true,
		ignorePiTags: true,
		// The parser compares the limit with the open ancestors of a new element, the root having none.
		maxNestedTags: MAX_ELEMENT_DEPTH - 1,
		isArray: (name) => repeatedElements.has(name),
		// The callbacks never look at the element path, so the parser need not build it as a string for each element.
		jPath: false,
	});

	let parsed: XmlNode;
	try {
		parsed = parser.parse(text) as XmlNode;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (/nested/i.test(message)) {
			return refuse(`nests elements deeper than ${MAX_ELEMENT_DEPTH} levels, far beyond any exported topology document`);
		}
		return refuse(`could not be read as XML: ${firstLine(message)}`);
	}

	const [rootName, rootValue] = Object.entries(parsed)[0] ?? refuse(`has no root element ${EXPORT_HINT}`);
	const root = asNode(rootValue);
	const namespaceAttribute = rootPrefix === '' ? '@_xmlns' : `@_xmlns:${rootPrefix}`;
	return { root, rootName, namespace: attribute(root, namespaceAttribute) };
}

function interpret(root: XmlNode, clusterNodes: XmlNode[]): TopologyDocument {
	const sitesNode = first(root, 'Sites');
	const sites: Site[] = [...elements(sitesNode, 'CentralSite'), ...elements(sitesNode, 'BranchSite')].map((node) => {
		const id = attribute(node, '@_SiteId') ?? '';
		const name = textOf(first(node, 'Name')) || `site ${id}`;
		return { id, name };
	});
	const siteName = (siteId: string) =>
		sites.find((site) => site.id === siteId)?.name ?? (siteId === '' ? 'no site' : `site ${siteId}`);

	const clusters = clusterNodes.map(readCluster);
	const services = elements(first(root, 'Services'), 'Service').flatMap((node) => readService(node) ?? []);
	const servicesByKey = new Map(services.map((service) => [service.key, service]));
	const servicesOnCluster = new Map<string, ServiceRecord[]>();
	for (const service of services) {
		if (service.clusterKey === undefined) continue;
		const list = servicesOnCluster.get(service.clusterKey) ?? [];
		list.push(service);
		servicesOnCluster.set(service.clusterKey, list);
	}

	const frontEndPools: FrontEndPool[] = [];
	const otherClusters: TopologyDocument['otherClusters'] = [];
	for (const cluster of clusters) {
		const hosted = cluster.key === undefined ? [] : (servicesOnCluster.get(cluster.key) ?? []);
		const registrar = hosted.find((service) => service.role === 'Registrar' && !service.isDirector);
		const userServices = hosted.find((service) => service.role === 'UserServices');
		if (registrar && userServices) {
			const version = productVersionOf(registrar.serviceVersion);
			frontEndPools.push({
				fqdn: cluster.fqdn,
				site: siteName(cluster.siteId),
				edition: editionOf(cluster, hosted, userServices, servicesByKey),
				version,
				...(version === 'unknown' && registrar.serviceVersion !== undefined
					? { serviceVersion: registrar.serviceVersion }
					: {}),
				servers: [...cluster.machines].sort((a, b) => a.ordinal - b.ordinal).map((machine) => machine.fqdn),
				hostsCentralManagementStore: hosted.some((service) => service.role === 'CentralMgmt' && service.isActiveCms),
			});
		} else {
			const roles = [...new Set(hosted.map((service) => (service.isDirector ? 'Director' : service.role)))];
			otherClusters.push({ fqdn: cluster.fqdn, site: siteName(cluster.siteId), roles });
		}
	}

	const signature = attribute(root, '@_Signature');
	return { ...(signature === undefined ? {} : { signature }), sites, frontEndPools, otherClusters };
}

/**
 * A Standard Edition server keeps its user store in its own SQL Express instance ("rtc"); an Enterprise
 * pool's user store lives on a separate SQL cluster (sfb-facts.md §3).
 */
function editionOf(
	cluster: ClusterRecord,
	hosted: ServiceRecord[],
	userServices: ServiceRecord,
	servicesByKey: Map<string, ServiceRecord>,
): Edition {
	const userStore = userServices.dependsOn
		.map((key) => servicesByKey.get(key))
		.find((service) => service?.role === 'UserStore');
	const ownsUserStore = userStore
		? userStore.clusterKey === cluster.key
		: hosted.some((service) => service.role === 'UserStore');
	return ownsUserStore ? 'Standard' : 'Enterprise';
}

function readCluster(node: XmlNode): ClusterRecord {
	const clusterId = first(node, 'ClusterId');
	const machines = elements(node, 'Machine').map((machine, index) => ({
		fqdn: attribute(machine, '@_Fqdn') ?? '',
		ordinal: Number(attribute(machine, '@_OrdinalInCluster') ?? index + 1),
	}));
	return {
		...(clusterId ? { key: clusterKey(clusterId) } : {}),
		fqdn: attribute(node, '@_Fqdn') ?? '',
		siteId: attribute(clusterId, '@_SiteId') ?? '',
		machines,
	};
}

function readService(node: XmlNode): ServiceRecord | undefined {
	const serviceId = first(node, 'ServiceId');
	if (!serviceId) return undefined;
	const installedOn = first(node, 'InstalledOn');
	const clusterId = first(installedOn, 'ClusterId') ?? first(first(installedOn, 'SqlInstanceId'), 'ClusterId');
	const serviceVersion = Number(attribute(node, '@_ServiceVersion'));
	return {
		key: serviceKey(serviceId),
		role: attribute(serviceId, '@_RoleName') ?? '',
		...(clusterId ? { clusterKey: clusterKey(clusterId) } : {}),
		...(Number.isInteger(serviceVersion) ? { serviceVersion } : {}),
		isDirector: isTrue(attribute(first(node, 'RegistrarService'), '@_IsDirector')),
		isActiveCms: isTrue(attribute(first(node, 'CentralMgmtService'), '@_IsActive')),
		dependsOn: elements(first(node, 'DependsOn'), 'Dependency').flatMap((dependency) => {
			const dependencyId = first(dependency, 'ServiceId');
			return dependencyId ? [serviceKey(dependencyId)] : [];
		}),
	};
}

function clusterKey(clusterId: XmlNode): string {
	return `${attribute(clusterId, '@_SiteId') ?? ''}:${attribute(clusterId, '@_Number') ?? ''}`;
}

function serviceKey(serviceId: XmlNode): string {
	const part = (name: string) => attribute(serviceId, name) ?? '';
	return `${part('@_SiteId')}/${part('@_RoleName')}/${part('@_Instance')}`;
}

/** Every child element `name` of `node`, whether the parser produced one object or an array. */
function elements(node: XmlNode | undefined, name: string): XmlNode[] {
	const value = node?.[name];
	if (value === undefined) return [];
	return (Array.isArray(value) ? value : [value]).map(asNode);
}

function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
	return elements(node, name)[0];
}

/** An empty element parses to '' and a text-only one to its text; both become nodes. */
function asNode(value: unknown): XmlNode {
	if (typeof value === 'object' && value !== null) return value as XmlNode;
	return typeof value === 'string' && value !== '' ? { '#text': value } : {};
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
	const value = node?.[name];
	return typeof value === 'string' ? unescapeXml(value) : undefined;
}

function textOf(node: XmlNode | undefined): string {
	const value = node?.['#text'];
	return typeof value === 'string' ? unescapeXml(value).trim() : '';
}

const predefinedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined entities and character references: all a document without a DOCTYPE can hold. */
function unescapeXml(value: string): string {
	if (!value.includes('&')) return value;
	return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (reference, name: string) => {
		if (!name.startsWith('#')) return predefinedEntities[name] ?? reference;
		const codePoint = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
		return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : reference;
	});
}

function isTrue(value: string | undefined): boolean {
	return value?.toLowerCase() === 'true';
}

function prefixOf(name: string): string {
	const colon = name.indexOf(':');
	return colon === -1 ? '' : name.slice(0, colon);
}

function localName(name: string): string {
	return name.slice(name.indexOf(':') + 1);
}

/** Only the prolog can hold a DOCTYPE; a validated document's prolog is declarations, comments and whitespace. */
function declaresDoctype(text: string): boolean {
	let position = 0;
	for (;;) {
		while (/\s/.test(text[position] ?? '')) position++;
		const end = text.startsWith('<?', position)
			? text.indexOf('?>', position) + 2
			: text.startsWith('<!--', position)
				? text.indexOf('-->', position) + 3
				: position;
		if (end <= position) return text.startsWith('<!DOCTYPE', position);
		position = end;
	}
}

function describeXmlError(error: { code: string; msg: string; line: number; col: number }, text: string): string {
	// The validator reports elements left open at the end as "Invalid '[...]' found." on line 1.
	if (error.code === 'InvalidXml' && error.msg.startsWith("Invalid '[")) {
		return `it ends at line ${lineCount(text)} with elements still open; the file looks cut short`;
	}
	const column = Number.isInteger(error.col) ? `, column ${error.col}` : '';
	return `line ${error.line}${column}: ${firstLine(error.msg)}`;
}

function lineCount(text: string): number {
	let lines = 1;
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
	return text.endsWith('\n') ? lines - 1 : lines;
}

function firstLine(message: string): string {
	return message.split(/\r?\n/, 1)[0] ?? '';
}

/** Rounded up, so a file just over the limit never reads as equal to it. */
function megabytes(bytes: number): string {
	return String(Math.ceil((bytes / (1024 * 1024)) * 10) / 10);
}
