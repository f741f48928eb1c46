import { describe, expect, it } from 'vitest';
import { planUnpair, unpairPlanLines, unpairTopologyBuilderSteps } from '../../../source/procedure/unpair-plan.js';
import type { FrontEndPool, PoolInventory } from '../../../source/sfb/model.js';

const pool = (fqdn: string, servers: string[], hostsCentralManagementStore = false): FrontEndPool => ({
	fqdn,
	site: fqdn.startsWith('sea') ? 'Seattle' : 'Dublin',
	edition: 'Enterprise',
	version: 'Skype for Business Server 2019',
	servers,
	hostsCentralManagementStore,
});

function inventory(cmsOnA = false): PoolInventory {
	return {
		topologySignature: 'sig-1',
		pools: [pool('sea.contoso.com', ['sea-fe01.contoso.com', 'sea-fe02.contoso.com'], cmsOnA), pool('dub.contoso.com', ['dub-fe01.contoso.com']), pool('free.contoso.com', ['free-fe01.contoso.com'])],
		pairings: { 'sea.contoso.com': 'dub.contoso.com', 'dub.contoso.com': 'sea.contoso.com' },
		deployed: {},
		backEnds: { 'dub.contoso.com': { sqlServer: 'dub-sql.contoso.com', instance: 'SFB' } },
	};
}

describe('the unpair plan', () => {
	it('a pair sfb-pair wrote: the cmdlet path, the partner from the topology, every server of both pools, no standby step', () => {
		const plan = planUnpair(inventory(), 'DUB.contoso.com');
		expect([plan.pool.fqdn, plan.partner.fqdn, plan.path]).toEqual(['dub.contoso.com', 'sea.contoso.com', 'cmdlets']);
		expect(plan.servers.map((server) => server.fqdn)).toEqual(['dub-fe01.contoso.com', 'sea-fe01.contoso.com', 'sea-fe02.contoso.com']);
		expect(plan.steps).toEqual(['clear', 'bootstrapper', 'backup-data']);
		const text = unpairPlanLines(plan).join('\n');
		expect(text).toContain(
			"Set-CsRegistrar -Identity 'Registrar:dub.contoso.com' -BackupRegistrar $null -EnableAutomaticFailover $false; " +
				"Set-CsRegistrar -Identity 'Registrar:sea.contoso.com' -BackupRegistrar $null -EnableAutomaticFailover $false; Enable-CsTopology",
		);
		expect(text).toMatch(/Remove-CsUserStoreBackupData -PoolFqdn 'sea\.contoso\.com' -Force/);
	});

	it('the pair that holds the Central Management store: Topology Builder, and the standby on the partner\'s back end to be gone', () => {
		const plan = planUnpair(inventory(true), 'sea.contoso.com');
		expect(plan.path).toBe('topology-builder');
		expect(plan.steps).toEqual(['clear', 'bootstrapper', 'backup-data', 'standby-store']);
		expect(plan.centralManagementStore).toEqual({ host: 'sea.contoso.com', partner: 'dub.contoso.com', partnerBackEnd: { sqlServer: 'dub-sql.contoso.com', instance: 'SFB' } });
		expect(unpairTopologyBuilderSteps(plan).join('\n')).toMatch(/standby Central Management store on dub-sql\.contoso\.com\\SFB is no longer defined/);
		expect(unpairPlanLines(plan).join('\n')).toMatch(/Uninstall-CsDatabase -CentralManagementDatabase -SqlServerFqdn 'dub-sql\.contoso\.com' -SqlInstanceName 'SFB'/);
	});

	it('--topology-builder: the operator published it there, so it is undone there', () => {
		expect(planUnpair(inventory(), 'sea.contoso.com', { topologyBuilder: true }).path).toBe('topology-builder');
	});

	it('refuses a pool that is not paired, or not in the topology, with one line', () => {
		expect(() => planUnpair(inventory(), 'free.contoso.com')).toThrow(/^free\.contoso\.com is not paired: there is nothing to unpair/);
		expect(() => planUnpair(inventory(), 'nosuch.contoso.com')).toThrow(/nosuch\.contoso\.com/);
	});
});
