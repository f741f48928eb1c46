import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locatePwsh } from '../../test/pwsh/pwsh-available.js';
import { createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES } from '../../test/pwsh/stand-in.js';
import { CLI, figure, type Figure } from '../support/measure.js';

/** What a new WinRM connection costs on a real network: a Kerberos handshake, often a second or more. */
const CONNECTION_DELAY_MS = 1_000;
const SERVERS = [...POOL_A.servers, ...POOL_B.servers];

interface WholeRun {
	seconds: number;
	/** Connections asked for per server by each invocation (the run, then its --resume after the CU). */
	perServer: number[];
	/** Calls that opened connections, each waiting for one handshake, per invocation. */
	handshakeWaits: number[];
}

/**
 * A whole `run --yes` on real pwsh with the stand-in module: the run stops for the Cumulative Update the operator
 * re-applies by hand, then `--resume` finishes it. Each invocation is its own process with its own sessions, so the
 * connections are counted per invocation and per server.
 */
function wholeRun(pwsh: string, connectionDelayMs: number): WholeRun {
	const farm = createStandInFarm((state) => {
		state.connectionDelayMs = connectionDelayMs;
	});
	const stateDir = mkdtempSync(path.join(tmpdir(), 'sfb-pair-bench-connections-'));
	const env = { ...process.env, SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(path.delimiter) };
	const run = (extra: string[], expected: number) => {
		const args = [CLI, 'run', '--pool', POOL_A.fqdn, '--backup', POOL_B.fqdn, '--yes', '--sync-poll', '1', '--service-settle', '1', ...extra];
		const result = spawnSync(process.execPath, [...args, '--live', '--powershell', pwsh, '--state-dir', stateDir], { encoding: 'utf8', env, timeout: 600_000 });
		if (result.status !== expected) throw new Error(`run ${extra.join(' ')} exited ${result.status}, not ${expected}: ${result.stdout}${result.stderr}`);
		const { connections, handshakeWaits } = farm.read();
		farm.update((state) => {
			state.connections = {};
			state.handshakeWaits = 0;
		});
		return { perServer: SERVERS.map((server) => connections[server] ?? 0), handshakeWaits };
	};
	try {
		const started = performance.now();
		const first = run([], 3);
		farm.reapplyCumulativeUpdate(SERVERS);
		const resumed = run(['--resume'], 0);
		return { seconds: (performance.now() - started) / 1000, perServer: [...first.perServer, ...resumed.perServer], handshakeWaits: [first.handshakeWaits, resumed.handshakeWaits] };
	} finally {
		farm.remove();
		rmSync(stateDir, { recursive: true, force: true });
	}
}

/** Connections per server over a whole live run, and what a slow handshake adds to its wall time (side by side). */
export function remoteConnections(runs: number): Figure[] {
	const pwsh = locatePwsh();
	if (pwsh === undefined) return [];
	const connections: number[] = [];
	const ratios: number[] = [];
	const added: number[] = [];
	const undelayed: number[] = [];
	const waits: number[] = [];
	for (let attempt = 0; attempt < runs; attempt++) {
		// Each attempt starts with the other side, so neither always runs first on a machine whose load drifts.
		const order = attempt % 2 === 0 ? [0, CONNECTION_DELAY_MS] : [CONNECTION_DELAY_MS, 0];
		const runsOf = new Map(order.map((delay) => [delay, wholeRun(pwsh, delay)] as const));
		const quick = runsOf.get(0)!;
		const slow = runsOf.get(CONNECTION_DELAY_MS)!;
		connections.push(Math.max(...quick.perServer, ...slow.perServer));
		ratios.push(slow.seconds / quick.seconds);
		added.push(slow.seconds - quick.seconds);
		undelayed.push(quick.seconds);
		waits.push(...quick.handshakeWaits, ...slow.handshakeWaits);
	}
	// Opened once per server and side by side, the sessions wait for one handshake per invocation: the run and its --resume.
	const least = (2 * CONNECTION_DELAY_MS) / 1000;
	const note =
		`${SERVERS.length} Front Ends in 2 pools; the run and its --resume after the CU, each counted on its own; pwsh ${pwsh}. ` +
		`The delay added ${added.map((seconds) => seconds.toFixed(1)).join(', ')} s to whole runs of ${undelayed.map((seconds) => seconds.toFixed(0)).join(', ')} s ` +
		`(${least} s if each invocation waits for one handshake)`;
	return [
		figure('remote.connections-per-server', 'remote connections per server over a whole run --yes', 'count', connections, { limit: 1, comparison: '<=' }, note),
		figure('remote.handshake-waits', 'calls that waited for a handshake, per invocation', 'count', waits),
		figure('remote.slow-handshake', `wall time with a ${CONNECTION_DELAY_MS / 1000} s delay per new connection / without`, 'ratio', ratios, { limit: 1.05, comparison: '<=' }),
	];
}
