import {
	CMS_DATABASES_COMMAND,
	installStandbyCommand,
	testCmsDatabaseCommand,
	bootstrapperCommand,
	cumulativeUpdateCommand,
	registrarCommand,
	relationshipCommand,
	startServiceCommand,
	statusCommand,
	syncCommand,
} from '../sfb/commands.js';
import type { BackEnd, FrontEndPool, PoolInventory, VoiceResiliency } from '../sfb/model.js';
import type { Observation } from '../sfb/observation.js';
import { holdsCentralManagementStore } from '../sfb/pairing-rules.js';
import { BACKUP_SERVICE } from '../environments/port.js';
import { isPairedBothWays, type PairPicture, type ServerPicture } from './picture.js';
import { SERVER_PHASES, type ServerPhase } from './state.js';
import { STEPS, type StepId } from './steps.js';

export interface PlannedCommand {
	command: string;
	/** Where it runs: a server FQDN, or the Management Shell for farm-wide cmdlets. */
	target: string;
	/** What the farm says about the work this command does there, when it was probed: done needs no running. */
	observation?: Observation;
	/** This command will not run, with the reason (its server is not deployed). */
	skipped?: string;
}

export interface PlannedStep {
	step: StepId;
	label: string;
	title: string;
	summary: string;
	commands: PlannedCommand[];
	/** Set when this step will not run for this pair, with the reason. */
	skipped?: string;
}

export interface Plan {
	pool: FrontEndPool;
	backup: FrontEndPool;
	voice: VoiceResiliency;
	/** The topology the plan was made against; publishing refuses if it has changed since. */
	topologySignature: string;
	deployed: boolean;
	/** What the publish will change, in words, for the confirmation screen. */
	changes: string[];
	steps: PlannedStep[];
	/** Why the operator sees this plan again, e.g. the topology changed since the last one. */
	notice?: string;
	/**
	 * A pool of the pair hosts the Central Management store: Microsoft documents pairing it only in Topology Builder, which
	 * also defines the standby store on the partner's back end. sfb-pair then writes nothing: it guides and verifies.
	 */
	centralManagementStore?: CentralManagementPlan;
}

export interface CentralManagementPlan {
	host: string;
	partner: string;
	/** Where the standby store goes, as the topology names the partner's back end; absent where it does not. */
	partnerBackEnd?: BackEnd;
	/** A Standard Edition partner keeps the standby in its own SQL Express, which Install-CsDatabase prepares first. */
	partnerIsStandard: boolean;
}

export const MANAGEMENT_SHELL = 'Management Shell';

export function publishCommands(pool: string, backup: string, voice: VoiceResiliency): PlannedCommand[] {
	return [
		{ command: '(Get-CsTopology -AsXml).ToString()  # snapshot saved to the state folder', target: MANAGEMENT_SHELL },
		{ command: registrarCommand(pool, backup, voice), target: MANAGEMENT_SHELL },
		{ command: registrarCommand(backup, pool, voice), target: MANAGEMENT_SHELL },
		{ command: 'Enable-CsTopology', target: MANAGEMENT_SHELL },
		{ command: relationshipCommand(pool), target: MANAGEMENT_SHELL },
		{ command: relationshipCommand(backup), target: MANAGEMENT_SHELL },
	];
}

export const TOPOLOGY_BUILDER = 'Topology Builder (you)';

/** The pair's Central Management store, when a pool of it hosts the store. */
export function centralManagementPlan(inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool): CentralManagementPlan | undefined {
	if (!holdsCentralManagementStore(pool, backup)) return undefined;
	const host = pool.hostsCentralManagementStore ? pool : backup;
	const partner = host === pool ? backup : pool;
	const backEnd = Object.entries(inventory.backEnds ?? {}).find(([fqdn]) => fqdn.toLowerCase() === partner.fqdn.toLowerCase())?.[1];
	return { host: host.fqdn, partner: partner.fqdn, ...(backEnd ? { partnerBackEnd: backEnd } : {}), partnerIsStandard: partner.edition === 'Standard' };
}

/** The Topology Builder path: what the operator does there, then what sfb-pair reads back; the pairing's read-backs come last, as in the cmdlet path. */
function topologyBuilderCommands(pool: string, backup: string, cms: CentralManagementPlan): PlannedCommand[] {
	const standby = cms.partnerBackEnd;
	return [
		{ command: '(Get-CsTopology -AsXml).ToString()  # snapshot saved to the state folder', target: MANAGEMENT_SHELL },
		...(cms.partnerIsStandard ? [{ command: installStandbyCommand(cms.partner), target: MANAGEMENT_SHELL }] : []),
		{ command: `Edit Properties of ${pool}: Resiliency, Associated Backup Pool ${backup}; then Action, Topology, Publish`, target: TOPOLOGY_BUILDER },
		{ command: CMS_DATABASES_COMMAND, target: MANAGEMENT_SHELL },
		...(standby ? [{ command: testCmsDatabaseCommand(standby.sqlServer, standby.instance), target: MANAGEMENT_SHELL }] : []),
		{ command: relationshipCommand(pool), target: MANAGEMENT_SHELL },
		{ command: relationshipCommand(backup), target: MANAGEMENT_SHELL },
	];
}

/** Why a server's steps are skipped while it is not deployed; a later start that finds it deployed runs them. */
export const NOT_DEPLOYED = 'not deployed: deploying it installs what the pairing needs';

/**
 * Per server and phase, what the farm says, counted in order: a phase is done only where the one before it is done
 * there (a CU re-applied before Bootstrapper runs again is undone by it). Before the pair is published, nothing counts.
 */
function serverObservations(picture: PairPicture | undefined): Map<string, { server: ServerPicture; phases: Partial<Record<ServerPhase, Observation>> }> {
	const found = new Map<string, { server: ServerPicture; phases: Partial<Record<ServerPhase, Observation>> }>();
	if (!picture) return found;
	const paired = isPairedBothWays(picture);
	for (const server of picture.servers) {
		const phases: Partial<Record<ServerPhase, Observation>> = {};
		let before = paired;
		for (const phase of SERVER_PHASES) {
			if (!before) break;
			phases[phase] = server[phase];
			before = server[phase].state === 'done';
		}
		found.set(server.fqdn, { server, phases });
	}
	return found;
}

/**
 * The procedure for one pair, step by step, with the exact commands and where they run. Changes nothing. Given the
 * farm's picture, each command says whether its work is already done there, and servers not deployed are left out.
 */
export function buildPlan(inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool, voice: VoiceResiliency, picture?: PairPicture): Plan {
	const seen = serverObservations(picture);
	const deployedServer = (server: string, owner: FrontEndPool) => {
		const observed = seen.get(server)?.server.deployment;
		return observed ? observed.state !== 'not-done' : inventory.deployed[owner.fqdn] !== false;
	};
	const servers = [...pool.servers.map((server) => ({ server, pool })), ...backup.servers.map((server) => ({ server, pool: backup }))];
	const everyServerDeployed = servers.every(({ server, pool: owner }) => deployedServer(server, owner));
	const noServerDeployed = servers.every(({ server, pool: owner }) => !deployedServer(server, owner));
	const notDeployedReason = noServerDeployed
		? 'the pools were never deployed: deploying them completes the pairing'
		: 'a pool is not fully deployed: the sync waits until every server of both pools is';
	const paired = picture !== undefined && isPairedBothWays(picture);
	const step = (id: StepId, summary: string, commands: PlannedCommand[], skipped?: string): PlannedStep => ({
		step: id,
		label: STEPS[id].label,
		title: STEPS[id].title,
		summary,
		commands,
		...(skipped ? { skipped } : {}),
	});
	const perServer = (phase: ServerPhase, command: (server: string, owner: FrontEndPool) => string): PlannedCommand[] =>
		servers.map(({ server, pool: owner }) => {
			const observation = seen.get(server)?.phases[phase];
			return {
				command: command(server, owner),
				target: server,
				...(observation ? { observation } : {}),
				...(deployedServer(server, owner) ? {} : { skipped: NOT_DEPLOYED }),
			};
		});
	const serverStepSkip = noServerDeployed ? notDeployedReason : undefined;
	const voiceText = voice.automaticFailover
		? `automatic failover and failback for Voice on: failover after ${voice.failoverSeconds} s, failback after ${voice.failbackSeconds} s`
		: 'automatic failover and failback for Voice off';
	const cms = centralManagementPlan(inventory, pool, backup);
	const publish = cms ? topologyBuilderCommands(pool.fqdn, backup.fqdn, cms) : publishCommands(pool.fqdn, backup.fqdn, voice);
	const readBacks = publish.length - 2;
	const pairings = picture?.pairing ?? [];
	const syncDirections = [pool, backup].flatMap((member) => {
		const observation = picture?.sync.find((direction) => direction.pool === member.fqdn)?.observation;
		const annotate = observation ? { observation } : {};
		return [
			{ command: syncCommand(member.fqdn), target: MANAGEMENT_SHELL, ...annotate },
			{ command: statusCommand(member.fqdn), target: MANAGEMENT_SHELL, ...annotate },
		];
	});

	return {
		pool,
		backup,
		voice,
		topologySignature: inventory.topologySignature,
		deployed: everyServerDeployed,
		...(cms ? { centralManagementStore: cms } : {}),
		changes: paired
			? [`${pool.fqdn} and ${backup.fqdn} are already paired both ways: nothing is written; the published voice settings are kept`]
			: cms
				? [
						`${pool.fqdn} and ${backup.fqdn} paired in Topology Builder, by you: ${cms.host} holds the Central Management store, and Microsoft documents pairing it only there`,
						voiceText,
						`the standby Central Management store defined on the back end of ${cms.partner}${cms.partnerBackEnd && cms.partnerBackEnd.sqlServer.toLowerCase() !== cms.partner.toLowerCase() ? ` (${cms.partnerBackEnd.sqlServer})` : ''} by the same publish`,
						'sfb-pair writes nothing here: it saves the topology, shows the steps, then checks the pairing both ways and the standby store',
					]
				: [
					`${pool.fqdn}: backup Registrar set to ${backup.fqdn}`,
					`${backup.fqdn}: backup Registrar set to ${pool.fqdn}`,
					voiceText,
					'the topology is enabled (published) for the whole farm',
				],
		steps: [
			step(
				'publish',
				cms
					? 'Snapshot the topology; you pair and publish in Topology Builder; the pairing and the standby store are read back.'
					: 'Snapshot the topology, write the pairing both ways, enable, read it back.',
				pairings.length === 2
					? publish.map((command, index) => (index >= readBacks && index < readBacks + 2 ? { ...command, observation: pairings[index - readBacks]!.observation } : command))
					: publish,
				paired ? 'already paired both ways: nothing to write' : undefined,
			),
			step('bootstrapper', `Bootstrapper on ${servers.length} Front End servers.`, perServer('bootstrapper', bootstrapperCommand), serverStepSkip),
			step('cumulative-update', 'Re-apply the Cumulative Update on every server.', perServer('cumulative-update', cumulativeUpdateCommand), serverStepSkip),
			step(
				'backup-service',
				`Start ${BACKUP_SERVICE} on every server and check it is Running.`,
				perServer('backup-service', (server) => startServiceCommand(server)),
				serverStepSkip,
			),
			step('sync', 'Sync both ways, then poll until both directions are steady.', syncDirections, everyServerDeployed ? undefined : notDeployedReason),
		],
	};
}

/** How many of a step's commands still have work to do: not done on the farm, and not skipped. */
export function remainingCommands(step: PlannedStep): PlannedCommand[] {
	if (step.skipped) return [];
	return step.commands.filter((command) => !command.skipped && command.observation?.state !== 'done');
}
