# A stand-in for the SkypeForBusiness module: the cmdlets sfb-pair runs, producing objects shaped like the
# real ones (reference/sfb-facts.md), backed by a JSON state file so several PowerShell processes share one farm.
# It shadows Invoke-Command, New-PSSession and Remove-PSSession (functions win over cmdlets) to play the remote
# servers and the connections to them: each connection asked for is counted per server in the state's connections,
# and each call that opens some waits connectionDelayMs once (a Kerberos handshake), counted in handshakeWaits; a
# server named in breakSessions breaks its open session once.
# On the servers: their fixed drives,
# Bootstrapper.exe with its output over time and exit codes, unreachable servers and refused sessions, and what a
# server reports about itself (Get-CsServerPatchVersion, the installed products in the registry).
# Properties marked "ours" below are the stand-in's invention: no public source confirms them (sfb-facts.md §8).

Set-StrictMode -Version 3

# The server whose remote session is running a script block, and how many sessions this process has opened.
$script:RemoteServer = $null
$script:SessionCount = 0
$script:BackupModuleNames = @('UserServices.PresenceFocus', 'ConfServices.DataConf', 'CentralMgmt.CMSMaster')
$script:DefaultBootstrapperLines = @(
	'Bootstrapper.exe version 6.0.9319.0'
	'Checking prerequisites for the roles the Central Management store assigns to this computer...'
	'Installing Skype for Business Server Backup Service (LYNCBACKUP)...'
	'Executing command: msiexec.exe /qn /i "Setup\amd64\Setup\BackupService.msi" ADDLOCAL=Feature_BackupService'
	'Activating Skype for Business Server Backup Service...'
	'Bootstrapper completed successfully.'
)

function Get-StandInNow {
	[DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
}

# Every access holds the lock file beside the state exclusively (the system lets go of it if the process dies):
# Bootstrapper runs in several sessions update the same farm. The state is replaced whole by a rename, so a read
# from outside (the tests) never sees half a file.
function Use-StandInState {
	param([scriptblock]$Action, [switch]$Write)
	$path = $env:SFB_STANDIN_STATE
	if (-not $path) { throw 'SFB_STANDIN_STATE is not set: the stand-in SkypeForBusiness module needs its state file' }
	$lock = $null
	for ($attempt = 0; $null -eq $lock; $attempt++) {
		try {
			$lock = [System.IO.File]::Open("$path.lock", [System.IO.FileMode]::OpenOrCreate, [System.IO.FileAccess]::ReadWrite, [System.IO.FileShare]::None)
		} catch {
			if ($attempt -ge 1000) { throw }
			Start-Sleep -Milliseconds 5
		}
	}
	try {
		$state = [System.IO.File]::ReadAllText($path, [System.Text.UTF8Encoding]::new($false)) | ConvertFrom-Json -AsHashtable
		$changed = Update-StandInClock -State $state
		$result = & $Action $state
		if ($Write -or $changed) {
			$temporary = "$path.$PID.tmp"
			[System.IO.File]::WriteAllText($temporary, ($state | ConvertTo-Json -Depth 30), [System.Text.UTF8Encoding]::new($false))
			[System.IO.File]::Move($temporary, $path, $true)
		}
		$result
	} finally {
		$lock.Dispose()
	}
}

# LYNCBACKUP started after Bootstrapper but before the CU was re-applied crashes a little later: Event 4007 (KB-4007).
function Update-StandInClock {
	param($State)
	$now = Get-StandInNow
	$changed = $false
	foreach ($name in @($State.servers.Keys)) {
		$server = $State.servers[$name]
		if ($null -ne $server.backupCrashAt -and $now -ge $server.backupCrashAt) {
			$changed = $true
			$server.services['LYNCBACKUP'] = 'Stopped'
			$server.backupCrashAt = $null
			$server.events += , @{
				providerName = 'LS Backup Service'
				id = 4007
				time = [DateTimeOffset]::FromUnixTimeMilliseconds($now).UtcDateTime.ToString('o')
				message = "LyncBackupService.exe stopped unexpectedly.`r`nException: System.NullReferenceException: Object reference not set to an instance of an object."
			}
		}
	}
	$changed
}

function New-StandInError {
	param([Exception]$Exception, [string]$ErrorId, [System.Management.Automation.ErrorCategory]$Category, $Target)
	New-Object System.Management.Automation.ErrorRecord -ArgumentList $Exception, $ErrorId, $Category, $Target
}

# Common to every cmdlet: the call is logged, a slow cmdlet sleeps, a denied one refuses.
function Enter-StandInCmdlet {
	param([string]$Name, [hashtable]$Parameters, [System.Management.Automation.PSCmdlet]$Cmdlet)
	$call = @{ cmdlet = $Name; at = (Get-StandInNow); pid = $PID; parameters = @{} }
	foreach ($key in $Parameters.Keys) {
		$value = $Parameters[$key]
		$call.parameters[$key] = if ($value -is [System.Management.Automation.SwitchParameter]) { [bool]$value } elseif ($value -is [array]) { @($value | ForEach-Object { [string]$_ }) } else { [string]$value }
	}
	$settings = Use-StandInState -Write -Action {
		param($state)
		Add-StandInCall -State $state -Call $call
		@{ delay = $state.slowCmdlets[$Name]; denied = ($state.deniedCmdlets -contains $Name) }
	}
	if ($settings.delay) { Start-Sleep -Milliseconds $settings.delay }
	if ($settings.denied) {
		$Cmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.UnauthorizedAccessException]::new('Access is denied.')) -ErrorId "AccessDenied,$Name" -Category PermissionDenied -Target $Name))
	}
}

# The log of calls tests inspect; the most recent ones are enough, and a short log keeps every write cheap.
function Add-StandInCall {
	param($State, $Call)
	$State.calls = @(@($State.calls) + , $Call | Select-Object -Last 200)
}

# A new connection to each server (a PSSession, a one-off Invoke-Command -ComputerName, or a cmdlet's own
# -ComputerName): counted, and the delay the state sets, once per call since one call opens its connections side by side.
function Connect-StandInServer {
	param([string[]]$Server)
	$delay = Use-StandInState -Write -Action {
		param($state)
		foreach ($name in $Server) { $state.connections[$name] = [int]$state.connections[$name] + 1 }
		$state.handshakeWaits = [int]$state.handshakeWaits + 1
		[int]$state.connectionDelayMs
	}
	if ($delay -gt 0) { Start-Sleep -Milliseconds $delay }
}

# The server a cmdlet acts on: the one it names with -ComputerName (a new connection), else the server whose
# remote session runs it. On the jump box itself there is no Front End to ask.
function Resolve-StandInTarget {
	param([string]$ComputerName)
	if ($ComputerName) {
		Connect-StandInServer -Server $ComputerName
		return $ComputerName
	}
	if ($script:RemoteServer) { return $script:RemoteServer }
	throw 'The stand-in has no local Front End: name the server with -ComputerName or run inside its remote session'
}

function Get-RegistrarPool {
	param([string]$Identity)
	$Identity -replace '^Registrar:', ''
}

function Assert-StandInServerReachable {
	param($State, [string]$Server, [System.Management.Automation.PSCmdlet]$Cmdlet)
	$entry = $State.servers[$Server]
	if ($null -eq $entry -or -not $entry.reachable) {
		$inner = [System.ComponentModel.Win32Exception]::new(1722, 'The RPC server is unavailable')
		$exception = [System.InvalidOperationException]::new("Cannot open Service Control Manager on computer '$Server'. This operation might require other privileges.", $inner)
		$Cmdlet.ThrowTerminatingError((New-StandInError -Exception $exception -ErrorId 'CouldNotOpenServiceControlManager' -Category OpenError -Target $Server))
	}
	$entry
}

function Get-CsTopology {
	[CmdletBinding()]
	param([switch]$AsXml, [switch]$LocalStore)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	$file = Join-Path (Split-Path -Parent $env:SFB_STANDIN_STATE) $state.topologyFile
	$document = [System.Xml.Linq.XDocument]::Parse([System.IO.File]::ReadAllText($file))
	$document.Root.SetAttributeValue('Signature', $state.signature)
	if ($AsXml) { return $document }
	[pscustomobject]@{ Signature = $state.signature; Document = $document }
}

# -Report writes the log of the run (CMDLET Enable-CsTopology: "-Report: a file path for the log file created when the
# cmdlet runs"). Its layout here, and the wording of the warnings, are ours [unverified]. Fault publishWarnings (ours):
# each is written as a warning and into the report, as when the account could not set a file store's permissions.
function Enable-CsTopology {
	[CmdletBinding(SupportsShouldProcess)]
	param([switch]$Force, [string]$Report, [string]$GlobalCatalog, [string]$GlobalSettingsDomainController)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	if ($PSCmdlet.ShouldProcess('topology', 'Enable')) {
		$warnings = Use-StandInState -Write -Action {
			param($state)
			$state.enabledSignature = $state.signature
			if ($state.Contains('publishWarnings')) { @($state.publishWarnings) } else { @() }
		}
		foreach ($warning in @($warnings)) { if ($warning) { $PSCmdlet.WriteWarning($warning) } }
		if ($Report) {
			$rows = @(foreach ($warning in @($warnings)) { if ($warning) { "<tr><td class=""warning"">Warning: $([System.Net.WebUtility]::HtmlEncode($warning))</td></tr>" } })
			$html = "<html><head><title>Enable-CsTopology</title></head><body><table><tr><td>Enabling topology: Success</td></tr>$($rows -join '')</table></body></html>"
			[System.IO.File]::WriteAllText($Report, $html)
		}
	}
}

function ConvertTo-StandInRegistrar {
	param([string]$Pool, $Setting, [string]$Shape)
	$backup = $null
	if ($Setting.backupRegistrar) {
		$partner = Get-RegistrarPool $Setting.backupRegistrar
		$backup = if ($Shape -eq 'object') {
			[pscustomobject]@{ SiteId = 'Site:1'; RoleName = 'Registrar'; Instance = 1; PoolFqdn = $partner }
		} else {
			"Registrar:$partner"
		}
	}
	[pscustomobject]@{
		Identity = "Registrar:$Pool"
		PoolFqdn = $Pool
		ServiceId = "1-Registrar-1"
		Role = 'Registrar'
		BackupRegistrar = $backup
		EnableAutomaticFailover = [bool]$Setting.enableAutomaticFailover
		FailureDetectionInterval = [TimeSpan]::Parse($Setting.failureDetectionInterval)
		FailbackDetectionInterval = [TimeSpan]::Parse($Setting.failbackDetectionInterval)
		IsDirector = [bool]$Setting.isDirector
		DependentServiceList = @("UserServer:$Pool", "WebServer:$Pool")
	}
}

function Get-CsService {
	[CmdletBinding()]
	param([string]$Identity, [switch]$Registrar, [string]$PoolFqdn, [switch]$CentralManagementDatabase)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	if ($CentralManagementDatabase) { return Get-StandInCmsDatabase -State $state }
	$pools = @($state.registrars.Keys)
	if ($Identity) {
		$wanted = Get-RegistrarPool $Identity
		$pools = @($pools | Where-Object { $_ -eq $wanted })
		if ($pools.Count -eq 0) {
			$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.Management.Automation.ItemNotFoundException]::new("Cannot get service `"$Identity`" because it does not exist.")) -ErrorId 'ServiceNotFound' -Category ObjectNotFound -Target $Identity))
		}
	}
	if ($PoolFqdn) { $pools = @($pools | Where-Object { $_ -eq $PoolFqdn }) }
	foreach ($pool in ($pools | Sort-Object)) {
		ConvertTo-StandInRegistrar -Pool $pool -Setting $state.registrars[$pool] -Shape $state.backupRegistrarShape
	}
}

function Set-CsRegistrar {
	[CmdletBinding(SupportsShouldProcess)]
	param(
		[Parameter(Mandatory)][string]$Identity,
		[string]$BackupRegistrar,
		[bool]$EnableAutomaticFailover,
		[TimeSpan]$FailureDetectionInterval,
		[TimeSpan]$FailbackDetectionInterval
	)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$pool = Get-RegistrarPool $Identity
	# -BackupRegistrar $null leaves the Registrar without a backup (the unpair's cmdlet path, [unverified]).
	$clears = $PSBoundParameters.ContainsKey('BackupRegistrar') -and -not $BackupRegistrar
	$partner = if ($clears) { $null } else { Get-RegistrarPool $BackupRegistrar }
	$known = Use-StandInState -Action { param($state) @{ pool = $state.registrars.ContainsKey($pool); partner = $clears -or $state.registrars.ContainsKey($partner) } }
	foreach ($check in @(@($known.pool, $Identity), @($known.partner, $BackupRegistrar))) {
		if (-not $check[0]) {
			$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.Management.Automation.ItemNotFoundException]::new("Cannot find service `"$($check[1])`".")) -ErrorId 'ServiceNotFound' -Category ObjectNotFound -Target $check[1]))
		}
	}
	$setsFailover = $PSBoundParameters.ContainsKey('EnableAutomaticFailover')
	if ($PSCmdlet.ShouldProcess($Identity, 'Set backup registrar')) {
		Use-StandInState -Write -Action {
			param($state)
			$setting = $state.registrars[$pool]
			if ($clears) { Clear-StandInBackupRegistrar -State $state -Pool $pool } else { $setting.backupRegistrar = "Registrar:$partner" }
			if ($setsFailover) { $setting.enableAutomaticFailover = $EnableAutomaticFailover }
			if ($FailureDetectionInterval) { $setting.failureDetectionInterval = $FailureDetectionInterval.ToString() }
			if ($FailbackDetectionInterval) { $setting.failbackDetectionInterval = $FailbackDetectionInterval.ToString() }
			$state.signature = [guid]::NewGuid().ToString()
			# Each replica catches up from here, after its own lag (replicaLagMs, ours).
			$state.publishedAt = Get-StandInNow
		} | Out-Null
	}
}

function Get-CsPoolBackupRelationship {
	[CmdletBinding()]
	param([Parameter(Mandatory)][string]$PoolFqdn)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	$setting = $state.registrars[$PoolFqdn]
	if ($null -eq $setting -or -not $setting.backupRegistrar) { return }
	$partner = Get-RegistrarPool $setting.backupRegistrar
	if ($state.relationshipShape -eq 'string') { return $partner }
	if ($state.relationshipShape -eq 'unrecognised') { return [pscustomobject]@{ Relationship = 'Pair-7' } }
	# The object's type is documented (BackupRelation), its properties are not: PoolFqdn and BackupPoolFqdn are ours.
	[pscustomobject]@{ PoolFqdn = $PoolFqdn; BackupPoolFqdn = $partner }
}

# The replica of the Central Management store on one server. UpToDate and LastUpdateCreation are the properties the
# cmdlet reference's examples use; ReplicaFqdn and LastStatusReport are ours. A replica is up to date once its lag has
# passed since the last publish; before that it still holds the update before the publish.
function Test-StandInReplicaCurrent {
	param($State, $Server, [long]$At)
	$null -eq $State.publishedAt -or $At -ge (Get-StandInReplicaCurrentAt -State $State -Server $Server)
}

function Get-CsManagementStoreReplicationStatus {
	[CmdletBinding()]
	param([Parameter(Position = 0)][string]$ReplicaFqdn, [switch]$CentralManagementStoreStatus)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	if ($CentralManagementStoreStatus) { return Get-StandInCmsStatus }
	$state = Use-StandInState -Action { param($state) $state }
	$now = Get-StandInNow
	foreach ($name in @($state.servers.Keys | Where-Object { -not $ReplicaFqdn -or $_ -eq $ReplicaFqdn } | Sort-Object)) {
		$server = $state.servers[$name]
		$current = Test-StandInReplicaCurrent -State $state -Server $server -At $now
		$created = if ($null -eq $state.publishedAt) { $state.createdAt } elseif ($current) { Get-StandInReplicaCurrentAt -State $state -Server $server } else { $state.createdAt }
		[pscustomobject]@{
			ReplicaFqdn = $name
			UpToDate = [bool]$current
			LastUpdateCreation = [DateTimeOffset]::FromUnixTimeMilliseconds([long]$created).UtcDateTime
			LastStatusReport = [DateTimeOffset]::FromUnixTimeMilliseconds($now).UtcDateTime
		}
	}
}

# The server a service cmdlet acts on, reachable and with that service installed; else the error Windows gives.
function Assert-StandInService {
	param([string]$Name, [string]$Server, [System.Management.Automation.PSCmdlet]$Cmdlet)
	$state = Use-StandInState -Action { param($state) $state }
	$entry = Assert-StandInServerReachable -State $state -Server $Server -Cmdlet $Cmdlet
	if (-not $entry.services.ContainsKey($Name)) {
		$Cmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new("Cannot find any service with service name '$Name'.")) -ErrorId 'NoServiceFoundForGivenName' -Category ObjectNotFound -Target $Name))
	}
	$entry
}

function Get-CsWindowsService {
	[CmdletBinding()]
	param([string]$Name, [string]$ComputerName)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$target = Resolve-StandInTarget -ComputerName $ComputerName
	$server = Assert-StandInService -Name $Name -Server $target -Cmdlet $PSCmdlet
	$displayNames = @{ RTCSRV = 'Skype for Business Server Front-End'; LYNCBACKUP = 'Skype for Business Server Backup Service' }
	[pscustomobject]@{
		Name = $Name
		DisplayName = $displayNames[$Name]
		Status = $server.services[$Name]
		ActivityLevel = ''
	}
}

function Start-CsWindowsService {
	[CmdletBinding()]
	param([string]$Name, [string]$ComputerName)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$target = Resolve-StandInTarget -ComputerName $ComputerName
	$null = Assert-StandInService -Name $Name -Server $target -Cmdlet $PSCmdlet
	Use-StandInState -Write -Action {
		param($state)
		$entry = $state.servers[$target]
		if ($entry.Contains('startPending') -and $entry.startPending) {
			# Fault (ours): the service is still starting when it is next read.
			$entry.services[$Name] = 'StartPending'
		} elseif ($entry.services[$Name] -ne 'Running') {
			$entry.services[$Name] = 'Running'
			if ($Name -eq 'LYNCBACKUP' -and -not $entry.cuReapplied) { $entry.backupCrashAt = (Get-StandInNow) + $state.crashAfterMs }
		}
	} | Out-Null
}

function Get-WinEvent {
	[CmdletBinding()]
	param([string]$ComputerName, [hashtable]$FilterHashtable, [int]$MaxEvents = 0)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$target = Resolve-StandInTarget -ComputerName $ComputerName
	$state = Use-StandInState -Action { param($state) $state }
	$server = Assert-StandInServerReachable -State $state -Server $target -Cmdlet $PSCmdlet
	$found = @($server.events | Where-Object {
			(-not $FilterHashtable.ContainsKey('ProviderName') -or $_.providerName -eq $FilterHashtable.ProviderName) -and
			(-not $FilterHashtable.ContainsKey('Id') -or $_.id -eq $FilterHashtable.Id) -and
			(-not $FilterHashtable.ContainsKey('StartTime') -or ([datetime]$_.time).ToUniversalTime() -ge ([datetime]$FilterHashtable.StartTime).ToUniversalTime())
		})
	if ($found.Count -eq 0) {
		$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.Exception]::new('No events were found that match the specified selection criteria.')) -ErrorId 'NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand' -Category ObjectNotFound -Target $null))
	}
	[array]::Reverse($found)
	if ($MaxEvents -gt 0) { $found = @($found | Select-Object -First $MaxEvents) }
	foreach ($event in $found) {
		[pscustomobject]@{ TimeCreated = [datetime]::Parse($event.time).ToLocalTime(); Id = $event.id; ProviderName = $event.providerName; Message = $event.message }
	}
}

function Invoke-CsBackupServiceSync {
	[CmdletBinding()]
	param([Parameter(Mandatory)][string]$PoolFqdn, [string]$BackupModule)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	Use-StandInState -Write -Action {
		param($state)
		$state.syncRequestedAt[$PoolFqdn] = Get-StandInNow
	} | Out-Null
}

function Test-StandInBackupRunning {
	param($State, [string]$Pool)
	$servers = @($State.pools[$Pool])
	$servers.Count -gt 0 -and @($servers | Where-Object { $State.servers[$_].services['LYNCBACKUP'] -ne 'Running' }).Count -eq 0
}

function Get-CsBackupServiceStatus {
	[CmdletBinding()]
	param([Parameter(Mandatory)][string]$PoolFqdn, [string]$Category)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	$setting = $state.registrars[$PoolFqdn]
	if ($null -eq $setting -or -not $setting.backupRegistrar) {
		$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new("Pool `"$PoolFqdn`" has no backup pool.")) -ErrorId 'NoBackupPool' -Category InvalidOperation -Target $PoolFqdn))
	}
	$partner = Get-RegistrarPool $setting.backupRegistrar
	$running = (Test-StandInBackupRunning -State $state -Pool $PoolFqdn) -and (Test-StandInBackupRunning -State $state -Pool $partner)
	$requestedAt = $state.syncRequestedAt[$PoolFqdn]
	$settled = $running -and $null -ne $requestedAt -and ((Get-StandInNow) - $requestedAt) -ge $state.syncSettleMs
	# While either pool is failed over, neither exports to the other (drill).
	$failedOver = Get-StandInFailedOver -State $state
	if ($failedOver.ContainsKey($PoolFqdn) -or $failedOver.ContainsKey($partner)) { $settled = $false }
	$modules = foreach ($name in $script:BackupModuleNames) {
		$export = if (-not $running -or $null -eq $requestedAt) { 'NotInitialized' } elseif (-not $settled) { 'NonSteadyState' } elseif ($name -eq 'UserServices.PresenceFocus') { 'SteadyState' } else { 'FinalState' }
		if ($name -eq 'CentralMgmt.CMSMaster' -and $state.cmsPool -ne $PoolFqdn) { $export = 'NotInitialized' }
		[pscustomobject]@{ Identity = $name; ExportStatus = $export; ImportStatus = 'NormalState' }
	}
	# BackupModules with Identity, ExportStatus and ImportStatus is the documented shape (JENSTR); PoolFqdn,
	# BackupPoolFqdn, OverallExportStatus and OverallImportStatus are ours.
	[pscustomobject]@{
		PoolFqdn = $PoolFqdn
		BackupPoolFqdn = $partner
		OverallExportStatus = $(if ($settled) { 'FinalState' } else { 'NonSteadyState' })
		OverallImportStatus = 'NormalState'
		BackupModules = @($modules)
	}
}

# The fake Bootstrapper.exe a remote script block runs: lines over time, then the exit code the state gives this run.
function Invoke-StandInBootstrapper {
	param([string]$Server)
	$run = Use-StandInState -Write -Action {
		param($state)
		$entry = $state.servers[$Server]
		$bootstrapper = $entry.bootstrapper
		$codes = @($bootstrapper.exitCodes)
		$code = $codes[[Math]::Min([int]$bootstrapper.runs, $codes.Count - 1)]
		$bootstrapper.runs = [int]$bootstrapper.runs + 1
		# The roles come from the server's replica of the topology: before the publish reaches it, it assigns no Backup Service.
		$pool = @($state.pools.Keys | Where-Object { @($state.pools[$_]) -contains $Server })[0]
		$paired = $null -ne $pool -and [bool]$state.registrars[$pool].backupRegistrar
		$current = Test-StandInReplicaCurrent -State $state -Server $entry -At (Get-StandInNow)
		$installs = $paired -and $current
		$lines = if ($code -ne 0 -and $code -ne 3010) { @($bootstrapper.failureLines) } elseif ($installs) { $script:DefaultBootstrapperLines } else { @($script:DefaultBootstrapperLines | Where-Object { $_ -notmatch 'Backup' }) }
		@{ code = $code; lines = $lines; delay = [int]$bootstrapper.lineDelayMs; installs = $installs; removes = -not $paired -and $current }
	}
	foreach ($line in $run.lines) {
		Start-Sleep -Milliseconds $run.delay
		$line
	}
	if ($run.installs -and ($run.code -eq 0 -or $run.code -eq 3010)) {
		Use-StandInState -Write -Action {
			param($state)
			$entry = $state.servers[$Server]
			if (-not $entry.services.ContainsKey('LYNCBACKUP')) { $entry.services['LYNCBACKUP'] = 'Stopped' }
			# Bootstrapper installs the Backup Service from the RTM binaries: the CU has to be applied again.
			$entry.cuReapplied = $false
		} | Out-Null
	}
	if ($run.removes -and ($run.code -eq 0 -or $run.code -eq 3010)) { Remove-StandInBackupService -Server $Server }
	$global:LASTEXITCODE = $run.code
}

# How a connection to a server fails: unreachable (WinRM cannot get there) or refused (the account may not open a session).
function New-StandInConnectError {
	param($State, [string]$Computer, [string]$Suffix)
	$standInServer = $State.servers[$Computer]
	$up = $null -ne $standInServer -and $standInServer.reachable -and -not (Test-StandInRestarting -Server $standInServer)
	if ($up -and -not $standInServer.remotingAccessDenied) { return $null }
	$denied = $up
	$message = if ($denied) {
		"Connecting to remote server $Computer failed with the following error message : Access is denied. For more information, see the about_Remote_Troubleshooting Help topic."
	} else {
		"Connecting to remote server $Computer failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. For more information, see the about_Remote_Troubleshooting Help topic."
	}
	$errorId = if ($denied) { "AccessDenied,$Suffix" } else { "CannotConnect,$Suffix" }
	$exception = [System.Management.Automation.Remoting.PSRemotingTransportException]::new($message)
	New-StandInError -Exception $exception -ErrorId $errorId -Category OpenError -Target $Computer
}

# The servers of a remoting call (New-PSSession, Invoke-Command) that let it in, one at a time: the call is recorded and
# the servers connected first; each one that does not is written as the caller's error, as Windows does ($Suffix ends
# its error id).
function Select-StandInReachable {
	param([string[]]$ComputerName, [string]$Suffix, [System.Management.Automation.PSCmdlet]$Cmdlet)
	Use-StandInState -Write -Action {
		param($state)
		Add-StandInCall -State $state -Call @{ cmdlet = 'Invoke-Command'; at = (Get-StandInNow); pid = $PID; parameters = @{ ComputerName = @($ComputerName) } }
	} | Out-Null
	Connect-StandInServer -Server $ComputerName
	$state = Use-StandInState -Action { param($state) $state }
	foreach ($computer in $ComputerName) {
		$failure = New-StandInConnectError -State $state -Computer $computer -Suffix $Suffix
		if ($null -ne $failure) {
			$Cmdlet.WriteError($failure)
			continue
		}
		$computer
	}
}

# A session the stand-in opened: a plain object with the properties sfb-pair reads (ComputerName, State).
function New-PSSession {
	[CmdletBinding()]
	param([Parameter(Position = 0, Mandatory)][string[]]$ComputerName)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	Select-StandInReachable -ComputerName $ComputerName -Suffix 'PSSessionOpenFailed' -Cmdlet $PSCmdlet | ForEach-Object {
		$script:SessionCount++
		[pscustomobject]@{ Id = $script:SessionCount; Name = "WinRM$($script:SessionCount)"; ComputerName = $_; State = 'Opened'; Availability = 'Available' }
	}
}

function Remove-PSSession {
	[CmdletBinding()]
	param([Parameter(Position = 0, Mandatory)][object[]]$Session)
	foreach ($closing in $Session) {
		if ($closing.State -eq 'Closed') { continue }
		$closing.State = 'Closed'
		$computer = [string]$closing.ComputerName
		Use-StandInState -Write -Action {
			param($state)
			$state.closedSessions[$computer] = [int]$state.closedSessions[$computer] + 1
		} | Out-Null
	}
}

# A server named in breakSessions loses its session once, the next time it is used, as a dropped network or a
# restarted WinRM service does: the session turns Broken and the command fails with a transport error.
function Test-StandInSessionBreaks {
	param($Session)
	$computer = [string]$Session.ComputerName
	$breaks = Use-StandInState -Write -Action {
		param($state)
		$listed = @($state.breakSessions) -contains $computer
		if ($listed) { $state.breakSessions = @(@($state.breakSessions) | Where-Object { $_ -ne $computer }) }
		# A server restarting (Restart-Computer) ends the sessions open to it.
		$server = $state.servers[$computer]
		$listed -or ($null -ne $server -and (Test-StandInRestarting -Server $server))
	}
	if ($breaks) { $Session.State = 'Broken' }
	$Session.State -ne 'Opened'
}

function New-StandInSessionLost {
	param([string]$Computer)
	$message = "Processing data from remote server $Computer failed with the following error message : The WinRM client cannot process the request because the network connection was interrupted. For more information, see the about_Remote_Troubleshooting Help topic."
	New-StandInError -Exception ([System.Management.Automation.Remoting.PSRemotingTransportException]::new($message)) -ErrorId 'JobFailure' -Category OpenError -Target $Computer
}

# The remote side of the farm: a script block run as it would run on $Computer, seeing these functions instead of the
# local ones. Real remoting sends the script block as text, so it runs here re-created from its text.
function Invoke-StandInRemote {
	param([string]$Computer, [string]$ScriptText, [object[]]$ArgumentList = @())
	$state = Use-StandInState -Action { param($state) $state }
	$standInServer = $state.servers[$Computer]
	# The Front End service's image path: <install folder>\Server\Core\RTCSrv.exe beside the Deployment folder that holds
	# Bootstrapper.exe [unverified beyond the default folders], or frontEndServicePath where the state gives one (ours).
	function Get-CimInstance {
		param([string]$ClassName, [string]$Filter)
		if ($ClassName -eq 'Win32_Service') {
			if ($Filter -notmatch "Name\s*=\s*'RTCSRV'" -or -not $standInServer.services.ContainsKey('RTCSRV')) { return }
			$pathName = if ($standInServer.Contains('frontEndServicePath')) { $standInServer.frontEndServicePath } elseif ($standInServer.bootstrapperPath) { '"' + ($standInServer.bootstrapperPath -replace '\\Deployment\\Bootstrapper\.exe$', '\Server\Core\RTCSrv.exe') + '"' } else { $null }
			return [pscustomobject]@{ Name = 'RTCSRV'; PathName = $pathName; State = $standInServer.services['RTCSRV'] }
		}
		foreach ($drive in $standInServer.drives) { [pscustomobject]@{ DeviceID = $drive; DriveType = 3 } }
	}
	function Test-Path {
		param([string]$LiteralPath, [string]$Path)
		$target = if ($LiteralPath) { $LiteralPath } else { $Path }
		$null -ne $standInServer.bootstrapperPath -and $target -eq $standInServer.bootstrapperPath
	}
	# What the server says about its components: Get-CsServerPatchVersion (ComponentName and Version, as Microsoft's
	# own scripts read them) where the server has it (patchVersionCmdlet, ours), else the installed products in the
	# registry (DisplayName, DisplayVersion). The Backup Service stays at the RTM build until the CU is re-applied.
	$components = @([pscustomobject]@{ ComponentName = 'Skype for Business Server 2015, Core Components'; Version = $standInServer.coreVersion })
	if ($standInServer.services.ContainsKey('LYNCBACKUP')) {
		$backupVersion = if ($standInServer.cuReapplied) { $standInServer.coreVersion } else { '6.0.9319.0' }
		$components += [pscustomobject]@{ ComponentName = 'Skype for Business Server 2015, Backup Service'; Version = $backupVersion }
	}
	Remove-Item -Path 'function:Get-CsServerPatchVersion' -ErrorAction SilentlyContinue
	if ($standInServer.patchVersionCmdlet) {
		function Get-CsServerPatchVersion { $components }
	}
	function Get-ItemProperty {
		param([string[]]$Path)
		foreach ($component in $components) { [pscustomobject]@{ DisplayName = $component.ComponentName; DisplayVersion = $component.Version } }
	}
	function Import-Module { param([string]$Name) }
	. Add-StandInPreflightServer -Server $standInServer
	. Add-StandInPatchingServer -Server $standInServer -Computer $Computer
	. Add-StandInRestartServer -Server $standInServer
	# The server's module lacks the cmdlets the jump box's lacks (missingCmdlets): calling one fails as a missing command does.
	foreach ($missing in @($state.missingCmdlets)) {
		$notFound = New-StandInError -Exception ([System.Management.Automation.CommandNotFoundException]::new("The term '$missing' is not recognized as a name of a cmdlet, function, script file, or executable program.")) -ErrorId 'CommandNotFoundException' -Category ObjectNotFound -Target $missing
		Set-Item -Path ('function:' + $missing) -Value { throw $notFound }.GetNewClosure()
	}
	if ($standInServer.bootstrapperPath) {
		$bootstrapperServer = $Computer
		Set-Item -Path ('function:' + $standInServer.bootstrapperPath) -Value { Invoke-StandInBootstrapper -Server $bootstrapperServer }
	}
	$outerServer = $script:RemoteServer
	$script:RemoteServer = $Computer
	try {
		& ([scriptblock]::Create($ScriptText)) @ArgumentList
	} finally {
		$script:RemoteServer = $outerServer
	}
}

#region Pre-flight (sfb-pair doctor): the account, the pool's fabric, and what each server says about itself
# Faults in the state: account.rtcUniversalServerAdmins / domainAdmins / elevated / setupPermission (false to fail),
# fabricMissing[pool] (services missing a replica), and per server operatingSystem, manufacturer, model,
# doubleHopDenied (its session is refused the file store), smbBlocked (TCP 445 to the partner's file store closed).

# whoami.exe as the jump box's token shows it: the user, or with /groups the groups as CSV without a header
# (name, type, SID, attributes), the integrity level last. A function named whoami.exe wins over the program.
function whoami.exe {
	$account = Use-StandInState -Action { param($state) $state['account'] }
	if ($null -eq $account) { $account = @{} }
	$user = if ($account['user']) { [string]$account['user'] } else { 'CONTOSO\sfbadmin' }
	if ($args -notcontains '/groups') { return $user.ToLowerInvariant() }
	$domainSid = 'S-1-5-21-1004336348-1177238915-682003330'
	$enabled = 'Mandatory group, Enabled by default, Enabled group'
	$lines = @(
		'"Everyone","Well-known group","S-1-1-0","' + $enabled + '"'
		'"BUILTIN\Users","Alias","S-1-5-32-545","' + $enabled + '"'
		'"CONTOSO\Domain Users","Group","' + $domainSid + '-513","' + $enabled + '"'
	)
	if ($account['domainAdmins'] -ne $false) {
		$attributes = if ($account['elevated'] -ne $false) { $enabled } else { 'Group used for deny only' }
		$lines += '"CONTOSO\Domain Admins","Group","' + $domainSid + '-512","' + $attributes + '"'
	}
	if ($account['rtcUniversalServerAdmins'] -ne $false) {
		$lines += '"CONTOSO\RTCUniversalServerAdmins","Group","' + $domainSid + '-1121","' + $enabled + '"'
	}
	$lines += if ($account['elevated'] -ne $false) { '"Mandatory Label\High Mandatory Level","Label","S-1-16-12288",""' } else { '"Mandatory Label\Medium Mandatory Level","Label","S-1-16-8192",""' }
	$global:LASTEXITCODE = 0
	$lines
}

# True when the OU holds the setup permissions (Grant-CsSetupPermission); the account's setupPermission, false by default.
function Test-CsSetupPermission {
	[CmdletBinding()]
	param([Parameter(Mandatory)][string]$ComputerOU, [string]$Domain, [string]$DomainController)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$account = Use-StandInState -Action { param($state) $state['account'] }
	[bool]($null -ne $account -and $account['setupPermission'] -eq $true)
}

# The fabric's state as text lines (ours: the real output is not documented).
function Get-CsPoolFabricState {
	[CmdletBinding()]
	param([Parameter(Mandatory)][string]$PoolFqdn, [string]$Type, [switch]$Force)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	if (-not $state.pools.ContainsKey($PoolFqdn)) {
		$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.ArgumentException]::new("Cannot find pool '$PoolFqdn' in the topology.")) -ErrorId 'PoolNotFound' -Category ObjectNotFound -Target $PoolFqdn))
	}
	$missing = 0
	if ($null -ne $state['fabricMissing'] -and $state['fabricMissing'].ContainsKey($PoolFqdn)) { $missing = [int]$state['fabricMissing'][$PoolFqdn] }
	"Pool Fqdn: $PoolFqdn"
	'Total number of services: 48'
	"Services with missing primary: 0"
	"Services with missing secondaries: $missing"
}

# Dot-sourced into a server's remote scope: CIM's operating system and computer system, the computer account's place
# in AD from the registry, the file store listed over the second hop, TCP 445 to another host.
function Add-StandInPreflightServer {
	param($Server)
	$drivesCim = ${function:Get-CimInstance}
	function Get-CimInstance {
		param([string]$ClassName, [string]$Filter, $ErrorAction)
		switch ($ClassName) {
			'Win32_OperatingSystem' {
				$caption = if ($Server['operatingSystem']) { $Server['operatingSystem'] } else { 'Microsoft Windows Server 2019 Datacenter' }
				[pscustomobject]@{ Caption = $caption; Version = '10.0.17763'; BuildNumber = '17763' }
			}
			'Win32_ComputerSystem' {
				$maker = if ($Server['manufacturer']) { $Server['manufacturer'] } else { 'Microsoft Corporation' }
				$model = if ($Server['model']) { $Server['model'] } else { 'Virtual Machine' }
				[pscustomobject]@{ Manufacturer = $maker; Model = $model; Domain = 'contoso.com' }
			}
			default { & $drivesCim -ClassName $ClassName -Filter $Filter }
		}
	}
	function Get-ItemPropertyValue {
		param([string]$Path, [string]$Name, $ErrorAction)
		if ($Server['distinguishedName']) { return $Server['distinguishedName'] }
		throw [System.Management.Automation.PSArgumentException]::new("Property $Name does not exist at path $Path.")
	}
	function Get-ChildItem {
		param([string]$LiteralPath, $ErrorAction)
		if ($Server['doubleHopDenied']) { throw [System.UnauthorizedAccessException]::new("Access to the path '$LiteralPath' is denied.") }
		[pscustomobject]@{ Name = 'LyncFileStore'; FullName = "$LiteralPath\1-ApplicationServer-1" }
	}
	function Test-NetConnection {
		param([string]$ComputerName, [int]$Port, [string]$InformationLevel, $WarningAction)
		-not $Server['smbBlocked']
	}
}
#endregion

#region Patching a pool (issue 14): upgrade readiness, computer failover and failback, the update installer on a share
# Ours, per server: failedOver (Invoke-CsComputerFailOver stopped and disabled its services), frontEndDown (the fault: it
# counts as an inactive Front End, so its pool is not ready), shareDenied (its session is refused the share: the Kerberos
# double hop), installer { exitCodes, runs } (the exit code of each run, the last repeated). Ours, for the farm:
# shares (UNC share root -> a local folder the test made), patchingLog (failover, installer and failback, in order).
# PoolUpgradeState and ReadyForUpgrade are the documented names; the other properties of the readiness output are ours.

function Add-StandInPatchingLog {
	param($State, [string]$Action, [string]$Server)
	$State['patchingLog'] = @(@($State['patchingLog']) + , @{ action = $Action; server = $Server; at = (Get-StandInNow) } | Where-Object { $null -ne $_ })
}

function Get-StandInPoolOf {
	param($State, [string]$Server)
	@($State.pools.Keys | Where-Object { @($State.pools[$_]) -contains $Server })[0]
}

# The readiness of the pool of the server it runs on (the cmdlets run only on a Front End of the pool).
function Get-StandInUpgradeReadiness {
	param([string]$Name, [hashtable]$Parameters, [System.Management.Automation.PSCmdlet]$Cmdlet)
	Enter-StandInCmdlet -Name $Name -Parameters $Parameters -Cmdlet $Cmdlet
	if (-not $script:RemoteServer) {
		$Cmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new('This cmdlet must be run locally on a Front End server of the pool.')) -ErrorId "NotOnFrontEnd,$Name" -Category InvalidOperation -Target $Name))
	}
	$state = Use-StandInState -Action { param($state) $state }
	$pool = Get-StandInPoolOf -State $state -Server $script:RemoteServer
	$servers = @($state.pools[$pool])
	$down = @($servers | Where-Object { $state.servers[$_]['frontEndDown'] })
	$inactive = @($servers | Where-Object { $state.servers[$_]['frontEndDown'] -or $state.servers[$_]['failedOver'] })
	$count = [Math]::Min($servers.Count, 8)
	$domains = foreach ($index in 0..($count - 1)) {
		$members = @(for ($at = $index; $at -lt $servers.Count; $at += $count) { $servers[$at] })
		[pscustomobject]@{
			UpgradeDomain = "UpgradeDomain$($index + 1)"
			FrontEnds = $members
			ReadyForUpgrade = (@($members | Where-Object { $inactive -contains $_ }).Count -eq 0)
		}
	}
	$upgradeState = if ($down.Count -gt 0) { 'InsufficientActiveFrontEnds' } elseif ($inactive.Count -gt 0) { 'Busy' } else { 'Ready' }
	[pscustomobject]@{
		PoolFqdn = $pool
		PoolUpgradeState = $upgradeState
		TotalFrontEnds = $servers.Count
		TotalActiveFrontEnds = $servers.Count - $inactive.Count
		UpgradeDomains = @($domains)
	}
}

function Get-CsPoolUpgradeReadinessState {
	[CmdletBinding(SupportsShouldProcess)]
	param([switch]$Force, [switch]$SkipIdleSecondaryVerification)
	Get-StandInUpgradeReadiness -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
}

function Get-CsUpgradeDomainInfo {
	[CmdletBinding(SupportsShouldProcess)]
	param([switch]$Force, [int]$QueryTimeout)
	Get-StandInUpgradeReadiness -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
}

# Failover stops the server's Front End service and disables it; failback enables and starts it again.
function Invoke-StandInComputerMove {
	param([string]$Name, [string]$ComputerName, [bool]$Over, [System.Management.Automation.PSCmdlet]$Cmdlet)
	$already = Use-StandInState -Write -Action {
		param($state)
		$entry = $state.servers[$ComputerName]
		if ($null -eq $entry) { return 'unknown' }
		if ([bool]$entry['failedOver'] -eq $Over) { return 'already' }
		$entry['failedOver'] = $Over
		$entry.services['RTCSRV'] = $(if ($Over) { 'Stopped' } else { 'Running' })
		Add-StandInPatchingLog -State $state -Action $(if ($Over) { 'failover' } else { 'failback' }) -Server $ComputerName
		''
	}
	if ($already -eq 'unknown') {
		$Cmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.ArgumentException]::new("Cannot find computer '$ComputerName' in a pool.")) -ErrorId "ComputerNotFound,$Name" -Category ObjectNotFound -Target $ComputerName))
	}
	if ($already -eq 'already') {
		$word = if ($Over) { 'failed over' } else { 'active' }
		$Cmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new("Computer '$ComputerName' is already $word.")) -ErrorId "AlreadyDone,$Name" -Category InvalidOperation -Target $ComputerName))
	}
	Write-Warning $(if ($Over) { "Draining and stopping services on $ComputerName." } else { "Starting services on $ComputerName." })
}

function Invoke-CsComputerFailOver {
	[CmdletBinding(SupportsShouldProcess)]
	param([Parameter(Position = 0)][string]$ComputerName, [switch]$Force, [switch]$NoStop, [string]$Report, [TimeSpan]$WaitTime, [TimeSpan]$DrainingTimeout, [switch]$SkipFabricHealthCheck)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	Invoke-StandInComputerMove -Name $MyInvocation.MyCommand.Name -ComputerName $(if ($ComputerName) { $ComputerName } else { $script:RemoteServer }) -Over $true -Cmdlet $PSCmdlet
}

function Invoke-CsComputerFailBack {
	[CmdletBinding(SupportsShouldProcess)]
	param([Parameter(Position = 0)][string]$ComputerName, [switch]$NoStart, [string]$Report, [TimeSpan]$WaitTime, [switch]$SkipFabricHealthCheck)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	Invoke-StandInComputerMove -Name $MyInvocation.MyCommand.Name -ComputerName $(if ($ComputerName) { $ComputerName } else { $script:RemoteServer }) -Over $false -Cmdlet $PSCmdlet
}

# A UNC path on a share the state maps to a local folder, or $null.
function Resolve-StandInShare {
	param($State, [string]$Path)
	foreach ($root in @($State['shares'].Keys)) {
		if ($Path.StartsWith($root + '\', [StringComparison]::OrdinalIgnoreCase)) {
			return Join-Path $State['shares'][$root] ($Path.Substring($root.Length + 1) -replace '\\', '/')
		}
	}
	$null
}

# The installer shim: each run recorded; its exit code from the server's installer.exitCodes; success re-applies the CU.
function Invoke-StandInInstaller {
	param([string]$Server, [string]$Installer, [string[]]$ArgumentList)
	Use-StandInState -Write -Action {
		param($state)
		Add-StandInCall -State $state -Call @{ cmdlet = 'SkypeServerUpdateInstaller.exe'; at = (Get-StandInNow); pid = $PID; parameters = @{ Server = $Server; Path = $Installer; ArgumentList = @($ArgumentList) } }
		$entry = $state.servers[$Server]
		$installer = $entry['installer']
		if ($null -eq $installer) { $installer = @{ exitCodes = @(0); runs = 0 }; $entry['installer'] = $installer }
		$codes = @($installer.exitCodes)
		$code = [int]$codes[[Math]::Min([int]$installer.runs, $codes.Count - 1)]
		$installer.runs = [int]$installer.runs + 1
		if ($code -eq 0 -or $code -eq 3010) { $entry.cuReapplied = $true }
		Add-StandInPatchingLog -State $state -Action 'install' -Server $Server
		$code
	}
}

# Dot-sourced into a server's remote scope: the share read as that server (Get-Item), the installer started from it
# (Start-Process -Wait -PassThru), and the Front End service's start mode (CIM Win32_Service).
function Add-StandInPatchingServer {
	param($Server, [string]$Computer)
	$patchingComputer = $Computer
	$cimBeforePatching = ${function:Get-CimInstance}
	function Get-CimInstance {
		param([string]$ClassName, [string]$Filter, $ErrorAction)
		if ($ClassName -ne 'Win32_Service') { return & $cimBeforePatching -ClassName $ClassName -Filter $Filter }
		$name = if ($Filter -match "Name\s*=\s*'([^']+)'") { $Matches[1] } else { '' }
		if (-not $Server.services.ContainsKey($name)) { return }
		$mode = if ($Server['failedOver']) { 'Disabled' } else { 'Auto' }
		$installed = & $cimBeforePatching -ClassName $ClassName -Filter $Filter
		$pathName = if ($null -ne $installed) { $installed.PathName } else { $null }
		[pscustomobject]@{ Name = $name; PathName = $pathName; State = $Server.services[$name]; StartMode = $mode }
	}
	function Get-Item {
		param([string]$LiteralPath, $ErrorAction)
		$state = Use-StandInState -Action { param($state) $state }
		if ($Server['shareDenied']) { throw [System.UnauthorizedAccessException]::new("Access to the path '$LiteralPath' is denied.") }
		$local = Resolve-StandInShare -State $state -Path $LiteralPath
		if ($null -eq $local -or -not [System.IO.File]::Exists($local)) { throw [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$LiteralPath' because it does not exist.") }
		[pscustomobject]@{ FullName = $LiteralPath; Length = ([System.IO.FileInfo]::new($local)).Length }
	}
	function Start-Process {
		param([string]$FilePath, [string[]]$ArgumentList, [switch]$Wait, [switch]$PassThru, [switch]$NoNewWindow)
		$null = Get-Item -LiteralPath $FilePath
		[pscustomobject]@{ ExitCode = (Invoke-StandInInstaller -Server $patchingComputer -Installer $FilePath -ArgumentList $ArgumentList) }
	}
}
#endregion


#region Restarting a held server (issue 13): Restart-Computer from the jump box, and the boot time it leaves
# Ours, per server: lastBootUpTime (ms; absent: 1 January 2020), downUntil (ms: it answers nothing until then, and a
# session open to it breaks), restartNeverReturns (the fault: a restart takes it down for good), restarts (how many).
# Ours, for the farm: restartDelayMs (how long a restart keeps a server down; default 300). Restart-Computer's parameters
# are the cmdlet's; it writes nothing on success.

function Test-StandInRestarting {
	param($Server)
	if ($null -eq $Server['downUntil']) { return $false }
	if ($Server['restartNeverReturns']) { return $true }
	(Get-StandInNow) -lt [long]$Server['downUntil']
}

function Restart-Computer {
	[CmdletBinding(SupportsShouldProcess)]
	param([Parameter(Position = 0)][string[]]$ComputerName, [switch]$Force, [switch]$Wait, [string]$Protocol, [int]$Timeout)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	foreach ($computer in $ComputerName) {
		$outcome = Use-StandInState -Write -Action {
			param($state)
			$entry = $state.servers[$computer]
			if ($null -eq $entry -or -not $entry.reachable -or (Test-StandInRestarting -Server $entry)) { return 'unreachable' }
			$delay = if ($null -ne $state['restartDelayMs']) { [int]$state['restartDelayMs'] } else { 300 }
			$entry['downUntil'] = (Get-StandInNow) + $delay
			$entry['lastBootUpTime'] = $entry['downUntil']
			$entry['restarts'] = [int]$entry['restarts'] + 1
			# Stopped services stay as they were: a failed-over server's are disabled, so they stay stopped.
			Add-StandInPatchingLog -State $state -Action 'restart' -Server $computer
			''
		}
		if ($outcome -eq 'unreachable') {
			$exception = [System.InvalidOperationException]::new("Failed to restart the computer $computer with the following error message: The WinRM client cannot complete the operation within the time specified.")
			$PSCmdlet.WriteError((New-StandInError -Exception $exception -ErrorId 'RestartcomputerFailed,Microsoft.PowerShell.Commands.RestartComputerCommand' -Category OperationStopped -Target $computer))
		}
	}
}

# Dot-sourced into a server's remote scope: Win32_OperatingSystem gains LastBootUpTime (a DateTime, as CIM gives it),
# asked of the Get-CimInstance layered before.
function Add-StandInRestartServer {
	param($Server)
	$cimBeforeRestart = ${function:Get-CimInstance}
	$bootedAt = if ($null -ne $Server['lastBootUpTime']) { [DateTimeOffset]::FromUnixTimeMilliseconds([long]$Server['lastBootUpTime']).UtcDateTime } else { [DateTime]::new(2020, 1, 1, 0, 0, 0, [DateTimeKind]::Utc) }
	function Get-CimInstance {
		param([string]$ClassName, [string]$Filter, $ErrorAction)
		$found = & $cimBeforeRestart -ClassName $ClassName -Filter $Filter
		if ($ClassName -ne 'Win32_OperatingSystem') { return $found }
		foreach ($os in @($found)) { $os | Add-Member -NotePropertyName LastBootUpTime -NotePropertyValue $bootedAt -Force -PassThru }
	}
}
#endregion

function Invoke-Command {
	[CmdletBinding(DefaultParameterSetName = 'ComputerName')]
	param(
		[Parameter(Position = 0, ParameterSetName = 'ComputerName')][string[]]$ComputerName,
		[Parameter(Position = 0, ParameterSetName = 'Session')][object[]]$Session,
		[Parameter(Mandatory)][scriptblock]$ScriptBlock,
		[object[]]$ArgumentList = @(),
		[switch]$AsJob
	)
	# A command in an open session is not logged: the cmdlets it runs on the server are, and every write of the state
	# file is a chance to lose a test's own unlocked update of it.
	if ($PSCmdlet.ParameterSetName -eq 'Session') {
		foreach ($target in $Session) {
			$lost = Test-StandInSessionBreaks -Session $target
			if ($lost -and $AsJob) {
				# As a job, the break shows in the job: it fails with the transport error.
				Start-ThreadJob -Name ([string]$target.ComputerName) -ArgumentList (New-StandInSessionLost -Computer ([string]$target.ComputerName)) -ScriptBlock { param($failure) throw $failure }
			} elseif ($lost) {
				$PSCmdlet.ThrowTerminatingError((New-StandInSessionLost -Computer ([string]$target.ComputerName)))
			} elseif ($AsJob) {
				Start-ThreadJob -Name ([string]$target.ComputerName) -ArgumentList $target, $ScriptBlock.ToString(), $ArgumentList -ScriptBlock {
					param($target, $text, $arguments)
					Import-Module SkypeForBusiness
					& (Get-Module SkypeForBusiness) { param($computer, $text, $arguments) Invoke-StandInRemote -Computer $computer -ScriptText $text -ArgumentList $arguments } ([string]$target.ComputerName) $text $arguments
				}
			} else {
				Invoke-StandInRemote -Computer ([string]$target.ComputerName) -ScriptText $ScriptBlock.ToString() -ArgumentList $ArgumentList
			}
		}
		return
	}
	if ($AsJob) {
		foreach ($computer in $ComputerName) {
			Start-ThreadJob -Name $computer -ArgumentList $computer, $ScriptBlock.ToString(), $ArgumentList -ScriptBlock {
				param($computer, $text, $arguments)
				Import-Module SkypeForBusiness
				SkypeForBusiness\Invoke-Command -ComputerName $computer -ScriptBlock ([scriptblock]::Create($text)) -ArgumentList $arguments
			}
		}
		return
	}
	Select-StandInReachable -ComputerName $ComputerName -Suffix 'PSSessionStateBroken' -Cmdlet $PSCmdlet | ForEach-Object {
		Invoke-StandInRemote -Computer $_ -ScriptText $ScriptBlock.ToString() -ArgumentList $ArgumentList
	}
}

#region Central Management store and its standby (issue 13 item 3)
# Where the Central Management databases are: the active one on the back end of the pool that hosts the store
# (cmsPool), and, once that pool is paired, the standby on its partner's back end, as publishing the pairing in
# Topology Builder defines it (sfb-facts.md §8). backEnds (pool -> sqlServer, instance) and standbyStoreMissing (the
# fault: the pairing published without the standby) are ours. The output objects' properties are [unverified]: the
# stand-in gives Identity "CentralMgmtStore:<sql>", PoolFqdn (the SQL Server) and SqlInstanceName.
function Get-StandInCmsDatabase {
	param($State)
	$pools = @($State.cmsPool)
	$setting = $State.registrars[$State.cmsPool]
	if ($null -ne $setting -and $setting.backupRegistrar -and -not $State.standbyStoreMissing) {
		$pools += Get-RegistrarPool $setting.backupRegistrar
	}
	foreach ($pool in $pools) {
		$backEnd = $State.backEnds[$pool]
		if ($null -eq $backEnd) { continue }
		[pscustomobject]@{
			Identity = "CentralMgmtStore:$($backEnd.sqlServer)"
			PoolFqdn = $backEnd.sqlServer
			SqlInstanceName = $backEnd.instance
			Role = 'CentralMgmtStore'
		}
	}
}

# Test-CsDatabase -CentralManagementDatabase: Succeed True where the SQL Server holds a Central Management database
# (xds), False where it does not. Succeed, DatabaseName, InstalledVersion, ExpectedVersion are [unverified] names.
function Test-CsDatabase {
	[CmdletBinding()]
	param([switch]$CentralManagementDatabase, [Parameter(Mandatory)][string]$SqlServerFqdn, [string]$SqlInstanceName)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	$held = @(Get-StandInCmsDatabase -State $state | Where-Object { $_.PoolFqdn -eq $SqlServerFqdn }).Count -gt 0
	[pscustomobject]@{
		SqlServerFqdn = $SqlServerFqdn
		SqlInstanceName = $SqlInstanceName
		DatabaseName = 'xds'
		DataSource = "$SqlServerFqdn\$SqlInstanceName"
		InstalledVersion = $(if ($held) { '10.13.2' } else { '' })
		ExpectedVersion = '10.13.2'
		Succeed = $held
	}
}
#endregion

#region Gates (issue 13 items 2 and 4): replication pushed before Bootstrapper
# When a server's replica took the last publish: once its lag has passed (replicaLagMs, ours), or at a push made after
# the publish (Invoke-CsManagementStoreReplication), unless its replication ignores pushes (replicaPushIgnored, ours).
function Get-StandInReplicaCurrentAt {
	param($State, $Server)
	$at = [long]$State.publishedAt + [long]$Server.replicaLagMs
	$pushed = $Server['replicationPushedAt']
	if ($null -ne $pushed -and -not $Server['replicaPushIgnored'] -and [long]$pushed -ge [long]$State.publishedAt) { $at = [Math]::Min($at, [long]$pushed) }
	$at
}

# The cmdlet reference: -ReplicaFqdn names the replica to update; without it every replica is. It returns nothing.
function Invoke-CsManagementStoreReplication {
	[CmdletBinding()]
	param([Parameter(Position = 0)][string]$ReplicaFqdn)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	Use-StandInState -Write -Action {
		param($state)
		$now = Get-StandInNow
		foreach ($name in @($state.servers.Keys | Where-Object { -not $ReplicaFqdn -or $_ -eq $ReplicaFqdn })) { $state.servers[$name].replicationPushedAt = $now }
	} | Out-Null
}
#endregion

#region Drill (issue 19 item 2): pool failover and failback, the Central Management store's failover, the users
# Users homed on each pool (usersPerPool, ours: 3 by default) as Get-CsUser and Get-CsUserPoolInfo show them. A pool
# failed over (failedOver: pool -> backup, ours) has its users served by the backup, which the stand-in shows in
# UserServicesPoolFqdn [unverified: what a real pool failover changes in Get-CsUserPoolInfo]; they stay homed on
# their pool (RegistrarPool), as the cmdlet reference says. The active store's pool is activeCmsPool (ours).
function Get-StandInUsers {
	param($State, [string]$Pool)
	$count = if ($State.ContainsKey('usersPerPool')) { [int]$State.usersPerPool } else { 3 }
	$name = $Pool.Split('.')[0]
	$domain = $Pool.Substring($Pool.IndexOf('.') + 1)
	for ($index = 1; $index -le $count; $index++) { "sip:$name.user$index@$domain" }
}

function Get-StandInFailedOver {
	param($State)
	if ($State.ContainsKey('failedOver') -and $null -ne $State.failedOver) { $State.failedOver } else { @{} }
}

function Get-CsUser {
	[CmdletBinding()]
	param([Parameter(Position = 0)][string]$Identity, [string]$Filter, [int]$ResultSize = 0)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	$wanted = $null
	if ($Filter -match "^\s*RegistrarPool\s+-eq\s+'((?:[^']|'')*)'\s*$") { $wanted = $Matches[1].Replace("''", "'") }
	$users = foreach ($pool in @($state.pools.Keys | Sort-Object)) {
		if ($null -ne $wanted -and $pool -ne $wanted) { continue }
		foreach ($sip in @(Get-StandInUsers -State $state -Pool $pool)) { [pscustomobject]@{ SipAddress = $sip; RegistrarPool = $pool; Enabled = $true } }
	}
	if ($ResultSize -gt 0) { $users | Select-Object -First $ResultSize } else { $users }
}

function Get-CsUserPoolInfo {
	[CmdletBinding()]
	param([Parameter(Mandatory, Position = 0)][string]$Identity)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$state = Use-StandInState -Action { param($state) $state }
	$pool = @($state.pools.Keys | Where-Object { @(Get-StandInUsers -State $state -Pool $_) -contains $Identity }) | Select-Object -First 1
	if ($null -eq $pool) {
		$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.Management.Automation.ItemNotFoundException]::new("Management object not found for identity `"$Identity`".")) -ErrorId 'IdentityNotFound' -Category ObjectNotFound -Target $Identity))
	}
	$setting = $state.registrars[$pool]
	$backup = if ($null -ne $setting -and $setting.backupRegistrar) { Get-RegistrarPool $setting.backupRegistrar } else { $null }
	$failedOver = Get-StandInFailedOver -State $state
	[pscustomobject]@{
		Identity = $Identity
		PrimaryPoolFqdn = $pool
		BackupPoolFqdn = $backup
		UserServicesPoolFqdn = $(if ($failedOver.ContainsKey($pool)) { $backup } else { $pool })
		PrimaryPoolMachinesInPreferredOrder = @($state.pools[$pool])
		BackupPoolMachinesInPreferredOrder = $(if ($backup) { @($state.pools[$backup]) } else { @() })
	}
}

# A planned failover (no -DisasterMode) is refused while the pool's export is not settled (the stand-in's rule, as the lab's).
function Invoke-CsPoolFailOver {
	[CmdletBinding(SupportsShouldProcess)]
	param([Parameter(Mandatory)][string]$PoolFqdn, [switch]$DisasterMode, [switch]$Force)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$problem = Use-StandInState -Write -Action {
		param($state)
		$setting = $state.registrars[$PoolFqdn]
		if ($null -eq $setting -or -not $setting.backupRegistrar) { return "Pool `"$PoolFqdn`" has no backup pool." }
		$failedOver = Get-StandInFailedOver -State $state
		if ($failedOver.ContainsKey($PoolFqdn)) { return "Pool `"$PoolFqdn`" is already failed over." }
		$requestedAt = $state.syncRequestedAt[$PoolFqdn]
		if (-not $DisasterMode -and ($null -eq $requestedAt -or ((Get-StandInNow) - $requestedAt) -lt $state.syncSettleMs)) { return "The backup of pool `"$PoolFqdn`" is not in steady state." }
		$failedOver[$PoolFqdn] = Get-RegistrarPool $setting.backupRegistrar
		$state.failedOver = $failedOver
		$null
	}
	if ($problem) { $PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new($problem)) -ErrorId 'PoolFailOverFailed' -Category InvalidOperation -Target $PoolFqdn)) }
	Write-Verbose "Pool `"$PoolFqdn`" failed over."
}

# The failback starts the Backup Service's sync afresh both ways: steady again syncSettleMs later.
function Invoke-CsPoolFailBack {
	[CmdletBinding(SupportsShouldProcess)]
	param([Parameter(Mandatory)][string]$PoolFqdn, [switch]$Force)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$problem = Use-StandInState -Write -Action {
		param($state)
		$failedOver = Get-StandInFailedOver -State $state
		if (-not $failedOver.ContainsKey($PoolFqdn)) { return "Pool `"$PoolFqdn`" is not failed over." }
		$backup = $failedOver[$PoolFqdn]
		$failedOver.Remove($PoolFqdn)
		$state.failedOver = $failedOver
		$now = Get-StandInNow
		$state.syncRequestedAt[$PoolFqdn] = $now
		$state.syncRequestedAt[$backup] = $now
		$null
	}
	if ($problem) { $PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new($problem)) -ErrorId 'PoolFailBackFailed' -Category InvalidOperation -Target $PoolFqdn)) }
	Write-Verbose "Pool `"$PoolFqdn`" failed back."
}

function Get-StandInActiveCmsPool {
	param($State)
	if ($State.ContainsKey('activeCmsPool') -and $State.activeCmsPool) { $State.activeCmsPool } else { $State.cmsPool }
}

# Only to a database the topology defines (the active store's or its standby's back end).
function Invoke-CsManagementServerFailover {
	[CmdletBinding(SupportsShouldProcess)]
	param([string]$BackupSqlServerFqdn, [string]$BackupSqlInstanceName, [switch]$Force)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	$problem = Use-StandInState -Write -Action {
		param($state)
		$defined = @(Get-StandInCmsDatabase -State $state | Where-Object { $_.PoolFqdn -eq $BackupSqlServerFqdn }).Count -gt 0
		$pool = @($state.backEnds.Keys | Where-Object { $state.backEnds[$_].sqlServer -eq $BackupSqlServerFqdn }) | Select-Object -First 1
		if (-not $defined -or $null -eq $pool) { return "No Central Management database is defined on `"$BackupSqlServerFqdn`"." }
		$state.activeCmsPool = $pool
		$null
	}
	if ($problem) { $PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.InvalidOperationException]::new($problem)) -ErrorId 'CmsFailoverFailed' -Category InvalidOperation -Target $BackupSqlServerFqdn)) }
	Write-Verbose "The Central Management store is active on $BackupSqlServerFqdn."
}

# -CentralManagementStoreStatus: ActiveMasterFqdn and ActiveFileTransferAgents, the properties Microsoft's failover
# procedure checks; the stand-in names the first Front End of the active pool [unverified: a server or the pool].
function Get-StandInCmsStatus {
	$state = Use-StandInState -Action { param($state) $state }
	$pool = Get-StandInActiveCmsPool -State $state
	$servers = @($state.pools[$pool])
	[pscustomobject]@{ ActiveMasterFqdn = $servers[0]; ActiveFileTransferAgents = $servers; ActiveReplicatorAgents = $servers }
}
#endregion

#region Unpair (issue 19 item 3): the association cleared, Bootstrapper removing the Backup Service, the backup user data
# staleBackupData (pool -> the former partners whose user data it keeps) is ours: no cmdlet reads it back. Clearing a
# Registrar's backup leaves each pool with the other's data until Remove-CsUserStoreBackupData runs on it.
function Clear-StandInBackupRegistrar {
	param($State, [string]$Pool)
	$setting = $State.registrars[$Pool]
	if (-not $setting.backupRegistrar) { return }
	$former = Get-RegistrarPool $setting.backupRegistrar
	$setting.backupRegistrar = $null
	$setting.enableAutomaticFailover = $false
	if (-not $State.ContainsKey('staleBackupData') -or $null -eq $State.staleBackupData) { $State.staleBackupData = @{} }
	foreach ($pair in @(@($Pool, $former), @($former, $Pool))) {
		$State.staleBackupData[$pair[0]] = @(@($State.staleBackupData[$pair[0]]) + $pair[1] | Where-Object { $_ } | Select-Object -Unique)
	}
}

# Bootstrapper on a server of a pool no longer paired, with its replica current: the topology assigns no Backup Service.
function Remove-StandInBackupService {
	param([string]$Server)
	Use-StandInState -Write -Action { param($state) $state.servers[$Server].services.Remove('LYNCBACKUP') } | Out-Null
}

# The cmdlet reference: -PoolFqdn (required), -Force, -Confirm, -WhatIf; it returns nothing. It removes the data of pools
# no longer paired with the pool, and keeps its current partner's.
function Remove-CsUserStoreBackupData {
	[CmdletBinding(SupportsShouldProcess)]
	param([Parameter(Mandatory)][string]$PoolFqdn, [switch]$Force)
	Enter-StandInCmdlet -Name $MyInvocation.MyCommand.Name -Parameters $PSBoundParameters -Cmdlet $PSCmdlet
	if (-not $PSCmdlet.ShouldProcess($PoolFqdn, 'Remove user store backup data')) { return }
	Use-StandInState -Write -Action {
		param($state)
		if (-not $state.registrars.ContainsKey($PoolFqdn)) {
			$PSCmdlet.ThrowTerminatingError((New-StandInError -Exception ([System.Management.Automation.ItemNotFoundException]::new("Cannot find pool `"$PoolFqdn`".")) -ErrorId 'PoolNotFound' -Category ObjectNotFound -Target $PoolFqdn))
		}
		if (-not $state.ContainsKey('staleBackupData') -or $null -eq $state.staleBackupData) { return }
		$setting = $state.registrars[$PoolFqdn]
		$partner = if ($setting.backupRegistrar) { Get-RegistrarPool $setting.backupRegistrar } else { $null }
		$kept = @(@($state.staleBackupData[$PoolFqdn]) | Where-Object { $_ -and $_ -eq $partner })
		if ($kept.Count -eq 0) { $state.staleBackupData.Remove($PoolFqdn) } else { $state.staleBackupData[$PoolFqdn] = $kept }
	} | Out-Null
}
#endregion

$exported = @(
	'Get-CsTopology', 'Enable-CsTopology', 'Get-CsService', 'Set-CsRegistrar', 'Get-CsPoolBackupRelationship',
	'Get-CsWindowsService', 'Start-CsWindowsService', 'Invoke-CsBackupServiceSync', 'Get-CsBackupServiceStatus',
	'Get-CsManagementStoreReplicationStatus', 'Invoke-CsManagementStoreReplication', 'Invoke-Command', 'Get-WinEvent', 'New-PSSession', 'Remove-PSSession',
	'Test-CsDatabase'
)
# Pre-flight (sfb-pair doctor)
$exported += @('whoami.exe', 'Test-CsSetupPermission', 'Get-CsPoolFabricState')
# Patching a pool (issue 14)
$exported += @('Get-CsPoolUpgradeReadinessState', 'Get-CsUpgradeDomainInfo', 'Invoke-CsComputerFailOver', 'Invoke-CsComputerFailBack')
# Restarting a held server
$exported += @('Restart-Computer')
# Drill
$exported += @('Get-CsUser', 'Get-CsUserPoolInfo', 'Invoke-CsPoolFailOver', 'Invoke-CsPoolFailBack', 'Invoke-CsManagementServerFailover')
# Unpair
$exported += @('Remove-CsUserStoreBackupData')
# A cmdlet listed under missingCmdlets is not exported, so calling it fails as a missing command really does.
if ($env:SFB_STANDIN_STATE -and (Test-Path -LiteralPath $env:SFB_STANDIN_STATE)) {
	$missing = @(Use-StandInState -Action { param($state) $state.missingCmdlets })
	$exported = @($exported | Where-Object { $missing -notcontains $_ })
}
Export-ModuleMember -Function $exported
