// `npm run bundle`: the whole program in one file, dist/sfb-pair.mjs, for machines without npm or the
// registry (a jump box): copy the file, run it with `node sfb-pair.mjs`. The licences of the bundled
// packages travel at its end, since their copies in node_modules do not.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'sfb-pair.mjs');

/**
 * Two things Ink does only when DEV=true would break in one file. It loads its React DevTools bridge through
 * `await import('./devtools.js')`, which imports the optional `react-devtools-core`: inlined, that import
 * would run at start-up and fail; kept as a dynamic import of the missing package, DEV=true gets Ink's own
 * "not installed" warning. And it reads its own package.json beside its files, which the bundle has not:
 * its name and version are written in instead.
 */
const inkDevModeWorksBundled = {
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
const banner = ["import { createRequire as sfbPairCreateRequire } from 'node:module';", 'const require = sfbPairCreateRequire(import.meta.url);'].join('\n');

const result = await build({
	absWorkingDir: root,
	entryPoints: ['cli.tsx'],
	outfile,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	banner: { js: banner },
	legalComments: 'none',
	metafile: true,
	write: false,
	plugins: [inkDevModeWorksBundled],
	logLevel: 'warning',
});

const [output] = result.outputFiles;
const licences = packageLicences(Object.keys(result.metafile.inputs));
const footer = ['// Bundled packages and their licences:', ...licences.flatMap(licenceLines)].join('\n');
mkdirSync(path.dirname(outfile), { recursive: true });
writeFileSync(outfile, `${output.text}${footer}\n`, { mode: 0o755 });
process.stdout.write(`${path.relative(root, outfile)}: ${licences.length} packages bundled\n`);

/** The package folder of every bundled input under node_modules, with its name, version, licence and licence text. */
function packageLicences(inputs) {
	const folders = new Set();
	for (const input of inputs) {
		const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
		if (match?.[1]) folders.add(match[1]);
	}
	return [...folders].sort().map((folder) => {
		const manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
		const licenceFile = readdirSync(path.join(root, folder)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
		return {
			name: manifest.name,
			version: manifest.version,
			licence: typeof manifest.license === 'string' ? manifest.license : 'see its package',
			text: licenceFile ? readFileSync(path.join(root, folder, licenceFile), 'utf8') : '',
		};
	});
}

function licenceLines({ name, version, licence, text }) {
	return ['//', `// ${name}@${version} (${licence})`, ...text.trimEnd().split(/\r?\n/).map((line) => `//   ${line}`.trimEnd())];
}
