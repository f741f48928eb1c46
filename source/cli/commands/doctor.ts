import stringWidth from 'string-width';
import packageJson from '../../../package.json' with { type: 'json' };
import type { Environment } from '../../environments/port.js';
import { readPreflight } from '../../operations/preflight.js';
import { CHECK_TITLES, checksToAct, judgePreflight, tallyChecks, type Check, type CheckStatus } from '../../procedure/preflight.js';
import { writeCapture } from '../../session/capture-file.js';
import type { FrontEndPool, PoolInventory } from '../../sfb/model.js';
import { sanitizeLine, terminalSafeJson } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { table } from '../text-table.js';

export interface DoctorOptions {
	pool?: string;
	backup?: string;
	json: boolean;
	/** Every check in the text, the ok ones too; without it they are counted on one line (--json always has them all). */
	verbose?: boolean;
	/** The capture file, already checked (capture-file.ts checkCapturePath). */
	capture?: string;
}

const STATUS_WORDS: Record<CheckStatus, string> = { ok: 'ok', warning: 'WARNING', blocking: 'BLOCKING' };

/**
 * `sfb-pair doctor`: the read-only pre-flight, for a pair (--pool and --backup) or every Front End pool. Exit 0 when
 * nothing blocks (warnings allowed), 1 when a check blocks. `width`: the terminal's; a table wider than it becomes
 * one paragraph a check.
 */
export async function doctorCommand(environment: Environment, options: DoctorOptions, write: (text: string) => void, width?: number): Promise<number> {
	if (options.capture !== undefined && environment.captureShapes === undefined) {
		throw new UsageError(`--capture records what a real farm's cmdlets return: the ${environment.kind} farm has no cmdlets to capture (use --live)`);
	}
	const inventory = await environment.readInventory();
	const pair = options.pool !== undefined && options.backup !== undefined ? choosePair(inventory, options.pool, options.backup) : undefined;
	const readAt = new Date().toISOString();
	const report = judgePreflight(await readPreflight(environment, inventory, pair));
	const exitCode = report.counts.blocking > 0 ? EXIT.failed : EXIT.done;

	let captured: string | undefined;
	if (options.capture !== undefined && environment.captureShapes) {
		const pools = pair ? [pair.pool, pair.backup] : inventory.pools;
		const shapes = await environment.captureShapes(pools);
		await writeCapture(options.capture, { tool: `sfb-pair ${packageJson.version}`, environment: environment.description, capturedAt: new Date().toISOString(), pools, shapes });
		captured = `${shapes.length} cmdlet outputs' shapes written to ${options.capture} (names and types only, readable by you alone)`;
	}

	if (options.json) {
		write(terminalSafeJson({ environment: environment.kind, readAt, exitCode, ...(pair ? { pool: pair.pool.fqdn, backup: pair.backup.fqdn } : {}), counts: report.counts, checks: report.checks, ...(options.capture ? { capture: options.capture } : {}) }));
		return exitCode;
	}
	// Evidence quotes what the farm said (error messages, names): control characters never reach the terminal.
	const lines = (text: string, indent = '', hanging = '  ') => {
		const clean = sanitizeLine(text);
		for (const line of width === undefined ? [indent + clean] : wrapWords(clean, Math.max(20, width - indent.length), hanging).map((each) => indent + each)) write(line);
	};
	write(environment.description);
	const what = pair ? `${pair.pool.fqdn} ↔ ${pair.backup.fqdn}` : `every Front End pool (${inventory.pools.length})`;
	lines(`Pre-flight of ${what}, read ${readAt.slice(0, 10)} ${readAt.slice(11, 19)} UTC: ${tallyChecks(report.counts)}`);
	write('');
	const toDo = checksToAct(report.checks);
	if (options.verbose) renderChecks(report.checks, write, lines, width);
	else {
		if (toDo.length > 0) renderChecks(toDo, write, lines, width);
		const { ok } = report.counts;
		if (ok > 0) lines(`${toDo.length > 0 ? 'and ' : ''}${ok} check${ok === 1 ? '' : 's'} ok (--verbose lists them)`);
	}

	if (toDo.length > 0) {
		write('');
		write('What to do:');
		for (const check of toDo) {
			lines(`${STATUS_WORDS[check.status]} ${CHECK_TITLES[check.id]}, ${check.subject}: ${check.action}`, '  ', '    ');
		}
	}
	write('');
	lines(
		report.counts.blocking > 0
			? 'Pairing would fail or break a rule: fix the blocking checks, then run sfb-pair doctor again.'
			: report.counts.warning > 0
				? 'Nothing blocks pairing; read the warnings before you go on.'
				: 'Nothing blocks pairing.',
	);
	if (captured) lines(captured);
	return exitCode;
}

/** The checks as a table (state, check, subject, evidence), or a line or two a check where the table is wider than the terminal. */
function renderChecks(checks: Check[], write: (text: string) => void, lines: (text: string, indent?: string, hanging?: string) => void, width: number | undefined): void {
	const wide = table(
		['STATE', 'CHECK', 'SUBJECT', 'EVIDENCE'],
		checks.map((check) => [STATUS_WORDS[check.status], CHECK_TITLES[check.id], check.subject, check.evidence]),
	)
		.split('\n')
		.map((line) => line.trimEnd());
	if (width === undefined || wide.every((line) => stringWidth(line) <= width)) {
		for (const line of wide) write(line);
		return;
	}
	// A check that passed is one line here (its evidence is in --json, or on a wider terminal); one that did not keeps it.
	for (const check of checks) {
		lines(`${STATUS_WORDS[check.status]} · ${CHECK_TITLES[check.id]} · ${check.subject}`);
		if (check.status !== 'ok') lines(check.evidence, '    ', '  ');
	}
}

function choosePair(inventory: PoolInventory, poolName: string, backupName: string): { pool: FrontEndPool; backup: FrontEndPool } {
	const find = (name: string, option: string) => {
		const pool = inventory.pools.find((candidate) => candidate.fqdn.toLowerCase() === name.toLowerCase());
		if (pool) return pool;
		const known = inventory.pools.map((candidate) => candidate.fqdn).join(', ') || 'none';
		throw new UsageError(`${option} ${name} is not a Front End pool of the published topology (its pools: ${known})`);
	};
	const pool = find(poolName, '--pool');
	const backup = find(backupName, '--backup');
	if (pool === backup) throw new UsageError(`--pool and --backup name the same pool, ${pool.fqdn}: a pool cannot back itself up`);
	return { pool, backup };
}
