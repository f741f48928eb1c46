import { describe, expect, it } from 'vitest';
import { wrapCommand, wrapWords } from '../../../source/text/wrap.js';

describe('wrapWords', () => {
	it('breaks between words within the width, the next lines indented; a line that fits keeps its spacing', () => {
		const lines = wrapWords('Refused: pool-redmond.contoso.com is an Enterprise Edition pool and se-redmond.contoso.com is a Standard Edition server', 40, '  ');
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
		expect(lines.slice(1).every((line) => line.startsWith('  '))).toBe(true);
		expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('is an Enterprise Edition pool and');
		expect(wrapWords('  ~ a    b', 80)).toEqual(['  ~ a    b']);
	});

	it('cuts a word longer than the line', () => {
		expect(wrapWords('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
	});
});

describe('wrapCommand', () => {
	it('breaks a long command before a parameter, each line but the last ending in a backtick', () => {
		const command =
			"Set-CsRegistrar -Identity 'Registrar:pool-redmond.contoso.com' -BackupRegistrar 'Registrar:pool-dublin.contoso.com' -EnableAutomaticFailover $true";
		const lines = wrapCommand(command, 70);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(70);
		expect(lines.slice(0, -1).every((line) => line.endsWith(' `'))).toBe(true);
		expect(lines.map((line) => line.replace(/ `$/, '').trim()).join(' ')).toBe(command);
	});

	it('never breaks inside a quoted value or a script block', () => {
		const command = "Invoke-Command -ComputerName 'a.contoso.com' { & 'D:\\Program Files\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe' }";
		const lines = wrapCommand(command, 50);
		expect(lines.some((line) => line.includes("{ & 'D:\\Program Files\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe' }"))).toBe(true);
	});
});
