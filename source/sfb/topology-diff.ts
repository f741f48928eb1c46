import { SaxesParser } from 'saxes';
import { readTopologyDocument } from './topology-reader.js';

/** What changed between two published topology documents, in the few lines an administrator reads after a publish. */
export interface TopologyChange {
	signature: { before?: string; after?: string };
	/** SQL Servers that hold a Central Management store in one document and not the other. */
	storesAdded: string[];
	storesRemoved: string[];
	/** Every element added or removed, outermost first, each with how many elements it holds. */
	added: ElementChange[];
	removed: ElementChange[];
}

export interface ElementChange {
	/** The element with its attributes, under its ancestors': `Clusters > Cluster[Fqdn=pool.contoso.com] > Machine[…]`. */
	path: string;
	inside: number;
}

/**
 * Both documents are read as `readTopologyDocument` reads any document (so a hostile one is refused the same way), then
 * compared element by element: each element is its path of tags and attributes, and the two documents' paths are
 * compared as multisets. Order does not count; the root's Signature is reported on its own. The element Topology
 * Builder writes for a backup pool is not publicly documented [unverified]: whatever it is shows here as it is.
 */
export function diffTopologies(before: string, after: string): TopologyChange {
	const old = readTopologyDocument(before, 'the topology before');
	const current = readTopologyDocument(after, 'the topology after');
	const oldPaths = elementPaths(before);
	const newPaths = elementPaths(after);
	return {
		signature: { ...(old.signature ? { before: old.signature } : {}), ...(current.signature ? { after: current.signature } : {}) },
		storesAdded: difference(current.centralManagementStores, old.centralManagementStores),
		storesRemoved: difference(old.centralManagementStores, current.centralManagementStores),
		added: outermost(difference(newPaths, oldPaths)),
		removed: outermost(difference(oldPaths, newPaths)),
	};
}

/** The change in lines: the signature, the Central Management stores, then at most `shown` elements each way. */
export function describeTopologyChange(change: TopologyChange, shown = 4): string[] {
	const lines: string[] = [];
	if (change.signature.before !== change.signature.after) lines.push(`~ Signature ${change.signature.before ?? '(none)'} → ${change.signature.after ?? '(none)'}`);
	for (const store of change.storesAdded) lines.push(`+ Central Management store (CentralMgmtStore) on ${store}: the standby store`);
	for (const store of change.storesRemoved) lines.push(`- Central Management store (CentralMgmtStore) on ${store}`);
	for (const [sign, elements] of [
		['+', change.added],
		['-', change.removed],
	] as const) {
		for (const element of elements.slice(0, shown)) lines.push(`${sign} ${element.path}${element.inside > 0 ? ` (and ${element.inside} element${element.inside === 1 ? '' : 's'} inside)` : ''}`);
		if (elements.length > shown) lines.push(`${sign} … and ${elements.length - shown} more element${elements.length - shown === 1 ? '' : 's'} ${sign === '+' ? 'added' : 'removed'}`);
	}
	if (lines.length === 0) lines.push('no difference: the document published now is the one saved before');
	return lines;
}

const SEPARATOR = ' > ';

/** Every element below the root as the path of its ancestors' and its own tag and attributes, with a leaf's text. */
function elementPaths(xml: string): string[] {
	const parser = new SaxesParser({ xmlns: false, forceXMLVersion: true, defaultXMLVersion: '1.0' });
	const stack: string[] = [];
	const texts: string[] = [];
	const paths: string[] = [];
	const opened: number[] = [];
	parser.on('opentag', (tag) => {
		const attributes = Object.entries(tag.attributes)
			.map(([name, value]) => `${name}=${value}`)
			.sort();
		const local = tag.name.includes(':') ? tag.name.slice(tag.name.indexOf(':') + 1) : tag.name;
		stack.push(attributes.length > 0 ? `${local}[${attributes.join(' ')}]` : local);
		texts.push('');
		opened.push(paths.length);
		if (stack.length > 1) paths.push(stack.slice(1).join(SEPARATOR));
	});
	parser.on('text', (value) => {
		if (texts.length > 0) texts[texts.length - 1] += value;
	});
	parser.on('closetag', () => {
		const text = texts.pop()?.trim() ?? '';
		const index = opened.pop() ?? 0;
		const leaf = index === paths.length - 1;
		if (stack.length > 1 && leaf && text !== '') paths[index] += ` "${text}"`;
		stack.pop();
	});
	parser.write(xml.startsWith('\uFEFF') ? xml.slice(1) : xml).close();
	return paths;
}

function difference(from: string[], without: string[]): string[] {
	const counts = new Map<string, number>();
	for (const item of without) counts.set(item.toLowerCase(), (counts.get(item.toLowerCase()) ?? 0) + 1);
	return from.filter((item) => {
		const left = counts.get(item.toLowerCase()) ?? 0;
		if (left === 0) return true;
		counts.set(item.toLowerCase(), left - 1);
		return false;
	});
}

/**
 * Elements whose parent is not itself in the list, each with how many of the list sit inside it. Parents are taken
 * first: where several elements share a path, which of them is the new one is not known, so document order cannot tell.
 */
function outermost(paths: string[]): ElementChange[] {
	const changes: ElementChange[] = [];
	const depth = (path: string) => path.split(SEPARATOR).length;
	for (const path of [...paths].sort((left, right) => depth(left) - depth(right))) {
		const parent = changes.find((change) => path.startsWith(change.path + SEPARATOR));
		if (parent) parent.inside += 1;
		else changes.push({ path, inside: 0 });
	}
	return changes;
}
