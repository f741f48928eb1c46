import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
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
		// Under a hanging indent, the cut pieces continue the word: no space is put into it.
		expect(wrapWords(`see ${'y'.repeat(30)} then`, 12, '  ')).toEqual([`see ${'y'.repeat(8)}`, `  ${'y'.repeat(10)}`, `  ${'y'.repeat(10)}`, '  yy then']);
	});

	it('never starts a line with the space it broke at, even when a line is filled to the last column (60 columns)', () => {
		const text = `${'x'.repeat(55)} abcd efgh ${'y'.repeat(58)} z`;
		expect(wrapWords(text, 60)).toEqual([`${'x'.repeat(55)} abcd`, 'efgh', `${'y'.repeat(58)} z`]);
		for (const line of [...wrapWords(text, 60), ...wrapWords(text, 60, '  ').map((line, index) => (index > 0 ? line.slice(2) : line))]) expect(line).not.toMatch(/^\s/);
	});

	it('keeps colours on every line they cover, and measures only what shows', () => {
		const red = (text: string) => `\u001B[31m${text}\u001B[39m`;
		const lines = wrapWords(`${red('the Backup Service is in ErrorState on fe01')} since 09:12`, 20, '  ');
		expect(lines.map((line) => stripVTControlCharacters(line))).toEqual(['the Backup Service', '  is in ErrorState', '  on fe01 since', '  09:12']);
		expect(lines.slice(0, 2)).toEqual([red('the Backup Service'), `  ${red('is in ErrorState')}`]);
		expect(lines[2]).toContain(red('fe01'));
		expect(lines[3]).toBe('  09:12');
		const cut = wrapWords(red('z'.repeat(25)), 10);
		expect(cut).toEqual([red('z'.repeat(10)), red('z'.repeat(10)), red('z'.repeat(5))]);
	});

	it('counts a wide character as two columns', () => {
		const lines = wrapWords('東京 サーバー 大阪 サーバー fe01', 10);
		for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(10);
		expect(lines).toEqual(['東京', 'サーバー', '大阪', 'サーバー', 'fe01']);
		expect(wrapWords('日本語の文章を折り返す', 10)).toEqual(['日本語の文', '章を折り返', 'す']);
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
