import { BACKUP_SERVICE, EnvironmentError, type Environment } from '../../environments/port.js';
import { judgeDirection, type DirectionVerdict } from '../../sfb/backup-status.js';
import { findPool, unknownPoolMessage } from '../../sfb/pairing-rules.js';
import { sanitizeLine, terminalSafeJson } from '../../text/sanitize.js';
import { UsageError } from '../exit-codes.js';
import { table } from '../text-table.js';

interface DirectionReport {
	from: string;
	to: string;
	verdict: DirectionVerdict | null;
	error: string | null;
	modules: { identity: string; exportStatus: string; importStatus: string }[];
}

export async function statusCommand(environment: Environment, poolName: string, json: boolean, write: (text: string) => void): Promise<number> {
	const inventory = await environment.readInventory();
	const pool = findPool(inventory, poolName);
	if (!pool) throw new UsageError(unknownPoolMessage(inventory, poolName));
	const partnerName = await environment.readPairing(pool.fqdn);
	const partner = partnerName ? findPool(inventory, partnerName) : undefined;
	const pools = partner ? [pool, partner] : [pool];

	const directions: DirectionReport[] = partner
		? await Promise.all(
				pools.map(async (from) => {
					const to = from === pool ? partner : pool;
					try {
						const status = await environment.readBackupStatus(from.fqdn);
						return { from: from.fqdn, to: to.fqdn, verdict: judgeDirection(status, from.hostsCentralManagementStore), error: null, modules: status.modules };
					} catch (error) {
						if (!(error instanceof EnvironmentError)) throw error;
						return { from: from.fqdn, to: to.fqdn, verdict: null, error: error.message, modules: [] };
					}
				}),
			)
		: [];
	const services = await Promise.all(
		pools.flatMap((owner) =>
			owner.servers.map(async (server) => {
				try {
					const status = await environment.readService(server, BACKUP_SERVICE);
					return { server, pool: owner.fqdn, state: status.state, detail: status.detail ?? null };
				} catch (error) {
					if (!(error instanceof EnvironmentError)) throw error;
					return { server, pool: owner.fqdn, state: 'Unknown', detail: error.message };
				}
			}),
		),
	);

	if (json) {
		write(terminalSafeJson({ pool: pool.fqdn, pairedWith: partner?.fqdn ?? null, directions, services }));
		return 0;
	}
	write(environment.description);
	write(partner ? `${pool.fqdn} is paired with ${partner.fqdn}` : `${pool.fqdn} is not paired`);
	for (const direction of directions) {
		write('');
		const verdict = direction.verdict
			? direction.verdict.state === 'steady'
				? 'steady state'
				: `${direction.verdict.state}: ${direction.verdict.reason}`
			: `unknown: ${direction.error ?? ''}`;
		write(`${direction.from} → ${direction.to}: ${sanitizeLine(verdict)}`);
		if (direction.modules.length > 0) {
			write(table(['MODULE', 'EXPORT', 'IMPORT'], direction.modules.map((module) => [module.identity, module.exportStatus, module.importStatus])));
		}
	}
	write('');
	write(
		table(
			['SERVER', 'POOL', BACKUP_SERVICE],
			services.map((service) => [service.server, service.pool, service.detail ? `${service.state}: ${service.detail}` : service.state]),
		),
	);
	return 0;
}
