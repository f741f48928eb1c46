import type { Environment } from '../../environments/port.js';
import { assessPools } from '../../sfb/pairing-rules.js';
import { terminalSafeJson } from '../../text/sanitize.js';
import { table } from '../text-table.js';

export async function poolsCommand(environment: Environment, json: boolean, write: (text: string) => void): Promise<number> {
	const inventory = await environment.readInventory();
	const pools = assessPools(inventory).map((entry) => ({
		fqdn: entry.pool.fqdn,
		site: entry.pool.site,
		edition: entry.pool.edition,
		version: entry.pool.version,
		servers: entry.pool.servers,
		pairedWith: entry.pairedWith ?? null,
		deployed: entry.deployed,
		hostsCentralManagementStore: entry.pool.hostsCentralManagementStore,
		platform: entry.pool.platform ?? null,
		operatingSystem: entry.pool.operatingSystem ?? null,
		eligible: entry.eligible,
		reason: entry.reason ?? null,
	}));
	if (json) {
		write(terminalSafeJson({ environment: environment.kind, topologySignature: inventory.topologySignature, pools }));
		return 0;
	}
	write(environment.description);
	const showPlatform = pools.some((pool) => pool.platform !== null || pool.operatingSystem !== null);
	write(
		table(
			['POOL', 'SITE', 'EDITION', 'VERSION', 'SERVERS', ...(showPlatform ? ['PLATFORM'] : []), 'PAIRING'],
			pools.map((pool) => [
				pool.fqdn + (pool.hostsCentralManagementStore ? ' (CMS)' : ''),
				pool.site,
				pool.edition,
				pool.version,
				String(pool.servers.length),
				...(showPlatform ? [[pool.platform, pool.operatingSystem].filter(Boolean).join(', ') || '-'] : []),
				pool.eligible ? 'free to pair' + (pool.deployed ? '' : ', not deployed') : (pool.reason ?? 'not eligible'),
			]),
		),
	);
	return 0;
}
