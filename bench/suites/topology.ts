import { build } from 'esbuild';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SaxesParser } from 'saxes';
import type { FrontEndPool, Site } from '../../source/sfb/model.js';
import type { readTopologyDocument as ReadTopologyDocument } from '../../source/sfb/topology-reader.js';
import { renderTopologyDocument } from '../../source/sfb/topology-writer.js';
import { bundledOptions } from '../../scripts/esbuild-options.mjs';
import { BUILD_DIR, ROOT, figure, type Figure } from '../support/measure.js';

/** An exported document of `count` pools over 20 sites: three in four Enterprise pools of 4 servers, the rest Standard. */
export function largeTopology(count: number): string {
	const sites: Site[] = Array.from({ length: 20 }, (_, index) => ({ id: String(index + 1), name: `Site ${index + 1}` }));
	const pools: FrontEndPool[] = Array.from({ length: count }, (_, index) => {
		const standard = index % 4 === 3;
		const fqdn = `pool${String(index).padStart(3, '0')}.contoso.com`;
		return {
			fqdn,
			site: `Site ${(index % 20) + 1}`,
			edition: standard ? 'Standard' : 'Enterprise',
			version: index % 2 === 0 ? 'Skype for Business Server 2019' : 'Skype for Business Server 2015',
			servers: standard ? [fqdn] : [1, 2, 3, 4].map((server) => `fe${server}-${fqdn}`),
			hostsCentralManagementStore: index === 0,
		};
	});
	return renderTopologyDocument({ signature: '5f0c8e42-9a1d-4b7e-8c3f-2d6a1e9b7c40', sites, pools });
}

const time = (read: () => unknown) => {
	const started = performance.now();
	read();
	return performance.now() - started;
};

/** CPU time of the process, which a machine shared with other work inflates far less than wall time. */
const cpuTime = (read: () => unknown) => {
	const started = process.cpuUsage();
	read();
	const used = process.cpuUsage(started);
	return (used.user + used.system) / 1000;
};

/** saxes alone over the same text, with the reader's options and no handler: the floor the reader stands on. */
function bareParse(xml: string): void {
	const parser = new SaxesParser({ position: true, xmlns: false, forceXMLVersion: true, defaultXMLVersion: '1.0' });
	parser.on('error', (error) => {
		throw error;
	});
	parser.write(xml).close();
}

/**
 * The reader as `npm run build` compiles it (the build's esbuild options, saxes inside). Run through tsx, every
 * arrow function the reader creates also calls tsx's `__name` helper, 1 to 3 ms a read (of 20 to 30) that the shipped code has not.
 */
async function builtReader(): Promise<typeof ReadTopologyDocument> {
	const outfile = path.join(BUILD_DIR, 'topology-reader.mjs');
	await build({ ...bundledOptions(ROOT), entryPoints: [path.join(ROOT, 'source/sfb/topology-reader.ts')], outfile, metafile: false });
	const built = (await import(pathToFileURL(outfile).href)) as { readTopologyDocument: typeof ReadTopologyDocument };
	return built.readTopologyDocument;
}

/** Reading a 200-pool document, alternated with saxes' bare parse of it, so the ratio is the reader's own cost. */
export async function topologyReading(runs: number): Promise<Figure[]> {
	const readTopologyDocument = await builtReader();
	const xml = largeTopology(200);
	const first = time(() => readTopologyDocument(xml, 'bench.xml'));
	// A few reads first, so the medians compare optimised code on both sides rather than the JIT's tiers.
	for (let run = 0; run < 3; run++) {
		readTopologyDocument(xml, 'bench.xml');
		bareParse(xml);
	}
	const reads: number[] = [];
	const bare: number[] = [];
	const readsCpu: number[] = [];
	for (let run = 0; run < runs; run++) {
		reads.push(time(() => readTopologyDocument(xml, 'bench.xml')));
		bare.push(time(() => bareParse(xml)));
		readsCpu.push(cpuTime(() => readTopologyDocument(xml, 'bench.xml')));
	}
	const size = `${(Buffer.byteLength(xml) / (1024 * 1024)).toFixed(1)} MB`;
	return [
		figure('topology.read', `read a 200-pool topology (${size})`, 'ms', reads, { limit: 15, comparison: '<=' }, `first read in the process: ${Math.round(first)} ms`),
		figure('topology.read-cpu', 'same, CPU time', 'ms', readsCpu),
		figure('topology.bare-parse', "same text, saxes' bare parse", 'ms', bare),
		figure('topology.ratio', 'topology read: reader / bare parse', 'ratio', reads.map((value, index) => value / bare[index]!)),
	];
}
