import fs from 'node:fs';
import path from 'node:path';
import type { OutcomeKind, ServerPhase } from '../procedure/state.js';
import { sanitizeForTerminal, sanitizeLine } from '../text/sanitize.js';
import { CheckpointFailure, CheckpointQueue } from './checkpoint-queue.js';
import { describeFsError, ensurePrivateDirectory, FileProblem, kindOf, openPrivateSync, privateFileMode, replaceFile, syncDescriptor } from './private-fs.js';
import { renderRecordMarkdown } from './record-markdown.js';
import { redactSecrets } from './redact.js';

/** 'unknown': the command started and its end was not seen (sfb-pair ended), or it ended and the farm could not tell whether it worked. */
export type CommandResult = 'succeeded' | 'failed' | 'skipped' | 'interrupted' | 'unknown';

export interface CommandEntry {
	command: string;
	/** The server or pool the command ran against. */
	target: string;
	/** The per-server phase the command belongs to, for the timeline. */
	phase?: ServerPhase;
	/** ISO 8601 */
	startedAt: string;
	/** ISO 8601 */
	endedAt: string;
	outcome: CommandResult;
	exitCode?: number;
	/** The last lines of output. */
	tail?: string[];
	/** What the farm said after it, by the probe that decides whether it worked. */
	verification?: string;
}

export interface DecisionEntry {
	what: string;
	choice: string;
	reason?: string;
	/** ISO 8601 */
	at: string;
}

/** One `Get-CsBackupServiceStatus` poll of one direction that differs from the one recorded before it. */
export interface StatusEntry {
	/** The pool polled: the direction pool → its partner. */
	pool: string;
	command: string;
	/** Which poll of the watch this was (1, 2, …): polls between two entries of a pool showed nothing new. */
	poll: number;
	modules: { identity: string; exportStatus: string; importStatus: string }[];
	verdict: 'steady' | 'waiting' | 'failed';
	reason?: string;
	/** What the states mean where a reader could take them for a problem (or miss one). */
	explanations?: string[];
	/** Set on the poll the watch ended on. */
	concluded?: 'steady' | 'failed' | 'stopped';
	/** ISO 8601 */
	at: string;
}

export interface Pair {
	pool: string;
	backup: string;
}

/** Who ran a session, where, and with what: the header of a change ticket's evidence. */
export interface RunIdentity {
	/** The OS account, or the name given with --operator. */
	operator: string;
	host: string;
	/** e.g. "sfb-pair 0.1.0 (Node v20.20.2)" */
	tool: string;
	/** e.g. "wizard" or "run --yes (answers from the command line)" */
	mode: string;
}

type Identified = Partial<RunIdentity>;

export type ChangeRecordEntry =
	| ({ type: 'session'; sessionId: string; title: string; environment: string; pair?: Pair; at: string } & Identified)
	| ({ type: 'resumed'; environment: string; at: string } & Identified)
	| ({ type: 'command' } & CommandEntry)
	| ({ type: 'decision' } & DecisionEntry)
	| ({ type: 'status' } & StatusEntry)
	| { type: 'note'; text: string; at: string }
	| { type: 'snapshot'; path: string; at: string }
	| { type: 'ended'; outcome: OutcomeKind; reason: string; at: string }
	/** Part of the record is missing: what is missing and why. */
	| { type: 'gap'; text: string; at: string };

export type SessionEntry = Extract<ChangeRecordEntry, { type: 'session' }>;

export interface ChangeRecordOptions {
	dir: string;
	/** Names both files with the pair; letters, digits, `.`, `_` and `-` only, e.g. `2026-11-26T07-12-00`. */
	sessionId: string;
	title: string;
	/** One line describing where the commands went, e.g. "LIVE · pwsh 7.6 · SkypeForBusiness". */
	environment: string;
	pair?: Pair;
	identity?: RunIdentity;
	/** When the session started (or resumed); now when absent. */
	at?: string;
	/**
	 * The session is resumed: a record should exist. If it does not, the new one says from the first line what is
	 * missing (since `since`, the session's start) and what the checkpoint remembers of it.
	 */
	resumedFrom?: { since: string; remembered: string[] };
	/** Told, in one line, when part of the record is missing: the operator must know before attaching it to a ticket. */
	onGap?: (text: string) => void;
}

/**
 * The change log of one session: every entry is one JSON line, in the file (so in the operating system's hands)
 * before the call returns; the fsyncs that make those lines survive a power loss are shared by every entry of one
 * turn of the event loop, and `written()` says when the entries so far are on stable storage. The Markdown beside
 * it is made from the entries for the change ticket, in the background.
 */
export interface ChangeRecord {
	readonly markdownPath: string;
	readonly jsonlPath: string;
	command(entry: CommandEntry): void;
	decision(entry: DecisionEntry): void;
	status(entry: StatusEntry): void;
	note(text: string, at: string): void;
	snapshot(path: string, at: string): void;
	ended(outcome: OutcomeKind, reason: string, at: string): void;
	/** Resolves once every entry so far is synced to disk; rejects, naming the file, once a write failed. */
	written(): Promise<void>;
	/** The pair changed: both files take the new pair's names. */
	movePair(pair: Pair): Promise<void>;
	/** Brings the Markdown up to date with every entry, and waits until both files are on disk. */
	flush(): Promise<void>;
}

const sessionIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const entryTypes = new Set<string>(['session', 'resumed', 'command', 'decision', 'status', 'note', 'snapshot', 'ended', 'gap']);

/** Free text as it may be stored: nothing a terminal acts on, no secrets. */
function cleanText(text: string): string {
	return redactSecrets(sanitizeForTerminal(text));
}

function cleanLine(text: string): string {
	return redactSecrets(sanitizeLine(text));
}

/** A pool's host name as it may appear in a file name: `pool-redmond.contoso.com` → `pool-redmond`. */
function fileLabel(fqdn: string): string {
	const host = fqdn.split('.')[0] ?? '';
	const label = host.toLowerCase().replace(/[^a-z0-9-]/g, '_').slice(0, 63);
	return label === '' ? 'pool' : label;
}

/** `<session>--<pool>--<backup>`: the files say which pair they are about, and stay short enough for any file system. */
export function recordName(sessionId: string, pair: Pair | undefined): string {
	return pair ? `${sessionId}--${fileLabel(pair.pool)}--${fileLabel(pair.backup)}` : sessionId;
}

/** The record of a session already in `dir`: named with its pair (whichever pair), or by the session alone (older records). */
function findExisting(dir: string, sessionId: string, preferred: string): string | undefined {
	if (fs.existsSync(path.join(dir, `${preferred}.jsonl`))) return preferred;
	if (fs.existsSync(path.join(dir, `${sessionId}.jsonl`))) return sessionId;
	let names: string[];
	try {
		names = fs.readdirSync(dir);
	} catch {
		return undefined;
	}
	const match = names.sort().find((name) => name.startsWith(`${sessionId}--`) && name.endsWith('.jsonl') && !name.includes('.debrief'));
	return match?.replace(/\.jsonl$/, '');
}

/** A line cut off by a kill must not swallow the next entry: end it before appending. */
function endTornLine(file: string): void {
	const size = fs.statSync(file).size;
	if (size === 0) {
		return;
	}
	const descriptor = fs.openSync(file, 'r');
	const last = Buffer.alloc(1);
	try {
		fs.readSync(descriptor, last, 0, 1, size - 1);
	} finally {
		fs.closeSync(descriptor);
	}
	if (last[0] !== 0x0a) {
		fs.appendFileSync(file, '\n');
	}
}

/** Makes what was written to `file` survive a power loss, off the event loop. */
async function syncFile(file: string): Promise<void> {
	// Windows flushes only a handle open for writing.
	const descriptor = fs.openSync(file, 'r+');
	try {
		await syncDescriptor(descriptor);
	} finally {
		fs.closeSync(descriptor);
	}
}

/** The entries of a record, skipping a line cut off by a kill mid-write. */
export function readChangeRecord(jsonlPath: string): ChangeRecordEntry[] {
	let text: string;
	try {
		text = fs.readFileSync(jsonlPath, 'utf8');
	} catch (error) {
		throw new FileProblem(jsonlPath, describeFsError(error), { cause: error });
	}
	const entries: ChangeRecordEntry[] = [];
	for (const line of text.split('\n')) {
		if (line.trim() === '') {
			continue;
		}
		try {
			const entry: unknown = JSON.parse(line);
			if (typeof entry === 'object' && entry !== null && entryTypes.has((entry as { type?: unknown }).type as string)) {
				entries.push(entry as ChangeRecordEntry);
			}
		} catch {
			// A torn line: the write it belonged to never completed.
		}
	}
	return entries;
}

function cleanIdentity(identity: RunIdentity | undefined): Identified {
	if (!identity) return {};
	return { operator: cleanLine(identity.operator), host: cleanLine(identity.host), tool: cleanLine(identity.tool), mode: cleanLine(identity.mode) };
}

export function openChangeRecord(options: ChangeRecordOptions): ChangeRecord {
	const { dir, sessionId } = options;
	if (!sessionIdPattern.test(sessionId)) {
		throw new Error(`cannot name a change record "${sessionId}": use letters, digits, ".", "_" and "-" only`);
	}
	ensurePrivateDirectory(dir, undefined, { ownFolder: true });
	const folder = path.resolve(dir);
	let name = findExisting(folder, sessionId, recordName(sessionId, options.pair)) ?? recordName(sessionId, options.pair);
	let jsonlPath = path.join(folder, `${name}.jsonl`);
	let markdownPath = path.join(folder, `${name}.md`);
	const at = options.at ?? new Date().toISOString();
	const environment = cleanLine(options.environment);
	const identity = cleanIdentity(options.identity);
	const header: SessionEntry = {
		type: 'session',
		sessionId,
		title: cleanLine(options.title),
		environment,
		...(options.pair ? { pair: { pool: cleanLine(options.pair.pool), backup: cleanLine(options.pair.backup) } } : {}),
		at,
		...identity,
	};

	let entries: ChangeRecordEntry[] = [];
	/** The file as last written (its inode and size): another file there means this one was deleted or replaced. */
	let onDisk: { dev: number; ino: number; size: number } | undefined;
	let failure: CheckpointFailure | undefined;
	/** Nothing more may be done to the farm (it waits for the record); the one line names the file. */
	const failed = (file: string, error: unknown) => {
		const problem = error instanceof FileProblem ? error : new FileProblem(file, describeFsError(error), { cause: error });
		return new CheckpointFailure(problem.message, { cause: problem });
	};
	const syncs = new CheckpointQueue<void>(async () => {
		const file = jsonlPath;
		try {
			if (!fs.existsSync(file)) restoreFromMemory(entries.length);
			await syncFile(file);
		} catch (error) {
			throw failed(file, error);
		}
	});
	const markdown = new CheckpointQueue<void>(async () => {
		const file = markdownPath;
		try {
			await replaceFile(file, renderRecordMarkdown(entries, header));
		} catch (error) {
			throw failed(file, error);
		}
	});

	/**
	 * Every line goes to the file at once: a kill of sfb-pair loses none; only a power loss waits for the fsync.
	 * Returns false, writing nothing, when the file there is not the one last written (deleted, replaced or cut).
	 */
	function appendLine(line: string): boolean {
		const descriptor = openPrivateSync(jsonlPath, 'a');
		try {
			const stat = fs.fstatSync(descriptor);
			if (onDisk && (stat.ino !== onDisk.ino || stat.dev !== onDisk.dev || stat.size < onDisk.size)) return false;
			const bytes = Buffer.from(line);
			// A short write is a disk filling up: the rest is tried, and a full disk then throws ENOSPC.
			for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(descriptor, bytes, offset);
			onDisk = { dev: stat.dev, ino: stat.ino, size: stat.size + bytes.length };
			return true;
		} finally {
			fs.closeSync(descriptor);
		}
	}

	/**
	 * The file was deleted or replaced while the session ran. Everything this process recorded is still in memory,
	 * so the record is written again whole, with an entry saying so, and the operator is told.
	 */
	function restoreFromMemory(gapAt: number): void {
		const text = `The change record ${jsonlPath} was deleted or replaced while the session ran: it was written again from this session's memory, nothing missing.`;
		entries.splice(gapAt, 0, { type: 'gap', text, at: new Date().toISOString() });
		ensurePrivateDirectory(folder, undefined, { ownFolder: true });
		const descriptor = openPrivateSync(jsonlPath, 'w');
		try {
			fs.writeSync(descriptor, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
			const stat = fs.fstatSync(descriptor);
			onDisk = { dev: stat.dev, ino: stat.ino, size: stat.size };
		} finally {
			fs.closeSync(descriptor);
		}
		options.onGap?.(text);
	}

	function write(entry: ChangeRecordEntry, markdownNow = entry.type !== 'command' && entry.type !== 'status'): void {
		if (failure) return;
		entries.push(entry);
		try {
			if (!appendLine(`${JSON.stringify(entry)}\n`)) restoreFromMemory(entries.length - 1);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				failure = failed(jsonlPath, error);
				return;
			}
			// The whole folder is gone: made again, with the record whole.
			try {
				restoreFromMemory(entries.length - 1);
			} catch (again) {
				failure = failed(jsonlPath, again);
				return;
			}
		}
		syncs.request();
		// Commands and status polls come by the dozen: the Markdown catches up with them at the next other entry or flush.
		if (markdownNow) markdown.request();
	}

	let reopened: boolean;
	try {
		for (const file of [jsonlPath, markdownPath]) {
			const stats = fs.lstatSync(file, { throwIfNoEntry: false });
			if (stats !== undefined && !stats.isFile()) throw new FileProblem(file, kindOf(stats));
		}
		reopened = fs.existsSync(jsonlPath);
		if (reopened) {
			endTornLine(jsonlPath);
			for (const file of [jsonlPath, markdownPath].filter((each) => fs.existsSync(each))) {
				fs.chmodSync(file, privateFileMode);
			}
			entries = readChangeRecord(jsonlPath);
			const stat = fs.statSync(jsonlPath);
			onDisk = { dev: stat.dev, ino: stat.ino, size: stat.size };
		}
	} catch (error) {
		throw error instanceof FileProblem ? error : new FileProblem(jsonlPath, describeFsError(error), { cause: error });
	}
	if (reopened) {
		write({ type: 'resumed', environment, at, ...identity });
	} else {
		write(header);
		if (options.resumedFrom) {
			const text = [
				`The change record of this session was not found when it resumed (${jsonlPath}): what happened from ${cleanLine(options.resumedFrom.since)} until this resume is missing from it.`,
				...(options.resumedFrom.remembered.length > 0 ? [`The checkpoint remembers: ${options.resumedFrom.remembered.map(cleanLine).join('; ')}.`] : []),
			].join(' ');
			write({ type: 'gap', text, at });
			options.onGap?.(`The change record of this session was not found: it starts again at this resume, and says that the part before is missing (${jsonlPath}).`);
		}
	}
	if (failure) throw failure;

	return {
		get markdownPath() {
			return markdownPath;
		},
		get jsonlPath() {
			return jsonlPath;
		},
		written() {
			return failure ? Promise.reject(failure) : syncs.written();
		},
		async flush() {
			markdown.request();
			await Promise.all([this.written(), markdown.written()]);
		},
		async movePair(pair) {
			const next = recordName(sessionId, pair);
			if (next === name || failure) return;
			await Promise.all([syncs.written(), markdown.written()]);
			const from = { jsonl: jsonlPath, markdown: markdownPath };
			name = next;
			jsonlPath = path.join(folder, `${name}.jsonl`);
			markdownPath = path.join(folder, `${name}.md`);
			try {
				fs.renameSync(from.jsonl, jsonlPath);
				if (fs.existsSync(from.markdown)) fs.renameSync(from.markdown, markdownPath);
			} catch (error) {
				failure = failed(from.jsonl, error);
				throw failure;
			}
			header.pair = { pool: cleanLine(pair.pool), backup: cleanLine(pair.backup) };
		},
		command(entry) {
			write({
				type: 'command',
				command: cleanText(entry.command),
				target: cleanLine(entry.target),
				...(entry.phase === undefined ? {} : { phase: entry.phase }),
				startedAt: cleanLine(entry.startedAt),
				endedAt: cleanLine(entry.endedAt),
				outcome: entry.outcome,
				...(entry.exitCode === undefined ? {} : { exitCode: entry.exitCode }),
				...(entry.tail === undefined ? {} : { tail: entry.tail.map(cleanLine) }),
				...(entry.verification === undefined ? {} : { verification: cleanLine(entry.verification) }),
			});
		},
		decision(entry) {
			write({
				type: 'decision',
				what: cleanLine(entry.what),
				choice: cleanLine(entry.choice),
				...(entry.reason === undefined ? {} : { reason: cleanText(entry.reason) }),
				at: cleanLine(entry.at),
			});
		},
		status(entry) {
			write({
				type: 'status',
				pool: cleanLine(entry.pool),
				command: cleanText(entry.command),
				poll: entry.poll,
				modules: entry.modules.map((module) => ({
					identity: cleanLine(module.identity),
					exportStatus: cleanLine(module.exportStatus),
					importStatus: cleanLine(module.importStatus),
				})),
				verdict: entry.verdict,
				...(entry.reason === undefined ? {} : { reason: cleanLine(entry.reason) }),
				...(entry.explanations === undefined ? {} : { explanations: entry.explanations.map(cleanLine) }),
				...(entry.concluded === undefined ? {} : { concluded: entry.concluded }),
				at: cleanLine(entry.at),
			});
		},
		note(text, noteAt) {
			write({ type: 'note', text: cleanText(text), at: cleanLine(noteAt) });
		},
		snapshot(snapshotPath, snapshotAt) {
			write({ type: 'snapshot', path: cleanLine(snapshotPath), at: cleanLine(snapshotAt) });
		},
		ended(outcome, reason, endedAt) {
			write({ type: 'ended', outcome, reason: cleanLine(reason), at: cleanLine(endedAt) });
		},
	};
}
