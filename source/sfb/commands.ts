import { powershellLiteral as q } from '../environments/powershell/literal.js';
import { BACKUP_SERVICE, FRONT_END_SERVICE } from '../environments/port.js';
import { bootstrapperPathForDisplay } from './bootstrapper.js';
import type { FrontEndPool, VoiceResiliency } from './model.js';
import { formatTimeSpan } from './voice-resiliency.js';

/**
 * The cmdlet lines a person reads: in the plan, the change record, panels, error messages and evidence. Every
 * value goes through the same quoting as the scripts that run (`powershellLiteral`), so what is shown is what an
 * administrator can paste, and a name with a quote in it reads as data, never as a second command.
 */

export function registrarCommand(pool: string, backup: string, voice: VoiceResiliency): string {
	const intervals = voice.automaticFailover
		? ` -FailureDetectionInterval ${formatTimeSpan(voice.failoverSeconds)} -FailbackDetectionInterval ${formatTimeSpan(voice.failbackSeconds)}`
		: '';
	return `Set-CsRegistrar -Identity ${q(`Registrar:${pool}`)} -BackupRegistrar ${q(`Registrar:${backup}`)} -EnableAutomaticFailover $${voice.automaticFailover}${intervals}`;
}

/** What writing the pairing runs, in one line, for messages and the record of an interrupted write. */
export function writePairingSummary(pool: string, backup: string): string {
	return `Set-CsRegistrar -Identity ${q(`Registrar:${pool}`)} -BackupRegistrar ${q(`Registrar:${backup}`)} (both directions); Enable-CsTopology`;
}

export function registrarReadCommand(pool: string): string {
	return `Get-CsService -Identity ${q(`Registrar:${pool}`)}`;
}

export function relationshipCommand(pool: string): string {
	return `Get-CsPoolBackupRelationship -PoolFqdn ${q(pool)}`;
}

export function bootstrapperCommand(server: string, pool: FrontEndPool): string {
	return `Invoke-Command -ComputerName ${q(server)} { & ${q(bootstrapperPathForDisplay(pool.version))} }`;
}

/** What comes before `\\Server\\Core\\<program>.exe` in RTCSRV's image path, as bootstrapperFromServicePath reads it. */
export const INSTALL_FOLDER_PATTERN = String.raw`^"?(.+?)\\Server\\Core\\[^\\"]+\.exe`;

const SAY_EXIT_CODE = '"Bootstrapper.exe exited with $LASTEXITCODE"';

/**
 * Bootstrapper as the operator runs it on the server itself (remoting cannot: a double hop refused, WinRM refused), in
 * an elevated Management Shell there, on one line to paste. Where a run of this session found Bootstrapper.exe on that
 * server (`found`), that path. Otherwise the line finds it as the remote run does, from the Front End service's install
 * path (Win32_Service RTCSRV PathName, sfb-facts.md §8), on the server as it runs; a path that does not fit is refused
 * with what it was, never guessed from.
 */
export function bootstrapperOnServerCommand(found?: string): string {
	if (found !== undefined) return `& ${q(found)}; ${SAY_EXIT_CODE}`;
	const located = `$Matches[1] + ${q('\\Deployment\\Bootstrapper.exe')}`;
	const refused = `Write-Error "${FRONT_END_SERVICE}'s install path '$image' is not <install folder>\\Server\\Core\\<program>.exe with Bootstrapper.exe in <install folder>\\Deployment: run it from there yourself"`;
	return [
		`$image = (Get-CimInstance Win32_Service -Filter "Name = '${FRONT_END_SERVICE}'").PathName`,
		`$bootstrapper = if ($image -match ${q(INSTALL_FOLDER_PATTERN)}) { ${located} }`,
		`if ($bootstrapper -and (Test-Path -LiteralPath $bootstrapper)) { & $bootstrapper; ${SAY_EXIT_CODE} } else { ${refused} }`,
	].join('; ');
}

/** The Backup Service started on the server itself, in its Management Shell. */
export function startServiceOnServerCommand(name = BACKUP_SERVICE): string {
	return `Start-CsWindowsService -Name ${q(name)}`;
}

export function cumulativeUpdateCommand(server: string): string {
	return `Invoke-Command -ComputerName ${q(server)} { & 'SkypeServerUpdateInstaller.exe' /silentmode }`;
}

export function startServiceCommand(server: string, name = BACKUP_SERVICE): string {
	return `Start-CsWindowsService -Name ${q(name)} -ComputerName ${q(server)}`;
}

export function readServiceCommand(server: string, name = BACKUP_SERVICE): string {
	return `Get-CsWindowsService -Name ${q(name)} -ComputerName ${q(server)}`;
}

/** Where the Front End service is installed on a server, which says where Bootstrapper.exe is. */
export function frontEndPathCommand(server: string): string {
	return `Invoke-Command -ComputerName ${q(server)} { (Get-CimInstance -ClassName Win32_Service -Filter "Name = 'RTCSRV'").PathName }`;
}

export function syncCommand(pool: string): string {
	return `Invoke-CsBackupServiceSync -PoolFqdn ${q(pool)}`;
}

export function statusCommand(pool: string): string {
	return `Get-CsBackupServiceStatus -PoolFqdn ${q(pool)}`;
}

export function fabricCommand(pool: string): string {
	return `Get-CsPoolFabricState -PoolFqdn ${q(pool)}`;
}

export function setupPermissionCommand(ou: string): string {
	return `Test-CsSetupPermission -ComputerOU ${q(ou)}`;
}

export function replicationCommand(server: string): string {
	return `Get-CsManagementStoreReplicationStatus -ReplicaFqdn ${q(server)}`;
}

export function pushReplicationCommand(server: string): string {
	return `Invoke-CsManagementStoreReplication -ReplicaFqdn ${q(server)}`;
}

export function patchVersionCommand(server: string): string {
	return `Invoke-Command -ComputerName ${q(server)} { Get-CsServerPatchVersion }`;
}

export function interPoolCommand(pool: string): string {
	return `Debug-CsInterPoolReplication -PoolFqdn ${q(pool)}`;
}

export const CMS_DATABASES_COMMAND = 'Get-CsService -CentralManagementDatabase';

export function testCmsDatabaseCommand(sqlServer: string, instance?: string): string {
	return `Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${q(sqlServer)}${instance ? ` -SqlInstanceName ${q(instance)}` : ''}`;
}

/** What a Standard Edition partner of the CMS pool needs before the publish, for its standby store (sfb-facts.md §1). */
export function installStandbyCommand(partner: string): string {
	return `Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${q(partner)} -SqlInstanceName 'rtc'`;
}

export function failOverCommand(server: string): string {
	return `Invoke-CsComputerFailOver -ComputerName ${q(server)}`;
}

export function failBackCommand(server: string): string {
	return `Invoke-CsComputerFailBack -ComputerName ${q(server)}`;
}

/** Where the active Central Management store is: its `ActiveMasterFqdn` [unverified name] (the drill, status --all). */
export const STORE_STATUS_COMMAND = 'Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus';

/** Where a pool's users sign in: a failover serves them from the backup pool without rehoming them. */
export function poolUsersCommand(pool: string): string {
	return `Get-CsUser -Filter {RegistrarPool -eq ${q(pool)}} | Get-CsUserPoolInfo`;
}

export function poolFailbackCommand(pool: string): string {
	return `Invoke-CsPoolFailBack -PoolFqdn ${q(pool)}`;
}

/** Runs only on a Front End of the pool it reports on (cmdlet reference), so it goes there. */
export function restartCommand(server: string): string {
	return `Restart-Computer -ComputerName ${q(server)} -Force`;
}

export function bootTimeCommand(server: string): string {
	return `(Get-CimInstance Win32_OperatingSystem).LastBootUpTime on ${server}`;
}

export function upgradeReadinessCommand(server: string): string {
	return `Invoke-Command -ComputerName ${q(server)} { Get-CsPoolUpgradeReadinessState }`;
}

/** The cmdlet path of an unpair, one direction: the Registrar left without a backup [unverified as the Topology Builder equivalent]. */
export function clearRegistrarCommand(pool: string): string {
	return `Set-CsRegistrar -Identity ${q(`Registrar:${pool}`)} -BackupRegistrar $null -EnableAutomaticFailover $false`;
}

/** The whole cmdlet path on one line an administrator can paste, as the script runs it. */
export function clearPairingSummary(pool: string, partner: string): string {
	return `${clearRegistrarCommand(pool)}; ${clearRegistrarCommand(partner)}; Enable-CsTopology`;
}

/** Removes the user data of pools no longer paired with `pool` (cmdlet reference, Remove-CsUserStoreBackupData). */
export function removeBackupDataCommand(pool: string): string {
	return `Remove-CsUserStoreBackupData -PoolFqdn ${q(pool)} -Force`;
}

/** The standby store's database left on the former partner's SQL Server once the topology no longer defines it [unverified]. */
export function uninstallStandbyCommand(sqlServer: string, instance?: string): string {
	return `Uninstall-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${q(sqlServer)}${instance ? ` -SqlInstanceName ${q(instance)}` : ''}`;
}
