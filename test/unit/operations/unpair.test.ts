import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unpairCommand, type Ask, type UnpairRequest } from '../../../source/cli/commands/unpair.js';
import { EXIT, UsageError } from '../../../source/cli/exit-codes.js';
import { BACKUP_SERVICE, EnvironmentError, type Environment } from '../../../source/environments/port.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { farmFileAt } from '../../../source/environments/lab/farm-file.js';
import { topologySignatureFor, type FarmState } from '../../../source/environments/lab/farm-state.js';
import { loadScenario, parseScenario } from '../../../source/environments/lab/scenario.js';
import { UNPAIR_WAIT_NOTICE } from '../../../source/procedure/publish-wait.js';
import { findUnpair } from '../../../source/session/unpair-session.js';
import { assessPair } from '../../../source/sfb/pairing-rules.js';
import { DEFAULT_VOICE } from '../../../source/sfb/voice-resiliency.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { DEFAULT_BACKUP as DUB, DEFAULT_POOL as RED, PAIRED_BACKUP as DUB_B } from '../../helpers/pools.js';

const SERVERS = ['red-fe01', 'red-fe02', 'red-fe03', 'dub-fe01', 'dub-fe02', 'dub-fe03'].map((name) => `${name}.contoso.com`);
const SCALE = 5000;
const stateDir = useTemporaryStateDir('sfb-pair-unpair-');

async function lab(name = 'unpair-repair'): Promise<LabEnvironment> {
	return openLabEnvironment({ stateDir: stateDir(), scenario: await loadScenario(name), timeScale: SCALE });
}

/** Changes the lab's farm as someone else, or a write cut short, would: a publish always moves the signature. */
async function publishOnFarm(environment: LabEnvironment, edit: (farm: FarmState) => void): Promise<void> {
	const file = farmFileAt(environment.farmPath);
	const farm = environment.readFarm();
	edit(farm);
	farm.signatureChanges += 1;
	farm.topologySignature = topologySignatureFor(environment.scenario, farm.signatureChanges);
	file.save(farm);
	await file.written();
}

/**
 * The cmdlet path cut short between its two Set-CsRegistrar writes, as a live farm can be left (each write publishes a
 * new signature): Redmond's backup cleared, Dublin's not, and the shell gone.
 */
function cutAfterFirstWrite(environment: LabEnvironment): Environment {
	const unpairing = Object.create(environment, {
		clearPairing: {
			value: async () => {
				await publishOnFarm(environment, (farm) => delete farm.pairings[RED]);
				throw new EnvironmentError('unreachable', 'the Management Shell stopped answering');
			},
		},
	});
	return Object.create(environment, { unpairing: { value: unpairing } });
}

const YES: UnpairRequest = { pool: RED, yes: true, unpair: true, topologyBuilder: false, explain: false };

async function unpair(environment: Environment, request = YES, options: { ask?: Ask; signal?: AbortSignal; onLine?: (line: string) => void } = {}) {
	const lines: string[] = [];
	const exit = await unpairCommand(environment, stateDir(), request, (line) => (lines.push(line), options.onLine?.(line)), options.signal ?? new AbortController().signal, options.ask);
	return { exit, lines, text: lines.join('\n') };
}

describe('sfb-pair unpair in the lab', () => {
	it('unpairs a pair in service: no association either way, no Backup Service, no stale user data; the pool can then pair with another pool', async () => {
		const environment = await lab();
		const run = await unpair(environment, { ...YES, explain: true, scenario: environment.scenario });
		expect(run.exit, run.text).toBe(EXIT.done);
		// Explain mode: beside each step, why it exists and where that comes from.
		expect(run.text).toMatch(/^\d\d:\d\d:\d\d {3}source: Remove-CsUserStoreBackupData reference/m);
		expect(run.lines.filter((line) => /^\d\d:\d\d:\d\d {3}why: /.test(line))).toHaveLength(3);
		const debrief = readFileSync(/training debrief: (.*)$/m.exec(run.text)![1]!, 'utf8');
		expect(debrief).toMatch(/^### 3\. Remove the backup user data: done \(the farm confirms it\)$/m);
		expect(debrief).toMatch(/^- Source: Remove-CsUserStoreBackupData reference/m);
		expect(debrief).toMatch(/Pair each with another pool soon/);
		const farm = environment.readFarm();
		expect(farm.pairings[RED]).toBeUndefined();
		expect(farm.pairings[DUB]).toBeUndefined();
		for (const server of SERVERS) expect((await environment.readService(server, BACKUP_SERVICE)).state).toBe('NotInstalled');
		expect((await environment.readBackupData(RED)).stalePools).toEqual([]);
		expect((await environment.readBackupData(DUB)).stalePools).toEqual([]);
		expect(run.text).toMatch(/Remove-CsUserStoreBackupData -PoolFqdn 'pool-redmond\.contoso\.com' -Force/);
		expect(run.text).toMatch(/change record: .*unpair-.*\.md/);
		expect(run.text).toMatch(/training debrief: .*\.debrief\.md/);
		// The record's chart names what it shows: the unpair's Bootstrapper runs, not the pairing's step numbers.
		const record = readFileSync(/change record: (.*)$/m.exec(run.text)![1]!, 'utf8');
		expect(record).toMatch(/^ {4}title Bootstrapper on each server \(UTC\)$/m);
		expect(record).not.toMatch(/Steps 8/);

		const inventory = await environment.readInventory();
		expect(inventory.pairings[RED]).toBeUndefined();
		expect(assessPair(inventory, RED, DUB_B).allowed).toBe(true);
		await environment.writePairing({ pool: RED, backup: DUB_B, voice: DEFAULT_VOICE });
		expect(await environment.readPairing(DUB_B)).toBe(RED);
		// After the re-pair, removing backup data of Redmond keeps the new partner's (cmdlet reference, Example 1).
		await environment.removeBackupData(RED);
		expect((await environment.readBackupData(RED)).stalePools).toEqual([]);
	});

	it('refuses what it cannot do, with one line and exit 2: a pool not paired, half a confirmation, no terminal to ask in', async () => {
		const environment = await lab();
		await expect(unpair(environment, { ...YES, pool: DUB_B })).rejects.toThrow(/pool-dublin-b\.contoso\.com is not paired: there is nothing to unpair/);
		await expect(unpair(environment, { ...YES, unpair: false })).rejects.toThrow(/needs both --yes and --unpair \(--unpair is missing\)/);
		await expect(unpair(environment, { ...YES, yes: false, unpair: false })).rejects.toThrow(UsageError);
		expect(environment.readFarm().pairings[RED]?.backup).toBe(DUB);
	});

	it('interactive: anything but the typed word changes nothing (exit 130)', async () => {
		const environment = await lab();
		const run = await unpair(environment, { ...YES, yes: false, unpair: false }, { ask: async () => 'yes' });
		expect(run.exit).toBe(EXIT.cancelled);
		expect(run.text).toMatch(/Nothing was changed/);
		expect(environment.readFarm().pairings[RED]?.backup).toBe(DUB);
	});

	it("a cancel during the cmdlet path's publish waits for it, saying why, then stops (130) with the association cleared both ways", async () => {
		const environment = await lab();
		const controller = new AbortController();
		// The operator's Ctrl+C comes while the publish runs: the environment gives it no signal, so it ends its work.
		const unpairing = Object.create(environment, {
			clearPairing: {
				value: async (pool: string, partner: string, options: object) => {
					controller.abort();
					return environment.clearPairing(pool, partner, options);
				},
			},
		});
		const run = await unpair(Object.create(environment, { unpairing: { value: unpairing } }), YES, { signal: controller.signal });
		expect(run.exit, run.text).toBe(EXIT.cancelled);
		expect(run.lines.filter((line) => line.includes(UNPAIR_WAIT_NOTICE))).toHaveLength(1);
		const farm = environment.readFarm();
		expect([farm.pairings[RED], farm.pairings[DUB]]).toEqual([undefined, undefined]);
	});

	it('resumes after a stop in the middle: the farm is asked again, the association is not written twice, the rest finishes', async () => {
		const environment = await lab();
		const stop = new AbortController();
		const first = await unpair(environment, YES, { signal: stop.signal, onLine: (line) => /red-fe01\.contoso\.com: done/.test(line) && stop.abort() });
		expect(first.exit, first.text).toBe(EXIT.cancelled);
		const writes = environment.readFarm().pairingWrites;
		const installed = await Promise.all(SERVERS.map(async (server) => (await environment.readService(server, BACKUP_SERVICE)).state));
		expect(installed.filter((state) => state !== 'NotInstalled').length).toBeGreaterThan(0);

		// The farm no longer names the partner once cleared: the checkpoint does, and `--pool` may name either pool.
		const second = await unpair(environment, { ...YES, pool: DUB });
		expect(second.exit, second.text).toBe(EXIT.done);
		expect(second.text).toMatch(/Continuing the unpair started/);
		expect(second.text).not.toMatch(/^\d\d:\d\d:\d\d {3}Set-CsRegistrar/m);
		expect(environment.readFarm().pairingWrites).toBe(writes);
		expect(second.text).toMatch(/red-fe01\.contoso\.com: done: .*LYNCBACKUP is not installed/);
		for (const server of SERVERS) expect((await environment.readService(server, BACKUP_SERVICE)).state).toBe('NotInstalled');
	});

	it('resumes an unpair cut short between its two Set-CsRegistrar writes: the half-cleared pairing is its own work, not a changed topology', async () => {
		const environment = await lab();
		const first = await unpair(cutAfterFirstWrite(environment));
		expect(first.exit, first.text).toBe(EXIT.failed);
		expect(environment.readFarm().pairings[RED]).toBeUndefined();
		expect(environment.readFarm().pairings[DUB]?.backup).toBe(RED);

		const second = await unpair(environment, { ...YES, pool: DUB });
		expect(second.exit, second.text).toBe(EXIT.done);
		expect(second.text).toMatch(/^The published topology changed since then .*: the plan below is made from the topology as it is now/m);
		expect(second.text).not.toMatch(/topology changed since the plan was made/);
		expect(environment.readFarm().pairings[DUB]).toBeUndefined();
		for (const server of SERVERS) expect((await environment.readService(server, BACKUP_SERVICE)).state).toBe('NotInstalled');
		const record = readFileSync(/change record: (.*)$/m.exec(second.text)![1]!, 'utf8');
		expect(record).toMatch(/The published topology changed since this unpair started .*the pairing shows only this unpair's own work \(.*pool-redmond\.contoso\.com.*: no backup pool; .*backup pool pool-redmond\.contoso\.com\)/);
	});

	it('refuses to go on when, meanwhile, someone paired one of the pools with another pool: nothing is written over it', async () => {
		const environment = await lab();
		await unpair(cutAfterFirstWrite(environment));
		await publishOnFarm(environment, (farm) => {
			farm.pairings[RED] = { backup: DUB_B, voice: DEFAULT_VOICE };
			farm.pairings[DUB_B] = { backup: RED, voice: DEFAULT_VOICE };
		});
		const writes = environment.readFarm().pairingWrites;

		const resumed = await unpair(environment);
		expect(resumed.exit, resumed.text).toBe(EXIT.failed);
		expect(resumed.text).toMatch(/pool-redmond\.contoso\.com is now paired with pool-dublin-b\.contoso\.com, not with pool-dublin\.contoso\.com as when this unpair started: someone changed the pairing since, and nothing was written over it/);
		const farm = environment.readFarm();
		expect(farm.pairingWrites).toBe(writes);
		expect([farm.pairings[RED]?.backup, farm.pairings[DUB_B]?.backup, farm.pairings[DUB]?.backup]).toEqual([DUB_B, RED, RED]);
	});

	it('a probe that cannot tell stops the run (exit 3) rather than running Bootstrapper on a guess', async () => {
		const environment = await lab();
		const blind: Environment = Object.create(environment, {
			readService: {
				value: async (server: string, name: string) => {
					if (server === 'dub-fe02.contoso.com') throw new EnvironmentError('unreachable', `${server}: WinRM did not answer`);
					return environment.readService(server, name);
				},
			},
		});
		const run = await unpair(blind);
		expect(run.exit, run.text).toBe(EXIT.waitingOnOperator);
		expect(run.text).toMatch(/could not be told, so nothing was done on a guess: unknown \(unreachable\).*dub-fe02/);
		expect(environment.readFarm().servers['dub-fe02.contoso.com']?.bootstrapperRuns).toBe(1);
		// Redmond's servers went on: a server that could not be told never hides the others.
		expect((await environment.readService('red-fe03.contoso.com', BACKUP_SERVICE)).state).toBe('NotInstalled');
	});

	it('a pair holding the Central Management store goes through Topology Builder: run --yes stops with the steps (exit 3); the publish then clears it and its standby store', async () => {
		const scenario = parseScenario({ extends: 'cms-pair', name: 'cms-paired', description: 'the CMS pair in service', pairings: [{ pool: RED, backup: DUB, voice: DEFAULT_VOICE }] }, 'cms-paired.json');
		const environment = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: SCALE });
		expect((await environment.readCentralManagementDatabases()).length).toBe(2);
		const waiting = await unpair(environment);
		expect(waiting.exit, waiting.text).toBe(EXIT.waitingOnOperator);
		expect(waiting.text).toMatch(/holds the Central Management store/);
		expect(waiting.text).toMatch(/Resiliency: clear "Associated Backup Pool"/);
		expect(waiting.text).toMatch(/In the lab: run sfb-pair unpair in a terminal, without --yes --unpair, and press p/);
		expect(environment.readFarm().pairings[RED]?.backup).toBe(DUB);

		const played = await unpair(environment, { ...YES, yes: false, unpair: false }, { ask: async (question) => (question.startsWith('Type') ? 'unpair' : 'p') });
		expect(played.exit, played.text).toBe(EXIT.done);
		expect(played.text).toMatch(/Remove the standby Central Management store/);
		expect(played.text).toMatch(/Uninstall-CsDatabase -CentralManagementDatabase/);
		expect((await environment.readCentralManagementDatabases()).length).toBe(1);
	});

	it('Ctrl+C at the Topology Builder question stops there: it is never taken for the Enter that says it was published', async () => {
		const scenario = parseScenario({ extends: 'cms-pair', name: 'cms-paired', description: 'the CMS pair in service', pairings: [{ pool: RED, backup: DUB, voice: DEFAULT_VOICE }] }, 'cms-paired.json');
		const environment = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: SCALE });
		const run = await unpair(environment, { ...YES, yes: false, unpair: false }, { ask: async (question) => (question.startsWith('Type') ? 'unpair' : undefined) });
		expect(run.exit, run.text).toBe(EXIT.waitingOnOperator);
		expect(run.text).not.toMatch(/Bootstrapper on every Front End of both pools: done/);
		expect(environment.readFarm().pairings[RED]?.backup).toBe(DUB);
	});

	describe('never under the users of a failed-over pool', () => {
		const untouched = (environment: LabEnvironment, writes: number) => {
			const farm = environment.readFarm();
			expect([farm.pairings[RED]?.backup, farm.pairings[DUB]?.backup, farm.pairingWrites]).toEqual([DUB, RED, writes]);
		};

		it('refuses while a pool is failed over to its partner (a drill that did not fail back): exit 3, nothing changed, the way back named', async () => {
			const environment = await lab();
			const writes = environment.readFarm().pairingWrites;
			await environment.failOverPool(RED, true);
			const run = await unpair(environment);
			expect(run.exit, run.text).toBe(EXIT.waitingOnOperator);
			expect(run.text).toContain(`Not unpaired; this run changed nothing:\n  ${RED} is failed over: its users sign in to ${DUB}`);
			expect(run.text).toContain(`fail ${RED} back first: sfb-pair drill --pool ${RED} (continues a drill) or Invoke-CsPoolFailBack -PoolFqdn '${RED}'`);
			expect(run.text).not.toMatch(/Step 1|Done/);
			untouched(environment, writes);
			expect(findUnpair(stateDir(), RED).unfinished).toBeUndefined();
		});

		it('refuses when where the users sign in could not be told: "could not tell" is never "no"', async () => {
			const environment = await lab();
			const blind: Environment = Object.create(environment, {
				drill: { value: Object.create(environment, { readPoolUsers: { value: async () => Promise.reject(new EnvironmentError('unreachable', 'Get-CsUserPoolInfo: the Management Shell stopped answering')) } }) },
			});
			const run = await unpair(blind);
			expect(run.exit, run.text).toBe(EXIT.waitingOnOperator);
			expect(run.text).toMatch(/where the users of pool-redmond\.contoso\.com sign in could not be told \(unknown \(unreachable\).*stopped answering\)/);
			untouched(environment, environment.readFarm().pairingWrites);
		});

		it('asks the farm again after the confirmation: a failover while the word was typed stops the run before its first change', async () => {
			const environment = await lab();
			const writes = environment.readFarm().pairingWrites;
			const run = await unpair(environment, { ...YES, yes: false, unpair: false }, { ask: async () => (await environment.failOverPool(DUB, true), 'unpair') });
			expect(run.exit, run.text).toBe(EXIT.waitingOnOperator);
			expect(run.text).toMatch(/Waiting on you: Not unpaired; this run changed nothing: pool-dublin\.contoso\.com is failed over/);
			untouched(environment, writes);
			expect(readFileSync(/change record: (.*)$/m.exec(run.text)![1]!, 'utf8')).toMatch(/pool-dublin\.contoso\.com is failed over: its users sign in to pool-redmond/);
		});

		it('on a resume too: a pool failed over after the first write holds the rest', async () => {
			const environment = await lab();
			await unpair(cutAfterFirstWrite(environment));
			await environment.failOverPool(DUB, true);
			const writes = environment.readFarm().pairingWrites;
			const resumed = await unpair(environment, { ...YES, pool: DUB });
			expect(resumed.exit, resumed.text).toBe(EXIT.waitingOnOperator);
			expect(resumed.text).toMatch(/pool-dublin\.contoso\.com is failed over: its users sign in to pool-redmond/);
			expect(environment.readFarm().pairings[DUB]?.backup).toBe(RED);
			expect(environment.readFarm().pairingWrites).toBe(writes);
		});

		it('refuses while the Central Management store is active on the standby the unpair would remove', async () => {
			const scenario = parseScenario({ extends: 'cms-pair', name: 'cms-paired', description: 'the CMS pair in service', pairings: [{ pool: RED, backup: DUB, voice: DEFAULT_VOICE }] }, 'cms-paired.json');
			const environment = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: SCALE });
			await environment.failOverManagementStore(DUB);
			const run = await unpair(environment, { ...YES, yes: false, unpair: false }, { ask: async (question) => (question.startsWith('Type') ? 'unpair' : 'q') });
			expect(run.exit, run.text).toBe(EXIT.waitingOnOperator);
			expect(run.text).toMatch(/the Central Management store is active on pool-dublin\.contoso\.com, not on pool-redmond\.contoso\.com where the topology puts it .*the unpair removes the standby store, which is the active one now; fail it back first: sfb-pair drill --pool pool-redmond\.contoso\.com \(continues a drill\) or Invoke-CsManagementServerFailover -BackupSqlServerFqdn/);
			expect((await environment.readCentralManagementDatabases()).length).toBe(2);
			expect(environment.readFarm().pairings[RED]?.backup).toBe(DUB);
		});
	});
});
