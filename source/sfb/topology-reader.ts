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

/**
 * Refuses a file too big to be a topology document before it is read: UTF-16 takes at most twice the bytes of
 * UTF-8, so a file over twice the limit is over it in every encoding the reader decodes.
 */
export function refuseOversizedFile(bytesOnDisk: number, sourceName: string): void {
	if (bytesOnDisk > 2 * MAX_TOPOLOGY_BYTES) {
		throw new TopologyReadError(sourceName, `is ${megabytes(bytesOnDisk)} MB, over the ${megabytes(MAX_TOPOLOGY_BYTES)} MB limit for a topology document`);
	}
}

/** Reads the document `Get-CsTopology -AsXml` exports (Topology.2008 schema, sfb-facts.md §3). */
export function readTopologyDocument(xml: string, sourceName: string): TopologyDocument {
	return readWith(xml, sourceName, (text, refuse) => scanElementTree(text) ?? parseElementTree(text, refuse));
}

/**
 * The same reading through fast-xml-parser's validator and parser alone. `readTopologyDocument` falls back to
 * it for every document its single pass declines, so refusals keep the validator's wording and line numbers;
 * on any document both read, both give the same result.
 */
export function readTopologyDocumentByReference(xml: string, sourceName: string): TopologyDocument {
	return readWith(xml, sourceName, parseElementTree);
}

type Refuse = (reason: string) => never;
type ElementTree = { root: XmlNode; rootName: string; namespace: string | undefined };

function readWith(xml: string, sourceName: string, elementTree: (text: string, refuse: Refuse) => ElementTree): TopologyDocument {
	const refuse: Refuse = (reason) => {
		throw new TopologyReadError(sourceName, reason);
	};
	const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;

	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_TOPOLOGY_BYTES) {
		refuse(`is ${megabytes(bytes)} MB, over the ${megabytes(MAX_TOPOLOGY_BYTES)} MB limit for a topology document`);
	}
	if (text.trim() === '') refuse(`is empty ${EXPORT_HINT}`);
	if (!text.trimStart().startsWith('<')) refuse(`is not XML: it does not start with an element ${EXPORT_HINT}`);

	const { root, rootName, namespace } = elementTree(text, refuse);
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

/** fast-xml-parser's validator, then its parser: the tree `scanElementTree` builds, for any document. */
function parseElementTree(text: string, refuse: Refuse): ElementTree {
	const validation = XMLValidator.validate(text);
	if (validation !== true) refuse(`is not well-formed XML: ${describeXmlError(validation.err, text)}`);
	if (declaresDoctype(text)) {
		refuse('declares a DOCTYPE, which an exported topology document never has (entity declarations are refused)');
	}

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

/** An ampersand that does not start one of the five predefined entities or a character reference. */
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
// eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids are exactly what this looks for
const FORBIDDEN_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const XML_DECLARATION = /<\?xml(?:[ \t\r\n]+[A-Za-z]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*[ \t\r\n]*\?>/y;

/**
 * One pass over the text that builds the tree `parseElementTree` builds, for the plain XML an export is:
 * elements, attributes, text, comments and the XML declaration. It checks well-formedness at least as strictly
 * as fast-xml-parser's validator and returns undefined (leaving the document to `parseElementTree`) for
 * anything else: a malformed or unusual construct, a DOCTYPE, CDATA, nesting over the limit, mixed content.
 * Character by character, with the open elements in parallel arrays, because a topology of hundreds of pools
 * is tens of thousands of elements.
 */
function scanElementTree(text: string): ElementTree | undefined {
	if (FORBIDDEN_CHARACTER.test(text)) return undefined;
	let position = 0;
	if (text.startsWith('<?xml')) {
		XML_DECLARATION.lastIndex = 0;
		if (!XML_DECLARATION.test(text)) return undefined;
		position = XML_DECLARATION.lastIndex;
	}
	const names: string[] = [];
	const nodes: XmlNode[] = [];
	/** Per open element: HAS_ATTRIBUTES | HAS_CHILDREN. */
	const contents: number[] = [];
	const texts: (string | undefined)[] = [];
	let depth = 0;
	let tree: ElementTree | undefined;

	/** Closes the element at `depth` (already popped) and hangs its value on its parent, or makes it the root. */
	const close = (name: string, node: XmlNode, content: number, elementText: string | undefined): boolean => {
		let value: unknown;
		if (elementText !== undefined) {
			if (content === 0) value = elementText;
			else {
				node['#text'] = elementText;
				value = node;
			}
		} else value = content === 0 ? '' : node;
		const local = localName(name);
		if (depth > 0) {
			const parent = depth - 1;
			if (texts[parent] !== undefined || local in Object.prototype || local === 'prototype') return false;
			contents[parent] = (contents[parent] ?? 0) | HAS_CHILDREN;
			const siblings = nodes[parent] as XmlNode;
			const existing = siblings[local];
			if (existing === undefined) siblings[local] = repeatedElements.has(local) ? [value] : value;
			else if (Array.isArray(existing)) existing.push(value);
			else siblings[local] = [existing, value];
			return true;
		}
		if (tree) return false;
		const prefix = prefixOf(name);
		const root = asNode(value);
		tree = { root, rootName: local, namespace: attribute(root, prefix === '' ? '@_xmlns' : `@_xmlns:${prefix}`) };
		return true;
	};

	for (;;) {
		const next = text.indexOf('<', position);
		const end = next === -1 ? text.length : next;
		const textStart = skipWhitespace(text, position);
		if (textStart < end) {
			// Text is kept only as the sole content of an element, which is all an export holds.
			const value = text.slice(textStart, end).trim();
			const open = depth - 1;
			if (open < 0 || texts[open] !== undefined || (contents[open] ?? 0) & HAS_CHILDREN || value === '' || !isPlainValue(value) || value.includes(']]>')) {
				return undefined;
			}
			texts[open] = value;
		}
		if (next === -1) break;

		if (text.startsWith('<!--', next)) {
			const commentEnd = text.indexOf('--', next + 4);
			if (commentEnd === -1 || !text.startsWith('-->', commentEnd)) return undefined;
			position = commentEnd + 3;
			continue;
		}
		if (text.charCodeAt(next + 1) === SLASH) {
			const nameEnd = scanName(text, next + 2);
			if (nameEnd === -1 || text.charCodeAt(nameEnd) !== GREATER_THAN || depth === 0) return undefined;
			depth--;
			const name = names[depth] as string;
			if (name.length !== nameEnd - next - 2 || !text.startsWith(name, next + 2)) return undefined;
			if (!close(name, nodes[depth] as XmlNode, contents[depth] ?? 0, texts[depth])) return undefined;
			position = nameEnd + 1;
			continue;
		}
		const nameEnd = scanName(text, next + 1);
		if (nameEnd === -1 || tree || depth >= MAX_ELEMENT_DEPTH) return undefined;
		const name = text.slice(next + 1, nameEnd);
		const node: XmlNode = {};
		const tagEnd = scanAttributes(text, nameEnd, node);
		if (tagEnd === -1) return undefined;
		// scanAttributes has read whatever stands between the name and the tag's end: attributes, if not blank.
		const content = skipWhitespace(text, nameEnd) < tagEnd ? HAS_ATTRIBUTES : 0;
		if (text.charCodeAt(tagEnd) === SLASH) {
			if (!close(name, node, content, undefined)) return undefined;
			position = tagEnd + 2;
		} else {
			names[depth] = name;
			nodes[depth] = node;
			contents[depth] = content;
			texts[depth] = undefined;
			depth++;
			position = tagEnd + 1;
		}
	}
	return depth === 0 ? tree : undefined;
}

const HAS_ATTRIBUTES = 1;
const HAS_CHILDREN = 2;

const SLASH = 0x2f;
const GREATER_THAN = 0x3e;
const EQUALS = 0x3d;
const COLON = 0x3a;

function isWhitespace(code: number): boolean {
	return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function skipWhitespace(text: string, from: number): number {
	let position = from;
	while (isWhitespace(text.charCodeAt(position))) position++;
	return position;
}

/** ASCII letters and `_` start a name part; digits, `.` and `-` may follow. */
function isNameStart(code: number): boolean {
	return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

function isNameCharacter(code: number): boolean {
	return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d;
}

/** The end of a name (an optional `prefix:` and a local part) starting at `from`, or -1. */
function scanName(text: string, from: number): number {
	let position = from;
	for (let part = 0; part < 2; part++) {
		if (!isNameStart(text.charCodeAt(position))) return -1;
		position++;
		while (isNameCharacter(text.charCodeAt(position))) position++;
		if (text.charCodeAt(position) !== COLON) return position;
		position++;
	}
	return -1;
}

/** Keys as the reference parser names attributes, made once per attribute name rather than once per attribute. */
const attributeKeys = new Map<string, string>();

function attributeKey(name: string): string {
	const key = ATTRIBUTE_PREFIX + (name === 'xmlns' || name.startsWith('xmlns:') ? name : localName(name));
	if (attributeKeys.size < 1000) attributeKeys.set(name, key);
	return key;
}

/** Reads `name="value"` pairs up to the tag's end; returns where `>` or `/>` starts, or -1. */
function scanAttributes(text: string, from: number, node: XmlNode): number {
	let position = from;
	for (;;) {
		const afterSpace = skipWhitespace(text, position);
		const code = text.charCodeAt(afterSpace);
		if (code === GREATER_THAN) return afterSpace;
		if (code === SLASH) return text.charCodeAt(afterSpace + 1) === GREATER_THAN ? afterSpace : -1;
		if (afterSpace === position) return -1;
		const nameEnd = scanName(text, afterSpace);
		if (nameEnd === -1) return -1;
		const equals = skipWhitespace(text, nameEnd);
		if (text.charCodeAt(equals) !== EQUALS) return -1;
		const quoteAt = skipWhitespace(text, equals + 1);
		const quote = text[quoteAt];
		if (quote !== '"' && quote !== "'") return -1;
		const valueEnd = text.indexOf(quote, quoteAt + 1);
		if (valueEnd === -1) return -1;
		const value = text.slice(quoteAt + 1, valueEnd);
		const name = text.slice(afterSpace, nameEnd);
		const key = attributeKeys.get(name) ?? attributeKey(name);
		if (value.includes('<') || Object.hasOwn(node, key) || !isPlainValue(value)) return -1;
		node[key] = value.trim();
		position = valueEnd + 1;
	}
}

/** fast-xml-parser turns CR LF into LF inside values; a value holding a CR is left to it. */
function isPlainValue(value: string): boolean {
	return !value.includes('\r') && !(value.includes('&') && BARE_AMPERSAND.test(value));
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
