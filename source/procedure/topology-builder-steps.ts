import { installStandbyCommand } from '../sfb/commands.js';
import type { Plan } from './plan.js';

/**
 * What the operator clicks and fills in Topology Builder to pair the plan's pools (the seed's steps 2–6), with the
 * pools filled in; for a pair that holds the Central Management store, where its standby goes and, for a Standard
 * Edition partner, what to run first. The wizard shows these lines; `run` prints them before it stops.
 */
export function topologyBuilderSteps(plan: Plan): string[] {
	const cms = plan.centralManagementStore;
	const voice = plan.voice.automaticFailover
		? `Tick "Automatic failover and failback for Voice" (${plan.voice.failoverSeconds} s / ${plan.voice.failbackSeconds} s), then OK.`
		: 'Leave "Automatic failover and failback for Voice" unticked, then OK.';
	const standbyOn = cms?.partnerBackEnd ? `${cms.partnerBackEnd.sqlServer}${cms.partnerBackEnd.instance ? `\\${cms.partnerBackEnd.instance}` : ''}` : `the back end of ${cms?.partner}`;
	const steps = [
		...(cms?.partnerIsStandard ? [`First, in the Management Shell: ${installStandbyCommand(cms.partner)}`] : []),
		'Download the topology from the existing deployment.',
		`Right-click ${plan.pool.fqdn}, then Edit Properties.`,
		`Resiliency, Associated Backup Pool: ${plan.backup.fqdn}.`,
		voice,
		cms ? `Action, Topology, Publish; let it create the databases it lists: the standby Central Management store on ${standbyOn}.` : 'Action, Topology, Publish.',
		'Read the publish wizard to its end, warnings too, then come back here.',
	];
	return steps.map((step, index) => `${index + 1}. ${step}`);
}
