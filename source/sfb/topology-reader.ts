import { SaxesParser } from 'saxes';
import { HOST_NAME, isHostName } from './host-name.js';
import type { TopologyDocument } from './model.js';
import { TopologyElements, type ClusterRecord, type Located } from './topology-elements.js';

export const TOPOLOGY_NAMESPACE = 'urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008';
export const MAX_TOPOLOGY_BYTES = 20 * 1024 * 1024;
export const MAX_ELEMENT_DEPTH = 64;

const EXPORT_HINT = '(export it with Get-CsTopology -AsXml)';
const TOPOLOGY_BUILDER_FILE =
	'is a Topology Builder file (.tbxml), not an exported topology document: on a Front End server run ' +
	'(Get-CsTopology -AsXml).ToString() > topology.xml and give that file';
/** The longest value or parser message a refusal quotes. */
const QUOTED_LENGTH = 80;

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
 * with a byte order mark, `Set-Content` and pwsh write UTF-8. Without a byte order mark, UTF-16 shows in the
 * first character: XML never holds a NUL, so a zero byte beside an ASCII one is half of a UTF-16 code unit.
 */
export function decodeTopologyBytes(bytes: Uint8Array): string {
	const [first = 1, second = 1] = bytes;
	if ((first === 0xff && second === 0xfe) || (first !== 0 && first < 0x80 && second === 0)) return new TextDecoder('utf-16le').decode(bytes);
	if ((first === 0xfe && second === 0xff) || (first === 0 && second !== 0 && second < 0x80)) return new TextDecoder('utf-16be').decode(bytes);
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

type Refuse = (reason: string) => never;

/**
 * Reads the document `Get-CsTopology -AsXml` exports (Topology.2008 schema, sfb-facts.md §3) with saxes, a
 * conformant XML 1.0 parser: whatever is not well-formed XML is refused at its line and column. A DOCTYPE is
 * refused when the parser meets it, so no entity it declares is ever expanded; saxes itself knows only the five
 * predefined entities and character references.
 */
export function readTopologyDocument(xml: string, sourceName: string): TopologyDocument {
	const refuse: Refuse = (reason) => {
		throw new TopologyReadError(sourceName, reason);
	};
	const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;

	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_TOPOLOGY_BYTES) {
		refuse(`is ${megabytes(bytes)} MB, over the ${megabytes(MAX_TOPOLOGY_BYTES)} MB limit for a topology document`);
	}
	if (text.trim() === '') refuse(`is empty ${EXPORT_HINT}`);
	if (!text.trimStart().startsWith('<')) {
		refuse(isTopologyBuilderFileName(sourceName) ? TOPOLOGY_BUILDER_FILE : `is not XML: it does not start with an element ${EXPORT_HINT}`);
	}

	const elements = parseElements(text, sourceName, refuse);
	if (elements.clusters.length === 0) refuse(`defines no clusters, so it holds no Front End pools ${EXPORT_HINT}`);
	const document = elements.toDocument();
	refuseNamesThatAreNotHostNames(document, elements.clusters, (index) => place(text, index), refuse);
	return document;
}

/** The topology's elements, as saxes meets them; whatever is not well-formed or too deep is refused where it stands. */
function parseElements(text: string, sourceName: string, refuse: Refuse): TopologyElements {
	const elements = new TopologyElements();
	// XML 1.0 whatever the declaration says, as exports are: XML 1.1 would let &#27; put ESC in a name.
	const parser = new SaxesParser({ position: true, xmlns: false, forceXMLVersion: true, defaultXMLVersion: '1.0' });
	const at = (index: number) => place(text, index);
	// The parser has read at least a tag's name when it tells of it; no `<` can stand inside a well-formed tag.
	const startOfTag = () => text.lastIndexOf('<', parser.position - 1);
	let depth = 0;
	let ending = false;

	parser.on('doctype', () => {
		const start = text.lastIndexOf('<!DOCTYPE', parser.position);
		refuse(`declares a DOCTYPE at ${at(start)}, which an exported topology document never has (entity declarations are refused)`);
	});
	parser.on('opentagstart', () => {
		depth++;
		if (depth > MAX_ELEMENT_DEPTH) {
			refuse(`nests elements deeper than ${MAX_ELEMENT_DEPTH} levels at ${at(startOfTag())}, far beyond any exported topology document`);
		}
	});
	// Only a site's <Name> has text worth reading: the parser passes on text (the blanks between every two
	// elements, mostly) only while it is listened to.
	const readText = (value: string) => elements.text(value);
	parser.on('opentag', (tag) => {
		if (depth === 1) refuseOtherRoots(tag.name, tag.attributes, sourceName, refuse);
		elements.open(localName(tag.name), tag.attributes, startOfTag);
		if (elements.readsText) {
			parser.on('text', readText);
			parser.on('cdata', readText);
		}
	});
	parser.on('closetag', () => {
		depth--;
		if (elements.readsText) {
			parser.off('text');
			parser.off('cdata');
		}
		elements.close();
	});
	parser.on('error', (error) => {
		if (ending && depth > 0) refuse(`is not well-formed XML: it ends at line ${lineCount(text)} with elements still open; the file looks cut short`);
		const reason = quoted(error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, ''));
		refuse(`is not well-formed XML: line ${parser.line}, column ${parser.column}: ${reason}`);
	});
	parser.write(text);
	ending = true;
	parser.close();
	return elements;
}

function refuseOtherRoots(name: string, attributes: Record<string, string>, sourceName: string, refuse: Refuse): void {
	const local = localName(name);
	if (local !== 'Topology') {
		if (local === 'TopologyBuilder' || isTopologyBuilderFileName(sourceName)) refuse(TOPOLOGY_BUILDER_FILE);
		refuse(`is not an exported topology document: its root element is <${quoted(local)}>, expected <Topology> ${EXPORT_HINT}`);
	}
	const prefix = name.length === local.length ? '' : name.slice(0, name.length - local.length - 1);
	const namespace = attributes[prefix === '' ? 'xmlns' : `xmlns:${prefix}`];
	if (namespace !== TOPOLOGY_NAMESPACE) {
		const found = namespace === undefined ? 'has no namespace' : `has namespace ${quoted(namespace)}`;
		refuse(`is not an exported topology document: its <Topology> root ${found}, expected ${TOPOLOGY_NAMESPACE} ${EXPORT_HINT}`);
	}
}

/** Pool and server names reach PowerShell and the lab farm; each must be a host name, as a lab scenario's are. */
function refuseNamesThatAreNotHostNames(document: TopologyDocument, clusters: ClusterRecord[], at: (index: number) => string, refuse: Refuse): void {
	const pools = new Set(document.frontEndPools.map((pool) => pool.fqdn));
	const check = (element: string, fqdn: Located<string | undefined>) => {
		if (fqdn.value === undefined) refuse(`has a <${element}> without an Fqdn at ${at(fqdn.at)}`);
		if (!isHostName(fqdn.value)) refuse(`has <${element} Fqdn=${JSON.stringify(quoted(fqdn.value))}> at ${at(fqdn.at)}: not ${HOST_NAME}`);
	};
	for (const cluster of clusters) {
		if (!pools.has(cluster.fqdn.value ?? '')) continue;
		check('Cluster', cluster.fqdn);
		for (const machine of cluster.machines) check('Machine', machine.fqdn);
	}
}

function isTopologyBuilderFileName(sourceName: string): boolean {
	return sourceName.toLowerCase().endsWith('.tbxml');
}

function localName(name: string): string {
	return name.slice(name.indexOf(':') + 1);
}

/** `line L, column C` of the character at `index`, both counted from 1; CR LF and a lone CR end a line, as in XML. */
function place(text: string, index: number): string {
	let line = 1;
	let lineStart = 0;
	for (let position = 0; position < index; position++) {
		const code = text.charCodeAt(position);
		if (code === 0x0a || (code === 0x0d && text.charCodeAt(position + 1) !== 0x0a)) {
			line++;
			lineStart = position + 1;
		}
	}
	return `line ${line}, column ${index - lineStart + 1}`;
}

/** A value from the document, cut to a length a one-line message can hold. */
function quoted(value: string): string {
	return value.length <= QUOTED_LENGTH ? value : `${value.slice(0, QUOTED_LENGTH - 1)}…`;
}

function lineCount(text: string): number {
	let lines = 1;
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
	return text.endsWith('\n') ? lines - 1 : lines;
}

/** Rounded up, so a file just over the limit never reads as equal to it. */
function megabytes(bytes: number): string {
	return String(Math.ceil((bytes / (1024 * 1024)) * 10) / 10);
}
