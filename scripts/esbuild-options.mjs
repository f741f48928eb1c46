// What `npm run build` (dist/cli.js and its chunks) and `npm run bundle` (dist/sfb-pair.mjs) share: both carry
// the packages they use inside them, so a start reads a few files of ours instead of the hundreds of files of
// node_modules (Ink alone opens about 750 before its first frame, 416 of them es-toolkit's compat build for
// one `throttle`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Two things Ink does only when DEV=true would break once bundled. It loads its React DevTools bridge through
 * `await import('./devtools.js')`, which imports the optional `react-devtools-core`: inlined, that import
 * would run at start-up and fail; kept as a dynamic import of the missing package, DEV=true gets Ink's own
 * "not installed" warning. And it reads its own package.json beside its files, which the bundle has not:
 * its name and version are written in instead.
 */
export const inkDevModeWorksBundled = {
	name: 'ink-dev-mode-works-bundled',
	setup(bundle) {
		const reconciler = /[\\/]ink[\\/]build[\\/]reconciler\.js$/;
		bundle.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (reconciler.test(args.importer) ? { path: 'react-devtools-core', external: true } : undefined));
		bundle.onLoad({ filter: reconciler }, (args) => {
			const source = readFileSync(args.path, 'utf8');
			const packageRead = "fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')";
			if (!source.includes(packageRead)) throw new Error(`${args.path}: Ink no longer reads its package.json as expected; check the bundle in DEV mode`);
			const { name, version } = JSON.parse(readFileSync(path.join(path.dirname(args.path), '..', 'package.json'), 'utf8'));
			return { contents: source.replace(packageRead, JSON.stringify(JSON.stringify({ name, version }))), loader: 'js' };
		});
	},
};

/** CommonJS packages (node-powershell, ajv, react) call `require`, which an ES module does not have. */
const requireBanner = ["import { createRequire as sfbPairCreateRequire } from 'node:module';", 'const require = sfbPairCreateRequire(import.meta.url);'].join('\n');

/** Options of both builds: the whole program from cli.tsx, packages included, for Node 20. */
export function bundledOptions(root) {
	return {
		absWorkingDir: root,
		entryPoints: ['cli.tsx'],
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		jsx: 'automatic',
		banner: { js: requireBanner },
		legalComments: 'none',
		metafile: true,
		plugins: [inkDevModeWorksBundled],
		logLevel: 'warning',
	};
}

/**
 * `npm run build`: dist/cli.js, the `bin`, and its chunks. Each command, the lab, the procedure and the
 * session files are chunks loaded when first needed, so the first frame loads only what it draws.
 */
export function distOptions(root) {
	return { ...bundledOptions(root), outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]' };
}

/**
 * The licences of the packages bundled from `inputs` (esbuild's metafile inputs), as comment lines to end a
 * file with, since their copies in node_modules do not travel with it.
 */
export function licenceFooter(root, inputs) {
	const folders = new Set();
	for (const input of inputs) {
		const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
		if (match?.[1]) folders.add(match[1]);
	}
	const licences = [...folders].sort().map((folder) => {
		const manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
		const licenceFile = readdirSync(path.join(root, folder)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
		return {
			name: manifest.name,
			version: manifest.version,
			licence: typeof manifest.license === 'string' ? manifest.license : 'see its package',
			text: licenceFile ? readFileSync(path.join(root, folder, licenceFile), 'utf8') : '',
		};
	});
	const lines = licences.flatMap(({ name, version, licence, text }) => ['//', `// ${name}@${version} (${licence})`, ...text.trimEnd().split(/\r?\n/).map((line) => `//   ${line}`.trimEnd())]);
	const text = licences.length === 0 ? '' : `${['// Bundled packages and their licences:', ...lines].join('\n')}\n`;
	return { packages: licences.length, text };
}
