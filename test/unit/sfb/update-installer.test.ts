import { describe, expect, it } from 'vitest';
import { checkInstallerPath } from '../../../source/sfb/update-installer.js';

const good = '\\\\fs01.contoso.com\\updates\\CU15\\SkypeServerUpdateInstaller.exe';

describe('--cu-installer: a UNC path to the installer, every Front End reads it from its own session', () => {
	it('takes a UNC path to an .exe, trimmed', () => {
		expect(checkInstallerPath(`  ${good} `)).toEqual({ ok: true, value: good });
		expect(checkInstallerPath('\\\\fs01\\updates\\SKYPESERVERUPDATEINSTALLER.EXE')).toMatchObject({ ok: true });
	});

	it.each([
		['', /the installer path is empty/],
		['C:\\updates\\SkypeServerUpdateInstaller.exe', /is not a UNC path/],
		['updates\\SkypeServerUpdateInstaller.exe', /is not a UNC path/],
		['//fs01/updates/SkypeServerUpdateInstaller.exe', /is not a UNC path/],
		['\\\\?\\UNC\\fs01\\updates\\SkypeServerUpdateInstaller.exe', /is a device path/],
		['\\\\.\\pipe\\x.exe', /is a device path/],
		['\\\\fs01\\SkypeServerUpdateInstaller.exe', /does not name a server, a share and the installer file/],
		['\\\\fs01\\updates\\\\SkypeServerUpdateInstaller.exe', /does not name a server, a share and the installer file/],
		['\\\\fs01\\updates\\', /does not name a server, a share and the installer file/],
		['\\\\fs01\\updates\\CU15', /does not name an \.exe/],
		['\\\\fs01\\up:dates\\SkypeServerUpdateInstaller.exe', /holds a name Windows does not allow \("up:dates"\)/],
		['\\\\fs01\\updates\\..\\SkypeServerUpdateInstaller.exe', /holds a name Windows does not allow \("\.\."\)/],
		['\\\\fs01\\updates\\a\u001b[2Jb.exe', /\\u001b/],
		[`\\\\fs01\\updates\\${'x'.repeat(300)}.exe`, /more than Windows opens \(260\)/],
	])('refuses %j with one line that says why and what to give', (text, why) => {
		const result = checkInstallerPath(text);
		expect(result.ok).toBe(false);
		const reason = result.ok ? '' : result.reason;
		expect(reason).toMatch(why);
		expect(reason).toMatch(/give the installer on a share every Front End can read, e\.g\. \\\\fs01\.contoso\.com\\updates\\SkypeServerUpdateInstaller\.exe$/);
		expect(reason.includes('\n') || reason.includes('\u001b')).toBe(false);
	});
});
