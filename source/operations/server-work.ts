import { BACKUP_SERVICE } from '../environments/port.js';
import { bootstrapperCommand, cumulativeUpdateCommand, startServiceCommand } from '../procedure/plan.js';
import type { FrontEndPool } from '../sfb/model.js';
import { iso, type OperationContext } from './context.js';
import { TaskFailure, type FleetWork } from './server-fleet.js';

type Servers = { fqdn: string; pool: string }[];

export function bootstrapperWork(context: OperationContext, servers: Servers, pools: FrontEndPool[]): FleetWork {
	const poolByName = new Map(pools.map((pool) => [pool.fqdn, pool]));
	const poolOf = (server: string) => poolByName.get(servers.find((entry) => entry.fqdn === server)?.pool ?? '') ?? pools[0]!;
	return {
		phase: 'bootstrapper',
		servers,
		commandFor: (server) => bootstrapperCommand(server, poolOf(server)),
		async run(server, { signal, onLine }) {
			const outcome = await context.environment.runBootstrapper(server, { signal, onLine });
			if (outcome.exitCode !== 0 && !outcome.rebootRequired) {
				const last = outcome.tail.findLast((line) => !/exited with/i.test(line));
				throw new TaskFailure(`Bootstrapper exited with ${outcome.exitCode}${last ? `: ${last}` : ''}`, outcome.exitCode);
			}
			if (outcome.rebootRequired) onLine('Exit code 3010: restart this server when convenient, then run Bootstrapper once more.');
			return { exitCode: outcome.exitCode, rebootRequired: outcome.rebootRequired };
		},
	};
}

export function cumulativeUpdateWork(context: OperationContext, servers: Servers): FleetWork {
	return {
		phase: 'cumulative-update',
		servers,
		commandFor: cumulativeUpdateCommand,
		async run(server, { signal, onLine }) {
			const outcome = await context.environment.reapplyCumulativeUpdate(server, { signal, onLine });
			if (outcome.exitCode !== 0 && !outcome.rebootRequired) {
				throw new TaskFailure(`the update installer exited with ${outcome.exitCode}`, outcome.exitCode);
			}
			return { exitCode: outcome.exitCode, rebootRequired: outcome.rebootRequired };
		},
	};
}

export const EVENT_4007 = /\b4007\b/;

/**
 * Starts LYNCBACKUP, then checks it is still Running once the settle time has passed (the Event 4007 crash comes late).
 * In the lab a server that crashed with Event 4007 gets the Cumulative Update again first; on a live farm the installer
 * is the operator's to run, so a retry only starts the service again.
 */
export function backupServiceWork(context: OperationContext, servers: Servers): FleetWork {
	const { environment, pacing } = context;
	return {
		phase: 'backup-service',
		servers,
		perPool: Number.MAX_SAFE_INTEGER,
		commandFor: startServiceCommand,
		async run(server, { signal, onLine }) {
			const before = await environment.readService(server, BACKUP_SERVICE);
			if (environment.kind === 'lab' && before.state !== 'Running' && EVENT_4007.test(before.detail ?? '')) {
				onLine('LYNCBACKUP crashed with Event 4007: re-applying the Cumulative Update first.');
				const startedAt = Date.now();
				context.session.dispatch({ type: 'task-started', phase: 'cumulative-update', server });
				const update = await environment.reapplyCumulativeUpdate(server, { signal, onLine });
				const succeeded = update.exitCode === 0 || update.rebootRequired;
				context.recorder?.command({
					command: cumulativeUpdateCommand(server),
					target: server,
					phase: 'cumulative-update',
					startedAt: iso(startedAt),
					endedAt: iso(Date.now()),
					outcome: succeeded ? 'succeeded' : 'failed',
					exitCode: update.exitCode,
					tail: update.tail.slice(-10),
				});
				if (!succeeded) {
					const message = `the update installer exited with ${update.exitCode}`;
					context.session.dispatch({ type: 'task-failed', phase: 'cumulative-update', server, message, exitCode: update.exitCode });
					throw new TaskFailure(message, update.exitCode);
				}
				context.session.dispatch({ type: 'task-succeeded', phase: 'cumulative-update', server, exitCode: update.exitCode });
			}
			onLine(`Start-CsWindowsService -Name ${BACKUP_SERVICE}`);
			await environment.startService(server, BACKUP_SERVICE);
			await pacing.sleep(pacing.serviceSettleMs, signal);
			const status = await environment.readService(server, BACKUP_SERVICE);
			onLine(`${BACKUP_SERVICE} is ${status.state}`);
			if (status.state !== 'Running') {
				const detail = status.detail ? `: ${status.detail}` : '';
				throw new TaskFailure(`${BACKUP_SERVICE} is ${status.state}${detail}`);
			}
			return {};
		},
	};
}
