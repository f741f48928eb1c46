import fs from 'node:fs';
import { readBoundedFileSync } from '../../session/bounded-read.js';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Environment } from '../../environments/port.js';
import { runDrill, type DrillEvent, type DrillProgress, type DrillResult } from '../../operations/drill.js';
import { drillSteps, notCarriedOver, prerequisitesToCheck, type DrillRequest, type DrillStep } from '../../sfb/drill.js';
import { findPool, unknownPoolMessage } from '../../sfb/pairing-rules.js';
import type { DebriefScenario } from '../../session/debrief.js';
import { fileTimestamp, keepAside, privateSubfolder, replaceFile } from '../../session/private-fs.js';
import { redactSecrets } from '../../session/redact.js';
import { pairKey, recordsDir } from '../../session/session-files.js';
import { acquireSessionLock, type SessionLock } from '../../session/session-lock.js';
import { parseJsonText } from '../../text/json-text.js';
import stringWidth from 'string-width';
import { sanitizeLine } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { EXIT, UsageError } from '../exit-codes.js';

export interface DrillCommandRequest {
	pool: string;
	/** --planned: without -DisasterMode, a pool still up. */
	planned: boolean;
	yes: boolean;
	drill: boolean;
	explain: boolean;
	/** Where the typed confirmation comes from at a terminal; absent when stdin is not one. */
	ask?: (question: string) => Promise<string | undefined>;
	scenario?: DebriefScenario;
	/** The terminal's width when printing to one: long lines wrap between words, continuations indented. */
	width?: number;
}

/** The word the operator types to confirm, as `sfb-pair` asks for `publish`. */
export const DRILL_WORD = 'failover';

const second = 1000;

/**
 * `sfb-pair drill --pool A`: plan → typed confirmation → the drill's steps as lines → verification by probe → record.
 * Non-interactive use needs both --yes and --drill (a failover is not something to do by a stray --yes).
 */
export async function drillCommand(environment: Environment, stateDir: string, request: DrillCommandRequest, write: (line: string) => void, signal: AbortSignal): Promise<number> {
	if (request.yes !== request.drill) throw new UsageError('--yes and --drill go together: a drill fails a pool over, so a script confirms it with both');
	if (!request.yes && !request.ask) throw new UsageError('drill fails a pool over: at a terminal it asks you to type "failover"; without one, add --yes --drill');
	const drillRequest = await prepareDrill(environment, request.pool, request.planned);
	const print = (line: string) => {
		for (const part of wrapForTerminal(redactSecrets(sanitizeLine(line)), request.width)) write(part);
	};
	const opened = openDrill(stateDir, drillRequest, print);
	try {
		write(environment.description);
		for (const line of planLines(drillRequest, request.explain)) print(line);
		const account = await checkDrillAccount(environment);
		if (account.warning) print(account.warning);
		if (account.refusal) {
			print(account.refusal);
			return EXIT.failed;
		}
		if (request.yes) print('Confirmed by --yes --drill.');
		else {
			const answer = await request.ask!(`Type ${DRILL_WORD} to go ahead (anything else cancels): `);
			if (answer?.trim() !== DRILL_WORD) {
				print('Nothing was changed.');
				return EXIT.cancelled;
			}
		}
		const { result, recordPath } = await executeDrill(environment, opened, { explain: request.explain, signal, onLine: print, ...(request.scenario ? { scenario: request.scenario } : {}) });
		for (const line of resultLines(result, drillRequest)) print(line);
		// Whole, even past the terminal's width: a path is copied, not read.
		write(`drill record: ${sanitizeLine(recordPath)}`);
		return result.exitCode;
	} finally {
		opened.lock.release();
	}
}

/** The pool's pair as the drill will run it; a one-line reason (UsageError) when it cannot be drilled here. */
export async function prepareDrill(environment: Environment, poolName: string, planned: boolean): Promise<DrillRequest> {
	if (!environment.drill) throw new UsageError(`the drill cannot run in this environment (${environment.description}) yet: use the lab (--lab) to train on it`);
	const inventory = await environment.readInventory();
	const pool = findPool(inventory, poolName);
	if (!pool) throw new UsageError(unknownPoolMessage(inventory, poolName));
	const partner = inventory.pairings[pool.fqdn];
	const backup = partner === undefined ? undefined : findPool(inventory, partner);
	if (!backup) throw new UsageError(`${pool.fqdn} is not paired${partner ? ` with a Front End pool of this topology (it names ${partner})` : ''}: pair it first (sfb-pair run --pool ${pool.fqdn} --backup <pool> --yes), then drill`);
	const storePool = await environment.drill.readManagementStorePool().catch(() => undefined);
	const hostsStore = pool.hostsCentralManagementStore || storePool?.toLowerCase() === pool.fqdn.toLowerCase();
	const backEndOf = (fqdn: string) => Object.entries(inventory.backEnds ?? {}).find(([name]) => name.toLowerCase() === fqdn.toLowerCase())?.[1];
	const [poolBackEnd, backupBackEnd] = [backEndOf(pool.fqdn), backEndOf(backup.fqdn)];
	return {
		pool: pool.fqdn,
		backup: backup.fqdn,
		disasterMode: !planned,
		movesStore: hostsStore,
		backEnds: { ...(poolBackEnd ? { pool: poolBackEnd } : {}), ...(backupBackEnd ? { backup: backupBackEnd } : {}) },
	};
}

/** Whether the account may run the failover cmdlets: a warning when it could not be read, a refusal when it may not. */
export async function checkDrillAccount(environment: Environment): Promise<{ warning?: string; refusal?: string }> {
	const account = await environment.readAccount().catch((error: unknown) => error as Error);
	if (account instanceof Error) return { warning: `warning: the account could not be read (${account.message}); the failover cmdlets need RTCUniversalServerAdmins` };
	if (!account.rtcUniversalServerAdmins) return { refusal: `${account.user} is not a member of RTCUniversalServerAdmins, which the failover cmdlets need: nothing was changed.` };
	return {};
}

/** A drill of one pair held for this process (the pair's lock), with what an earlier run remembers. */
export interface OpenedDrill {
	request: DrillRequest;
	lock: SessionLock;
	progressFile: string;
	progress: DrillProgress | undefined;
	stateDir: string;
}

/** Takes the pair's lock and reads the drill's progress (a damaged file is kept aside and named through `print`). */
export function openDrill(stateDir: string, request: DrillRequest, print: (line: string) => void): OpenedDrill {
	const key = pairKey(request.pool, request.backup);
	const lock = acquireSessionLock(stateDir, key, { subject: `${request.pool} ↔ ${request.backup}`, command: 'sfb-pair drill' });
	try {
		const progressFile = progressPath(stateDir, key);
		return { request, lock, progressFile, progress: readProgress(progressFile, print), stateDir };
	} catch (error) {
		lock.release();
		throw error;
	}
}

export interface DrillExecution {
	explain: boolean;
	signal: AbortSignal;
	/** Each line the drill says, timestamped as the record keeps it. */
	onLine(line: string): void;
	/** The drill's events as they come, for a screen that draws them. */
	onEvent?(event: DrillEvent): void;
	/** What went wrong beside the drill (its progress not kept), also among the lines. */
	onWarning?(text: string): void;
	scenario?: DebriefScenario;
}

/** The confirmed drill: its steps run and probed, the progress kept for a resume, and the record written. */
export async function executeDrill(environment: Environment, opened: OpenedDrill, options: DrillExecution): Promise<{ result: DrillResult; recordPath: string }> {
	const { request, stateDir, progressFile } = opened;
	const startedAt = new Date();
	const log: string[] = [];
	const note = (line: string) => {
		options.onLine(line);
		log.push(line);
	};
	const scale = environment.timeScale ?? 1;
	const result = await runDrill({
		environment,
		drill: environment.drill!,
		inventory: await environment.readInventory(),
		request,
		pacing: { pollMs: (30 * second) / scale, steadyTimeoutMs: (60 * 60 * second) / scale, placementPolls: 5, sleep: (ms, abort) => sleep(ms, undefined, abort ? { signal: abort } : {}) },
		signal: options.signal,
		progress: opened.progress,
		// Only a cache for a resume: a failure to keep it must not leave the store on the backup pool.
		onProgress: async (next) => {
			try {
				privateSubfolder(stateDir, 'drills');
				await replaceFile(progressFile, `${JSON.stringify(next)}\n`);
			} catch (error) {
				const warning = `warning: the drill's progress could not be saved (${error instanceof Error ? error.message : String(error)}); a resume goes by what the farm shows`;
				note(warning);
				options.onWarning?.(warning);
			}
		},
		onEvent: (event) => {
			options.onEvent?.(event);
			for (const line of eventLines(event, options.explain)) note(`${new Date().toISOString().slice(11, 19)} ${line}`);
		},
	});
	if (result.outcome === 'done') fs.rmSync(progressFile, { force: true });
	const recordPath = await writeDrillRecord(stateDir, { request, environment: environment.description, startedAt, log, result, ...(options.scenario ? { scenario: options.scenario } : {}) });
	return { result, recordPath };
}

/** The plan: what will run, in order, what is not carried over and what to check first, each with its source. */
export function planLines(request: DrillRequest, explain: boolean): string[] {
	const mode = request.disasterMode ? 'disaster mode (-DisasterMode, the training default: as if the pool were down)' : 'planned (the pool is up: its latest changes are exported first)';
	return [
		`Drill: fail ${request.pool} over to ${request.backup} and back, ${mode}.`,
		...drillSteps(request).flatMap((step, index) => [`  ${index + 1}. ${step.title}`, `     ${step.command}`, ...(explain ? [`     why: ${step.why} (${step.source})`] : [])]),
		'Not carried over:',
		...notCarriedOver(request).map((item) => `  - ${item.what} (${item.source})`),
		'Check yourself first (the drill cannot):',
		...prerequisitesToCheck(request).map((item) => `  - ${item.what} (${item.source})`),
	];
}

function eventLines(event: DrillEvent, explain: boolean): string[] {
	switch (event.type) {
		case 'step-started':
			return [`▸ ${event.step.title}: ${event.step.command}`, ...(explain ? [`  why: ${event.step.why} (${event.step.source})`] : [])];
		case 'line':
			return [`  │ ${event.text}`];
		case 'waiting':
			return [`… ${event.text}`];
		case 'step-finished': {
			const mark = { done: '✓', skipped: '↷', failed: '✗', waiting: '…' }[event.outcome];
			const word = { done: 'done', skipped: 'skipped', failed: 'FAILED', waiting: 'not yet' }[event.outcome];
			return [`${mark} ${event.step.title}: ${word}`, ...event.evidence.map((line) => `  ${line}`)];
		}
	}
}

/** What the drill ends with: the changes a disaster-mode failover lost, then one line to act on (its command on a line of its own). */
export function resultLines(result: DrillResult, request: DrillRequest): string[] {
	return [...lostLines(result, request), result.summary, ...resumeLines(result)];
}

/** The changes a disaster-mode failover lost, as the farm told them. */
export function lostLines(result: DrillResult, request: DrillRequest): string[] {
	return result.lostChanges.length > 0
		? [`Lost in the disaster-mode failover (changed on ${request.pool} after its last export):`, ...result.lostChanges.map((change) => `  - ${change}`)]
		: [];
}

/** The command that continues, alone on its line, so that no terminal wraps it in the middle. */
export function resumeLines(result: DrillResult): string[] {
	return result.resume === undefined ? [] : [`  ${result.resume}`];
}

/** A line wrapped to the terminal, its continuations under its text (past a timestamp, an indent or a bullet). */
export function wrapForTerminal(line: string, width: number | undefined): string[] {
	if (width === undefined) return [line];
	const spaces = /^ */.exec(line)?.[0] ?? '';
	const rest = line.slice(spaces.length);
	const lead = /^(\d\d:\d\d:\d\d +)?([-▸✓✗↷…│] |\d+\. )?/.exec(rest)?.[0] ?? '';
	const hanging = ' '.repeat(Math.min(stringWidth(lead), Math.floor(width / 3)));
	return wrapWords(rest, Math.max(20, width - spaces.length), hanging).map((part) => spaces + part);
}

function progressPath(stateDir: string, key: string): string {
	return path.join(stateDir, 'drills', `${key}.json`);
}

/**
 * The drill's own memory between runs (the failback was done). Missing: a new drill. Not a file (a folder, a pipe): a
 * FileProblem before anything changes. Damaged: kept and named, and the farm decides.
 */
function readProgress(file: string, print: (line: string) => void): DrillProgress | undefined {
	const bytes = readBoundedFileSync(file, { maxBytes: 64 * 1024, what: "the drill's progress file" });
	if (bytes === undefined) return undefined;
	const parsed = parseJsonText(bytes.toString('utf8'));
	if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && typeof (parsed.value as { failedBack?: unknown }).failedBack === 'boolean') {
		return parsed.value as DrillProgress;
	}
	print(`warning: the drill's progress file could not be read; it is kept as ${keepAside(file, 'corrupt')}, and the drill goes by what the farm shows`);
	return undefined;
}

interface DrillRecordInput {
	request: DrillRequest;
	environment: string;
	startedAt: Date;
	log: string[];
	result: DrillResult;
	scenario?: DebriefScenario;
}

/** The drill's record, Markdown beside the pairing's change records; a lab run adds its training debrief. */
async function writeDrillRecord(stateDir: string, input: DrillRecordInput): Promise<string> {
	const folder = privateSubfolder(stateDir, path.basename(recordsDir(stateDir)));
	const file = path.join(folder, `${fileTimestamp(input.startedAt)}-drill-${input.request.pool}.md`);
	await replaceFile(file, renderDrillRecord(input));
	return file;
}

export function renderDrillRecord(input: DrillRecordInput): string {
	const { request, result } = input;
	const steps: DrillStep[] = drillSteps(request);
	const lines = [
		`# Drill: ${request.pool} → ${request.backup} and back`,
		'',
		`- Started: ${input.startedAt.toISOString()}`,
		`- Environment: ${input.environment}`,
		`- Mode: ${request.disasterMode ? 'disaster mode (-DisasterMode)' : 'planned'}`,
		`- Outcome: ${result.outcome} (exit ${result.exitCode}): ${result.summary}${result.resume === undefined ? '' : ` \`${result.resume}\``}`,
		'',
		'## Steps and their sources',
		'',
		...steps.map((step) => `- **${step.title}**: \`${step.command}\` (${step.source})`),
		'',
		'## Not carried over',
		'',
		...notCarriedOver(request).map((item) => `- ${item.what} (${item.source})`),
		'',
		'## What ran and what the farm said',
		'',
		'```',
		...input.log,
		'```',
	];
	if (input.scenario) {
		lines.push(
			'',
			'## Training debrief',
			'',
			`- Scenario: **${input.scenario.name}**: ${input.scenario.description}`,
			...(result.lostChanges.length > 0
				? [
						`- The failover was made in disaster mode after a stale sync: ${result.lostChanges.length} change${result.lostChanges.length === 1 ? '' : 's'} made on ${request.pool} after its last export did not reach ${request.backup}:`,
						...result.lostChanges.map((change) => `  - ${change}`),
						'- A planned failover (--planned) of a pool still up exports first and loses none of them; in a real disaster, the sync interval is the most you can lose when the sync is healthy.',
					]
				: [`- Nothing was lost: ${request.disasterMode ? 'the last export was recent' : 'a planned failover exports first'}.`]),
			...(result.outcome === 'refused' ? ['- The drill was refused before anything changed: the pair was not steady both ways. Wait for the sync (sfb-pair status --all), then run it again.'] : []),
		);
	}
	return `${lines.join('\n')}\n`;
}
