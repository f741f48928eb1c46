import { describe, expect, it } from 'vitest';
import { powershellLiteral } from '../../../source/environments/powershell/literal.js';
import { poolFailbackCommand, poolFailoverCommand, verboseLinesScript, verboseRunspaceScript } from '../../../source/environments/powershell/powershell-drill.js';
import {
	clearPairingScript,
	probeFrontEndScript,
	readComponentVersionsScript,
	readServiceScript,
	publishRunspaceScript,
	readFrontEndPathScript,
	receiveBootstrapperScript,
	sessionStartScript,
	startBootstrapperScript,
	startServiceScript,
	transportLine,
	wrapScript,
	writePairingScript,
	testCmsDatabaseScript,
} from '../../../source/environments/powershell/scripts.js';
import type { PairingRequest } from '../../../source/sfb/model.js';

const request: PairingRequest = {
	pool: 'pool01.contoso.com',
	backup: 'pool02.contoso.com',
	voice: { automaticFailover: true, failoverSeconds: 300, failbackSeconds: 600 },
};
const intervals = { failover: '00:05:00', failback: '00:10:00' };
const hostile = `fe'01\u2019"$(Remove-Item C:\\)\`;\n`;

describe('script builders', () => {
	it('writes the pairing in both directions, then enables the topology with -Report, in a runspace of its own', () => {
		const script = writePairingScript(request, intervals, false);
		expect(script).toContain(
			".AddArgument([string[]]@('Registrar:pool01.contoso.com', 'Registrar:pool02.contoso.com')).AddArgument([string[]]@('Registrar:pool02.contoso.com', 'Registrar:pool01.contoso.com')).AddArgument($true).AddArgument('00:05:00').AddArgument('00:10:00').AddArgument($folder)",
		);
		expect(script).toContain('[powershell]::Create($initial)');
		const publish = publishRunspaceScript();
		expect(publish).toContain('$null = Set-CsRegistrar @registrar');
		expect(publish).toContain('Enable-CsTopology -Report $reportPath -WarningVariable publishWarnings -WarningAction SilentlyContinue');
	});

	it('with whatIf passes -WhatIf and does not enable the topology', () => {
		const script = writePairingScript({ ...request, voice: { ...request.voice, automaticFailover: false } }, intervals, true);
		expect(script).not.toContain('Enable-CsTopology');
		expect(script.match(/-EnableAutomaticFailover \$false -WhatIf -Confirm:\$false/g)).toHaveLength(2);
	});

	it('with automatic failover off sends no detection intervals: they mean nothing then', () => {
		const script = writePairingScript({ ...request, voice: { ...request.voice, automaticFailover: false } }, intervals, false);
		expect(script).toContain('.AddArgument($false).AddArgument($null).AddArgument($null)');
		expect(script).not.toContain('00:05:00');
		expect(publishRunspaceScript()).toMatch(/if \(\$Automatic\) \{\s+\$registrar\.FailureDetectionInterval = \$Failover/);
	});

	it('puts every value inside one single-quoted literal and nowhere else', () => {
		const scripts = [
			probeFrontEndScript([hostile]),
			readServiceScript(hostile, 'LYNCBACKUP'),
			startServiceScript(hostile, hostile),
			startBootstrapperScript(hostile, hostile, true),
			readFrontEndPathScript(hostile),
			readServiceScript(hostile, 'LYNCBACKUP', hostile),
			receiveBootstrapperScript(hostile, 7),
			writePairingScript({ ...request, pool: hostile }, intervals, false),
			testCmsDatabaseScript(hostile, hostile),
			clearPairingScript(hostile, hostile),
			// A failover's runspace script carries its values inside itself, each a literal there too.
			verboseRunspaceScript(poolFailoverCommand(hostile, true)),
		];
		for (const script of scripts) {
			// The publish's own script is a literal too, a fixed one that carries no value (its values are its arguments).
			const outsideLiterals = [powershellLiteral(hostile), powershellLiteral(`Registrar:${hostile}`), powershellLiteral(publishRunspaceScript())].reduce((text, literal) => text.split(literal).join(''), script);
			expect(outsideLiterals).not.toContain('Remove-Item');
		}
		const failover = poolFailoverCommand(hostile, true);
		expect(verboseLinesScript(failover).split(powershellLiteral(verboseRunspaceScript(failover))).join('')).not.toContain('Remove-Item');
	});

	it('runs the unpair and the failovers in the runspace a Ctrl+C cannot stop, as the publish', () => {
		expect(clearPairingScript('pool01.contoso.com', 'pool02.contoso.com')).toContain(
			".AddArgument([string[]]@('Registrar:pool01.contoso.com', 'Registrar:pool02.contoso.com')).AddArgument([string[]]@('', '')).AddArgument($false)",
		);
		for (const script of [clearPairingScript('pool01.contoso.com', 'pool02.contoso.com'), verboseLinesScript(poolFailbackCommand('pool01.contoso.com'))]) {
			expect(script).toContain('[powershell]::Create($initial)');
		}
	});

	it('looks for Event 4007 only when the service is the Backup Service', () => {
		expect(readServiceScript('fe01', 'LYNCBACKUP')).toContain("ProviderName = 'LS Backup Service'; Id = 4007");
		expect(readServiceScript('fe01', 'RTCSRV')).not.toContain('Get-WinEvent');
	});

	it('runs Bootstrapper.exe at the path it is given, as data, and guesses no drive', () => {
		const script = startBootstrapperScript('fe01.contoso.com', 'D:\\SfB\\Deployment\\Bootstrapper.exe', false);
		expect(script).toContain("Start-SfbPairRemoteJob -ComputerName 'fe01.contoso.com' -ScriptBlock $remote -ArgumentList 'D:\\SfB\\Deployment\\Bootstrapper.exe'");
		expect(script).not.toContain('Win32_LogicalDisk');
		expect(script).not.toContain('-Reopen');
	});

	it('runs every command for a server in its one remote session, never with a connection of its own', () => {
		const scripts = [
			probeFrontEndScript(['fe01.contoso.com']),
			readServiceScript('fe01.contoso.com', 'LYNCBACKUP'),
			startServiceScript('fe01.contoso.com', 'LYNCBACKUP'),
			readComponentVersionsScript('fe01.contoso.com'),
			startBootstrapperScript('fe01.contoso.com', 'C:\\Deployment\\Bootstrapper.exe', false),
			readFrontEndPathScript('fe01.contoso.com'),
		];
		for (const script of scripts) {
			expect(script).not.toMatch(/(Invoke-Command|Get-CsWindowsService|Start-CsWindowsService|Get-WinEvent)[^\n]*-ComputerName/);
			expect(script).toMatch(/(Invoke|Start)-SfbPairRemote(Job)? -ComputerName/);
		}
	});

	it('puts the module path first on PSModulePath only when given', () => {
		expect(sessionStartScript()).not.toContain('$env:PSModulePath =');
		expect(sessionStartScript("C:\\it's here")).toContain("$env:PSModulePath = 'C:\\it''s here' + [System.IO.Path]::PathSeparator + $env:PSModulePath");
	});

	it('wraps a body so it always answers with one result frame, keeping the body byte for byte', () => {
		const body = "'line one\n\tline two'";
		const wrapped = wrapScript(body);
		expect(wrapped).toContain(`$value = & {\n${body}\n\t}`);
		expect(wrapped).toContain("Write-SfbPairFrame -Kind 'result' -Payload (ConvertTo-SfbPairFailure -ErrorRecord $_)");
	});

	it('sends a script as one ASCII line that decodes back to the script', () => {
		const script = `'${hostile}日本語\r\n\0'`;
		const line = transportLine(script);
		expect(line).toMatch(/^[\x20-\x7e]+$/);
		const encoded = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(line)?.[1] ?? '';
		expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(script);
	});
});
