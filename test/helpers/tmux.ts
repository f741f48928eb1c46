import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_BACKUP, DEFAULT_POOL } from './pools.js';

const run = promisify(execFile);

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUILT_CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');

const POLL_MS = 40;
const KEY_PAUSE_MS = 40;
const EXIT_MARK = /^EXIT=(\d+)$/m;

export interface TerminalOptions {
	columns?: number;
	rows?: number;
	/** The wizard's state folder; a new temporary one when absent (removed again by `dispose`). */
	stateDir?: string;
	/** Colours on (FORCE_COLOR=1), to see that no escape sequence is cut; off by default. */
	colors?: boolean;
	/** Variables set (a string) or removed (undefined) for the wizard, after the ones above. */
	env?: Record<string, string | undefined>;
}

/** Text the screen contains, a pattern it matches, or a test of the whole screen. */
export type ScreenMatch = string | RegExp | ((text: string) => boolean);

const matches = (text: string, pattern: ScreenMatch) =>
	typeof pattern === 'string' ? text.includes(pattern) : pattern instanceof RegExp ? pattern.test(text) : pattern(text);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A frame reaches tmux in several writes; a capture between them shows half a frame. Two captures in a
 * row that agree show a whole one; undefined when they differ.
 */
async function settled(capture: () => Promise<string>): Promise<string | undefined> {
	const first = await capture();
	return (await capture()) === first ? first : undefined;
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** Fails, rather than skips, when tmux is missing: these tests are the only check of the real terminal. */
export function requireTmux(): void {
	try {
		execFileSync('tmux', ['-V'], { stdio: 'pipe' });
	} catch {
		throw new Error('tmux is not installed or not on PATH: the end-to-end wizard tests drive a real terminal through tmux (e.g. apt-get install tmux)');
	}
	if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build first (npm test does)`);
}

export function temporaryStateDir(): string {
	return mkdtempSync(path.join(tmpdir(), 'sfb-pair-e2e-'));
}

/**
 * `node dist/cli.js …` in a detached tmux session of its own (own server socket), so the wizard sees a
 * real terminal of a known size; the pane stays after the command ends so its exit code can be read.
 */
export class TmuxTerminal {
	/** tmux leaves its socket file behind when its server is killed. */
	private socketPath = '';

	private constructor(
		readonly socket: string,
		readonly stateDir: string,
		readonly columns: number,
		readonly rows: number,
		private readonly ownsStateDir: boolean,
	) {}

	/** `args` go after `node dist/cli.js`; `--state-dir` is added. */
	static async start(args: string[], options: TerminalOptions = {}): Promise<TmuxTerminal> {
		requireTmux();
		const stateDir = options.stateDir ?? temporaryStateDir();
		const terminal = new TmuxTerminal(
			`sfb-e2e-${process.pid}-${randomBytes(4).toString('hex')}`,
			stateDir,
			options.columns ?? 80,
			options.rows ?? 24,
			options.stateDir === undefined,
		);
		const command = ['node', BUILT_CLI, ...args, '--state-dir', stateDir].map(shellQuote).join(' ');
		const environment: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: options.colors ? '1' : '0', SHELL: '/bin/sh' };
		delete environment.TMUX;
		delete environment.NO_COLOR;
		delete environment.SFB_PAIR_ASCII;
		// The terminal stands for a person at a jump box; in CI, Ink would draw only the last frame.
		delete environment.CI;
		delete environment.CONTINUOUS_INTEGRATION;
		for (const [name, value] of Object.entries(options.env ?? {})) {
			if (value === undefined) delete environment[name];
			else environment[name] = value;
		}
		await run(
			'tmux',
			[
				'-u',
				'-f',
				'/dev/null',
				'-L',
				terminal.socket,
				'new-session',
				'-d',
				'-s',
				'wizard',
				'-x',
				String(terminal.columns),
				'-y',
				String(terminal.rows),
				'-c',
				PROJECT_ROOT,
				`${command}; echo "EXIT=$?"; exec sleep 3600`,
			],
			{ env: environment },
		);
		terminal.socketPath = (await terminal.tmux('display-message', '-p', '#{socket_path}')).stdout.trim();
		return terminal;
	}

	private tmux(...args: string[]): Promise<{ stdout: string }> {
		return run('tmux', ['-L', this.socket, ...args]);
	}

	private async capture(): Promise<string> {
		return (await this.tmux('capture-pane', '-p', '-t', 'wizard')).stdout;
	}

	/** What the terminal shows now (a whole frame), one line per row. */
	async screen(): Promise<string> {
		for (;;) {
			const text = await settled(() => this.capture());
			if (text !== undefined) return text;
		}
	}

	/** The screen with the escape sequences that draw it (colours, bold, …). */
	async screenWithEscapes(): Promise<string> {
		return (await this.tmux('capture-pane', '-p', '-e', '-t', 'wizard')).stdout;
	}

	/** The window title the program set (OSC 0 or 2), as a terminal's title bar shows it. */
	async title(): Promise<string> {
		return (await this.tmux('display-message', '-p', '-t', 'wizard', '#{pane_title}')).stdout.trim();
	}

	/** Resizes the window, as a person dragging its corner does. */
	async resize(columns: number, rows: number): Promise<void> {
		await this.tmux('resize-window', '-t', 'wizard', '-x', String(columns), '-y', String(rows));
	}

	/** The scrollback and the screen. */
	async history(): Promise<string> {
		return (await this.tmux('capture-pane', '-p', '-S', '-', '-t', 'wizard')).stdout;
	}

	/** Polls the screen until it shows `pattern`; fails with the last screen seen. */
	async waitFor(pattern: ScreenMatch, timeoutMs = 10_000): Promise<string> {
		const screens = await this.poll(() => this.capture(), pattern, timeoutMs);
		return screens.at(-1) ?? '';
	}

	/** Like `waitFor`, over the scrollback too: for lines the wizard prints once, above its live frame. */
	async waitForHistory(pattern: ScreenMatch, timeoutMs = 10_000): Promise<string> {
		const captures = await this.poll(() => this.history(), pattern, timeoutMs);
		return captures.at(-1) ?? '';
	}

	/** Every distinct screen seen until one shows `pattern` (that one last); fails like `waitFor`. */
	screensUntil(pattern: ScreenMatch, timeoutMs = 10_000): Promise<string[]> {
		return this.poll(() => this.capture(), pattern, timeoutMs);
	}

	private async poll(capture: () => Promise<string>, pattern: ScreenMatch, timeoutMs: number): Promise<string[]> {
		const deadline = Date.now() + timeoutMs;
		const seen: string[] = [];
		for (;;) {
			const text = await settled(capture);
			if (text !== undefined && text !== seen.at(-1)) seen.push(text);
			if (text !== undefined && matches(text, pattern)) return seen;
			if (Date.now() > deadline) {
				throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; the terminal showed:\n${await capture()}`);
			}
			await pause(POLL_MS);
		}
	}

	/** tmux key names (Enter, Escape, Down, C-c, …), sent one at a time as a person presses them. */
	async keys(...keys: string[]): Promise<void> {
		for (const key of keys) {
			await this.tmux('send-keys', '-t', 'wizard', key);
			await pause(KEY_PAUSE_MS);
		}
	}

	/** Keys in one write, as they arrive over a slow link or from a fast typist: the app must apply them in order. */
	async keysTogether(...keys: string[]): Promise<void> {
		await this.tmux('send-keys', '-t', 'wizard', ...keys);
	}

	/** Literal text in one write, control characters included (CR for Enter, DEL for Backspace), as a paste or a slow link delivers it. */
	async literal(text: string): Promise<void> {
		await this.tmux('send-keys', '-t', 'wizard', '-l', text);
	}

	/** Literal text, one character at a time. */
	async type(text: string): Promise<void> {
		for (const character of text) {
			await this.tmux('send-keys', '-t', 'wizard', '-l', character);
			await pause(KEY_PAUSE_MS);
		}
	}

	/** The exit code of `node dist/cli.js`, once it has ended. */
	async exitCode(timeoutMs = 10_000): Promise<number> {
		const screen = await this.waitFor(EXIT_MARK, timeoutMs);
		return Number(EXIT_MARK.exec(screen)?.[1]);
	}

	/** The pid of the node process (a child of the pane's shell). */
	async nodePid(): Promise<number> {
		const shell = (await this.tmux('list-panes', '-t', 'wizard', '-F', '#{pane_pid}')).stdout.trim();
		// By its command line, not its name: Node 24 names its main thread MainThread.
		const { stdout } = await run('ps', ['-o', 'pid=,args=', '--ppid', shell]);
		const node = stdout
			.split('\n')
			.map((line) => line.trim().split(/\s+/))
			.find((fields) => fields.includes(BUILT_CLI));
		if (!node?.[0]) throw new Error(`no node process under the pane's shell (pid ${shell}); it has: ${stdout.trim() || 'nothing'}`);
		return Number(node[0]);
	}

	async kill(signal: NodeJS.Signals): Promise<void> {
		process.kill(await this.nodePid(), signal);
	}

	/** Stops the wizard and its tmux server, and removes the state folder this terminal made. */
	async dispose(): Promise<void> {
		const pid = await this.nodePid().catch(() => undefined);
		if (pid !== undefined) await stop(pid);
		await this.tmux('kill-server').catch(() => undefined);
		if (this.socketPath) rmSync(this.socketPath, { force: true });
		if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true, maxRetries: 5 });
	}
}

/** false when there is no such process (any more). */
function signal(pid: number, name: NodeJS.Signals | 0): boolean {
	try {
		process.kill(pid, name);
		return true;
	} catch {
		return false;
	}
}

/** Nothing of a finished test is kept, so the wizard need not save anything: it must only be gone before its files are removed. */
async function stop(pid: number): Promise<void> {
	signal(pid, 'SIGKILL');
	while (signal(pid, 0)) await pause(POLL_MS);
}

/** The default scenario's pair, and what the wizard shows at each stop on the way to publishing it. */
export { DEFAULT_BACKUP, DEFAULT_POOL };
export const SCREENS = {
	poolPicker: 'Which pool do you want to protect?',
	backupPicker: `Which pool will back up ${DEFAULT_POOL}?`,
	voiceForm: 'Automatic failover and failback for Voice',
	/** Where the wizard waits for the word; matched across the line breaks of a narrow terminal. */
	publishPrompt: /Type\s+publish\s+and\s+press\s+Enter/,
	/** After a pairing that is done: the drill, the unpair, or leave. */
	whatNext: 'What next?',
	/** A server line of the panels: symbol or spinner, the server, its pool, its state. */
	runningServer: /^\S\s+\S+\.contoso\.com pool-\w+ running/m,
} as const;

/** Whatever can wait for a screen and type. */
export interface Operable {
	waitFor(match: ScreenMatch, timeoutMs?: number): Promise<string>;
	keys(...keys: string[]): Promise<void>;
	type(text: string): Promise<void>;
}

/**
 * Pool picker → first pool, backup picker → its first allowed backup, Microsoft's voice defaults; stops at the word.
 * The backup picker is the default farm's unless the test names another farm's.
 */
export async function choosePairWithDefaults(terminal: Operable, backupPicker: ScreenMatch = SCREENS.backupPicker): Promise<void> {
	await terminal.waitFor(SCREENS.poolPicker);
	await terminal.keys('Enter');
	await terminal.waitFor(backupPicker);
	await terminal.keys('Enter');
	await terminal.waitFor(SCREENS.voiceForm);
	await terminal.keys('Enter');
	await terminal.waitFor(SCREENS.publishPrompt);
}

export async function publish(terminal: Operable): Promise<void> {
	await terminal.type('publish');
	await terminal.keys('Enter');
}

/** At the what-next choice after a pairing that is done: q leaves (exit 0). */
export async function leaveAfterPairing(terminal: Operable, timeoutMs = 30_000): Promise<void> {
	await terminal.waitFor(SCREENS.whatNext, timeoutMs);
	await terminal.keys('q');
}

export async function publishDefaultPair(terminal: Operable): Promise<void> {
	await choosePairWithDefaults(terminal);
	await publish(terminal);
}

/**
 * Waits until the session's checkpoint on disk has a server running Bootstrapper: the screen shows it a moment
 * before the background writer has saved it, and a kill in between resumes from the step before.
 */
export async function checkpointShowsBootstrapperRunning(stateDir: string, timeoutMs = 20_000): Promise<void> {
	const dir = path.join(stateDir, 'sessions');
	const running = () =>
		readdirSync(dir)
			.filter((name) => name.endsWith('.json') && !name.includes('.archived-') && !name.includes('.corrupt-'))
			.some((name) => {
				const saved = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { state: { servers: Record<string, { tasks: { bootstrapper: { state: string } } }> } };
				return Object.values(saved.state.servers).some((server) => server.tasks.bootstrapper.state === 'running');
			});
	const deadline = Date.now() + timeoutMs;
	while (!running()) {
		if (Date.now() > deadline) throw new Error(`the checkpoint in ${dir} never showed Bootstrapper running`);
		await pause(POLL_MS);
	}
}
