import { FRONT_END_SERVICE } from '../port.js';
import { INSTALLER_SILENT_SWITCH } from '../../sfb/update-installer.js';
import { powershellLiteral } from './literal.js';
import { onTheServer } from './scripts.js';

/**
 * The scripts that patch a pool the way Microsoft patches one (issue 14): each runs on one Front End, in that server's
 * one remote session. Every value is a literal from `powershellLiteral` or a parameter of the block; the blocks keep to
 * Windows PowerShell 5.1.
 */

/** The readiness cmdlet of a pool's version: SfB 2019 has Get-CsUpgradeDomainInfo, 2015 and Lync 2013 the older one. */
export function readinessCmdlet(version: string): 'Get-CsUpgradeDomainInfo' | 'Get-CsPoolUpgradeReadinessState' {
	return /2019/.test(version) ? 'Get-CsUpgradeDomainInfo' : 'Get-CsPoolUpgradeReadinessState';
}

/**
 * Runs on the server: its pool's readiness, flattened there three levels deep and sent as JSON text, because remoting
 * would turn nested objects (the upgrade domains and their Front Ends) into their type names. The output's property
 * names are not documented beyond PoolUpgradeState and ReadyForUpgrade [unverified]: everything is kept.
 */
const remoteReadinessBlock = String.raw`{
	param([string]$Cmdlet)
${onTheServer}
	function ConvertTo-SfbPairPlain {
		param($Value, [int]$Depth)
		if ($null -eq $Value) { return $null }
		if ($Value -is [string] -or $Value -is [System.ValueType] -or $Depth -le 0) { return [string]$Value }
		if ($Value -is [System.Collections.IEnumerable]) { return ,@(foreach ($item in $Value) { ConvertTo-SfbPairPlain -Value $item -Depth ($Depth - 1) }) }
		$record = @{ '#text' = [string]$Value }
		foreach ($property in $Value.PSObject.Properties) {
			try { $record[$property.Name] = ConvertTo-SfbPairPlain -Value $property.Value -Depth ($Depth - 1) } catch { $record[$property.Name] = $null }
		}
		$record
	}
	$records = @(& $Cmdlet | ForEach-Object { ConvertTo-SfbPairPlain -Value $_ -Depth 4 })
	ConvertTo-Json -InputObject $records -Depth 8 -Compress
}`;

export function readReadinessScript(server: string, cmdlet: string): string {
	return String.raw`$remote = ${remoteReadinessBlock}
[string]@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(cmdlet)})[0]`;
}

/**
 * Runs on the server: Invoke-CsComputerFailOver or -FailBack for the server itself, every line it writes (warnings,
 * verbose) as it comes, then its end: an exit item, or the error that stopped it.
 */
const remoteMoveBlock = String.raw`{
	param([string]$Cmdlet, [string]$ComputerName)
${onTheServer}
	try {
		& $Cmdlet -ComputerName $ComputerName -Confirm:$false *>&1 | ForEach-Object { [pscustomobject]@{ Kind = 'line'; Text = [string]$_ } }
		[pscustomobject]@{ Kind = 'exit'; Code = 0 }
	} catch {
		[pscustomobject]@{ Kind = 'error'; Text = [string]$_.Exception.Message }
	}
}`;

export type MoveCmdlet = 'Invoke-CsComputerFailOver' | 'Invoke-CsComputerFailBack';

export function startMoveScript(server: string, cmdlet: MoveCmdlet): string {
	return String.raw`$remote = ${remoteMoveBlock}
Start-SfbPairRemoteJob -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(cmdlet)}, ${powershellLiteral(server)}`;
}

/**
 * Runs on the server: the installer read from the share (a refusal here is most often the Kerberos double hop), then run
 * with /silentmode. It is a windowed program: Start-Process -Wait is what waits for it and gives its exit code.
 */
const remoteInstallerBlock = String.raw`{
	param([string]$Installer, [string]$Switch)
	$ErrorActionPreference = 'Stop'
	try {
		$file = Get-Item -LiteralPath $Installer
	} catch {
		[pscustomobject]@{ Kind = 'unreadable'; Text = [string]$_.Exception.Message }
		return
	}
	[pscustomobject]@{ Kind = 'line'; Text = ('Running ' + $Installer + ' ' + $Switch + ' (' + [string]$file.Length + ' bytes)') }
	$process = Start-Process -FilePath $Installer -ArgumentList $Switch -Wait -PassThru
	[pscustomobject]@{ Kind = 'exit'; Code = [int]$process.ExitCode; Path = $Installer }
}`;

export function startInstallerScript(server: string, installer: string, reopen: boolean): string {
	return String.raw`$remote = ${remoteInstallerBlock}
Start-SfbPairRemoteJob -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(installer)}, ${powershellLiteral(INSTALLER_SILENT_SWITCH)}${reopen ? ' -Reopen' : ''}`;
}

/**
 * Runs on the server: whether it is failed over. Invoke-CsComputerFailOver stops the Skype for Business services and
 * disables them so a restart does not start them (cmdlet reference); the Front End service's state and start mode say so.
 */
export function readFailedOverScript(server: string): string {
	return String.raw`$remote = {
	param([string]$Name)
	$service = @(Get-CimInstance -ClassName Win32_Service -Filter ("Name = '" + $Name + "'"))[0]
	if ($null -eq $service) { return @{ installed = $false } }
	@{ installed = $true; state = [string]$service.State; startMode = [string]$service.StartMode }
}
@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(FRONT_END_SERVICE)})[0]`;
}

/** Runs on the server (pre-flight): can it read the installer on the share, from its own session? */
export function probeInstallerScript(server: string, installer: string): string {
	return String.raw`$remote = {
	param([string]$Installer)
	try {
		$file = Get-Item -LiteralPath $Installer -ErrorAction Stop
		@{ readable = $true; detail = ([string]$file.Length + ' bytes') }
	} catch {
		@{ readable = $false; detail = [string]$_.Exception.Message }
	}
}
@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(installer)})[0]`;
}

/**
 * Runs on the server: when it last started. `Win32_OperatingSystem.LastBootUpTime` is a datetime in the class's reference;
 * CIM gives it as a DateTime, sent as UTC ISO 8601 text; anything else comes back as the text it was [unverified].
 */
export function readBootTimeScript(server: string): string {
	return String.raw`$remote = {
	$os = @(Get-CimInstance -ClassName Win32_OperatingSystem)[0]
	if ($null -eq $os) { return @{ lastBootUpTime = $null } }
	$booted = $os.LastBootUpTime
	if ($booted -is [datetime]) { return @{ lastBootUpTime = $booted.ToUniversalTime().ToString('o') } }
	@{ lastBootUpTime = [string]$booted }
}
@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote)[0]`;
}

/**
 * Asks the server to restart, from this computer, and returns: never -Wait, which can wait for ever; the caller waits,
 * bounded, by reading the boot time. Over WS-Management (Windows PowerShell 5.1 would use DCOM, often closed by the
 * firewall where WinRM is open; PowerShell 7 has only WS-Management and no -Protocol). It refuses the computer it runs
 * on. The server's kept session is dropped: the restart ends it, and the next command opens a new one.
 */
export function restartServerScript(server: string): string {
	return String.raw`$target = ${powershellLiteral(server)}
$short = @($target -split '\.')[0]
$here = @([Environment]::MachineName, [System.Net.Dns]::GetHostName(), 'localhost', '.', '127.0.0.1', '::1')
if (@($here | Where-Object { $_ -ieq $short -or $_ -ieq $target }).Count -gt 0) {
	throw ('sfb-pair runs on ' + $target + ' and does not restart the computer it runs on: restart it yourself, then check again')
}
$parameters = @{ ComputerName = $target; Force = $true; ErrorAction = 'Stop' }
if ((Get-Command -Name Restart-Computer).Parameters.ContainsKey('Protocol')) { $parameters['Protocol'] = 'WSMan' }
Restart-Computer @parameters
$key = $target.ToLowerInvariant()
$kept = $global:SfbPairRemoteSessions[$key]
if ($null -ne $kept) {
	Remove-PSSession -Session $kept -ErrorAction SilentlyContinue
	$global:SfbPairRemoteSessions.Remove($key)
}
@{ requested = $true }`;
}
