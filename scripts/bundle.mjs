// `npm run bundle`: the whole program in one file, dist/sfb-pair.mjs, for machines without npm or the
// registry (a jump box): copy the file, run it with `node sfb-pair.mjs`. The licences of the bundled
// packages travel at its end, since their copies in node_modules do not.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundledOptions, licenceFooter } from './esbuild-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'sfb-pair.mjs');

const result = await build({ ...bundledOptions(root), outfile, write: false });

const [output] = result.outputFiles;
const licences = licenceFooter(root, Object.keys(result.metafile.inputs));
mkdirSync(path.dirname(outfile), { recursive: true });
writeFileSync(outfile, `${output.text}${licences.text}`, { mode: 0o755 });
process.stdout.write(`${path.relative(root, outfile)}: ${licences.packages} packages bundled\n`);
