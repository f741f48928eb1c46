import { describe, expect, it } from 'vitest';
import {
	assignUpgradeDomains,
	currentDomains,
	scheduledDomains,
	scheduleWallTime,
	upgradeDomainsOf,
	upgradeSchedule,
	type UpgradeSchedule,
} from '../../../source/sfb/upgrade-domains.js';

const servers = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(2, '0')}.contoso.com`);
const pool = (fqdn: string, count: number) => ({ fqdn, servers: servers(fqdn.split('.')[0]!, count) });

/** Every pair of domains of one pool that could run at the same time under the schedule. */
function overlappingDomainsOfOnePool(schedule: UpgradeSchedule): string[] {
	const found: string[] = [];
	for (const [index, lane] of schedule.lanes.entries()) {
		for (const other of schedule.lanes.slice(index + 1)) {
			for (const stage of lane) for (const rival of other) if (stage.pool === rival.pool) found.push(`${stage.pool}: ${stage.domain} with ${rival.domain}`);
		}
	}
	return found;
}

describe('upgrade domains of a pool', () => {
	it('gives each server its own domain in a pool of up to eight', () => {
		expect(assignUpgradeDomains(servers('fe', 3))).toEqual([
			{ name: 'UpgradeDomain1', servers: ['fe01.contoso.com'] },
			{ name: 'UpgradeDomain2', servers: ['fe02.contoso.com'] },
			{ name: 'UpgradeDomain3', servers: ['fe03.contoso.com'] },
		]);
		expect(assignUpgradeDomains(servers('fe', 8))).toHaveLength(8);
	});

	it('has several servers share a domain beyond eight, every server in exactly one', () => {
		const domains = assignUpgradeDomains(servers('fe', 12));
		expect(domains).toHaveLength(8);
		expect(domains[0]!.servers).toEqual(['fe01.contoso.com', 'fe09.contoso.com']);
		expect(domains[7]!.servers).toEqual(['fe08.contoso.com']);
		expect(domains.flatMap((domain) => domain.servers).sort()).toEqual(servers('fe', 12));
	});

	it('uses the domains the farm named when it named one for every server', () => {
		const named = { 'a01.contoso.com': 'UD-x', 'a02.contoso.com': 'UD-y', 'a03.contoso.com': 'UD-x' };
		expect(upgradeDomainsOf(pool('a.contoso.com', 3), named)).toEqual({
			pool: 'a.contoso.com',
			source: 'farm',
			domains: [
				{ name: 'UD-x', servers: ['a01.contoso.com', 'a03.contoso.com'] },
				{ name: 'UD-y', servers: ['a02.contoso.com'] },
			],
		});
	});

	it('falls back to the lab rule, and says so, when the farm left a server out (it would never be patched)', () => {
		const result = upgradeDomainsOf(pool('a.contoso.com', 3), { 'a01.contoso.com': 'UD-x' });
		expect(result.source).toBe('assumed');
		expect(result.domains.flatMap((domain) => domain.servers)).toEqual(servers('a', 3));
	});
});

describe('the upgrade schedule', () => {
	const a = upgradeDomainsOf(pool('a.contoso.com', 12));
	const b = upgradeDomainsOf(pool('b.contoso.com', 3));

	it('patches the pools one after the other by default: all of A, then all of B', () => {
		const schedule = upgradeSchedule([a, b], 'one-after-another');
		expect(schedule.lanes).toHaveLength(1);
		expect(scheduledDomains(schedule).map((stage) => `${stage.pool.split('.')[0]} ${stage.domain}`)).toEqual([
			...Array.from({ length: 8 }, (_, index) => `a UpgradeDomain${index + 1}`),
			'b UpgradeDomain1',
			'b UpgradeDomain2',
			'b UpgradeDomain3',
		]);
	});

	it('runs the pools side by side only when asked, never two domains of one pool at once', () => {
		const sideBySide = upgradeSchedule([a, b], 'side-by-side');
		expect(sideBySide.lanes.map((lane) => new Set(lane.map((stage) => stage.pool)).size)).toEqual([1, 1]);
		expect(overlappingDomainsOfOnePool(sideBySide)).toEqual([]);
		expect(overlappingDomainsOfOnePool(upgradeSchedule([a, b], 'one-after-another'))).toEqual([]);
	});

	it('moves to the next domain of a pool only once every server of the current one is settled', () => {
		const schedule = upgradeSchedule([a, b], 'side-by-side');
		const settled = new Set<string>();
		expect(currentDomains(schedule, (server) => settled.has(server)).map((stage) => stage.servers)).toEqual([
			['a01.contoso.com', 'a09.contoso.com'],
			['b01.contoso.com'],
		]);
		settled.add('a01.contoso.com');
		expect(currentDomains(schedule, (server) => settled.has(server))[0]!.domain).toBe('UpgradeDomain1');
		settled.add('a09.contoso.com');
		expect(currentDomains(schedule, (server) => settled.has(server))[0]!.domain).toBe('UpgradeDomain2');
		for (const server of [...a.domains, ...b.domains].flatMap((domain) => domain.servers)) settled.add(server);
		expect(currentDomains(schedule, (server) => settled.has(server))).toEqual([]);
	});

	it('estimates the wall time: one server time a domain, lanes overlapping, plus the readiness waits between domains', () => {
		const minute = 60_000;
		expect(scheduleWallTime(upgradeSchedule([a, b], 'one-after-another'), 10 * minute)).toBe(110 * minute);
		expect(scheduleWallTime(upgradeSchedule([a, b], 'side-by-side'), 10 * minute)).toBe(80 * minute);
		expect(scheduleWallTime(upgradeSchedule([b], 'one-after-another'), 10 * minute, minute)).toBe(32 * minute);
		expect(scheduleWallTime(upgradeSchedule([], 'side-by-side'), 10 * minute)).toBe(0);
	});
});
