import { describe, expect, it } from 'vitest';
import { scheduleText } from '../../../source/procedure/plan-text.js';
import { upgradeDomainsOf, upgradeSchedule } from '../../../source/sfb/upgrade-domains.js';

const servers = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(2, '0')}.contoso.com`);
const big = upgradeDomainsOf({ fqdn: 'pool-a.contoso.com', servers: servers('a', 12) });
const small = upgradeDomainsOf({ fqdn: 'pool-b.contoso.com', servers: servers('b', 3) }, { 'b01.contoso.com': 'UD1', 'b02.contoso.com': 'UD2', 'b03.contoso.com': 'UD1' });

describe("the plan's upgrade-domain schedule", () => {
	it('lists which servers go together, in order, with the wall time from the per-server duration', () => {
		const lines = scheduleText({ schedule: upgradeSchedule([big, small], 'one-after-another'), pools: [big, small], perServerMs: 10 * 60_000 }, undefined);
		expect(lines[0]).toBe('  By upgrade domain: one domain at a time per pool, one pool after the other; each server failed over, updated, failed back.');
		expect(lines[1]).toMatch(/^ {4}Domains of pool-a by the lab's rule .*\[unverified\]/);
		expect(lines).toContain('    1. pool-a UpgradeDomain1: a01, a09');
		expect(lines).toContain('    8. pool-a UpgradeDomain8: a08');
		expect(lines).toContain('    9. pool-b UD1: b01, b03');
		expect(lines).toContain('    10. pool-b UD2: b02');
		expect(lines.at(-1)).toBe('    Expected wall time: about 1 h 40 min (10 min a server, plus the waits for each pool to be ready again).');
	});

	it('without a per-server duration (live, no --cu-minutes) says how to get an estimate instead of guessing', () => {
		const lines = scheduleText({ schedule: upgradeSchedule([small], 'one-after-another'), pools: [small] }, undefined);
		expect(lines.at(-1)).toBe("    Expected wall time: give --cu-minutes (one server's failover, installer and failback) for an estimate.");
		expect(lines.some((line) => line.includes('[unverified]')), 'the farm named these domains').toBe(false);
	});

	it('keeps within the width it is given', () => {
		const lines = scheduleText({ schedule: upgradeSchedule([big, small], 'one-after-another'), pools: [big, small], perServerMs: 60_000 }, 60);
		expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(60);
	});
});
