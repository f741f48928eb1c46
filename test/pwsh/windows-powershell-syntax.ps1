# Parses each script with PowerShell's own parser and lists what Windows PowerShell 5.1 cannot run:
# parse errors, tokens of PowerShell 7 operators, and parameters 5.1's cmdlets do not have.
# Input: a JSON file of [{ name, text }]. Output: JSON [{ name, problems: [...] }].
param([Parameter(Mandatory)][string]$InputPath)

$ErrorActionPreference = 'Stop'

$pwsh7Tokens = @{
	QuestionQuestion = '?? (null-coalescing)'
	QuestionQuestionEquals = '??= (null-coalescing assignment)'
	QuestionDot = '?. (null-conditional member access)'
	QuestionLBracket = '?[ (null-conditional index)'
	QuestionMark = '? : (ternary)'
	AndAnd = '&& (pipeline chain)'
	OrOr = '|| (pipeline chain)'
}
$pwsh7Parameters = @{
	'ForEach-Object' = @('Parallel', 'ThrottleLimit', 'AsJob', 'TimeoutSeconds')
	'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
	'ConvertTo-Json' = @('AsArray', 'EscapeHandling')
	'Get-Content' = @('AsByteStream')
	'Set-Content' = @('AsByteStream')
	'Join-Path' = @('AdditionalChildPath')
	'Import-Module' = @('UseWindowsPowerShell', 'SkipEditionCheck')
	'Test-Connection' = @('TargetName', 'TcpPort')
	'Invoke-Command' = @('HostName', 'SSHTransport', 'UserName', 'KeyFilePath')
	'Start-Sleep' = @('Duration')
}
$aliases = @{ '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object' }

function Get-AllTokens {
	param($Tokens)
	foreach ($token in $Tokens) {
		$token
		if ($token -is [System.Management.Automation.Language.StringExpandableToken] -and $null -ne $token.NestedTokens) {
			Get-AllTokens -Tokens $token.NestedTokens
		}
	}
}

$results = foreach ($script in @(Get-Content -Raw -LiteralPath $InputPath | ConvertFrom-Json)) {
	$tokens = $null
	$errors = $null
	$ast = [System.Management.Automation.Language.Parser]::ParseInput($script.text, [ref]$tokens, [ref]$errors)
	$problems = [System.Collections.Generic.List[string]]::new()
	foreach ($parseError in $errors) {
		$problems.Add("parse error at line $($parseError.Extent.StartLineNumber): $($parseError.Message)")
	}
	foreach ($token in (Get-AllTokens -Tokens $tokens)) {
		$kind = [string]$token.Kind
		if ($pwsh7Tokens.ContainsKey($kind)) {
			$problems.Add("PowerShell 7 operator $($pwsh7Tokens[$kind]) at line $($token.Extent.StartLineNumber)")
		}
	}
	$pipelines = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.PipelineAst] }, $true)
	foreach ($pipeline in $pipelines) {
		if ($pipeline.Background) { $problems.Add("PowerShell 7 background operator & at line $($pipeline.Extent.StartLineNumber)") }
	}
	$blocks = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.ScriptBlockAst] }, $true)
	foreach ($block in $blocks) {
		if ($null -ne $block.PSObject.Properties['CleanBlock'] -and $null -ne $block.CleanBlock) {
			$problems.Add("PowerShell 7 clean block at line $($block.Extent.StartLineNumber)")
		}
	}
	$commands = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
	foreach ($command in $commands) {
		$name = $command.GetCommandName()
		if ($null -eq $name) { continue }
		if ($aliases.ContainsKey($name)) { $name = $aliases[$name] }
		$forbidden = $pwsh7Parameters[$name]
		if ($null -eq $forbidden) { continue }
		foreach ($element in $command.CommandElements) {
			if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
			foreach ($parameter in $forbidden) {
				if ($element.ParameterName.Length -ge 2 -and $parameter.StartsWith($element.ParameterName, [System.StringComparison]::OrdinalIgnoreCase)) {
					$problems.Add("PowerShell 7 parameter $name -$parameter at line $($element.Extent.StartLineNumber)")
				}
			}
		}
	}
	[pscustomobject]@{ name = $script.name; problems = @($problems) }
}
ConvertTo-Json -InputObject @($results) -Depth 4 -Compress
