import { describe, expect, it } from 'vitest';
import { describeReadiness, domainsNamed, readyForDomain, type PoolUpgradeReadiness } from '../../../source/sfb/upgrade-readiness.js';

const readiness = (extra: Partial<PoolUpgradeReadiness>): PoolUpgradeReadiness => ({ pool: 'a.contoso.com', ready: false, domains: [], raw: '{}', ...extra });

describe('upgrade readiness', () => {
	it('a domain starts when the pool is Ready, and never on a pool that did not say', () => {
		expect(readyForDomain(readiness({ ready: true }), 0)).toBe(true);
		expect(readyForDomain(readiness({ ready: undefined }), 0)).toBe(false);
		expect(readyForDomain(readiness({ ready: false, frontEnds: 4, activeFrontEnds: 3 }), 0)).toBe(false);
	});

	it('resuming a domain stopped midway, its own servers still failed over are no reason to wait; another missing server is', () => {
		expect(readyForDomain(readiness({ frontEnds: 10, activeFrontEnds: 8 }), 2)).toBe(true);
		expect(readyForDomain(readiness({ frontEnds: 10, activeFrontEnds: 7 }), 2)).toBe(false);
		expect(readyForDomain(readiness({ frontEnds: undefined, activeFrontEnds: 8 }), 2)).toBe(false);
	});

	it('says the state and the active Front Ends in one line, and maps servers to their domains case-blind', () => {
		expect(describeReadiness(readiness({ state: 'Busy', frontEnds: 4, activeFrontEnds: 3 }))).toBe('a.contoso.com: 3 of 4 Front Ends active (Busy)');
		expect(describeReadiness(readiness({ ready: undefined }))).toBe('a.contoso.com: readiness not given');
		expect(domainsNamed(readiness({ domains: [{ name: 'UD1', servers: ['FE1.contoso.com'] }] }))).toEqual({ 'fe1.contoso.com': 'UD1' });
	});
});
