import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/procedure/plan.js';
import { registrarCommand } from '../../../source/sfb/commands.js';
import type { FrontEndPool, PoolInventory } from '../../../source/sfb/model.js';

const pool = (fqdn: string, servers: string[]): FrontEndPool => ({
	fqdn,
	site: 'Redmond',
	edition: 'Enterprise',
	version: 'Skype for Business Server 2015',
	servers,
	hostsCentralManagementStore: false,
});

const a = pool('a.contoso.com', ['fe1.contoso.com', 'fe2.contoso.com']);
const b = pool('b.contoso.com', ['fe3.contoso.com']);
const inventory = (deployed: boolean): PoolInventory => ({
	topologySignature: 'sig-1',
	pools: [a, b],
	pairings: {},
	deployed: { [a.fqdn]: deployed, [b.fqdn]: deployed },
});
const voice = { automaticFailover: true, failoverSeconds: 300, failbackSeconds: 600 };

describe('plan', () => {
	it('writes the pairing both ways with the voice intervals as TimeSpans, then enables the topology', () => {
		const plan = buildPlan(inventory(true), a, b, voice);
		const publish = plan.steps.find((step) => step.step === 'publish')!;
		const commands = publish.commands.map((command) => command.command);
		expect(commands).toContain(
			"Set-CsRegistrar -Identity 'Registrar:a.contoso.com' -BackupRegistrar 'Registrar:b.contoso.com' -EnableAutomaticFailover $true -FailureDetectionInterval 00:05:00 -FailbackDetectionInterval 00:10:00",
		);
		expect(commands).toContain(
			"Set-CsRegistrar -Identity 'Registrar:b.contoso.com' -BackupRegistrar 'Registrar:a.contoso.com' -EnableAutomaticFailover $true -FailureDetectionInterval 00:05:00 -FailbackDetectionInterval 00:10:00",
		);
		expect(commands.indexOf('Enable-CsTopology')).toBeGreaterThan(commands.findIndex((command) => command.startsWith('Set-CsRegistrar')));
		expect(plan.topologySignature).toBe('sig-1');
	});

	it('runs Bootstrapper, the CU and LYNCBACKUP on every server of both pools, each on its own server', () => {
		const plan = buildPlan(inventory(true), a, b, voice);
		for (const id of ['bootstrapper', 'cumulative-update', 'backup-service'] as const) {
			const step = plan.steps.find((entry) => entry.step === id)!;
			expect(step.commands.map((command) => command.target)).toEqual(['fe1.contoso.com', 'fe2.contoso.com', 'fe3.contoso.com']);
			expect(step.skipped).toBeUndefined();
		}
		const sync = plan.steps.find((step) => step.step === 'sync')!.commands.map((command) => command.command);
		expect(sync).toEqual([
			"Invoke-CsBackupServiceSync -PoolFqdn 'a.contoso.com'",
			"Get-CsBackupServiceStatus -PoolFqdn 'a.contoso.com'",
			"Invoke-CsBackupServiceSync -PoolFqdn 'b.contoso.com'",
			"Get-CsBackupServiceStatus -PoolFqdn 'b.contoso.com'",
		]);
	});

	it('marks steps 8 to 10 skipped, with the reason, when the pools were never deployed', () => {
		const plan = buildPlan(inventory(false), a, b, voice);
		expect(plan.deployed).toBe(false);
		for (const id of ['bootstrapper', 'cumulative-update', 'backup-service', 'sync'] as const) {
			expect(plan.steps.find((step) => step.step === id)!.skipped).toMatch(/never deployed/);
		}
	});

	it('leaves out the intervals when automatic failover is off', () => {
		expect(registrarCommand('a', 'b', { ...voice, automaticFailover: false })).toBe(
			"Set-CsRegistrar -Identity 'Registrar:a' -BackupRegistrar 'Registrar:b' -EnableAutomaticFailover $false",
		);
	});

	it('quotes a hostile pool name as data', () => {
		expect(registrarCommand("x'; Remove-Item C:\\ -Recurse; '", 'b', voice)).toContain("'Registrar:x''; Remove-Item C:\\ -Recurse; '''");
	});
});
