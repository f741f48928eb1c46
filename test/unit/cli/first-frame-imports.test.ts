import { build, type Metafile } from 'esbuild';
import { distOptions } from '../../../scripts/esbuild-options.mjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * What `sfb-pair` loads before the wizard's first frame: the entry chunk and the wizard's chunk, with every
 * chunk they import statically and the packages bundled in them, built as `npm run build` builds them. The farm (scenarios, the
 * topology reader), the session files and the procedure load behind the first frame; their parsers and
 * schema compilers would add a fifth to the time it takes (npm run bench, first frame).
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');

let loaded: { packages: Set<string>; sources: Set<string> };

beforeAll(async () => {
	const result = await build({ ...distOptions(ROOT), write: false, logLevel: 'silent' });
	loaded = beforeFirstFrame(result.metafile!);
}, 60_000);

function beforeFirstFrame(metafile: Metafile) {
	const outputs = metafile.outputs;
	const entry = Object.keys(outputs).find((file) => file.endsWith('dist/cli.js'));
	const wizard = Object.keys(outputs).find((file) => outputs[file]?.entryPoint === 'source/cli/commands/wizard.tsx');
	expect(entry, 'the entry chunk').toBeDefined();
	expect(wizard, 'the wizard is a chunk of its own, loaded when the wizard starts').toBeDefined();
	const packages = new Set<string>();
	const sources = new Set<string>();
	const seen = new Set<string>();
	const visit = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		const output = outputs[file]!;
		for (const source of Object.keys(output.inputs)) {
			const inPackage = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
			if (inPackage) packages.add(inPackage[1]!);
			else sources.add(source);
		}
		for (const imported of output.imports) {
			if (imported.kind !== 'dynamic-import' && !imported.external) visit(imported.path);
		}
	};
	visit(entry!);
	visit(wizard!);
	return { packages, sources };
}

describe('before the first frame of the wizard', () => {
	it('loads Ink, React and the command line, and none of the parsers, schema compilers or PowerShell', () => {
		expect(loaded.packages).toContain('ink');
		expect(loaded.packages).toContain('commander');
		for (const heavy of ['ajv', 'saxes', 'fast-xml-parser', 'node-powershell', 'conf']) expect(loaded.packages).not.toContain(heavy);
	});

	it('loads neither the lab farm, the topology reader, the session files nor the procedure', () => {
		const behind = [
			'source/environments/lab/scenario.ts',
			'source/environments/lab/lab-environment.ts',
			'source/sfb/topology-reader.ts',
			'source/session/checkpoint-store.ts',
			'source/session/session-files.ts',
			'source/cli/procedure-driver.ts',
			'source/cli/commands/run.ts',
		];
		expect(behind.filter((source) => loaded.sources.has(source))).toEqual([]);
	});
});
