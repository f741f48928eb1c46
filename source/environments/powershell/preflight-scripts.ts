import type { FrontEndPool } from '../../sfb/model.js';
import { hostOfShare } from '../../sfb/file-store.js';
import { BACKUP_SERVICE, FRONT_END_SERVICE } from '../port.js';
import { powershellLiteral } from './literal.js';
import { arrayLiteral, BACKUP_CRASH_EVENT_ID, BACKUP_CRASH_PROVIDER, notFoundOnTheServer, onTheServer } from './scripts.js';

/**
 * The scripts of `sfb-pair doctor`, the read-only pre-flight. Same rules as scripts.ts: every value is a literal from
 * `powershellLiteral`, and everything parses and runs on Windows PowerShell 5.1.
 */

/**
 * The account's security token, as `whoami` reads it: the user, then every group with its SID and attributes (CSV).
 * The SIDs make the reading independent of the language Windows is in; a group the token holds for deny only (a
 * Domain Admin in a shell that is not elevated) is still listed.
 */
export function readAccountScript(): string {
	return String.raw`$user = [string]@(whoami.exe)[0]
$groups = @(whoami.exe /groups /fo csv /nh | Where-Object { [string]$_ -ne '' } | ConvertFrom-Csv -Header 'Name', 'Type', 'Sid', 'Attributes' | ForEach-Object { @{ name = [string]$_.Name; sid = [string]$_.Sid; attributes = [string]$_.Attributes } })
@{ user = $user.Trim(); groups = $groups; exitCode = $LASTEXITCODE }`;
}

/** `Test-CsSetupPermission -ComputerOU <ou>`: True when the OU holds the permissions Grant-CsSetupPermission gives. */
export function readSetupPermissionScript(ou: string): string {
	return `@(Test-CsSetupPermission -ComputerOU ${powershellLiteral(ou)} | ForEach-Object { [string]$_ })`;
}

/** Where a Windows computer keeps the distinguished name of its own account, written by Group Policy [unverified where no policy applied]. */
const GROUP_POLICY_STATE = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Group Policy\\State\\Machine';

/**
 * What runs on a Front End: its Front End service, operating system and hardware (CIM), its computer account's
 * place in AD, a listing of its own pool's file store (a second hop: Kerberos must delegate the operator's
 * credentials from the server to the file server) and TCP 445 to the partner pool's file store.
 */
const remoteServerFactsBlock = String.raw`{
	param([string]$FileStore, [string]$PartnerHost, [string]$Service, [string]$GroupPolicyState)
${onTheServer}
	$result = @{}
	try {
		$result.frontEndService = [string]@(Get-CsWindowsService -Name $Service -ErrorAction Stop)[0].Status
	} catch {
		if (${notFoundOnTheServer}) { $result.frontEndService = 'NotInstalled' } else { $result.frontEndService = 'Unknown' }
	}
	$system = @(Get-CimInstance -ClassName Win32_ComputerSystem)[0]
	$os = @(Get-CimInstance -ClassName Win32_OperatingSystem)[0]
	$result.operatingSystem = [string]$os.Caption
	$result.manufacturer = [string]$system.Manufacturer
	$result.model = [string]$system.Model
	try {
		$result.distinguishedName = [string](Get-ItemPropertyValue -Path $GroupPolicyState -Name 'Distinguished-Name' -ErrorAction Stop)
	} catch {
		$result.distinguishedName = $null
	}
	if ($FileStore) {
		try {
			$null = @(Get-ChildItem -LiteralPath $FileStore -ErrorAction Stop | Select-Object -First 1)
			$result.fileStore = @{ reachable = $true; detail = 'listed' }
		} catch {
			$result.fileStore = @{ reachable = $false; detail = [string]$_.Exception.Message }
		}
	}
	if ($PartnerHost) {
		$result.partnerSmb = [bool](Test-NetConnection -ComputerName $PartnerHost -Port 445 -InformationLevel Quiet -WarningAction SilentlyContinue)
	}
	$result
}`;

/**
 * One Front End through its session (opened here when it is not yet): first a command that does nothing, timed, for
 * how long reaching the server takes; then its facts.
 */
export function probeServerScript(server: string, ownFileStore: string | undefined, partnerFileStoreHost: string | undefined): string {
	return String.raw`$clock = [System.Diagnostics.Stopwatch]::StartNew()
$null = Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock { $true }
$connectMs = $clock.ElapsedMilliseconds
$remote = ${remoteServerFactsBlock}
$facts = @(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(server)} -ScriptBlock $remote -ArgumentList ${powershellLiteral(ownFileStore ?? '')}, ${powershellLiteral(partnerFileStoreHost ?? '')}, ${powershellLiteral(FRONT_END_SERVICE)}, ${powershellLiteral(GROUP_POLICY_STATE)})[0]
@{ connectMs = $connectMs; facts = $facts }`;
}

/**
 * `Get-CsPoolFabricState -PoolFqdn <pool>` as lines of text: whether it writes objects or to the host is not documented
 * [unverified], so both are taken (the information stream, 6, is where Write-Host goes from PowerShell 5 on).
 */
export function readPoolFabricScript(pool: string): string {
	return String.raw`@(Get-CsPoolFabricState -PoolFqdn ${powershellLiteral(pool)} 6>&1 | ForEach-Object {
	if ($_ -is [string]) { $_ }
	elseif ($_ -is [System.Management.Automation.InformationRecord]) { [string]$_.MessageData }
	else { ($_ | Format-List * | Out-String -Width 400) }
})`;
}

/**
 * The shape of a value: its type, and each property's name and shape, a few levels deep; never a value. Defined as
 * text so it can run on the jump box and inside a remote block (where objects still have their own types).
 */
const shapeFunction = String.raw`function ConvertTo-SfbPairShape {
	param($InputObject, [int]$Depth = 3)
	if ($null -eq $InputObject) { return @{ type = 'null' } }
	$shape = [ordered]@{ type = $InputObject.GetType().FullName }
	if ($InputObject -is [string] -or $InputObject -is [System.ValueType] -or $Depth -le 0) { return $shape }
	if ($InputObject -is [System.Collections.IEnumerable] -and -not ($InputObject -is [System.Collections.IDictionary])) {
		$items = @($InputObject)
		$shape.count = $items.Count
		if ($items.Count -gt 0) { $shape.item = ConvertTo-SfbPairShape -InputObject $items[0] -Depth ($Depth - 1) }
		return $shape
	}
	$properties = [ordered]@{}
	foreach ($property in $InputObject.PSObject.Properties) {
		$value = $null
		try { $value = $property.Value } catch { $value = $null }
		$properties[$property.Name] = ConvertTo-SfbPairShape -InputObject $value -Depth ($Depth - 1)
	}
	$shape.properties = $properties
	$shape
}
function Get-SfbPairShapeOf {
	param([string]$Command, [scriptblock]$Read)
	try {
		$output = @(& $Read)
		@{ command = $Command; shape = @{ count = $output.Count; items = @($output | Select-Object -First 3 | ForEach-Object { ConvertTo-SfbPairShape -InputObject $_ }) } }
	} catch {
		@{ command = $Command; shape = @{ error = @{ type = $_.Exception.GetType().FullName; category = [string]$_.CategoryInfo.Category; errorId = [string]$_.FullyQualifiedErrorId } } }
	}
}`;

/** On one Front End: the shapes of what the live side reads there. */
const remoteShapesBlock = String.raw`{
	param([string[]]$Services, [string]$GroupPolicyState, [string]$FileStoreHost)
${onTheServer}
${shapeFunction}
	foreach ($service in $Services) {
		Get-SfbPairShapeOf -Command ('Get-CsWindowsService -Name ' + $service) -Read { Get-CsWindowsService -Name $service -ErrorAction Stop }
	}
	Get-SfbPairShapeOf -Command 'Get-CsServerPatchVersion' -Read { Get-CsServerPatchVersion -ErrorAction Stop }
	Get-SfbPairShapeOf -Command 'Get-CimInstance -ClassName Win32_OperatingSystem' -Read { Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop }
	Get-SfbPairShapeOf -Command 'Get-CimInstance -ClassName Win32_ComputerSystem' -Read { Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop }
	Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CimInstance -ClassName Win32_Service -Filter "Name = '${FRONT_END_SERVICE}'"`)} -Read { Get-CimInstance -ClassName Win32_Service -Filter ${powershellLiteral(`Name = '${FRONT_END_SERVICE}'`)} -ErrorAction Stop }
	Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-WinEvent -FilterHashtable @{ ProviderName = '${BACKUP_CRASH_PROVIDER}'; Id = ${BACKUP_CRASH_EVENT_ID} } -MaxEvents 1`)} -Read { Get-WinEvent -FilterHashtable @{ ProviderName = ${powershellLiteral(BACKUP_CRASH_PROVIDER)}; Id = ${BACKUP_CRASH_EVENT_ID} } -MaxEvents 1 -ErrorAction Stop }
	Get-SfbPairShapeOf -Command 'Get-ItemPropertyValue -Path <Group Policy State\Machine> -Name Distinguished-Name' -Read { Get-ItemPropertyValue -Path $GroupPolicyState -Name 'Distinguished-Name' -ErrorAction Stop }
	if ($FileStoreHost) {
		Get-SfbPairShapeOf -Command 'Test-NetConnection -ComputerName <the pool file server> -Port 445 -InformationLevel Quiet' -Read { Test-NetConnection -ComputerName $FileStoreHost -Port 445 -InformationLevel Quiet -WarningAction SilentlyContinue }
	}
	# Patching (--cu-installer): the readiness cmdlet the server has (both read-only); the Front End service's start mode is in Win32_Service above.
	foreach ($readiness in @('Get-CsUpgradeDomainInfo', 'Get-CsPoolUpgradeReadinessState')) {
		if (Get-Command -Name $readiness -ErrorAction SilentlyContinue) { Get-SfbPairShapeOf -Command $readiness -Read { & $readiness -ErrorAction Stop } }
	}
}`;

/**
 * `doctor --capture`: every cmdlet the live side reads, run once per pool (and on each pool's first Front End for the
 * server-side reads), each answered by the shape of its output or of its error. A server that cannot be reached gives
 * the error's shape, not a failed capture.
 */
export function captureShapesScript(pools: FrontEndPool[]): string {
	const perPool = pools
		.map((pool) => {
			const name = powershellLiteral(pool.fqdn);
			const first = pool.servers[0];
			const server = first === undefined ? '' : powershellLiteral(first);
			return [
				`Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CsService -Identity Registrar:${pool.fqdn}`)} -Read { Get-CsService -Identity ${powershellLiteral(`Registrar:${pool.fqdn}`)} }`,
				`Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CsPoolBackupRelationship -PoolFqdn ${pool.fqdn}`)} -Read { Get-CsPoolBackupRelationship -PoolFqdn ${name} }`,
				`Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CsBackupServiceStatus -PoolFqdn ${pool.fqdn}`)} -Read { Get-CsBackupServiceStatus -PoolFqdn ${name} }`,
				`Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CsPoolFabricState -PoolFqdn ${pool.fqdn}`)} -Read { Get-CsPoolFabricState -PoolFqdn ${name} 6>&1 }`,
				// The drill reads where a pool's users sign in from Get-CsUserPoolInfo [unverified shape]: one user is enough.
				`Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CsUser -ResultSize 1 (on ${pool.fqdn}) | Get-CsUserPoolInfo`)} -Read { $pool = ${name}; Get-CsUser -Filter ("RegistrarPool -eq '" + $pool.Replace("'", "''") + "'") -ResultSize 1 | ForEach-Object { Get-CsUserPoolInfo -Identity ([string]$_.SipAddress) } }`,
				...(first === undefined
					? []
					: [
							`Get-SfbPairShapeOf -Command ${powershellLiteral(`Get-CsManagementStoreReplicationStatus -ReplicaFqdn ${first}`)} -Read { Get-CsManagementStoreReplicationStatus -ReplicaFqdn ${server} }`,
							`try { @(Invoke-SfbPairRemote -ComputerName ${server} -ScriptBlock $remote -ArgumentList ([string[]]${arrayLiteral([FRONT_END_SERVICE, BACKUP_SERVICE])}), ${powershellLiteral(GROUP_POLICY_STATE)}, ${powershellLiteral((pool.fileStore === undefined ? undefined : hostOfShare(pool.fileStore)) ?? '')}) | ForEach-Object { @{ command = ${powershellLiteral(`on ${first}: `)} + [string]$_.command; shape = $_.shape } } } catch { @{ command = ${powershellLiteral(`on ${first}`)}; shape = @{ error = @{ type = $_.Exception.GetType().FullName; category = [string]$_.CategoryInfo.Category; errorId = [string]$_.FullyQualifiedErrorId } } } }`,
						]),
			].join('\n');
		})
		.join('\n');
	// Test-CsSetupPermission is asked about the OU of the first Front End the topology names, as the doctor asks it.
	const firstServer = pools.flatMap((pool) => pool.servers)[0];
	const setupPermission =
		firstServer === undefined
			? ''
			: String.raw`$distinguishedName = ''
try { $distinguishedName = [string]@(Invoke-SfbPairRemote -ComputerName ${powershellLiteral(firstServer)} -ScriptBlock { param([string]$Path) Get-ItemPropertyValue -Path $Path -Name 'Distinguished-Name' -ErrorAction Stop } -ArgumentList ${powershellLiteral(GROUP_POLICY_STATE)})[0] } catch { $distinguishedName = '' }
if ($distinguishedName -match '^CN=[^,]+,(.+)$') {
	$organizationalUnit = $Matches[1]
	Get-SfbPairShapeOf -Command 'Test-CsSetupPermission -ComputerOU <the first Front End OU>' -Read { Test-CsSetupPermission -ComputerOU $organizationalUnit }
} else {
	@{ command = 'Test-CsSetupPermission -ComputerOU <the first Front End OU>'; shape = @{ skipped = 'the OU of the first Front End could not be read from its registry' } }
}`;
	return String.raw`${shapeFunction}
$remote = ${remoteShapesBlock}
Get-SfbPairShapeOf -Command 'Get-CsTopology -AsXml' -Read { Get-CsTopology -AsXml }
Get-SfbPairShapeOf -Command 'Get-CsService -Registrar' -Read { Get-CsService -Registrar }
Get-SfbPairShapeOf -Command 'whoami.exe' -Read { whoami.exe }
Get-SfbPairShapeOf -Command 'whoami.exe /groups /fo csv /nh' -Read { whoami.exe /groups /fo csv /nh }
Get-SfbPairShapeOf -Command 'Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus' -Read { Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus }
${perPool}
${setupPermission}`;
}

