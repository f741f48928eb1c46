@{
	RootModule = 'SkypeForBusiness.psm1'
	ModuleVersion = '7.0.0'
	GUID = '6f3a41a9-2c55-4a0e-9a4c-4c0c0b8f5e11'
	Author = 'sfb-pair tests'
	Description = 'Stand-in for the Skype for Business Server cmdlets sfb-pair uses, backed by the JSON state file named by SFB_STANDIN_STATE. For tests only.'
	PowerShellVersion = '7.2'
	FunctionsToExport = @(
		'Get-CsTopology'
		'Enable-CsTopology'
		'Get-CsService'
		'Set-CsRegistrar'
		'Get-CsPoolBackupRelationship'
		'Get-CsWindowsService'
		'Start-CsWindowsService'
		'Invoke-CsBackupServiceSync'
		'Get-CsBackupServiceStatus'
		'Get-CsManagementStoreReplicationStatus'
		'Invoke-CsManagementStoreReplication'
		'Invoke-Command'
		'Get-WinEvent'
		'New-PSSession'
		'Remove-PSSession'
		'Test-CsDatabase'
		# Pre-flight (sfb-pair doctor)
		'whoami.exe'
		'Test-CsSetupPermission'
		'Get-CsPoolFabricState'
		# Patching a pool (issue 14)
		'Get-CsPoolUpgradeReadinessState'
		'Get-CsUpgradeDomainInfo'
		'Invoke-CsComputerFailOver'
		'Invoke-CsComputerFailBack'
		# Drill
		'Get-CsUser'
		'Get-CsUserPoolInfo'
		'Invoke-CsPoolFailOver'
		'Invoke-CsPoolFailBack'
		'Invoke-CsManagementServerFailover'
		# Unpair
		'Remove-CsUserStoreBackupData'
		# Restarting a held server
		'Restart-Computer'
	)
	CmdletsToExport = @()
	VariablesToExport = @()
	AliasesToExport = @()
}
