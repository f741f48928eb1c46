import type { Environment, PoolDrill } from '../environments/port.js';
import type { FailoverPicture, PoolPlacement, StorePlacement } from '../procedure/readiness.js';
import { poolUsersCommand, STORE_STATUS_COMMAND } from '../sfb/commands.js';
import { judgePlacement, type Placement } from '../sfb/drill.js';
import type { PoolInventory } from '../sfb/model.js';
import { describeObservation } from '../sfb/observation.js';
import { unknownFrom } from './probes.js';
import { publishedPairs } from './reconcile.js';

/**
 * Where the farm runs what the topology places: the active Central Management store and each paired pool's users. A
 * drill, or a disaster, moves them until the failback; the topology does not say so, the farm does. Read-only.
 */

/** Where `pool`'s users sign in now, home or on `backup`, with how many were read (undefined: the read failed). */
export async function readPlacement(drill: PoolDrill, pool: string, backup: string): Promise<{ placement: Placement; evidence: string; usersRead: number | undefined }> {
	try {
		const read = await drill.readPoolUsers(pool);
		return { ...judgePlacement(read, backup), usersRead: read.users.length };
	} catch (error) {
		return { placement: 'unknown', evidence: describeObservation(unknownFrom(error, poolUsersCommand(pool))), usersRead: undefined };
	}
}

/** The pool whose back end holds the active Central Management store now; undefined when the farm did not say. */
export async function readStorePool(drill: PoolDrill): Promise<StorePlacement> {
	try {
		const pool = await drill.readManagementStorePool();
		return { pool, evidence: pool === undefined ? `${STORE_STATUS_COMMAND}: the active Central Management store could not be told` : `the active Central Management store is on ${pool}` };
	} catch (error) {
		return { pool: undefined, evidence: describeObservation(unknownFrom(error, STORE_STATUS_COMMAND)) };
	}
}

/**
 * Each pool of a published pair (its users, where any are homed) and, where the pool that hosts the store is paired, the
 * store: an unpaired store has no standby to move to. Undefined where the environment has no such reads.
 */
export async function observeFailovers(environment: Environment, inventory: PoolInventory): Promise<FailoverPicture | undefined> {
	const drill = environment.drill;
	if (!drill) return undefined;
	const pairs = publishedPairs(inventory);
	const host = inventory.pools.find((pool) => pool.hostsCentralManagementStore);
	const storePaired = host !== undefined && pairs.some(({ pool, backup }) => pool === host || backup === host);
	const directions = pairs.flatMap(({ pool, backup }): [string, string][] => [
		[pool.fqdn, backup.fqdn],
		[backup.fqdn, pool.fqdn],
	]);
	return observe(drill, directions, storePaired);
}

/**
 * One pair, both ways, and the store where one of the two hosts it: read whether or not the topology still pairs them
 * (an unpair resumed after its clear). Undefined where the environment has no such reads.
 */
export async function observePair(environment: Environment, pool: string, partner: string, storeOnPair: boolean): Promise<FailoverPicture | undefined> {
	const drill = environment.drill;
	if (!drill) return undefined;
	const directions: [string, string][] = [
		[pool, partner],
		[partner, pool],
	];
	return observe(drill, directions, storeOnPair);
}

async function observe(drill: PoolDrill, directions: [string, string][], readStore: boolean): Promise<FailoverPicture> {
	const [store, placements] = await Promise.all([
		readStore ? readStorePool(drill) : undefined,
		Promise.all(directions.map(async ([pool, backup]) => ({ pool, backup, ...(await readPlacement(drill, pool, backup)) }))),
	]);
	// A pool with no users homed has nobody to fail over: it tells nothing either way.
	const pools = placements.filter((each) => each.usersRead !== 0).map(({ pool, backup, placement, evidence }): PoolPlacement => ({ pool, backup, placement, evidence }));
	return { ...(store ? { store } : {}), pools };
}
