import { bootstrapperPathForDisplay } from '../sfb/bootstrapper.js';
import type { FrontEndPool, PoolInventory, VoiceResiliency } from '../sfb/model.js';
import { formatTimeSpan } from '../sfb/voice-resiliency.js';
import { powershellLiteral as q } from '../environments/powershell/literal.js';
import { BACKUP_SERVICE } from '../environments/port.js';
import { STEPS, type StepId } from './steps.js';

export interface PlannedCommand {
	command: string;
	/** Where it runs: a server FQDN, or the Management Shell for farm-wide cmdlets. */
	target: string;
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
}

export const MANAGEMENT_SHELL = 'Management Shell';

export function registrarCommand(pool: string, backup: string, voice: VoiceResiliency): string {
	const intervals = voice.automaticFailover
		? ` -FailureDetectionInterval ${formatTimeSpan(voice.failoverSeconds)} -FailbackDetectionInterval ${formatTimeSpan(voice.failbackSeconds)}`
		: '';
	return `Set-CsRegistrar -Identity ${q(`Registrar:${pool}`)} -BackupRegistrar ${q(`Registrar:${backup}`)} -EnableAutomaticFailover $${voice.automaticFailover}${intervals}`;
}

export function publishCommands(pool: string, backup: string, voice: VoiceResiliency): PlannedCommand[] {
	return [
		{ command: '(Get-CsTopology -AsXml).ToString()  # snapshot saved to the state folder', target: MANAGEMENT_SHELL },
		{ command: registrarCommand(pool, backup, voice), target: MANAGEMENT_SHELL },
		{ command: registrarCommand(backup, pool, voice), target: MANAGEMENT_SHELL },
		{ command: 'Enable-CsTopology', target: MANAGEMENT_SHELL },
		{ command: `Get-CsPoolBackupRelationship -PoolFqdn ${q(pool)}`, target: MANAGEMENT_SHELL },
		{ command: `Get-CsPoolBackupRelationship -PoolFqdn ${q(backup)}`, target: MANAGEMENT_SHELL },
	];
}

export function bootstrapperCommand(server: string, pool: FrontEndPool): string {
	return `Invoke-Command -ComputerName ${q(server)} { & ${q(bootstrapperPathForDisplay(pool.version))} }`;
}

export function cumulativeUpdateCommand(server: string): string {
	return `Invoke-Command -ComputerName ${q(server)} { & 'SkypeServerUpdateInstaller.exe' /silentmode }`;
}

export function startServiceCommand(server: string): string {
	return `Start-CsWindowsService -Name ${BACKUP_SERVICE} -ComputerName ${q(server)}`;
}

export function readServiceCommand(server: string): string {
	return `Get-CsWindowsService -Name ${BACKUP_SERVICE} -ComputerName ${q(server)}`;
}

export function syncCommand(pool: string): string {
	return `Invoke-CsBackupServiceSync -PoolFqdn ${q(pool)}`;
}

export function statusCommand(pool: string): string {
	return `Get-CsBackupServiceStatus -PoolFqdn ${q(pool)}`;
}

/** The procedure for one pair, step by step, with the exact commands and where they run. Changes nothing. */
export function buildPlan(inventory: PoolInventory, pool: FrontEndPool, backup: FrontEndPool, voice: VoiceResiliency): Plan {
	const deployed = Boolean(inventory.deployed[pool.fqdn]) && Boolean(inventory.deployed[backup.fqdn]);
	const notDeployedReason = 'the pools were never deployed: deploying them completes the pairing';
	const servers = [...pool.servers.map((server) => ({ server, pool })), ...backup.servers.map((server) => ({ server, pool: backup }))];
	const step = (id: StepId, summary: string, commands: PlannedCommand[], skipped?: string): PlannedStep => ({
		step: id,
		label: STEPS[id].label,
		title: STEPS[id].title,
		summary,
		commands,
		...(skipped ? { skipped } : {}),
	});
	const voiceText = voice.automaticFailover
		? `automatic failover and failback for Voice on: failover after ${voice.failoverSeconds} s, failback after ${voice.failbackSeconds} s`
		: 'automatic failover and failback for Voice off';

	return {
		pool,
		backup,
		voice,
		topologySignature: inventory.topologySignature,
		deployed,
		changes: [
			`${pool.fqdn}: backup Registrar set to ${backup.fqdn}`,
			`${backup.fqdn}: backup Registrar set to ${pool.fqdn}`,
			voiceText,
			'the topology is enabled (published) for the whole farm',
		],
		steps: [
			step('publish', 'Snapshot the topology, write the pairing both ways, enable, read it back.', publishCommands(pool.fqdn, backup.fqdn, voice)),
			step(
				'bootstrapper',
				`Bootstrapper on ${servers.length} Front End servers.`,
				servers.map(({ server, pool: owner }) => ({ command: bootstrapperCommand(server, owner), target: server })),
				deployed ? undefined : notDeployedReason,
			),
			step(
				'cumulative-update',
				'Re-apply the Cumulative Update on every server.',
				servers.map(({ server }) => ({ command: cumulativeUpdateCommand(server), target: server })),
				deployed ? undefined : notDeployedReason,
			),
			step(
				'backup-service',
				`Start ${BACKUP_SERVICE} on every server and check it is Running.`,
				servers.map(({ server }) => ({ command: startServiceCommand(server), target: server })),
				deployed ? undefined : notDeployedReason,
			),
			step(
				'sync',
				'Sync both ways, then poll until both directions are steady.',
				[pool.fqdn, backup.fqdn].flatMap((fqdn) => [
					{ command: syncCommand(fqdn), target: MANAGEMENT_SHELL },
					{ command: statusCommand(fqdn), target: MANAGEMENT_SHELL },
				]),
				deployed ? undefined : notDeployedReason,
			),
		],
	};
}
