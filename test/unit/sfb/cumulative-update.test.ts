import { describe, expect, it } from 'vitest';
import { judgeCumulativeUpdate } from '../../../source/sfb/cumulative-update.js';

const core = (version: string) => ({ name: 'Skype for Business Server 2015, Core Components', version });
const backup = (version: string, product = 'Skype for Business Server 2015') => ({ name: `${product}, Backup Service`, version });

describe('the CU level of the Backup Service against the Core Components', () => {
	it('is done when the Backup Service is at the Core Components version, or beyond', () => {
		expect(judgeCumulativeUpdate([core('6.0.9319.534'), backup('6.0.9319.534')], 'Get-CsServerPatchVersion')).toEqual({
			state: 'done',
			evidence: 'Get-CsServerPatchVersion: Backup Service 6.0.9319.534, Core Components 6.0.9319.534',
			value: '6.0.9319.534',
		});
		expect(judgeCumulativeUpdate([core('6.0.9319.534'), backup('6.0.9319.1000')], 'x').state).toBe('done');
	});

	it('is not done while the Backup Service is behind, compared as numbers (9319.55 is behind 9319.534)', () => {
		const behind = judgeCumulativeUpdate([core('6.0.9319.534'), backup('6.0.9319.55')], 'Get-CsServerPatchVersion');
		expect(behind.state).toBe('not-done');
		expect(behind.evidence).toBe(
			'Get-CsServerPatchVersion: Backup Service 6.0.9319.55 is behind Core Components 6.0.9319.534 (the Cumulative Update was not re-applied after Bootstrapper)',
		);
	});

	it('reads the Lync 2013 spelling of the Backup Service seen on 2015 servers', () => {
		expect(judgeCumulativeUpdate([core('6.0.9319.534'), backup('6.0.9319.0', 'Microsoft Lync Server 2013')], 'registry').state).toBe('not-done');
	});

	it('is not done without a Backup Service at all', () => {
		expect(judgeCumulativeUpdate([core('6.0.9319.534')], 'registry')).toEqual({
			state: 'not-done',
			evidence: 'registry: no Backup Service installed (Core Components 6.0.9319.534)',
		});
	});

	it('cannot tell without Core Components or with a version it cannot read: unknown, never "no"', () => {
		expect(judgeCumulativeUpdate([backup('6.0.9319.0')], 'registry')).toMatchObject({ state: 'unknown', reason: 'unexpected-output' });
		expect(judgeCumulativeUpdate([], 'registry')).toMatchObject({ state: 'unknown', evidence: 'registry names no Core Components (it listed nothing)' });
		expect(judgeCumulativeUpdate([core('CU15'), backup('6.0.9319.0')], 'registry')).toMatchObject({ state: 'unknown' });
		expect(judgeCumulativeUpdate([core('6.0.9319.534'), backup('')], 'registry')).toMatchObject({ state: 'unknown' });
	});
});
