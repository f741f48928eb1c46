import type { Environment } from '../../environments/port.js';
import { assessPools } from '../../sfb/pairing-rules.js';
import stringWidth from 'string-width';
import { sanitizeLine, terminalSafeJson } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { table } from '../text-table.js';

/** `width`: the terminal's, when printing to one; a table wider than that becomes one paragraph a pool. */
export async function poolsCommand(environment: Environment, json: boolean, write: (text: string) => void, width?: number): Promise<number> {
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
	const rows = pools.map((pool) => ({
		name: pool.fqdn + (pool.hostsCentralManagementStore ? ' (CMS)' : ''),
		details: [pool.site, pool.edition, pool.version, String(pool.servers.length), ...(showPlatform ? [[pool.platform, pool.operatingSystem].filter(Boolean).join(', ') || '-'] : [])],
		pairing: pool.eligible ? 'free to pair' + (pool.deployed ? '' : ', not deployed') : (pool.reason ?? 'not eligible'),
	}));
	const wide = table(
		['POOL', 'SITE', 'EDITION', 'VERSION', 'SERVERS', ...(showPlatform ? ['PLATFORM'] : []), 'PAIRING'],
		rows.map((row) => [row.name, ...row.details, row.pairing]),
	);
	if (width === undefined || wide.split('\n').every((line) => stringWidth(line) <= width)) {
		write(wide);
		return 0;
	}
	// Too wide for the terminal: one pool to a paragraph, broken between words.
	for (const row of rows) {
		const [site, edition, version, servers, platform] = row.details.map(sanitizeLine);
		write('');
		write(sanitizeLine(row.name));
		const facts = `${site} · ${edition} · ${version} · ${servers} server${servers === '1' ? '' : 's'}${platform ? ` · ${platform}` : ''}`;
		for (const line of [...wrapWords(facts, width - 2, ''), ...wrapWords(sanitizeLine(row.pairing), width - 2, '')]) write(`  ${line}`);
	}
	return 0;
}
