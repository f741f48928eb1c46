import { poolFailbackCommand, poolUsersCommand, STORE_STATUS_COMMAND } from '../sfb/commands.js';
import { storeFailoverCommand } from '../sfb/drill.js';
import type { FailoverPicture } from './readiness.js';
import type { UnpairPlan } from './unpair-plan.js';

/**
 * What an unpair must not cut from under the users: a pool of the pair failed over (its users sign in to the other
 * pool, served from the backup data the unpair deletes), or the Central Management store running on the standby the
 * unpair removes. Each reason names the way back; one that could not be told holds the unpair too. Pure.
 */
export function unpairHolds(plan: UnpairPlan, picture: FailoverPicture | undefined): string[] {
	if (!picture) return [`this environment cannot read where the users sign in (${poolUsersCommand(plan.pool.fqdn)}), so whether a pool of the pair is failed over could not be told`];
	const holds = picture.pools.flatMap(({ pool, backup, placement, evidence }) => {
		const failBack = `fail ${pool} back first: sfb-pair drill --pool ${pool} (continues a drill) or ${poolFailbackCommand(pool)}`;
		switch (placement) {
			case 'home':
				return [];
			case 'backup':
				return [`${pool} is failed over: its users sign in to ${backup} (${evidence}); ${failBack}`];
			case 'mixed':
				return [`${pool} is partly failed over: some of its users sign in to ${backup} (${evidence}); ${failBack}`];
			case 'unknown':
				return [`where the users of ${pool} sign in could not be told (${evidence}): check it (${poolUsersCommand(pool)}), then run the unpair again`];
		}
	});
	const cms = plan.centralManagementStore;
	const store = picture.store;
	if (cms && store?.pool === undefined) {
		holds.push(`where the Central Management store is active could not be told (${store?.evidence ?? 'it was not read'}): check it (${STORE_STATUS_COMMAND}), then run the unpair again`);
	} else if (cms && store?.pool !== undefined && store.pool.toLowerCase() !== cms.host.toLowerCase()) {
		const back = cms.hostBackEnd ? storeFailoverCommand(cms.hostBackEnd) : `Invoke-CsManagementServerFailover (the topology names no back end of ${cms.host})`;
		holds.push(
			`the Central Management store is active on ${store.pool}, not on ${cms.host} where the topology puts it (${store.evidence}): the unpair removes the standby store, which is the active one now; fail it back first: sfb-pair drill --pool ${cms.host} (continues a drill) or ${back}`,
		);
	}
	return holds;
}

export const UNPAIR_HELD = 'Not unpaired; this run changed nothing';

/** One line for a screen or the record: the unpair refused, and each reason. */
export function unpairHoldMessage(holds: string[]): string {
	return `${UNPAIR_HELD}: ${holds.join('; ')}`;
}
