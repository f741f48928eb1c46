import type { PairingRequest } from '../../sfb/model.js';
import { BACKUP_SERVICE, FRONT_END_SERVICE } from '../port.js';
import { powershellLiteral } from './literal.js';

/**
 * The PowerShell every live operation runs. Each builder returns the body of one script; every value in it
 * is a single-quoted literal from `powershellLiteral`, never code. Scripts must parse and run on Windows
 * PowerShell 5.1: no `??`, `?.`, ternaries, `&&`/`||` chains or `ForEach-Object -Parallel`.
 */

/** Lines the session writes to stdout for the adapter: a kind, a space, then base64 UTF-8 JSON. */
export const FRAME_PREFIX = '##sfb-pair:';
export const RESULT_FRAME = 'result';
export const EVENT_FRAME = 'event';

/** Event 4007 from "LS Backup Service": the Backup Service crashed because the CU was not re-applied (step 9 of the current deployment article). */
export const BACKUP_CRASH_PROVIDER = 'LS Backup Service';
export const BACKUP_CRASH_EVENT_ID = 4007;

/**
 * Defined once per session: the functions that frame results and events, and that flatten cmdlet output
 * into plain records (strings, and objects two levels deep) so shapes nobody has documented still arrive intact.
 */
const sessionHelpers = String.raw`
$global:ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) {
	# Error text attached to an EnvironmentError is read by people and logs, not a terminal: no colour codes.
	$PSStyle.OutputRendering = 'PlainText'
}
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
if ($PSVersionTable.PSVersion.Major -lt 6) {
	# Windows PowerShell 5.1 serialises PSObject-wrapped arrays as {"value":[...],"Count":n} unless this goes.
	Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue
}
function global:Write-SfbPairFrame {
	param([string]$Kind, $Payload)
	$json = ConvertTo-Json -InputObject $Payload -Depth 12 -Compress
	[Console]::Out.WriteLine('${FRAME_PREFIX}' + $Kind + ' ' + [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($json)))
}
function global:Write-SfbPairEvent {
	param($Payload)
	Write-SfbPairFrame -Kind '${EVENT_FRAME}' -Payload $Payload
}
function global:ConvertTo-SfbPairRecord {
	param($InputObject, [int]$Depth = 2)
	if ($null -eq $InputObject) { return $null }
	if ($InputObject -is [string] -or $InputObject -is [System.ValueType] -or $Depth -le 0) { return [string]$InputObject }
	$record = [ordered]@{ '#text' = [string]$InputObject }
	foreach ($property in $InputObject.PSObject.Properties) {
		$value = $null
		try { $value = $property.Value } catch { $value = $null }
		if ($value -is [System.Collections.IEnumerable] -and -not ($value -is [string])) {
			$record[$property.Name] = @(foreach ($item in $value) { ConvertTo-SfbPairRecord -InputObject $item -Depth ($Depth - 1) })
		} else {
			$record[$property.Name] = ConvertTo-SfbPairRecord -InputObject $value -Depth ($Depth - 1)
		}
	}
	$record
}
function global:Test-SfbPairNotFound {
	param($ErrorRecord)
	# ObjectNotFound is how a missing service or object is reported [unverified]; a missing cmdlet shares the category.
	[string]$ErrorRecord.CategoryInfo.Category -eq 'ObjectNotFound' -and -not ($ErrorRecord.Exception -is [System.Management.Automation.CommandNotFoundException])
}
# One PSSession per server, opened when first needed and kept in this process; one that is no longer Opened
# (Broken by the network, Closed by the server) is removed and opened again.
$global:SfbPairRemoteSessions = @{}
function global:Get-SfbPairRemoteSession {
	param([string]$ComputerName, [switch]$Reopen)
	$key = $ComputerName.ToLowerInvariant()
	$session = $global:SfbPairRemoteSessions[$key]
	if ($null -ne $session -and ($Reopen -or [string]$session.State -ne 'Opened')) {
		Remove-PSSession -Session $session -ErrorAction SilentlyContinue
		$global:SfbPairRemoteSessions.Remove($key)
		$session = $null
	}
	if ($null -eq $session) {
		$session = New-PSSession -ComputerName $ComputerName -ErrorAction Stop
		$global:SfbPairRemoteSessions[$key] = $session
	}
	$session
}
function global:Open-SfbPairRemoteSessions {
	param([string[]]$ComputerName)
	$missing = @($ComputerName | Where-Object {
			$open = $global:SfbPairRemoteSessions[$_.ToLowerInvariant()]
			$null -eq $open -or [string]$open.State -ne 'Opened'
		})
	if ($missing.Count -eq 0) { return }
	# One call opens its connections side by side, so the servers share one handshake's wait. A server it could
	# not open is left out here and asked again on its own, for an error that names it.
	foreach ($session in @(New-PSSession -ComputerName $missing -ErrorAction SilentlyContinue)) {
		$global:SfbPairRemoteSessions[([string]$session.ComputerName).ToLowerInvariant()] = $session
	}
}
function global:Test-SfbPairSessionLost {
	param($ErrorRecord, $Session)
	[string]$Session.State -ne 'Opened' -or $ErrorRecord.Exception -is [System.Management.Automation.Remoting.PSRemotingTransportException]
}
function global:Invoke-SfbPairRemote {
	param([string]$ComputerName, [scriptblock]$ScriptBlock, [object[]]$ArgumentList = @())
	$session = Get-SfbPairRemoteSession -ComputerName $ComputerName
	try {
		Invoke-Command -Session $session -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList -ErrorAction Stop
	} catch {
		if (-not (Test-SfbPairSessionLost -ErrorRecord $_ -Session $session)) { throw }
		$session = Get-SfbPairRemoteSession -ComputerName $ComputerName -Reopen
		Invoke-Command -Session $session -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList -ErrorAction Stop
	}
}
function global:Start-SfbPairRemoteJob {
	param([string]$ComputerName, [scriptblock]$ScriptBlock, [object[]]$ArgumentList = @(), [switch]$Reopen)
	$session = Get-SfbPairRemoteSession -ComputerName $ComputerName -Reopen:$Reopen
	try {
		$job = Invoke-Command -Session $session -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList -AsJob -ErrorAction Stop
	} catch {
		if (-not (Test-SfbPairSessionLost -ErrorRecord $_ -Session $session)) { throw }
		$session = Get-SfbPairRemoteSession -ComputerName $ComputerName -Reopen
		$job = Invoke-Command -Session $session -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList -AsJob -ErrorAction Stop
	}
	$job.Id
}
function global:Receive-SfbPairRemoteJob {
	param([int]$Id, [string]$ComputerName)
	$job = Get-Job -Id $Id -ErrorAction Stop
	# The state is read before the output: a job that finishes while its output is received has output left to give.
	$state = [string]$job.State
	$jobErrors = @()
	$items = @(Receive-Job -Job $job -ErrorAction SilentlyContinue -ErrorVariable jobErrors)
	# A job whose session lost its network and could not reconnect waits Disconnected for good: its session is lost.
	$finished = @('Completed', 'Failed', 'Stopped', 'Disconnected') -contains $state
	$lost = $state -eq 'Disconnected'
	if ($finished) {
		if ($lost) { Stop-Job -Job $job }
		Remove-Job -Job $job -Force
		if ($state -eq 'Failed') {
			$session = $global:SfbPairRemoteSessions[$ComputerName.ToLowerInvariant()]
			$transport = @($jobErrors | Where-Object { $_.Exception -is [System.Management.Automation.Remoting.PSRemotingTransportException] })
			$lost = $null -eq $session -or [string]$session.State -ne 'Opened' -or $transport.Count -gt 0
			if (-not $lost -and $jobErrors.Count -gt 0) { throw $jobErrors[0] }
		}
	}
	@{ items = $items; finished = $finished; lost = $lost }
}
function global:Stop-SfbPairRemoteJob {
	param([int]$Id)
	$job = Get-Job -Id $Id -ErrorAction SilentlyContinue
	if ($null -ne $job) {
		Stop-Job -Job $job
		Remove-Job -Job $job -Force
	}
}
function global:Close-SfbPairRemoteSessions {
	Get-Job | Stop-Job
	Get-Job | Remove-Job -Force
	foreach ($session in @($global:SfbPairRemoteSessions.Values)) { Remove-PSSession -Session $session -ErrorAction SilentlyContinue }
	$global:SfbPairRemoteSessions.Clear()
}
function global:ConvertTo-SfbPairFailure {
	param($ErrorRecord)
	$exceptionTypes = @()
	$exceptionMessages = @()
	$exception = $ErrorRecord.Exception
	while ($null -ne $exception) {
		$exceptionTypes += $exception.GetType().FullName
		$exceptionMessages += [string]$exception.Message
		$exception = $exception.InnerException
	}
	@{
		ok = $false
		error = @{
			message = [string]$ErrorRecord.Exception.Message
			exceptionTypes = $exceptionTypes
			exceptionMessages = $exceptionMessages
			errorId = [string]$ErrorRecord.FullyQualifiedErrorId
			category = [string]$ErrorRecord.CategoryInfo.Category
			target = [string]$ErrorRecord.TargetObject
			command = [string]$ErrorRecord.InvocationInfo.MyCommand.Name
		}
	}
}
`;

/**
 * A body run so that the session always answers with exactly one result frame: the body's output as
 * `{ok: true, value}`, or the error that stopped it as `{ok: false, error}`.
 */
export function wrapScript(body: string): string {
	return [
		"$ErrorActionPreference = 'Stop'",
		'try {',
		// The body is not re-indented: a tab added inside a multi-line literal would change the value.
		`\t$value = & {\n${body}\n\t}`,
		`\tWrite-SfbPairFrame -Kind '${RESULT_FRAME}' -Payload @{ ok = $true; value = $value }`,
		'} catch {',
		`\tWrite-SfbPairFrame -Kind '${RESULT_FRAME}' -Payload (ConvertTo-SfbPairFailure -ErrorRecord $_)`,
		'}',
	].join('\n');
}

/**
 * The line written to the session's stdin. The script travels as base64 so neither the console's input
 * encoding (an OEM code page on Windows PowerShell 5.1) nor line handling can alter a value inside it.
 */
export function transportLine(script: string): string {
	const encoded = Buffer.from(script, 'utf8').toString('base64');
	return `& ([scriptblock]::Create([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${encoded}'))))`;
}

export interface SessionInfo {
	edition: string;
	version: string;
	/** PowerShell's own process id ($PID), which is not the spawned process when pwsh is a launcher (dotnet tool). */
	pid: number;
	module: string | null;
	/** Why an installed module did not load, one entry per module tried. */
	importFailures: string[];
}

/** First script of every session: helpers, then the SkypeForBusiness module, with Lync's as the fallback. */
export function sessionStartScript(modulePath?: string): string {
	const prependModulePath =
		modulePath === undefined
			? ''
			: `$env:PSModulePath = ${powershellLiteral(modulePath)} + [System.IO.Path]::PathSeparator + $env:PSModulePath\n`;
	const body = String.raw`${prependModulePath}$loaded = $null
$importFailures = @()
foreach ($name in @('SkypeForBusiness', 'Lync')) {
	if ($null -eq (Get-Module -ListAvailable -Name $name)) { continue }
	try {
		$loaded = @(Import-Module -Name $name -Global -PassThru -DisableNameChecking -ErrorAction Stop)[0]
		break
	} catch {
		$importFailures += ($name + ': ' + $_.Exception.Message)
	}
}
$moduleName = $null
if ($null -ne $loaded) { $moduleName = $loaded.Name }
@{
	edition = [string]$PSVersionTable.PSEdition
	version = [string]$PSVersionTable.PSVersion
	pid = $PID
	module = $moduleName
	importFailures = $importFailures
}`;
	return `${sessionHelpers}\n${wrapScript(body)}`;
}

export function readTopologyScript(): string {
	return '(Get-CsTopology -AsXml).ToString()';
}

/** The topology document and every Registrar's settings, read in one round trip for the inventory. */
export function readInventoryScript(): string {
	return String.raw`$topology = (Get-CsTopology -AsXml).ToString()
$registrars = @(Get-CsService -Registrar | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ })
@{ topology = $topology; registrars = $registrars }`;
}

/**
 * The first lines of every block that runs on a Front End: the server's own SkypeForBusiness (or Lync) module, for the
 * Cs cmdlets, and errors that stop the block, as they stop the scripts here. Without -ComputerName the service cmdlets
 * act on the local computer (CMDLET Get-CsWindowsService, Start-CsWindowsService), here the server: their own
 * -ComputerName would open a connection of another kind (service control and performance counters over RPC).
 */
export const onTheServer = String.raw`	$ErrorActionPreference = 'Stop'
	if (-not (Get-Command -Name Get-CsWindowsService -ErrorAction SilentlyContinue)) {
		foreach ($module in @('SkypeForBusiness', 'Lync')) {
			Import-Module -Name $module -ErrorAction SilentlyContinue
			if (Get-Command -Name Get-CsWindowsService -ErrorAction SilentlyContinue) { break }
		}
	}`;

/** Inside a block on the server: whether the error in $_ says the object is not there [unverified], as Test-SfbPairNotFound does here. */
export const notFoundOnTheServer = String.raw`([string]$_.CategoryInfo.Category -eq 'ObjectNotFound' -and -not ($_.Exception -is [System.Management.Automation.CommandNotFoundException]))`;

/**
 * Whether each server has the Front End service, which is what deploying a pool installs, asked on each server
 * through its session (all opened in one call). A service that is not there is reported with error category
 * ObjectNotFound [unverified]; any other error means the server could not tell.
 */
export function probeFrontEndScript(servers: string[]): string {
	return String.raw`$servers = ${arrayLiteral(servers)}
Open-SfbPairRemoteSessions -ComputerName $servers
$remote = {
	param([string]$Name)
${onTheServer}
	try {
		$null = Get-CsWindowsService -Name $Name -ErrorAction Stop
		$true
	} catch {
		if (${notFoundOnTheServer}) { return $false }
		throw
	}
}
foreach ($server in $servers) {
	try {
		$installed = [bool]@(Invoke-SfbPairRemote -ComputerName $server -ScriptBlock $remote -ArgumentList ${powershellLiteral(FRONT_END_SERVICE)})[0]
		@{ server = $server; installed = $installed }
	} catch {
		@{ server = $server; error = (ConvertTo-SfbPairFailure -ErrorRecord $_).error }
	}
}`;
}

/**
 * What both read-backs say about `pool`: its Registrar's BackupRegistrar and its backup relationship. How the
 * relationship cmdlet answers for a pool without a backup is not documented [unverified]: nothing, or an error; an
 * ObjectNotFound error is kept as that answer, any other error stops the read.
 */
export function readPairingScript(pool: string): string {
	return String.raw`$registrar = @(Get-CsService -Identity ${powershellLiteral(`Registrar:${pool}`)} | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ })
$relationship = @()
$notFound = $null
try {
	$relationship = @(Get-CsPoolBackupRelationship -PoolFqdn ${powershellLiteral(pool)} | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ })
} catch {
	if (-not (Test-SfbPairNotFound -ErrorRecord $_)) { throw }
	$notFound = [string]$_.Exception.Message
}
$result = @{ registrar = $registrar; relationship = $relationship }
if ($null -ne $notFound) { $result.relationshipNotFound = $notFound }
$result`;
}

/** One replica's status; the time is written as ISO 8601 in UTC so the jump box's culture cannot change its reading. */
export function readReplicationScript(server: string): string {
	return String.raw`foreach ($replica in @(Get-CsManagementStoreReplicationStatus -ReplicaFqdn ${powershellLiteral(server)})) {
	$created = $replica.LastUpdateCreation
	$createdText = $null
	if ($created -is [datetime]) { $createdText = $created.ToUniversalTime().ToString('o') } elseif ($null -ne $created) { $createdText = [string]$created }
	@{ upToDate = $replica.UpToDate; lastUpdateCreation = $createdText; record = (ConvertTo-SfbPairRecord -InputObject $replica) }
}`;
}

/** Asks the master to push the latest configuration to one replica now; the cmdlet returns nothing. */
export function pushReplicationScript(server: string): string {
	return `$null = Invoke-CsManagementStoreReplication -ReplicaFqdn ${powershellLiteral(server)}\n$null`;
}

/**
 * Runs on the server: the component versions from `Get-CsServerPatchVersion` (SfB 2015 CU of November 2015 and later;
 * it reads the local server only), else from the installed products in the registry's Uninstall keys. Win32_Product is
 * never used: reading it makes Windows Installer check, and may reconfigure, every product on the server.
 */
export const remoteComponentVersionsBlock = String.raw`{
	if (-not (Get-Command -Name Get-CsServerPatchVersion -ErrorAction SilentlyContinue)) {
		Import-Module -Name SkypeForBusiness -ErrorAction SilentlyContinue
	}
	if (Get-Command -Name Get-CsServerPatchVersion -ErrorAction SilentlyContinue) {
		$components = @(Get-CsServerPatchVersion | ForEach-Object { [pscustomobject]@{ Name = [string]$_.ComponentName; Version = [string]$_.Version } })
		[pscustomobject]@{ Source = 'Get-CsServerPatchVersion'; Components = $components }
	} else {
		$keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')
		$components = @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue | Where-Object { [string]$_.DisplayName -match 'Skype for Business Server|Lync Server' } | ForEach-Object { [pscustomobject]@{ Name = [string]$_.DisplayName; Version = [string]$_.DisplayVersion } })
		[pscustomobject]@{ Source = 'the installed products (registry Uninstall keys)'; Components = $components }
	}
}`;

export function readComponentVersionsScript(server: string): string {
	return String.raw`$remote = ${remoteComponentVersionsBlock}
$found = @(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote)
foreach ($result in $found) {
	@{ source = [string]$result.Source; components = @(foreach ($component in @($result.Components)) { @{ name = [string]$component.Name; version = [string]$component.Version } }) }
}`;
}

export interface PairingIntervals {
	failover: string;
	failback: string;
}

/** The longest -Report text read back; a report is a page or two, and anything longer is kept in part. */
export const PUBLISH_REPORT_MAX_CHARS = 1_000_000;

/**
 * The body of a runspace of its own (protectedRunspaceScript): `parameters` its param list, `body` what it runs, with
 * errors that stop it, its output the value; `cleanup` runs whatever happened. It answers with its own result frame, so
 * that the answer reaches sfb-pair even when the pipeline that started it was stopped meanwhile.
 */
export function runspaceBlock(parameters: string, body: string, cleanup = ''): string {
	return String.raw`
	param(${parameters})
	$ErrorActionPreference = 'Stop'
	if ($PSVersionTable.PSVersion.Major -lt 6) {
		# As in the session: without this, Windows PowerShell 5.1 writes a wrapped array as {"value":[...],"Count":n}.
		Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue
	}
	$answer = $null
	try {
		$value = & {
${body}
		}
		$answer = @{ ok = $true; value = $value }
	} catch {
		$answer = ConvertTo-SfbPairFailure -ErrorRecord $_
		$answer.record = $_
	} finally {
${cleanup}
	}
	$frame = @{ ok = $answer.ok }
	if ($answer.ok) { $frame.value = $answer.value } else { $frame.error = $answer.error }
	Write-SfbPairFrame -Kind '${RESULT_FRAME}' -Payload $frame
	$answer
`;
}

/**
 * A farm change that must never stop half way (the publish, the unpair's publish, a pool or store failover). Ctrl+C in
 * the operator's console reaches this PowerShell too (it shares the console, or the process group), and the console host
 * stops the running pipeline between two commands; a .NET call it cannot stop. So `block` (a runspaceBlock) runs inside
 * one call, `PowerShell.Invoke()` on a runspace of its own that imports the same module, with `args` (PowerShell
 * expressions, each a literal or a variable `prelude` set) as its arguments. Without a console (a service) nothing
 * changes. The caller runs it with no timeout and no signal, and waits for it before ending the process.
 */
export function protectedRunspaceScript(block: string, args: string[], prelude = ''): string {
	return String.raw`${prelude}$module = @(Get-Module -Name SkypeForBusiness, Lync)[0]
$initial = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault()
foreach ($name in @('Write-SfbPairFrame', 'ConvertTo-SfbPairFailure')) {
	$initial.Commands.Add((New-Object System.Management.Automation.Runspaces.SessionStateFunctionEntry -ArgumentList $name, (Get-Item -LiteralPath ('function:' + $name)).Definition))
}
$initial.ImportPSModule(@($module.Path))
$protected = [powershell]::Create($initial)
try {
	$null = $protected.AddScript(${powershellLiteral(block)})${args.map((argument) => `.AddArgument(${argument})`).join('')}
	$answer = @($protected.Invoke())[-1]
	if ($null -eq $answer) { throw ($protected.Streams.Error | Select-Object -First 1) }
} finally {
	$protected.Dispose()
}
if (-not $answer.ok) { throw $answer.record }
$answer.value`;
}

/**
 * The write itself: Set-CsRegistrar for each Registrar (CMDLET Set-CsRegistrar, Example 3; an empty backup clears the
 * association), then `Enable-CsTopology -Report` (CMDLET Enable-CsTopology: "-Report: a file path for the log file
 * created when the cmdlet runs") with its warnings captured. The report goes to a folder of its own under this account's
 * temporary folder, is read back and removed.
 */
const publishBlock = runspaceBlock(
	'[string[]]$Identities, [string[]]$Backups, [bool]$Automatic, [string]$Failover, [string]$Failback, [string]$Folder, [int]$MaxReport',
	String.raw`		for ($index = 0; $index -lt $Identities.Count; $index++) {
			$backup = $Backups[$index]
			if ([string]::IsNullOrEmpty($backup)) { $backup = $null }
			$registrar = @{ Identity = $Identities[$index]; BackupRegistrar = $backup; EnableAutomaticFailover = $Automatic; Confirm = $false }
			if ($Automatic) {
				$registrar.FailureDetectionInterval = $Failover
				$registrar.FailbackDetectionInterval = $Failback
			}
			$null = Set-CsRegistrar @registrar
		}
		$reportPath = Join-Path $Folder 'Enable-CsTopology.html'
		$publishWarnings = @()
		Enable-CsTopology -Report $reportPath -WarningVariable publishWarnings -WarningAction SilentlyContinue
		$report = $null
		if (Test-Path -LiteralPath $reportPath -PathType Leaf) {
			$report = [System.IO.File]::ReadAllText($reportPath)
			if ($report.Length -gt $MaxReport) { $report = $report.Substring(0, $MaxReport) }
		}
		@{ warnings = @(foreach ($warning in $publishWarnings) { [string]$warning.Message }); report = $report }`,
	'\t\tRemove-Item -LiteralPath $Folder -Recurse -Force -ErrorAction SilentlyContinue',
);

/** The script the publish's own runspace runs (exported so the 5.1 parser check reads it too). */
export function publishRunspaceScript(): string {
	return publishBlock;
}

/** The report's folder, this account's alone, made before the publish's runspace starts. */
const reportFolderPrelude = String.raw`$folder = Join-Path ([System.IO.Path]::GetTempPath()) ('sfb-pair-' + [guid]::NewGuid().ToString('N'))
if ($PSVersionTable.PSVersion.Major -ge 7 -and -not $IsWindows) {
	# Elsewhere than Windows the temporary folder is shared: the report's folder is this account's alone.
	$null = [System.IO.Directory]::CreateDirectory($folder, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
} else {
	# On Windows the temporary folder is in the account's own profile.
	$null = New-Item -ItemType Directory -Path $folder
}
`;

/** Each Registrar's backup set (or cleared, ''), then Enable-CsTopology -Report, never stopped half way. */
function publishScript(writes: { pool: string; backup: string }[], automatic: boolean, intervals: PairingIntervals | undefined): string {
	const registrars = (values: string[]) => `[string[]]@(${values.map(powershellLiteral).join(', ')})`;
	const interval = (value: string | undefined) => (automatic && value !== undefined ? powershellLiteral(value) : '$null');
	return protectedRunspaceScript(
		publishRunspaceScript(),
		[
			registrars(writes.map(({ pool }) => `Registrar:${pool}`)),
			registrars(writes.map(({ backup }) => (backup === '' ? '' : `Registrar:${backup}`))),
			automatic ? '$true' : '$false',
			interval(intervals?.failover),
			interval(intervals?.failback),
			'$folder',
			String(PUBLISH_REPORT_MAX_CHARS),
		],
		reportFolderPrelude,
	);
}

/**
 * Set-CsRegistrar for both directions, then Enable-CsTopology unless whatIf (then the writes only, with -WhatIf). The
 * publish must never stop half way: it runs in a protected runspace (protectedRunspaceScript).
 */
export function writePairingScript(request: PairingRequest, intervals: PairingIntervals, whatIf: boolean): string {
	const directions: [string, string][] = [
		[request.pool, request.backup],
		[request.backup, request.pool],
	];
	if (whatIf) {
		// With automatic failover off the detection intervals mean nothing: they are not sent, as Topology Builder greys them out.
		const voice = request.voice.automaticFailover
			? `-EnableAutomaticFailover $true -FailureDetectionInterval ${powershellLiteral(intervals.failover)} -FailbackDetectionInterval ${powershellLiteral(intervals.failback)}`
			: '-EnableAutomaticFailover $false';
		const writes = directions.map(
			([pool, partner]) =>
				`Set-CsRegistrar -Identity ${powershellLiteral(`Registrar:${pool}`)} -BackupRegistrar ${powershellLiteral(`Registrar:${partner}`)} ${voice} -WhatIf -Confirm:$false`,
		);
		return [...writes, '$null'].join('\n');
	}
	return publishScript(
		directions.map(([pool, backup]) => ({ pool, backup })),
		request.voice.automaticFailover,
		intervals,
	);
}

/**
 * The unpair's cmdlet path: both Registrars without a backup [unverified as the Topology Builder equivalent], then
 * Enable-CsTopology -Report, protected as the pairing's publish is and answering as it does.
 */
export function clearPairingScript(pool: string, partner: string): string {
	return publishScript(
		[pool, partner].map((each) => ({ pool: each, backup: '' })),
		false,
		undefined,
	);
}

/**
 * The Front End service's image path on one server, from CIM (Win32_Service RTCSRV `PathName`), read in the server's
 * session: Bootstrapper.exe is found from it (bootstrapperFromServicePath), not guessed from fixed drive paths.
 */
export function readFrontEndPathScript(server: string): string {
	return String.raw`$remote = {
	param([string]$Name)
	$ErrorActionPreference = 'Stop'
	$service = @(Get-CimInstance -ClassName Win32_Service -Filter ("Name = '" + $Name + "'"))[0]
	$path = $null
	if ($null -ne $service) { $path = [string]$service.PathName }
	@{ pathName = $path }
}
@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(FRONT_END_SERVICE)})[0]`;
}

/** What runs on the server: Bootstrapper.exe at the path given, each output line as an object as it comes, then the exit code. */
export const remoteBootstrapperBlock = String.raw`{
	param([string]$Bootstrapper)
	$ErrorActionPreference = 'Continue'
	if (-not (Test-Path -LiteralPath $Bootstrapper)) {
		[pscustomobject]@{ Kind = 'missing'; Path = $Bootstrapper }
		return
	}
	& $Bootstrapper 2>&1 | ForEach-Object { [pscustomobject]@{ Kind = 'line'; Text = [string]$_ } }
	[pscustomobject]@{ Kind = 'exit'; Code = $LASTEXITCODE; Path = $Bootstrapper }
}`;

/**
 * Bootstrapper.exe on one server, started as a job in the server's session so that this PowerShell stays free for the
 * other servers' commands while it runs (an hour or more on a real farm). Answers the job's id.
 */
export function startBootstrapperScript(server: string, bootstrapper: string, reopen: boolean): string {
	return String.raw`$remote = ${remoteBootstrapperBlock}
Start-SfbPairRemoteJob -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(bootstrapper)}${reopen ? ' -Reopen' : ''}`;
}

/** What the Bootstrapper job printed since the last look, whether it has finished, and whether its session was lost. */
export function receiveBootstrapperScript(server: string, job: number): string {
	return String.raw`$received = Receive-SfbPairRemoteJob -Id ${jobId(job)} -ComputerName ${powershellLiteral(server)}
@{
	finished = [bool]$received.finished
	lost = [bool]$received.lost
	items = @(foreach ($item in $received.items) { @{ kind = [string]$item.Kind; text = [string]$item.Text; exitCode = $item.Code; path = [string]$item.Path } })
}`;
}

/** Stops a remote job (the command on the server is stopped with it); the session stays open for the next command. */
export function stopRemoteJobScript(job: number): string {
	return `Stop-SfbPairRemoteJob -Id ${jobId(job)}\n$null`;
}

/** Stops this PowerShell's remote jobs and closes its sessions to the servers. */
export function closeRemoteSessionsScript(): string {
	return 'Close-SfbPairRemoteSessions\n$null';
}

/**
 * One Windows service, asked on its server. When the Backup Service is not running, the newest Event 4007 from
 * its event source says whether it crashed because the Cumulative Update was not re-applied; with `since` (the
 * server's own clock when sfb-pair started the service, ISO 8601), only an event logged since then counts, so a crash
 * from an earlier attempt is not taken for this one's.
 */
export function readServiceScript(server: string, name: string, since?: string): string {
	const crashLookup =
		name.toUpperCase() === BACKUP_SERVICE
			? String.raw`
	if ($status -ne 'Running') {
		try {
			$filter = @{ ProviderName = ${powershellLiteral(BACKUP_CRASH_PROVIDER)}; Id = ${BACKUP_CRASH_EVENT_ID} }
			if ($Since) { $filter.StartTime = [datetime]::Parse($Since, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind) }
			$crash = Get-WinEvent -FilterHashtable $filter -MaxEvents 1 -ErrorAction Stop
			$result.crash = @{ time = $crash.TimeCreated.ToString('yyyy-MM-dd HH:mm:ss'); message = [string]$crash.Message }
		} catch {
			# No such event is the usual answer (NoMatchingEventsFound); the event log is a hint, not a requirement.
			$result.crash = $null
		}
	}`
			: '';
	return String.raw`$remote = {
	param([string]$Name, [string]$Since)
${onTheServer}
	try {
		$service = @(Get-CsWindowsService -Name $Name -ErrorAction Stop)[0]
	} catch {
		if (${notFoundOnTheServer}) { return @{ installed = $false } }
		throw
	}
	$status = [string]$service.Status
	$result = @{ installed = $true; status = $status }${crashLookup}
	$result
}
@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(name)}, ${powershellLiteral(since ?? '')})[0]`;
}

/** Starts a service on its server; answers the server's own clock (UTC, ISO 8601) just before the start. */
export function startServiceScript(server: string, name: string): string {
	return String.raw`$remote = {
	param([string]$Name)
${onTheServer}
	$startedAt = [datetime]::UtcNow.ToString('o')
	$null = Start-CsWindowsService -Name $Name
	$startedAt
}
[string]@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(name)})[-1]`;
}

export function startBackupSyncScript(pool: string): string {
	return `$null = Invoke-CsBackupServiceSync -PoolFqdn ${powershellLiteral(pool)}\n$null`;
}

export function readBackupStatusScript(pool: string): string {
	return `@(Get-CsBackupServiceStatus -PoolFqdn ${powershellLiteral(pool)} | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ -Depth 3 })`;
}

/** Every Central Management database the topology defines, each object kept whole: its shape is [unverified]. */
export function readCmsDatabasesScript(): string {
	return '@(Get-CsService -CentralManagementDatabase | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ })';
}

/** The Central Management database on one SQL Server; its result objects are kept whole ([unverified] shape). */
export function testCmsDatabaseScript(sqlServer: string, instance?: string): string {
	const named = instance === undefined ? '' : ` -SqlInstanceName ${powershellLiteral(instance)}`;
	return `@(Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn ${powershellLiteral(sqlServer)}${named} | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ })`;
}

function jobId(job: number): string {
	if (!Number.isSafeInteger(job) || job < 0) throw new RangeError(`A PowerShell job id is a whole number, not ${job}`);
	return String(job);
}

export function arrayLiteral(values: string[]): string {
	return `@(${values.map(powershellLiteral).join(', ')})`;
}


/** Remove-CsUserStoreBackupData returns nothing (cmdlet reference, Outputs: None). */
export function removeBackupDataScript(pool: string): string {
	return `Remove-CsUserStoreBackupData -PoolFqdn ${powershellLiteral(pool)} -Force -Confirm:$false\n$null`;
}
