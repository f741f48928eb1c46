import { BACKUP_SERVICE, EnvironmentError } from '../environments/port.js';
import { bootstrapperCommand, bootstrapperOnServerCommand, failBackCommand, failOverCommand, restartCommand, cumulativeUpdateCommand, pushReplicationCommand, replicationCommand, startServiceCommand, startServiceOnServerCommand } from '../sfb/commands.js';
import type { FrontEndPool } from '../sfb/model.js';
import { iso, type OperationContext } from './context.js';
import { judgeReplication, probe } from './probes.js';
import { readyAfterRestart, restartHeldServer } from './restart-held.js';
import { TaskFailure, type FleetWork } from './server-fleet.js';

type Servers = { fqdn: string; pool: string }[];

const exitWords = (exitCode: number | undefined) => (exitCode === undefined ? 'ended' : `exited with ${exitCode}`);

export function bootstrapperWork(context: OperationContext, servers: Servers, pools: FrontEndPool[]): FleetWork {
	const poolByName = new Map(pools.map((pool) => [pool.fqdn, pool]));
	const poolOf = (server: string) => poolByName.get(servers.find((entry) => entry.fqdn === server)?.pool ?? '') ?? pools[0]!;
	const { restarting } = context.environment;
	return {
		phase: 'bootstrapper',
		...(restarting
			? {
					held: {
						restartedSince: (server, hold) => readyAfterRestart(restarting, server, hold),
						restart: (server, hold, run) => restartHeldServer(context, restarting, server, hold, run),
						handCommands: (server) => [failOverCommand(server), restartCommand(server), failBackCommand(server)],
						// A Standard Edition server is its pool: Invoke-CsComputerFailOver has nowhere to move its users ([unverified] what it does then).
						canRestart: (server) => poolOf(server).servers.length > 1,
					},
				}
			: {}),
		servers,
		commandFor: (server) => bootstrapperCommand(server, poolOf(server)),
		handCommands: (server) => [bootstrapperOnServerCommand(context.environment.bootstrapperFound?.(server))],
		async run(server, { signal, onLine }) {
			const outcome = await context.environment.runBootstrapper(server, { signal, onLine });
			if (outcome.exitCode !== 0 && !outcome.rebootRequired) {
				const last = outcome.tail.findLast((line) => !/exited with/i.test(line));
				throw new TaskFailure(`Bootstrapper exited with ${outcome.exitCode}${last ? `: ${last}` : ''}`, outcome.exitCode);
			}
			if (outcome.rebootRequired) {
				// Read now, on the server's clock, so that whether it restarted since never depends on two clocks agreeing.
				const bootTime = await restarting?.readBootTime(server).catch(() => undefined);
				if (bootTime !== undefined) context.session.dispatch({ type: 'boot-time-at-hold', server, bootTime });
				throw new TaskFailure(
					`Bootstrapper exited with 3010: ${server} must restart before the Backup Service is usable; restart it, then run Bootstrapper there again (the CU and LYNCBACKUP wait for it)`,
					outcome.exitCode,
					true,
				);
			}
			return { exitCode: outcome.exitCode };
		},
		verify: (server) => probe(context.environment, { kind: 'backup-service-installed', server }),
		/**
		 * Bootstrapper installs the roles the server's replica of the topology assigns it: run before the publish has
		 * replicated there, it installs nothing and still exits 0 (sfb-facts.md §8). The replica says which it was.
		 */
		async explain(server, observation, result, startedAt) {
			const missing = `Bootstrapper ${exitWords(result.exitCode)} but ${BACKUP_SERVICE} is not installed on ${server} (${observation.evidence})`;
			const writtenAt = context.session.state.publish.writtenAt;
			const command = replicationCommand(server);
			let replica;
			try {
				replica = await context.environment.readReplication(server);
			} catch (error) {
				if (!(error instanceof EnvironmentError)) throw error;
				return `${missing}; whether its replica of the Central Management store is up to date could not be told (${command}: ${error.message})`;
			}
			const judged = judgeReplication(replica, command, writtenAt === undefined ? undefined : iso(writtenAt));
			if (judged.state !== 'done') {
				return `${missing}: its replica of the Central Management store is not up to date (${judged.evidence}); wait for replication (${pushReplicationCommand(server)} pushes it), then retry`;
			}
			const caughtUp = replica.lastUpdateCreation === undefined ? Number.NaN : Date.parse(replica.lastUpdateCreation);
			if (caughtUp > startedAt) {
				return `${missing}: its replica of the Central Management store was brought up to date only after Bootstrapper started (${judged.evidence}); run Bootstrapper again`;
			}
			return `${missing}, though its replica is up to date (${judged.evidence}): check that the pairing reads back for its pool, and Bootstrapper's log in the running user's %TEMP%`;
		},
	};
}

export const EVENT_4007 = /\b4007\b/;

/**
 * Starts LYNCBACKUP; its probe verifies it once the settle time has passed, since the Event 4007 crash comes late.
 * In the lab a server that crashed with Event 4007 gets the Cumulative Update again first; on a live farm the installer
 * is the operator's to run, so a retry only starts the service again.
 */
export function backupServiceWork(context: OperationContext, servers: Servers): FleetWork {
	const { environment, pacing } = context;
	return {
		phase: 'backup-service',
		servers,
		perPool: Number.MAX_SAFE_INTEGER,
		commandFor: (server) => startServiceCommand(server),
		handCommands: () => [startServiceOnServerCommand()],
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
			onLine(startServiceCommand(server));
			await environment.startService(server, BACKUP_SERVICE);
			await pacing.sleep(pacing.serviceSettleMs, signal);
			return {};
		},
		verify: (server) => probe(context.environment, { kind: 'backup-service-running', server }),
		explain: async (server, observation) => `${BACKUP_SERVICE} is ${observation.value ?? 'not Running'} on ${server} after the start (${observation.evidence})`,
	};
}
