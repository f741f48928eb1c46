import stringWidth from 'string-width';
import type { Environment } from '../../environments/port.js';
import { observePair } from '../../operations/reconcile.js';
import { assessPicture, type PairAssessment } from '../../procedure/picture.js';
import type { PoolInventory } from '../../sfb/model.js';
import { assessPools, findPool } from '../../sfb/pairing-rules.js';
import { sanitizeLine, terminalSafeJson } from '../../text/sanitize.js';
import { wrapWords } from '../../text/wrap.js';
import { table } from '../text-table.js';

type PairState = 'unpaired' | PairAssessment['state'];

/** Every published pair, probed as the procedure would at its start: complete, or what is left. */
async function pairAssessments(environment: Environment, inventory: PoolInventory): Promise<Map<string, PairAssessment>> {
	const assessments = new Map<string, PairAssessment>();
	const pending: Promise<void>[] = [];
	for (const [name, partnerName] of Object.entries(inventory.pairings)) {
		const pool = findPool(inventory, name);
		const backup = findPool(inventory, partnerName);
		if (!pool || !backup || assessments.has(pool.fqdn)) continue;
		const placeholder: PairAssessment = { state: 'unknown', remaining: [], unknown: [], failed: [] };
		assessments.set(pool.fqdn, placeholder);
		assessments.set(backup.fqdn, placeholder);
		pending.push(
			observePair(environment, pool, backup).then((picture) => {
				const assessment = assessPicture(picture);
				assessments.set(pool.fqdn, assessment);
				assessments.set(backup.fqdn, assessment);
			}),
		);
	}
	await Promise.all(pending);
	return assessments;
}

const PAIRING_WORDS: Record<PairState, string> = {
	unpaired: '',
	complete: '',
	unfinished: ', unfinished',
	unknown: ', state unknown',
	failed: ', something failed',
};

const deployment = (deployed: boolean | null) => (deployed === false ? ', not deployed' : deployed === null ? ', deployment unknown' : '');

/** `width`: the terminal's, when printing to one; a table wider than that becomes one paragraph a pool. */
export async function poolsCommand(environment: Environment, json: boolean, write: (text: string) => void, width?: number): Promise<number> {
	const inventory = await environment.readInventory();
	const assessments = await pairAssessments(environment, inventory);
	const pools = assessPools(inventory).map((entry) => {
		const assessment = assessments.get(entry.pool.fqdn);
		const pairState: PairState = entry.pairedWith === undefined ? 'unpaired' : (assessment?.state ?? 'unknown');
		return {
			fqdn: entry.pool.fqdn,
			site: entry.pool.site,
			edition: entry.pool.edition,
			version: entry.pool.version,
			servers: entry.pool.servers,
			pairedWith: entry.pairedWith ?? null,
			pairState,
			remaining: assessment ? [...assessment.failed, ...assessment.unknown, ...assessment.remaining] : [],
			deployed: entry.deployed,
			hostsCentralManagementStore: entry.pool.hostsCentralManagementStore,
			platform: entry.pool.platform ?? null,
			operatingSystem: entry.pool.operatingSystem ?? null,
			eligible: entry.eligible,
			reason: entry.reason ?? null,
		};
	});
	if (json) {
		write(terminalSafeJson({ environment: environment.kind, topologySignature: inventory.topologySignature, pools }));
		return 0;
	}
	write(environment.description);
	const showPlatform = pools.some((pool) => pool.platform !== null || pool.operatingSystem !== null);
	const rows = pools.map((pool) => ({
		name: pool.fqdn + (pool.hostsCentralManagementStore ? ' (CMS)' : ''),
		details: [pool.site, pool.edition, pool.version, String(pool.servers.length), ...(showPlatform ? [[pool.platform, pool.operatingSystem].filter(Boolean).join(', ') || '-'] : [])],
		pairing: pool.eligible
			? `free to pair${deployment(pool.deployed)}`
			: pool.pairedWith !== null
				? `paired with ${pool.pairedWith}${PAIRING_WORDS[pool.pairState]}`
				: (pool.reason ?? 'not eligible'),
	}));
	const wide = table(
		['POOL', 'SITE', 'EDITION', 'VERSION', 'SERVERS', ...(showPlatform ? ['PLATFORM'] : []), 'PAIRING'],
		rows.map((row) => [row.name, ...row.details, row.pairing]),
	);
	if (width === undefined || wide.split('\n').every((line) => stringWidth(line) <= width)) {
		write(wide);
	} else {
		// Too wide for the terminal: one pool to a paragraph, broken between words.
		for (const row of rows) {
			const [site, edition, version, servers, platform] = row.details.map(sanitizeLine);
			write('');
			write(sanitizeLine(row.name));
			const facts = `${site} · ${edition} · ${version} · ${servers} server${servers === '1' ? '' : 's'}${platform ? ` · ${platform}` : ''}`;
			for (const line of [...wrapWords(facts, width - 2, ''), ...wrapWords(sanitizeLine(row.pairing), width - 2, '')]) write(`  ${line}`);
		}
	}
	const told = new Set<string>();
	const unfinished = pools.filter((pool) => {
		if (pool.pairedWith === null || pool.pairState === 'complete' || told.has(pool.fqdn)) return false;
		told.add(pool.pairedWith);
		return true;
	});
	for (const pool of unfinished) {
		write('');
		write(sanitizeLine(`${pool.fqdn} ↔ ${pool.pairedWith}: ${pool.remaining.length} to finish (sfb-pair run --pool ${pool.fqdn} --backup ${pool.pairedWith} --yes, or the wizard):`));
		for (const line of pool.remaining) write(`  - ${sanitizeLine(line)}`);
	}
	return 0;
}
