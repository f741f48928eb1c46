import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { PROJECT_ROOT, requireTmux } from '../helpers/tmux.js';
import { describeWithPwsh } from '../pwsh/pwsh-available.js';

/**
 * The offline install: `npm run bundle` makes dist/sfb-pair.mjs, which must run alone, with plain node, in
 * a folder with no node_modules anywhere above it (a jump box with Node.js and nothing else). And the npm
 * package ships what a user needs and none of the development files.
 */

const run = promisify(execFile);
const BUNDLE = path.join(PROJECT_ROOT, 'dist', 'sfb-pair.mjs');
const FABRIKAM_TOPOLOGY = path.join(PROJECT_ROOT, 'test', 'fixtures', 'topology', 'fabrikam-2019.xml');
const STACK_FRAME = /^\s+at\s/m;

let folder = '';
const stateDirs: string[] = [];

function stateDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'sfb-pair-bundle-state-'));
	stateDirs.push(dir);
	return dir;
}

/** `node sfb-pair.mjs …` in the folder that holds the bundle and nothing else. */
function bundled(args: string[], env: NodeJS.ProcessEnv = {}) {
	const environment: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
	delete environment.NODE_PATH;
	return spawnSync(process.execPath, ['sfb-pair.mjs', ...args], { cwd: folder, encoding: 'utf8', timeout: 60_000, env: environment });
}

beforeAll(() => {
	const build = spawnSync('npm', ['run', '--silent', 'bundle'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
	expect(build.status, build.stderr).toBe(0);
	folder = mkdtempSync(path.join(tmpdir(), 'sfb-pair-offline-'));
	copyFileSync(BUNDLE, path.join(folder, 'sfb-pair.mjs'));
	for (let dir = folder; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		expect(existsSync(path.join(dir, 'node_modules')), `${dir} has a node_modules folder the bundle could lean on`).toBe(false);
	}
}, 180_000);
afterAll(() => {
	if (folder) rmSync(folder, { recursive: true, force: true });
	for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

describe('dist/sfb-pair.mjs alone in an empty folder', () => {
	it('is one file', () => {
		expect(readdirSync(folder)).toEqual(['sfb-pair.mjs']);
	});

	it('--version prints the package version', () => {
		const outcome = bundled(['--version']);
		expect(outcome.status, outcome.stderr).toBe(0);
		expect(outcome.stdout.trim()).toBe(packageJson.version);
	});

	it('pools --lab lists the lab farm', () => {
		const outcome = bundled(['pools', '--lab', '--state-dir', stateDir()]);
		expect(outcome.status, outcome.stderr).toBe(0);
		expect(outcome.stdout).toMatch(/^pool-redmond-b\.contoso\.com \(CMS\) +Redmond +Enterprise/m);
	});

	it('run --lab --yes pairs two pools to a steady sync and writes the change record', () => {
		const dir = stateDir();
		const outcome = bundled(['run', '--lab', '--yes', '--time-scale', '2000', '--state-dir', dir, '--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com']);
		expect(outcome.status, outcome.stdout + outcome.stderr).toBe(0);
		expect(outcome.stdout).toContain('done: se-redmond.contoso.com and se-dublin.contoso.com are paired');
		const record = /^change record: (\S+\.md)$/m.exec(outcome.stdout)?.[1];
		expect(record && existsSync(record), outcome.stdout).toBe(true);
	});

	it('reads an exported topology document and checks a scenario file, as the installed CLI does', () => {
		const topology = bundled(['pools', '--topology', FABRIKAM_TOPOLOGY, '--state-dir', stateDir()]);
		expect(topology.status, topology.stderr).toBe(0);
		expect(topology.stdout).toContain('rtm-pool.fabrikam.com');

		const scenario = bundled(['pools', '--scenario', FABRIKAM_TOPOLOGY, '--state-dir', stateDir()]);
		expect(scenario.status).toBe(2);
		expect(scenario.stderr).toMatch(/^sfb-pair: fabrikam-2019\.xml: not valid JSON/);
		expect(scenario.stderr).not.toMatch(STACK_FRAME);
	});

	it('the wizard draws its first frame in a real terminal', async () => {
		const screen = await wizardFirstScreen({});
		expect(screen).toMatch(/^ LAB +no pair chosen yet +\? keys {2}q quit$/m);
		expect(screen).toMatch(/^❯ +pool-redmond\.contoso\.com/m);
	}, 30_000);

	it('with DEV=true, where Ink reads its package.json and looks for React DevTools, the wizard still starts', async () => {
		const screen = await wizardFirstScreen({ DEV: 'true' });
		expect(screen).toMatch(/^❯ +pool-redmond\.contoso\.com/m);
	}, 30_000);
});

/** The screen once the wizard, started from the bundle's folder in an 80×40 tmux pane, shows its pool picker. */
async function wizardFirstScreen(env: NodeJS.ProcessEnv): Promise<string> {
	requireTmux();
	const socket = `sfb-bundle-${process.pid}-${randomBytes(4).toString('hex')}`;
	const environment: NodeJS.ProcessEnv = { ...process.env, SHELL: '/bin/sh', ...env };
	for (const name of ['TMUX', 'CI', 'CONTINUOUS_INTEGRATION', 'NODE_PATH']) delete environment[name];
	const command = `${JSON.stringify(process.execPath)} sfb-pair.mjs --lab --state-dir ${JSON.stringify(stateDir())}; echo "EXIT=$?"; exec sleep 60`;
	await run('tmux', ['-u', '-f', '/dev/null', '-L', socket, 'new-session', '-d', '-s', 'bundle', '-x', '80', '-y', '40', '-c', folder, command], { env: environment });
	try {
		const deadline = Date.now() + 15_000;
		for (;;) {
			const screen = (await run('tmux', ['-L', socket, 'capture-pane', '-p', '-t', 'bundle'])).stdout;
			if (screen.includes('Which pool do you want to protect?') || /^EXIT=\d+$/m.test(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`no pool picker within 15 s; the terminal showed:\n${screen}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	} finally {
		const socketPath = (await run('tmux', ['-L', socket, 'display-message', '-p', '#{socket_path}']).catch(() => ({ stdout: '' }))).stdout.trim();
		await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
		if (socketPath) rmSync(socketPath, { force: true });
	}
}

describeWithPwsh('dist/sfb-pair.mjs on the live path', (pwsh) => {
	it('starts PowerShell through node-powershell and says in one line that the module is missing', () => {
		const modules = stateDir();
		const outcome = bundled(['pools', '--live', '--powershell', pwsh, '--state-dir', stateDir()], { PSModulePath: modules });
		expect(outcome.status).not.toBe(0);
		expect(outcome.stderr).toMatch(/^sfb-pair: Neither the SkypeForBusiness nor the Lync module is installed .*--lab/);
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
	}, 60_000);
});

describe('the npm package', () => {
	interface PackedFile {
		path: string;
	}
	let files: string[] = [];

	beforeAll(() => {
		const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
		expect(packed.status, packed.stderr).toBe(0);
		const [manifest] = JSON.parse(packed.stdout) as { files: PackedFile[] }[];
		files = (manifest?.files ?? []).map((file) => file.path);
	}, 180_000);

	it('ships the command, its chunks, the README, the scenario format and package.json', () => {
		for (const needed of ['package.json', 'README.md', 'dist/cli.js', 'source/environments/lab/scenario-format.md']) expect(files).toContain(needed);
	});

	it('ships every chunk the command imports, so dist needs nothing but its dependencies', () => {
		const pending = ['dist/cli.js'];
		const seen = new Set<string>();
		while (pending.length > 0) {
			const file = pending.pop() ?? '';
			if (seen.has(file)) continue;
			seen.add(file);
			expect(files, `${file} is imported but not in the package`).toContain(file);
			const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
			// esbuild's own imports of chunks; the bundled packages' code holds strings that only look like imports.
			for (const [, specifier] of text.matchAll(/(?:from|import\()\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
				pending.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier ?? '')));
			}
		}
		expect(seen.size).toBeGreaterThan(1);
	});

	it('ships nothing of the tests, benchmarks, build scripts, CI or sources, nor the offline bundle', () => {
		const development = files.filter(
			(file) =>
				/^(test|bench|scripts|\.ci|node_modules)\//.test(file) ||
				(file.startsWith('source/') && file !== 'source/environments/lab/scenario-format.md') ||
				/^(tsconfig|eslint\.config|vitest\.config)\./.test(file) ||
				file === 'cli.tsx' ||
				file === 'dist/sfb-pair.mjs',
		);
		expect(development).toEqual([]);
	});
});
