import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { autoOperator } from '../../source/cli/auto-operator.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import type { Operator } from '../../source/procedure/operator.js';
import { readChangeRecord } from '../../source/session/change-record.js';
import { DEFAULT_VOICE } from '../../source/sfb/voice-resiliency.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, driveStandInPair, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm, type StandInState } from './stand-in.js';

const SQL_B = 'pool02-sql.contoso.com';

/**
 * A pair that holds the Central Management store, on real pwsh with the stand-in module: Topology Builder is the only
 * path, nothing is written by sfb-pair, and the farm (the pairing both ways, `Get-CsService -CentralManagementDatabase`,
 * `Test-CsDatabase`, `Get-CsTopology -AsXml` before and after) says when the operator's publish is done.
 */
describeWithPwsh('pairs that hold the Central Management store, live (pwsh, stand-in module)', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;
	let stateDir: string;
	let printed: string[];

	async function open(customise: (state: StandInState) => void = () => undefined) {
		farm = createStandInFarm(customise, { centralManagementStore: true });
		process.env.SFB_STANDIN_STATE = farm.statePath;
		stateDir = mkdtempSync(path.join(tmpdir(), 'sfb-pair-live-cms-'));
		printed = [];
		environment = await createPowerShellEnvironment({ executable: pwsh, stateDir, modulePath: STAND_IN_MODULES, sessions: 2 });
	}

	afterEach(async () => {
		await environment?.dispose();
		farm?.remove();
		rmSync(stateDir, { recursive: true, force: true });
	});

	const auto = () => autoOperator({ pool: POOL_A.fqdn, backup: POOL_B.fqdn, voice: DEFAULT_VOICE, retries: 1 }, (line) => printed.push(line));
	const drive = (operator: Operator = auto()) => driveStandInPair(environment, stateDir, { operator });
	const calls = (cmdlet: string) => farm.read().calls.filter((call) => call.cmdlet === cmdlet);

	it('run --yes writes nothing and waits for the operator; once the farm shows the pairing and its standby, it goes on', async () => {
		await open();
		const first = await drive();
		expect(first.outcome).toBe('needs-operator');
		expect(first.reason).toMatch(/^pool01\.contoso\.com holds the Central Management store, which Microsoft documents pairing only in Topology Builder: nothing was changed/);
		expect(calls('Set-CsRegistrar')).toEqual([]);
		expect(calls('Enable-CsTopology')).toEqual([]);
		expect(printed).toContain(`  5. Action, Topology, Publish; let it create the databases it lists: the standby Central Management store on ${SQL_B}\\rtc.`);

		farm.publishInTopologyBuilder();
		const second = await drive();
		expect(second.session.state.steps.publish).toMatchObject({ status: 'done', note: 'already paired: nothing written' });
		expect(second.reason).toMatch(/^re-apply the Cumulative Update on every server/);
		expect(calls('Set-CsRegistrar')).toEqual([]);
		expect(calls('Test-CsDatabase').at(-1)?.parameters).toEqual({ CentralManagementDatabase: true, SqlServerFqdn: SQL_B, SqlInstanceName: 'rtc' });
	}, 240_000);

	it('a publish without the standby store is found and named; the publish with it verifies, and the topology difference names it', async () => {
		await open((state) => {
			state.standbyStoreMissing = true;
		});
		const checks: (string | undefined)[] = [];
		const operator: Operator = {
			...auto(),
			confirmPlan: async (plan) => {
				expect(plan.centralManagementStore).toMatchObject({ host: POOL_A.fqdn, partner: POOL_B.fqdn, partnerBackEnd: { sqlServer: SQL_B, instance: 'rtc' } });
				return 'topology-builder';
			},
			awaitTopologyBuilder: async (_plan, lastCheck, options) => {
				expect(options).toEqual({ canSimulate: false });
				checks.push(lastCheck);
				if (checks.length === 1) farm.publishInTopologyBuilder();
				if (checks.length === 2) {
					farm.update((state) => {
						state.standbyStoreMissing = false;
					});
					farm.publishInTopologyBuilder();
				}
				return checks.length <= 2 ? 'check' : 'stop';
			},
		};
		const result = await drive(operator);
		expect(checks).toHaveLength(2);
		expect(checks[1]).toBe(
			`Paired, but no standby Central Management store: Get-CsService -CentralManagementDatabase: 1 Central Management database (pool01-sql.contoso.com), none on ${SQL_B}, the back end of ${POOL_B.fqdn}. ` +
				'Publish again with its database, then check again.',
		);
		expect(result.session.state.publish).toMatchObject({ method: 'topology-builder', verified: true });
		const notes = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl')).flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
		const difference = notes.find((note) => note.startsWith('The topology before ('))?.split('\n') ?? [];
		expect(difference).toContain('~ Signature 5f0c8e42-9a1d-4b7e-8c3f-2d6a1e9b7c40 → 9a1b7c40-5f0c-4b7e-8c3f-2d6a1e9b8e42');
		expect(difference).toContain(`+ Central Management store (CentralMgmtStore) on ${SQL_B}: the standby store`);
		expect(calls('Set-CsRegistrar')).toEqual([]);
	}, 240_000);
});
