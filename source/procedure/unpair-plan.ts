import { bootstrapperCommand, clearPairingSummary, CMS_DATABASES_COMMAND, readServiceCommand, registrarReadCommand, relationshipCommand, removeBackupDataCommand, uninstallStandbyCommand } from '../sfb/commands.js';
import type { BackEnd, FrontEndPool, PoolInventory } from '../sfb/model.js';
import { findPool, unknownPoolMessage } from '../sfb/pairing-rules.js';

/** The way back, in Microsoft's order: the association cleared and published, Bootstrapper, the backup data, the standby store. */
export const UNPAIR_STEP_IDS = ['clear', 'bootstrapper', 'backup-data', 'standby-store'] as const;
export type UnpairStepId = (typeof UNPAIR_STEP_IDS)[number];

export interface UnpairStepDefinition {
	id: UnpairStepId;
	title: string;
	/** What the probe asks the farm to call the step done. */
	doneWhen: string;
	why: string;
	source: string;
}

const TOPOLOGY_BUILDER_SOURCE = 'Microsoft Learn: Deploy paired Front End pools for disaster recovery (the association is set and cleared under Resiliency, Associated Backup Pool)';

export const UNPAIR_STEPS: Record<UnpairStepId, UnpairStepDefinition> = {
	clear: {
		id: 'clear',
		title: 'Clear the backup association and publish',
		doneWhen: 'the read-back of both pools names no backup pool',
		why: 'Until the published topology drops the association, each pool still expects the other to back it up and a failover could still be invoked.',
		source: `${TOPOLOGY_BUILDER_SOURCE}; Get-CsPoolBackupRelationship reference ("backup pools must be assigned using Topology Builder"); Set-CsRegistrar reference`,
	},
	bootstrapper: {
		id: 'bootstrapper',
		title: 'Bootstrapper on every Front End of both pools',
		doneWhen: 'LYNCBACKUP is no longer installed on the server',
		why: 'Servers only learn of a changed role when Bootstrapper runs on them again: without it the Backup Service stays installed and keeps trying to reach a partner it no longer has.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 8 (Bootstrapper "configures other services required for backup pairing"); sfb-facts.md §8',
	},
	'backup-data': {
		id: 'backup-data',
		title: 'Remove the backup user data',
		doneWhen: 'neither pool keeps user data of a pool it is no longer paired with',
		why: 'After the association changes, each pool keeps a copy of the other pool\'s users that is no longer updated; Remove-CsUserStoreBackupData deletes it. It removes only data of pools no longer paired, so it runs after the publish.',
		source: 'Remove-CsUserStoreBackupData reference (Lync Server 2013 and later): "If you later change the association between these two pools, the extra user data is not automatically deleted"',
	},
	'standby-store': {
		id: 'standby-store',
		title: 'Remove the standby Central Management store',
		doneWhen: 'Get-CsService -CentralManagementDatabase no longer lists a store on the former partner\'s back end',
		why: 'A pool that hosts the Central Management store keeps a standby copy on its partner\'s back end only while they are paired; left defined, it would still be replicated to.',
		source: 'Microsoft Learn: Front End pool disaster recovery in Skype for Business Server ("a backup Central Management store database is set up in the backup pool"); sfb-facts.md §8',
	},
};

export type UnpairPath = 'cmdlets' | 'topology-builder';

export interface UnpairPlan {
	pool: FrontEndPool;
	partner: FrontEndPool;
	path: UnpairPath;
	/** Why that path: the Central Management store, or the operator's word that Topology Builder published the pairing. */
	pathReason: string;
	/** The pair's CMS host and where its standby is, when one of the two holds the store. */
	centralManagementStore?: { host: string; partner: string; hostBackEnd?: BackEnd; partnerBackEnd?: BackEnd };
	topologySignature: string;
	servers: { fqdn: string; pool: string }[];
	steps: UnpairStepId[];
}

export class UnpairRefusal extends Error {}

/** The plan for unpairing `poolName`, or why it cannot be: unknown pool, a pool not paired. Pure. */
export function planUnpair(inventory: PoolInventory, poolName: string, options: { topologyBuilder?: boolean } = {}): UnpairPlan {
	const pool = findPool(inventory, poolName);
	if (!pool) throw new UnpairRefusal(unknownPoolMessage(inventory, poolName));
	const partnerName = inventory.pairings[pool.fqdn];
	if (partnerName === undefined) throw new UnpairRefusal(`${pool.fqdn} is not paired: there is nothing to unpair (sfb-pair status --pool ${pool.fqdn} shows its state)`);
	return planForPair(inventory, pool.fqdn, partnerName, options);
}

/**
 * The plan for a known pair, paired or not any more: a resumed unpair finds the association already cleared and still
 * needs the pair's servers and back ends.
 */
export function planForPair(inventory: PoolInventory, poolName: string, partnerName: string, options: { topologyBuilder?: boolean } = {}): UnpairPlan {
	const pool = findPool(inventory, poolName);
	if (!pool) throw new UnpairRefusal(unknownPoolMessage(inventory, poolName));
	const partner = findPool(inventory, partnerName);
	if (!partner) throw new UnpairRefusal(`${pool.fqdn} names ${partnerName} as its backup, which is not a Front End pool of the topology: fix it in Topology Builder`);
	const host = [pool, partner].find((each) => each.hostsCentralManagementStore);
	const other = host === pool ? partner : pool;
	const centralManagementStore = host
		? {
				host: host.fqdn,
				partner: other.fqdn,
				...(inventory.backEnds?.[host.fqdn] ? { hostBackEnd: inventory.backEnds[host.fqdn] } : {}),
				...(inventory.backEnds?.[other.fqdn] ? { partnerBackEnd: inventory.backEnds[other.fqdn] } : {}),
			}
		: undefined;
	const path: UnpairPath = host || options.topologyBuilder ? 'topology-builder' : 'cmdlets';
	const pathReason = host
		? `${host.fqdn} holds the Central Management store: its pairing and standby store are undone in Topology Builder only`
		: options.topologyBuilder
			? 'you said the pairing was published with Topology Builder (--topology-builder): it is undone there'
			: 'the pairing is cleared with cmdlets on both Registrars, as sfb-pair wrote it';
	return {
		pool,
		partner,
		path,
		pathReason,
		...(centralManagementStore ? { centralManagementStore } : {}),
		topologySignature: inventory.topologySignature,
		servers: [pool, partner].flatMap((each) => each.servers.map((fqdn) => ({ fqdn, pool: each.fqdn }))),
		steps: centralManagementStore ? [...UNPAIR_STEP_IDS] : UNPAIR_STEP_IDS.filter((id) => id !== 'standby-store'),
	};
}

const backEndName = (backEnd: BackEnd | undefined, pool: string) => (backEnd ? `${backEnd.sqlServer}${backEnd.instance ? `\\${backEnd.instance}` : ''}` : `the back end of ${pool}`);

/** What the operator clicks in Topology Builder to clear the association, the pools filled in. */
export function unpairTopologyBuilderSteps(plan: UnpairPlan): string[] {
	const cms = plan.centralManagementStore;
	const steps = [
		'Download the topology from the existing deployment.',
		`Right-click ${plan.pool.fqdn}, then Edit Properties.`,
		'Resiliency: clear "Associated Backup Pool" (and "Automatic failover and failback for Voice"), then OK.',
		cms ? `Action, Topology, Publish: the standby Central Management store on ${backEndName(cms.partnerBackEnd, cms.partner)} is no longer defined.` : 'Action, Topology, Publish.',
		'Read the publish wizard to its end, warnings too, then come back here.',
	];
	return steps.map((step, index) => `${index + 1}. ${step}`);
}

/** Every command of the plan, in order, for the screen and the record: what will run, and what will be read to tell it worked. */
export function unpairPlanLines(plan: UnpairPlan): string[] {
	const { pool, partner } = plan;
	const lines: string[] = [`Unpair ${pool.fqdn} and ${partner.fqdn} (${plan.pathReason}).`];
	const add = (step: UnpairStepId, what: string[]) => {
		lines.push(`${plan.steps.indexOf(step) + 1}. ${UNPAIR_STEPS[step].title}`);
		for (const line of what) lines.push(`     ${line}`);
		lines.push(`     done when ${UNPAIR_STEPS[step].doneWhen}`);
	};
	add(
		'clear',
		plan.path === 'cmdlets'
			? [`Get-CsTopology -AsXml saved as a snapshot first`, clearPairingSummary(pool.fqdn, partner.fqdn), `read back: ${registrarReadCommand(pool.fqdn)}; ${relationshipCommand(pool.fqdn)}`]
			: ['in Topology Builder, guided; sfb-pair waits until the read-back shows no backup pool', `Get-CsTopology -AsXml saved as a snapshot first`],
	);
	add('bootstrapper', [
		...[pool, partner].map((each) => `on ${each.servers.join(', ')}: ${bootstrapperCommand('<server>', each)}`),
		`read: ${readServiceCommand('<server>')}`,
	]);
	add('backup-data', [removeBackupDataCommand(pool.fqdn), removeBackupDataCommand(partner.fqdn)]);
	if (plan.centralManagementStore) {
		const cms = plan.centralManagementStore;
		add('standby-store', [
			`read: ${CMS_DATABASES_COMMAND}`,
			`then, by hand, the database left on the SQL Server: ${uninstallStandbyCommand(cms.partnerBackEnd?.sqlServer ?? `<back end of ${cms.partner}>`, cms.partnerBackEnd?.instance)}`,
		]);
	}
	return lines;
}
