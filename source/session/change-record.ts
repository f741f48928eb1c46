import fs from 'node:fs';
import path from 'node:path';
import { sanitizeForTerminal, sanitizeLine } from '../text/sanitize.js';
import { appendPrivateFileSync, describeFsError, ensurePrivateDirectory, FileProblem, kindOf, privateFileMode, replaceFileSync } from './private-fs.js';
import { redactSecrets } from './redact.js';

export type CommandResult = 'succeeded' | 'failed' | 'skipped' | 'interrupted';

export interface CommandEntry {
	command: string;
	/** The server or pool the command ran against. */
	target: string;
	/** ISO 8601 */
	startedAt: string;
	/** ISO 8601 */
	endedAt: string;
	outcome: CommandResult;
	exitCode?: number;
	/** The last lines of output. */
	tail?: string[];
}

export interface DecisionEntry {
	what: string;
	choice: string;
	reason?: string;
	/** ISO 8601 */
	at: string;
}

export interface Pair {
	pool: string;
	backup: string;
}

export type ChangeRecordEntry =
	| { type: 'session'; sessionId: string; title: string; environment: string; pair?: Pair; at: string }
	| { type: 'resumed'; environment: string; at: string }
	| ({ type: 'command' } & CommandEntry)
	| ({ type: 'decision' } & DecisionEntry)
	| { type: 'note'; text: string; at: string }
	| { type: 'snapshot'; path: string; at: string };

type SessionEntry = Extract<ChangeRecordEntry, { type: 'session' }>;

export interface ChangeRecordOptions {
	dir: string;
	/** Names both files; letters, digits, `.`, `_` and `-` only, e.g. `2026-11-26T07-12-00-pool1-pool2`. */
	sessionId: string;
	title: string;
	/** One line describing where the commands went, e.g. "LIVE · pwsh 7.6 · SkypeForBusiness". */
	environment: string;
	pair?: Pair;
	/** When the session started (or resumed); now when absent. */
	at?: string;
}

/**
 * The change log of one session: every entry is one JSON line, synced to disk before the call returns,
 * and the Markdown beside it is rewritten from those lines for the change ticket.
 */
export interface ChangeRecord {
	readonly markdownPath: string;
	readonly jsonlPath: string;
	command(entry: CommandEntry): void;
	decision(entry: DecisionEntry): void;
	note(text: string, at: string): void;
	snapshot(path: string, at: string): void;
	/** Brings the Markdown up to date with every command recorded so far. */
	flush(): void;
}

const sessionIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const entryTypes = new Set<string>(['session', 'resumed', 'command', 'decision', 'note', 'snapshot']);

/** Free text as it may be stored: nothing a terminal acts on, no secrets. */
function cleanText(text: string): string {
	return redactSecrets(sanitizeForTerminal(text));
}

function cleanLine(text: string): string {
	return redactSecrets(sanitizeLine(text));
}

function appendLine(file: string, entry: ChangeRecordEntry): void {
	appendPrivateFileSync(file, `${JSON.stringify(entry)}\n`);
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

export function openChangeRecord(options: ChangeRecordOptions): ChangeRecord {
	const { dir, sessionId } = options;
	if (!sessionIdPattern.test(sessionId)) {
		throw new Error(`cannot name a change record "${sessionId}": use letters, digits, ".", "_" and "-" only`);
	}
	ensurePrivateDirectory(dir, undefined, { ownFolder: true });
	const markdownPath = path.join(path.resolve(dir), `${sessionId}.md`);
	const jsonlPath = path.join(path.resolve(dir), `${sessionId}.jsonl`);
	const at = options.at ?? new Date().toISOString();
	const environment = cleanLine(options.environment);
	const header: SessionEntry = {
		type: 'session',
		sessionId,
		title: cleanLine(options.title),
		environment,
		...(options.pair ? { pair: { pool: cleanLine(options.pair.pool), backup: cleanLine(options.pair.backup) } } : {}),
		at,
	};

	let entries: ChangeRecordEntry[] = [];
	let markdownBehind = false;
	const failed = (error: unknown) => new FileProblem(jsonlPath, describeFsError(error), { cause: error });

	function renderNow(): void {
		try {
			replaceFileSync(markdownPath, renderMarkdown(entries, header));
			markdownBehind = false;
		} catch (error) {
			throw failed(error);
		}
	}

	/**
	 * The JSON Lines file is the durable record: every entry is appended and synced at once. The Markdown is
	 * made from it; for commands, which come by the dozen, only when `flush` is called or the next other entry
	 * comes, so a long run does not rewrite it once per command.
	 */
	function write(entry: ChangeRecordEntry): void {
		try {
			appendLine(jsonlPath, entry);
		} catch (error) {
			throw failed(error);
		}
		entries.push(entry);
		if (entry.type === 'command') markdownBehind = true;
		else renderNow();
	}

	try {
		for (const file of [jsonlPath, markdownPath]) {
			const stats = fs.lstatSync(file, { throwIfNoEntry: false });
			if (stats !== undefined && !stats.isFile()) throw new FileProblem(file, kindOf(stats));
		}
		if (fs.existsSync(jsonlPath)) {
			endTornLine(jsonlPath);
			for (const file of [jsonlPath, markdownPath].filter((each) => fs.existsSync(each))) {
				fs.chmodSync(file, privateFileMode);
			}
		}
	} catch (error) {
		throw error instanceof FileProblem ? error : new FileProblem(jsonlPath, describeFsError(error), { cause: error });
	}
	const reopened = fs.existsSync(jsonlPath);
	if (reopened) entries = readChangeRecord(jsonlPath);
	write(reopened ? { type: 'resumed', environment, at } : header);

	return {
		markdownPath,
		jsonlPath,
		flush() {
			if (markdownBehind) renderNow();
		},
		command(entry) {
			write({
				type: 'command',
				command: cleanText(entry.command),
				target: cleanLine(entry.target),
				startedAt: cleanLine(entry.startedAt),
				endedAt: cleanLine(entry.endedAt),
				outcome: entry.outcome,
				...(entry.exitCode === undefined ? {} : { exitCode: entry.exitCode }),
				...(entry.tail === undefined ? {} : { tail: entry.tail.map(cleanLine) }),
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
		note(text, noteAt) {
			write({ type: 'note', text: cleanText(text), at: cleanLine(noteAt) });
		},
		snapshot(snapshotPath, snapshotAt) {
			write({ type: 'snapshot', path: cleanLine(snapshotPath), at: cleanLine(snapshotAt) });
		},
	};
}

// Markdown

function escapeInline(text: string): string {
	return text.replace(/[\\`*_{}[\]<>#|!~]/g, (character) => `\\${character}`);
}

function inlineCode(text: string): string {
	const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(longestRun + 1);
	const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
	return `${fence}${padding}${text}${padding}${fence}`;
}

function codeBlock(text: string, language = ''): string {
	const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(Math.max(3, longestRun + 1));
	return `${fence}${language}\n${text}\n${fence}`;
}

function duration(startedAt: string, endedAt: string): string | undefined {
	const milliseconds = Date.parse(endedAt) - Date.parse(startedAt);
	if (!Number.isFinite(milliseconds) || milliseconds < 0) {
		return undefined;
	}
	const seconds = Math.round(milliseconds / 1000);
	const minutes = Math.floor(seconds / 60);
	return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

const outcomeWords: Record<CommandResult, string> = {
	succeeded: 'succeeded',
	failed: 'FAILED',
	skipped: 'skipped',
	interrupted: 'INTERRUPTED',
};

function renderEntry(entry: ChangeRecordEntry, number: number): string[] {
	switch (entry.type) {
		case 'session':
			return [];
		case 'resumed':
			return [`### ${number}. Session resumed`, '', `- At: ${escapeInline(entry.at)}`, `- Environment: ${escapeInline(entry.environment)}`];
		case 'command': {
			const exit = entry.exitCode === undefined ? '' : ` (exit code ${entry.exitCode})`;
			const took = duration(entry.startedAt, entry.endedAt);
			const lines = [
				`### ${number}. Command on ${escapeInline(entry.target)}: ${outcomeWords[entry.outcome]}${exit}`,
				'',
				`- Started: ${escapeInline(entry.startedAt)}`,
				`- Ended: ${escapeInline(entry.endedAt)}${took === undefined ? '' : ` (${took})`}`,
				'',
				codeBlock(entry.command, 'powershell'),
			];
			if (entry.tail !== undefined && entry.tail.length > 0) {
				const noun = entry.tail.length === 1 ? 'line' : `${entry.tail.length} lines`;
				lines.push('', `Output (last ${noun}):`, '', codeBlock(entry.tail.join('\n'), 'text'));
			}
			return lines;
		}
		case 'decision':
			return [
				`### ${number}. Decision: ${escapeInline(entry.what)}`,
				'',
				`- Choice: ${escapeInline(entry.choice)}`,
				...(entry.reason === undefined ? [] : [`- Reason: ${escapeInline(entry.reason.replace(/\n/g, ' '))}`]),
				`- At: ${escapeInline(entry.at)}`,
			];
		case 'note':
			return [`### ${number}. Note`, '', `- At: ${escapeInline(entry.at)}`, '', codeBlock(entry.text, 'text')];
		case 'snapshot':
			return [`### ${number}. Topology snapshot saved`, '', `- File: ${inlineCode(entry.path)}`, `- At: ${escapeInline(entry.at)}`];
	}
}

function renderMarkdown(entries: ChangeRecordEntry[], opened: SessionEntry): string {
	const session = entries.find((entry): entry is SessionEntry => entry.type === 'session') ?? opened;
	const counts = new Map<CommandResult, number>();
	for (const entry of entries) {
		if (entry.type === 'command') {
			counts.set(entry.outcome, (counts.get(entry.outcome) ?? 0) + 1);
		}
	}
	const summary = (Object.keys(outcomeWords) as CommandResult[])
		.filter((outcome) => counts.has(outcome))
		.map((outcome) => `${counts.get(outcome)} ${outcome}`)
		.join(', ');
	const resumes = entries.filter((entry) => entry.type === 'resumed').length;

	const lines = [
		`# ${escapeInline(session.title)}`,
		'',
		`- Session: ${inlineCode(session.sessionId)}`,
		`- Environment: ${escapeInline(session.environment)}`,
		...(session.pair ? [`- Pair: ${escapeInline(session.pair.pool)} ↔ ${escapeInline(session.pair.backup)}`] : []),
		`- Started: ${escapeInline(session.at)}`,
		...(resumes > 0 ? [`- Resumed: ${resumes === 1 ? 'once' : `${resumes} times`}`] : []),
		`- Commands: ${summary === '' ? 'none yet' : summary}`,
		'',
		'## What happened',
	];
	let number = 0;
	for (const entry of entries) {
		if (entry.type !== 'session') {
			number += 1;
			lines.push('', ...renderEntry(entry, number));
		}
	}
	if (number === 0) {
		lines.push('', 'Nothing yet.');
	}
	return `${lines.join('\n')}\n`;
}
