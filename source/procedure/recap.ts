import { MANAGEMENT_SHELL } from './plan.js';
import { SERVER_PHASES, type ProcedureState, type ServerTask } from './state.js';

/**
 * Ansible's play recap, per server: what the procedure did there. `changed` counts the phases it ran to success
 * (Bootstrapper, the CU, the service start all change the server); `ok` the phases found done without running
 * anything; `retried` the attempts beyond the first; `interrupted` the phases cut short by a stop.
 */
export interface RecapRow {
	name: string;
	ok: number;
	changed: number;
	failed: number;
	skipped: number;
	retried: number;
	interrupted: number;
}

const COUNTS = ['ok', 'changed', 'failed', 'skipped', 'retried', 'interrupted'] as const;
type Count = (typeof COUNTS)[number];

function emptyRow(name: string): RecapRow {
	return { name, ok: 0, changed: 0, failed: 0, skipped: 0, retried: 0, interrupted: 0 };
}

function countTask(row: RecapRow, task: ServerTask, ended: boolean): void {
	row.retried += Math.max(0, task.attempts - 1);
	switch (task.state) {
		case 'succeeded':
			if (task.attempts === 0) row.ok++;
			else row.changed++;
			return;
		case 'failed':
			row.failed++;
			return;
		case 'skipped':
			row.skipped++;
			return;
		case 'running':
			if (ended) row.interrupted++;
			return;
		case 'pending':
			return;
	}
}

/**
 * The pair's own work first (the publish changes the topology; the sync watch only reads), under the name the
 * plan gives it, then one row per server in the order they were planned.
 */
export function recap(state: ProcedureState): RecapRow[] {
	const shell = emptyRow(MANAGEMENT_SHELL);
	const publish = state.steps.publish.status;
	if (publish === 'done') {
		if (state.publish.method) shell.changed++;
		else shell.ok++;
	} else if (publish === 'failed') shell.failed++;
	else if (publish === 'skipped') shell.skipped++;
	const sync = state.steps.sync.status;
	if (sync === 'done') shell.ok++;
	else if (sync === 'failed') shell.failed++;
	else if (sync === 'skipped') shell.skipped++;
	else if (sync === 'active' && state.outcome) shell.interrupted++;

	const rows = [shell];
	for (const fqdn of state.serverOrder) {
		const server = state.servers[fqdn];
		if (!server) continue;
		const row = emptyRow(fqdn);
		for (const phase of SERVER_PHASES) countTask(row, server.tasks[phase], state.outcome !== undefined);
		rows.push(row);
	}
	return rows;
}

/** `interrupted` only appears when some row has one: a finished run reads exactly like Ansible's recap. */
export function recapColumns(rows: RecapRow[]): Count[] {
	return COUNTS.filter((count) => count !== 'interrupted' || rows.some((row) => row.interrupted > 0));
}

/** The recap as aligned lines: `fe01.contoso.com  : ok=0  changed=3  failed=0  skipped=0  retried=1`. */
export function recapLines(rows: RecapRow[]): string[] {
	const width = Math.max(0, ...rows.map((row) => row.name.length));
	const columns = recapColumns(rows);
	const cellWidth = (count: Count) => Math.max(...rows.map((row) => `${count}=${row[count]}`.length));
	return rows.map((row) =>
		`${row.name.padEnd(width)} : ${columns.map((count) => `${count}=${row[count]}`.padEnd(cellWidth(count))).join('  ')}`.trimEnd(),
	);
}
