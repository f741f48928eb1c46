import { describe, expect, it } from 'vitest';
import { bootstrapperFromServicePath } from '../../../source/sfb/bootstrapper.js';

describe("Bootstrapper.exe from the Front End service's install path", () => {
	it('takes the install folder before Server\\Core, on any drive and folder, quoted or not', () => {
		expect(bootstrapperFromServicePath('"C:\\Program Files\\Skype for Business Server 2015\\Server\\Core\\RTCSrv.exe"')).toEqual({
			path: 'C:\\Program Files\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe',
		});
		expect(bootstrapperFromServicePath('"D:\\SfB\\Skype for Business Server 2019\\Server\\Core\\RtcHost.exe" -service')).toEqual({
			path: 'D:\\SfB\\Skype for Business Server 2019\\Deployment\\Bootstrapper.exe',
		});
		expect(bootstrapperFromServicePath('E:\\Lync\\Server\\Core\\RTCSrv.exe /x')).toEqual({ path: 'E:\\Lync\\Deployment\\Bootstrapper.exe' });
	});

	it('refuses a path it cannot read, with the reason, never a guess', () => {
		expect(bootstrapperFromServicePath(null)).toEqual({ reason: expect.stringMatching(/has no install path/) });
		expect(bootstrapperFromServicePath('   ')).toEqual({ reason: expect.stringMatching(/has no install path/) });
		expect(bootstrapperFromServicePath('"C:\\Windows\\System32\\svchost.exe" -k netsvcs')).toEqual({
			reason: expect.stringMatching(/C:\\Windows\\System32\\svchost\.exe is not <install folder>\\Server\\Core\\<program>/),
		});
		expect(bootstrapperFromServicePath('Server\\Core\\RTCSrv.exe')).toHaveProperty('reason');
	});
});
