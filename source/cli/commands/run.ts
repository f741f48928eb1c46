import { PUBLISH_WAIT_NOTICE, publishUnderWay } from '../../procedure/publish-wait.js';
import type { Environment } from '../../environments/port.js';
import type { PoolInventory, VoiceResiliency } from '../../sfb/model.js';
import type { DebriefScenario } from '../../session/debrief.js';
import { assessPair, findPool, unknownPoolMessage } from '../../sfb/pairing-rules.js';
import { findSessions, pairKey } from '../../session/session-files.js';
import { acquireSessionLock, type SessionLock } from '../../session/session-lock.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { redactSecrets } from '../../session/redact.js';
import { syncFailedOnFarm, syncGuidance } from '../../operations/sync-watch.js';
import { readPreflight } from '../../operations/preflight.js';
import { CHECK_TITLES, checksToAct, judgePreflight } from '../../procedure/preflight.js';
import { autoOperator } from '../auto-operator.js';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.js';
import { plainReporter } from '../plain-reporter.js';
import { driveProcedure, type PacingChoices, type Parallelism } from '../procedure-driver.js';
import { runIdentity } from '../run-identity.js';
import { closingLines } from '../closing-lines.js';
import { drillSuggestion } from '../../sfb/drill.js';
import { isHeld } from '../../procedure/state.js';

export interface RunRequest {
	pool: string;
	backup: string;
	voice: VoiceResiliency;
	yes: boolean;
	resume: boolean;
	fresh: boolean;
	perPool: Parallelism;
	cumulativeUpdateReapplied: boolean;
	cumulativeUpdateSideBySide?: boolean;
	retries: number;
	explain: boolean;
	pacing: PacingChoices;
	scenario?: DebriefScenario;
	/** Who runs it, for the change record: --operator, else the OS account. */
	operator?: string;
	/** Front Ends whose work the operator runs themselves (--by-hand), as typed. */
	byHand?: string[];
	/** --restart-held: a server held at Bootstrapper exit 3010 is failed over, restarted and failed back by sfb-pair. */
	restartHeld?: boolean;
	/** A note about the voice settings given (a failover interval raised to the floor), for the record. */
	voiceNote?: string;
}

/**
 * The doctor's checks for the pair, before anything changes (a new session only: a resumed one has changed the farm
 * already, and its own probes take over). Prints one line, or every blocking check with what to do; answers how many block.
 */
async function preflightBlocks(environment: Environment, inventory: PoolInventory, pool: string, backup: string, print: (line: string) => void): Promise<number> {
	const pair = { pool: findPool(inventory, pool)!, backup: findPool(inventory, backup)! };
	const report = judgePreflight(await readPreflight(environment, inventory, pair));
	const { ok, warning, blocking } = report.counts;
	print(`Pre-flight (sfb-pair doctor): ${blocking > 0 ? `${blocking} blocking, ` : ''}${warning} warning${warning === 1 ? '' : 's'}, ${ok} ok`);
	for (const check of checksToAct(report.checks)) {
		print(`  ${check.status === 'blocking' ? 'BLOCKING' : 'WARNING'} ${CHECK_TITLES[check.id]}, ${check.subject}: ${check.evidence}`);
		print(`    do: ${check.action}`);
	}
	if (blocking > 0) print(`Nothing was changed: fix the blocking checks, then run again (sfb-pair doctor --pool ${pool} --backup ${backup} checks them alone).`);
	return blocking;
}

/** What to run next when servers wait for a restart: the run again, and the opt-in that lets sfb-pair restart them. */
export function heldNextSteps(request: Pick<RunRequest, 'pool' | 'backup' | 'restartHeld'>, held: string[]): string[] {
	const again = `sfb-pair run --pool ${request.pool} --backup ${request.backup} --yes --resume`;
	const names = held.join(', ');
	return [
		`held for a restart (Bootstrapper exit 3010): ${names}`,
		`  restart ${held.length === 1 ? 'it' : 'them'} yourself, then: ${again}   (each boot time is checked first)`,
		request.restartHeld
			? `  or, once ${held.length === 1 ? 'it answers' : 'they answer'} again, let sfb-pair go on from where it stopped (no second failover or restart): ${again} --restart-held`
			: `  or let sfb-pair do it (failover, Restart-Computer, failback; calls on ${held.length === 1 ? 'that server' : 'those servers'} drop for a moment): ${again} --restart-held`,
	];
}

/** The servers named with --by-hand, as the topology spells them; a name that is not a Front End of the pair is refused. */
function handRunServers(named: string[], servers: string[]): string[] {
	return named.map((name) => {
		const server = servers.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
		if (server) return server;
		throw new UsageError(`--by-hand ${name || '""'} is not a Front End of this pair (its Front Ends: ${servers.join(', ') || 'none'})`);
	});
}

/** The whole procedure without prompts, plain timestamped lines, the same checkpoints and record as the wizard. */
export async function runCommand(
	environment: Environment,
	stateDir: string,
	request: RunRequest,
	write: (line: string) => void,
	signal: AbortSignal,
): Promise<number> {
	if (!request.yes) throw new UsageError('run changes the farm without asking: add --yes to confirm, or start the wizard (sfb-pair) to be asked at each step');
	if (request.resume && request.fresh) throw new UsageError('--resume and --fresh cannot be used together');
	const key = pairKey(request.pool, request.backup);
	const lock = acquireSessionLock(stateDir, key, { subject: `${request.pool} ↔ ${request.backup}`, command: 'sfb-pair run' });
	try {
		return await runLocked(environment, stateDir, request, write, signal, { key, lock });
	} finally {
		lock.release();
	}
}

async function runLocked(
	environment: Environment,
	stateDir: string,
	request: RunRequest,
	write: (line: string) => void,
	signal: AbortSignal,
	held: { key: string; lock: SessionLock },
): Promise<number> {
	const { key } = held;
	const { unfinished, problems } = findSessions(stateDir);
	const problem = problems.find((entry) => entry.key === key);
	if (problem) {
		write(`The session file for this pair could not be read (${sanitizeLine(problem.reason)}); it is kept as ${problem.movedTo}.`);
		write('Run the same command again to start a new session.');
		return EXIT.usage;
	}
	const previous = unfinished.find((entry) => entry.key === key);
	if (previous && !request.resume && !request.fresh) {
		const step = previous.state.current;
		throw new UsageError(
			`an unfinished session for this pair exists (at step "${step}", last active ${new Date(previous.state.updatedAt).toISOString()}): add --resume to continue it or --fresh to archive it and start over`,
		);
	}
	if (previous && request.fresh) write(`Archived the earlier session: ${previous.store.archive()}`);
	const resume = request.resume ? previous : undefined;
	let inventory: PoolInventory | undefined;
	if (!resume) {
		inventory = await environment.readInventory();
		for (const name of [request.pool, request.backup]) {
			if (!findPool(inventory, name)) throw new UsageError(unknownPoolMessage(inventory, name));
		}
		const assessment = assessPair(inventory, request.pool, request.backup);
		if (!assessment.allowed) throw new UsageError(`cannot pair ${request.pool} with ${request.backup}: ${assessment.refusals.join('; ')}`);
	}

	const byHand = request.byHand === undefined ? [] : handRunServers(request.byHand, inventory ? [findPool(inventory, request.pool)!, findPool(inventory, request.backup)!].flatMap((pool) => pool.servers) : (resume?.state.serverOrder ?? []));

	// What servers print may hold a password or a token: the screen gets what the change record gets.
	const print = (line: string) => write(redactSecrets(sanitizeLine(line)));
	const report = plainReporter(print, { explain: request.explain });
	write(environment.description);
	if (inventory !== undefined && (await preflightBlocks(environment, inventory, request.pool, request.backup, print)) > 0) return EXIT.failed;
	const result = await driveProcedure({
		environment,
		stateDir,
		operator: autoOperator(request, (line) => print(`${new Date().toISOString().slice(11, 19)} ${line}`)),
		...(resume ? { resume } : {}),
		perPool: request.perPool,
		signal,
		heldLock: held,
		pair: { pool: request.pool, backup: request.backup },
		cumulativeUpdateDoneByHand: request.cumulativeUpdateReapplied,
		...(byHand.length > 0 ? { byHand } : {}),
		...(request.cumulativeUpdateSideBySide ? { cumulativeUpdateSideBySide: true } : {}),
		pacing: request.pacing,
		...(request.scenario ? { scenario: request.scenario } : {}),
		identity: runIdentity(request.operator, 'run --yes (answers from the command line)'),
		onRecordGap: (text) => write(`warning: ${sanitizeLine(text)}`),
		onSession: (session) => {
			session.subscribe(report);
			signal.addEventListener('abort', () => publishUnderWay(session.state) && print(PUBLISH_WAIT_NOTICE), { once: true });
		},
	});
	if (syncFailedOnFarm(result.session.state)) {
		write('What to check:');
		for (const line of syncGuidance([{ fqdn: request.pool }, { fqdn: request.backup }], result.session.state.publish.warnings)) write(`  - ${line}`);
	}
	for (const line of closingLines(result.session.state, Date.now())) write(line);
	// A held server done by hand waits on its restart commands, printed above: --restart-held does not apply to it.
	const doneByHand = new Set(result.session.state.byHand ?? []);
	const restartWaits = result.session.state.serverOrder.filter((server) => {
		const task = result.session.state.servers[server]?.tasks.bootstrapper;
		return task !== undefined && isHeld(task) && !doneByHand.has(server);
	});
	if (result.outcome === 'needs-operator' && restartWaits.length > 0) for (const line of heldNextSteps(request, restartWaits)) write(line);
	if (result.outcome === 'done') write(drillSuggestion(request.pool));
	if (result.recordPath) write(`change record: ${result.recordPath}`);
	if (result.debriefPath) write(`training debrief: ${result.debriefPath}`);
	return exitCodeFor(result.outcome);
}
