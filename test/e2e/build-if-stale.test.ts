import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

/**
 * `npm start` builds only when dist/ is stale (scripts/build.mjs --if-stale). Each case is a small project
 * with the real build script, built once, then changed: a stale dist must always be rebuilt, even when the
 * change leaves file times older than the build; an up-to-date one is left alone.
 */

const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');
/** Long before any build: a file given this time looks older than dist/ to anything that compares times. */
const LONG_AGO = new Date('2001-01-01T00:00:00Z');

let project = '';
beforeEach(() => {
	project = mkdtempSync(path.join(tmpdir(), 'sfb-pair-build-'));
	mkdirSync(path.join(project, 'scripts'));
	mkdirSync(path.join(project, 'source', 'text'), { recursive: true });
	for (const script of ['build.mjs', 'esbuild-options.mjs']) copyFileSync(path.join(PROJECT_ROOT, 'scripts', script), path.join(project, 'scripts', script));
	symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
	write('package.json', JSON.stringify({ name: 'tiny', type: 'module' }));
	write('package-lock.json', JSON.stringify({ name: 'tiny', lockfileVersion: 3 }));
	write('tsconfig.json', '{}');
	write('cli.tsx', "import { message } from './source/text/message.js';\nconsole.log(message);\nawait import('./source/late.js');\n");
	write('source/text/message.ts', "export const message = 'one';\n");
	write('source/late.ts', "console.log('late');\n");
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

function write(file: string, text: string): void {
	writeFileSync(path.join(project, file), text);
}

/** `npm start`'s build step, then what the built program prints. */
function start(): { build: number | null; stderr: string; output: string } {
	const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: project, encoding: 'utf8' });
	const run = spawnSync(process.execPath, ['dist/cli.js'], { cwd: project, encoding: 'utf8' });
	return { build: build.status, stderr: build.stderr, output: run.stdout.trim() };
}

/** The output dated long ago: a later build gives it the time of that build. */
function datedLongAgo(): void {
	utimesSync(path.join(project, 'dist', 'cli.js'), LONG_AGO, LONG_AGO);
}

/** Built once (printing `output`), then dated long ago. */
function builtLongAgo(output = 'one\nlate'): void {
	expect(start()).toEqual({ build: 0, stderr: '', output });
	datedLongAgo();
}

const rebuilt = () => statSync(path.join(project, 'dist', 'cli.js')).mtime > LONG_AGO;

describe('scripts/build.mjs --if-stale', () => {
	it('npm start uses it, and npm run build builds every time', () => {
		expect(packageJson.scripts.start).toBe('node scripts/build.mjs --if-stale && node dist/cli.js');
		expect(packageJson.scripts.build).toBe('node scripts/build.mjs');
	});

	it('builds when there is no dist, then leaves an up-to-date dist alone', () => {
		builtLongAgo();
		expect(start().output).toBe('one\nlate');
		expect(rebuilt(), 'nothing changed, so nothing was built').toBe(false);
	});

	it('rebuilds after every change that makes dist stale, even one that leaves file times older than the build', () => {
		const changes: [string, () => void, string][] = [
			['a source edited, its time set back before the build', () => {
				write('source/text/message.ts', "export const message = 'two';\n");
				utimesSync(path.join(project, 'source/text/message.ts'), LONG_AGO, LONG_AGO);
			}, 'two\nlate'],
			['a source file added', () => write('source/text/other.ts', 'export {};\n'), 'two\nlate'],
			['package.json changed', () => write('package.json', JSON.stringify({ name: 'tiny', type: 'module', version: '2.0.0' })), 'two\nlate'],
			['package-lock.json changed', () => write('package-lock.json', JSON.stringify({ name: 'tiny', lockfileVersion: 3, packages: {} })), 'two\nlate'],
			['tsconfig.json changed', () => write('tsconfig.json', '{ "compilerOptions": {} }'), 'two\nlate'],
			['dist/cli.js deleted', () => unlinkSync(path.join(project, 'dist', 'cli.js')), 'two\nlate'],
			['dist/cli.js edited by hand', () => write('dist/cli.js', "console.log('edited');\n"), 'two\nlate'],
			['the stamp cut short', () => write('dist/build-stamp.json', '{"inputs":'), 'two\nlate'],
		];
		builtLongAgo('one\nlate');
		for (const [label, change, output] of changes) {
			change();
			expect(start(), label).toEqual({ build: 0, stderr: '', output });
			expect(rebuilt(), label).toBe(true);
			datedLongAgo();
		}
	});

	it('rebuilds when a chunk is deleted', () => {
		builtLongAgo();
		const stamp = JSON.parse(readFileSync(path.join(project, 'dist', 'build-stamp.json'), 'utf8')) as { outputs: Record<string, string> };
		const chunk = Object.keys(stamp.outputs).find((file) => file.startsWith('chunks/'));
		expect(chunk, 'the dynamic import makes a chunk').toBeDefined();
		unlinkSync(path.join(project, 'dist', chunk!));
		expect(start().output).toBe('one\nlate');
		expect(rebuilt()).toBe(true);
	});

	it('rebuilds when a source file is deleted, and a failed build leaves nothing to start', () => {
		builtLongAgo();
		unlinkSync(path.join(project, 'source', 'late.ts'));
		const failed = start();
		expect(failed.build).toBe(1);
		expect(failed.stderr).toMatch(/Could not resolve "\.\/source\/late\.js"/);
		expect(failed.output, 'no dist/cli.js left from before').toBe('');
		write('source/late.ts', "console.log('late');\n");
		expect(start()).toEqual({ build: 0, stderr: '', output: 'one\nlate' });
	});
});
