import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../source/environments/port.js';
import { parseFailedOver, parseReadiness } from '../../../source/environments/powershell/patching-outputs.js';

const command = 'Get-CsPoolUpgradeReadinessState on sea-fe01.contoso.com';

describe('the readiness output, read by what its property names say (only PoolUpgradeState and ReadyForUpgrade are documented)', () => {
	it('reads the summary with its upgrade domains nested, as the stand-in gives it', () => {
		const json = JSON.stringify([
			{
				'#text': 'x',
				PoolFqdn: 'pool01.contoso.com',
				PoolUpgradeState: 'Busy',
				TotalFrontEnds: 3,
				TotalActiveFrontEnds: '2',
				UpgradeDomains: [
					{ UpgradeDomain: 'UpgradeDomain1', FrontEnds: ['sea-fe01.contoso.com'], ReadyForUpgrade: 'False' },
					{ UpgradeDomain: 'UpgradeDomain2', FrontEnds: { value: ['sea-fe02.contoso.com', 'sea-fe03.contoso.com'], Count: 2 }, ReadyforUpgrade: true },
				],
			},
		]);
		expect(parseReadiness('pool01.contoso.com', command, json)).toEqual({
			pool: 'pool01.contoso.com',
			ready: false,
			state: 'Busy',
			frontEnds: 3,
			activeFrontEnds: 2,
			domains: [
				{ name: 'UpgradeDomain1', servers: ['sea-fe01.contoso.com'], ready: false },
				{ name: 'UpgradeDomain2', servers: ['sea-fe02.contoso.com', 'sea-fe03.contoso.com'], ready: true },
			],
			raw: json,
		});
	});

	it('reads domains given as records of their own, with servers as objects', () => {
		const json = JSON.stringify([{ PoolUpgradeState: 'Ready' }, { Name: 'UpgradeDomain:1', Servers: [{ Fqdn: 'dub-fe01.contoso.com' }] }]);
		expect(parseReadiness('pool02.contoso.com', command, json)).toMatchObject({ ready: true, domains: [{ name: 'UpgradeDomain:1', servers: ['dub-fe01.contoso.com'] }] });
	});

	it('an answer with neither a state nor domains is unexpected output, kept whole', () => {
		const refused = (() => {
			try {
				return parseReadiness('pool01.contoso.com', command, '[{"Something":"else"}]');
			} catch (error) {
				return error;
			}
		})();
		expect(refused).toBeInstanceOf(EnvironmentError);
		expect(refused).toMatchObject({ kind: 'unexpected-output', rawOutput: '[{"Something":"else"}]' });
	});

	it('a state without readable counts leaves them out: could not tell is not zero', () => {
		expect(parseReadiness('p', command, '{"PoolUpgradeState":"InsufficientActiveFrontEnds"}')).toEqual({
			pool: 'p',
			ready: false,
			state: 'InsufficientActiveFrontEnds',
			domains: [],
			raw: '{"PoolUpgradeState":"InsufficientActiveFrontEnds"}',
		});
	});
});

describe('is a server failed over: its Front End service stopped and disabled', () => {
	it.each([
		[{ installed: true, state: 'Stopped', startMode: 'Disabled' }, true],
		[{ installed: true, state: 'Running', startMode: 'Auto' }, false],
		[{ installed: true, state: 'Stopped', startMode: 'Auto' }, false],
	])('%j is %s', (value, failedOver) => {
		expect(parseFailedOver('sea-fe01', 'probe', value)).toBe(failedOver);
	});

	it('no Front End service, or no start mode, cannot be told: an error, never "not failed over"', () => {
		expect(() => parseFailedOver('sea-fe01', 'probe', { installed: false })).toThrow(/has no Front End service/);
		expect(() => parseFailedOver('sea-fe01', 'probe', { installed: true, state: 'Stopped' })).toThrow(/state or start mode is missing/);
	});
});
