import { EnvironmentError, type Environment } from '../environments/port.js';
import type { PoolReadings, PreflightReadings, Reading, ServerReadings } from '../procedure/preflight.js';
import type { FrontEndPool, PoolInventory } from '../sfb/model.js';
import { PREFLIGHT_ACCOUNT } from '../procedure/state.js';
import { probe } from './probes.js';
import { hostOfShare } from '../sfb/file-store.js';

export { hostOfShare };

/**
 * Reads everything `sfb-pair doctor` judges, changing nothing: the account, then every Front End of the pools
 * (through its one remote session), each pool's fabric and each server's replica, side by side. A read that fails
 * is kept as its error: one server that cannot be reached never hides the others.
 */
export async function readPreflight(
	environment: Environment,
	inventory: PoolInventory,
	pair?: { pool: FrontEndPool; backup: FrontEndPool },
	/** Told as each read comes back: PREFLIGHT_ACCOUNT, or a Front End by its name; `answered` false when it failed. */
	onRead: (subject: string, answered: boolean) => void = () => undefined,
): Promise<PreflightReadings> {
	const checked: { pool: FrontEndPool; partner?: FrontEndPool }[] = pair
		? [
				{ pool: pair.pool, partner: pair.backup },
				{ pool: pair.backup, partner: pair.pool },
			]
		: inventory.pools.map((pool) => {
				const partner = inventory.pools.find((candidate) => candidate.fqdn === inventory.pairings[pool.fqdn]);
				return partner ? { pool, partner } : { pool };
			});
	const [account, pools] = await Promise.all([
		reading(() => environment.readAccount()).then((read) => {
			onRead(PREFLIGHT_ACCOUNT, read.ok);
			return read;
		}),
		Promise.all(checked.map(({ pool, partner }) => readPool(environment, pool, partner, onRead))),
	]);

	let setupPermission: PreflightReadings['setupPermission'];
	if (account.ok && !account.value.domainAdmins) {
		const named = pools.flatMap((entry) => entry.servers).find((entry) => entry.facts.ok && entry.facts.value.distinguishedName !== undefined);
		const ou = named?.facts.ok && named.facts.value.distinguishedName ? parentOf(named.facts.value.distinguishedName) : undefined;
		setupPermission = ou
			? { ou, granted: await reading(() => environment.readSetupPermission(ou)) }
			: { ou: null, reason: 'no Front End told the place of its computer account in Active Directory' };
	}

	const pairs: [string, string][] = pair
		? [[pair.pool.fqdn, pair.backup.fqdn]]
		: inventory.pools.flatMap((pool) => {
				const partner = inventory.pairings[pool.fqdn];
				return partner !== undefined && pool.fqdn.toLowerCase() < partner.toLowerCase() ? [[pool.fqdn, partner] as [string, string]] : [];
			});
	return { account, ...(setupPermission ? { setupPermission } : {}), pools, pairs };
}

async function readPool(environment: Environment, pool: FrontEndPool, partner: FrontEndPool | undefined, onRead: (subject: string, answered: boolean) => void): Promise<PoolReadings> {
	const partnerHost = partner?.fileStore === undefined ? undefined : hostOfShare(partner.fileStore);
	if (pool.version === 'Lync Server 2010') {
		return { pool, ...(partner ? { partner } : {}), fabric: { ok: false, kind: 'failed', message: 'not read: Lync Server 2010' }, servers: [] };
	}
	const [fabric, servers] = await Promise.all([
		reading(() => environment.readPoolFabric(pool.fqdn)),
		Promise.all(
			pool.servers.map(async (server): Promise<ServerReadings> => {
				const [facts, replication] = await Promise.all([
					reading(() =>
						environment.probeServer(server, {
							...(pool.fileStore === undefined ? {} : { ownFileStore: pool.fileStore }),
							...(partnerHost === undefined ? {} : { partnerFileStoreHost: partnerHost }),
						}),
					),
					probe(environment, { kind: 'replication', server }),
				]);
				// A server that could not be reached is not asked again for its versions: the answer would be the same.
				const versions = facts.ok ? await reading(() => environment.readComponentVersions(server)) : facts;
				const readInstaller = environment.readInstallerAccess;
				const installer = facts.ok && readInstaller ? await reading(() => readInstaller(server)) : undefined;
				onRead(server, facts.ok && versions.ok && replication.state !== 'unknown' && (installer === undefined || installer.ok));
				return { server, facts, versions, replication, ...(installer ? { installer } : {}) };
			}),
		),
	]);
	return { pool, ...(partner ? { partner } : {}), fabric, servers };
}

async function reading<T>(read: () => Promise<T>): Promise<Reading<T>> {
	try {
		return { ok: true, value: await read() };
	} catch (error) {
		if (!(error instanceof EnvironmentError)) throw error;
		return { ok: false, kind: error.kind, message: error.message };
	}
}


/** The container of a distinguished name: the name without its first part (a `\,` inside a part is not a separator). */
export function parentOf(distinguishedName: string): string | undefined {
	const match = /^(?:\\.|[^,\\])*,(.+)$/.exec(distinguishedName.trim());
	return match?.[1]?.trim() || undefined;
}
