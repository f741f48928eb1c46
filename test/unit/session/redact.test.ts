import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { powershellLiteral } from '../../../source/environments/powershell/literal.js';
import { redactSecrets } from '../../../source/session/redact.js';

describe('redactSecrets', () => {
	it.each([
		['-Credential with a variable', 'Invoke-Command -ComputerName fe01 -Credential $cred -ScriptBlock { hostname }', 'Invoke-Command -ComputerName fe01 -Credential [REDACTED] -ScriptBlock { hostname }'],
		['-Credential with a nested expression', "Enter-PSSession fe01 -Credential (New-Object PSCredential('CONTOSO\\admin', (ConvertTo-SecureString 'P@ss w0rd)' -AsPlainText -Force)))", 'Enter-PSSession fe01 -Credential [REDACTED]'],
		['-Credential with a colon', "New-PSSession -Credential:'CONTOSO\\admin' -Name x", 'New-PSSession -Credential:[REDACTED] -Name x'],
		['-Password in single quotes with a doubled quote', "New-LocalUser svc -Password 'Pa''ss word' -Force", 'New-LocalUser svc -Password [REDACTED] -Force'],
		['-Password in double quotes with a backtick escape', 'Set-Thing -Password "a`"b c" -Verbose', 'Set-Thing -Password [REDACTED] -Verbose'],
		['-AccountPassword, keeping -PasswordNeverExpires', 'New-ADUser x -AccountPassword $secure -PasswordNeverExpires $true', 'New-ADUser x -AccountPassword [REDACTED] -PasswordNeverExpires $true'],
		['ConvertTo-SecureString arguments', "$s = ConvertTo-SecureString -String 'hunter2' -AsPlainText -Force; Use $s", '$s = ConvertTo-SecureString -String [REDACTED] -AsPlainText -Force; Use $s'],
		['ConvertTo-SecureString positional value', "ConvertTo-SecureString 'hunter2' -AsPlainText -Force", 'ConvertTo-SecureString [REDACTED] -AsPlainText -Force'],
		['a string piped into ConvertTo-SecureString', "'hunter 2' | ConvertTo-SecureString -AsPlainText -Force", '[REDACTED] | ConvertTo-SecureString -AsPlainText -Force'],
		['a variable piped into ConvertTo-SecureString', '$plain | ConvertTo-SecureString -AsPlainText -Force', '[REDACTED] | ConvertTo-SecureString -AsPlainText -Force'],
		['password= in a connection string', 'Server=sql01;User Id=sa;Password=hunter2;Encrypt=true', 'Server=sql01;User Id=sa;Password=[REDACTED];Encrypt=true'],
		['password: in output', 'Service account password: Winter2026!', 'Service account password: [REDACTED]'],
		['a JSON password field', '{"user":"svc","password":"x y z","site":"a"}', '{"user":"svc","password":[REDACTED],"site":"a"}'],
		['a variable assignment', "$adminPassword = 'Secr3t'", '$adminPassword = [REDACTED]'],
		['token= in a query string', 'GET /api?token=abc123&page=2', 'GET /api?token=[REDACTED]&page=2'],
		['an Authorization header', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'Authorization: [REDACTED]'],
		['user:pass@ in a URL', 'copy from https://admin:s3cret@files.contoso.com/cu/KB5034567.exe', 'copy from https://admin:[REDACTED]@files.contoso.com/cu/KB5034567.exe'],
		['bare user:pass@host', 'net use \\\\fs01 as svc_sfb:Hunter2@fs01.contoso.com', 'net use \\\\fs01 as svc_sfb:[REDACTED]@fs01.contoso.com'],
	])('redacts %s', (_name, input, expected) => {
		expect(redactSecrets(input)).toBe(expected);
	});

	it.each([
		['a pairing command', "Set-CsRegistrar -Identity 'Registrar:pool1.contoso.com' -BackupRegistrar 'Registrar:pool2.contoso.com' -EnableAutomaticFailover $true -FailoverThreshold 300"],
		['a SIP address', 'SipAddress : sip:alice@contoso.com'],
		['an SIP URI list', 'sip:alice@contoso.com;sips:bob@contoso.com'],
		['times and ports', 'Started 07:12:00, listening on fe01.contoso.com:5061'],
		['a parameter that only sounds like a password', 'Set-ADUser x -PasswordNeverExpires $true -ChangePasswordAtLogon $false'],
		['a ConvertTo-SecureString error message', 'ConvertTo-SecureString : The key is not valid for use in specified state.'],
		['backup service output', 'ExportedDataSynchronizationStatus : SteadyState (pool2.contoso.com)'],
	])('leaves %s alone', (_name, input) => {
		expect(redactSecrets(input)).toBe(input);
	});

	it('removes any password passed as a PowerShell literal, whatever it contains', () => {
		const password = fc.string({ minLength: 1, unit: 'grapheme' }).filter((text) => !/[\r\n]/.test(text));
		fc.assert(
			fc.property(password, (secret) => {
				const literal = powershellLiteral(secret);
				expect(redactSecrets(`New-LocalUser svc -Password ${literal} -Force`)).toBe('New-LocalUser svc -Password [REDACTED] -Force');
				expect(redactSecrets(`ConvertTo-SecureString ${literal} -AsPlainText -Force`)).toBe('ConvertTo-SecureString [REDACTED] -AsPlainText -Force');
				expect(redactSecrets(`${literal} | ConvertTo-SecureString -AsPlainText -Force`)).toBe('[REDACTED] | ConvertTo-SecureString -AsPlainText -Force');
			}),
		);
	});

	it('gives the same text when applied twice', () => {
		fc.assert(
			fc.property(fc.string(), (text) => {
				const once = redactSecrets(text);
				expect(redactSecrets(once)).toBe(once);
			}),
		);
		const sample = "-Password 'x' password=y https://a:b@c admin:pw@host 'z' | ConvertTo-SecureString";
		expect(redactSecrets(redactSecrets(sample))).toBe(redactSecrets(sample));
	});
});
