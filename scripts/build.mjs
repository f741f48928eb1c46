// `npm run build`: dist/cli.js and its chunks, from cli.tsx, source/ and the packages they use, bundled in
// (scripts/esbuild-options.mjs). Beside them, dist/build-stamp.json records a digest of every input and of every
// output. `npm start` runs this with --if-stale, which builds only
// when the stamp no longer matches: an input changed, appeared or went away (by content, whatever the file
// times say), or an output is missing or changed. The digest of the inputs is taken before building, so a file
// saved during a build leaves the stamp stale and the next start builds again.
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { distOptions, licenceFooter } from './esbuild-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, 'build-stamp.json');
/** Besides every file under source/: what decides what esbuild writes (its version is in the lock). */
const INPUT_FILES = ['cli.tsx', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/esbuild-options.mjs'];

function inputDigest() {
	const hash = createHash('sha256');
	const files = [...INPUT_FILES, ...filesUnder('source')].sort();
	for (const file of files) {
		hash.update(`${file}\0`);
		try {
			hash.update(readFileSync(path.join(root, file)));
		} catch (error) {
			if (error.code !== 'ENOENT') throw error;
			hash.update('(none)');
		}
		hash.update('\0');
	}
	return hash.digest('hex');
}

/** Every file under `folder` (relative to the project), with `/` separators. */
function filesUnder(folder) {
	return readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
		const relative = `${folder}/${entry.name}`;
		if (entry.isDirectory()) return filesUnder(relative);
		return entry.isFile() ? [relative] : [];
	});
}

function digestOf(file) {
	return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function isUpToDate(inputs) {
	let stamp;
	try {
		stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
	} catch {
		return false;
	}
	if (stamp?.inputs !== inputs || typeof stamp.outputs !== 'object' || stamp.outputs === null || !('cli.js' in stamp.outputs)) return false;
	return Object.entries(stamp.outputs).every(([file, digest]) => {
		try {
			return digestOf(path.join(dist, file)) === digest;
		} catch {
			return false;
		}
	});
}

async function build(inputs) {
	// Loaded only to build, so a start with an up-to-date dist needs no development packages.
	const esbuild = await import('esbuild');
	rmSync(stampFile, { force: true });
	rmSync(path.join(dist, 'cli.js'), { force: true });
	rmSync(path.join(dist, 'chunks'), { recursive: true, force: true });
	let result;
	try {
		result = await esbuild.build(distOptions(root));
	} catch (error) {
		if (!Array.isArray(error?.errors)) throw error;
		// esbuild has printed its errors; no stamp is written, so the next start builds again.
		process.exit(1);
	}
	// The licences of every package bundled into any chunk travel at the end of the entry file.
	const entry = path.join(dist, 'cli.js');
	appendFileSync(entry, licenceFooter(root, Object.keys(result.metafile.inputs)).text);
	const outputs = Object.fromEntries(
		Object.keys(result.metafile.outputs).map((output) => {
			const file = path.join(root, output);
			return [path.relative(dist, file).split(path.sep).join('/'), digestOf(file)];
		}),
	);
	writeFileSync(stampFile, `${JSON.stringify({ inputs, outputs }, null, '\t')}\n`);
}

const inputs = inputDigest();
if (process.argv.includes('--if-stale') && isUpToDate(inputs)) process.exit(0);
await build(inputs);
