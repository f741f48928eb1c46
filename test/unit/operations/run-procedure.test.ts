import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { autoOperator } from '../../../source/cli/auto-operator.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario, parseScenario, type Scenario } from '../../../source/environments/lab/scenario.js';
import { EnvironmentError } from '../../../source/environments/port.js';
import { BACK, OperatorLeft, type Operator, type ServerFailure, type UnfinishedPair, type UnknownObservation } from '../../../source/procedure/operator.js';
import { recap } from '../../../source/procedure/recap.js';
import { plainReporter } from '../../../source/cli/plain-reporter.js';
import { syncGuidance } from '../../../source/operations/sync-watch.js';
import { readChangeRecord } from '../../../source/session/change-record.js';
import { pairKey, sessionsDir } from '../../../source/session/session-files.js';
import { findSessions } from '../../../source/session/session-files.js';
import { DEFAULT_VOICE } from '../../../source/sfb/voice-resiliency.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, defaultScenarioWith, driveResuming, testIdentity } from '../../helpers/lab.js';
import { DEFAULT_BACKUP as BACKUP, DEFAULT_POOL as POOL, PAIRED_BACKUP, PAIRED_POOL } from '../../helpers/pools.js';

const IDENTITY = testIdentity();
const SCALE = 5000;
const stateDir = useTemporaryStateDir('sfb-pair-runner-');

async function lab(scenario?: Scenario): Promise<LabEnvironment> {
	return openLabEnvironment({ stateDir: stateDir(), scenario: scenario ?? (await loadScenario('default')), timeScale: SCALE });
}

function drive(environment: LabEnvironment, operator: Operator = defaultPairOperator(), signal = new AbortController().signal) {
	return driveResuming({ environment, stateDir: stateDir(), operator, signal });
}

const withFaults = (faults: unknown[]) => defaultScenarioWith('faulty', faults);

describe('the procedure runner against the lab', () => {
	it('pairs, bootstraps, re-applies the CU, starts LYNCBACKUP and reaches steady sync', async () => {
		const environment = await lab();
		const result = await drive(environment);
		expect(result.outcome, result.reason).toBe('done');
		const state = result.session.state;
		expect(Object.values(state.steps).map((step) => step.status)).toEqual(Array(10).fill('done'));
		for (const fqdn of state.serverOrder) {
			expect(Object.values(state.servers[fqdn]!.tasks).map((task) => task.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		}
		expect(state.sync.consecutiveSteady).toBeGreaterThanOrEqual(3);
		expect(environment.readFarm().pairingWrites).toBe(1);
		expect(result.recordPath).toMatch(/records/);
	});

	it('stops at step 7 and waits on the operator when the pools were never deployed', async () => {
		const base = await loadScenario('default');
		const scenario = parseScenario({ ...base, name: 'undeployed', pools: base.pools.map((pool) => ({ ...pool, deployed: false })) }, 'undeployed.json');
		const result = await drive(await lab(scenario));
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(/never deployed/);
		expect(result.session.state.steps.bootstrapper).toMatchObject({ status: 'skipped' });
		expect(result.session.state.publish.verified).toBe(true);
	});

	it('stops at step 1 and says only one pool is free when every other pool is paired', async () => {
		const base = await loadScenario('default');
		const pools = base.pools.filter((pool) => pool.fqdn !== BACKUP);
		const pairings = [...base.pairings, { pool: 'se-redmond.contoso.com', backup: 'se-dublin.contoso.com', voice: DEFAULT_VOICE }];
		const result = await drive(await lab(parseScenario({ ...base, name: 'one-free', pools, pairings }, 'one-free.json')));
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(/^only one Front End pool is free to pair/);
	});

	it('retries a failed server once, then leaves it to the operator while the others finish', async () => {
		const scenario = await withFaults([{ type: 'bootstrapper-exit', server: 'red-fe02.contoso.com', exitCode: 1603, attempts: 5 }]);
		const result = await drive(await lab(scenario));
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(/red-fe02\.contoso\.com: Bootstrapper exited with 1603/);
		const tasks = result.session.state.servers;
		expect(tasks['red-fe02.contoso.com']!.tasks.bootstrapper).toMatchObject({ state: 'failed', attempts: 2, exitCode: 1603 });
		for (const fqdn of ['red-fe01', 'red-fe03', 'dub-fe01', 'dub-fe02', 'dub-fe03'].map((name) => `${name}.contoso.com`)) {
			expect(tasks[fqdn]!.tasks.bootstrapper.state).toBe('succeeded');
		}
	});

	it('a resumed session retries the failed server and finishes', async () => {
		const scenario = await withFaults([{ type: 'bootstrapper-exit', server: 'red-fe02.contoso.com', exitCode: 1603, attempts: 2 }]);
		const environment = await lab(scenario);
		expect((await drive(environment)).outcome).toBe('needs-operator');
		const resumed = await drive(environment);
		expect(resumed.outcome).toBe('done');
		expect(resumed.session.state.servers['red-fe02.contoso.com']!.tasks.bootstrapper.attempts).toBe(3);
	});

	it('on resume, runs Bootstrapper again on a server where the checkpoint says done but the farm disagrees', async () => {
		const scenario = await withFaults([{ type: 'sync-error', pool: BACKUP, module: 'ConfServices.DataConf' }]);
		const environment = await lab(scenario);
		const first = await drive(environment);
		expect(first.outcome).toBe('failed');
		expect(first.reason).toMatch(/ConfServices\.DataConf in ErrorState/);

		const farmFile = environment.farmPath;
		const farm = JSON.parse(readFileSync(farmFile, 'utf8'));
		farm.servers['dub-fe02.contoso.com'] = { ...farm.servers['dub-fe02.contoso.com'], bootstrapper: { state: 'not-run' }, backupServiceInstalled: false, cuReapplied: false, lyncBackup: { state: 'Stopped' } };
		writeFileSync(farmFile, JSON.stringify(farm));

		const resumed = await drive(environment);
		const servers = resumed.session.state.servers;
		expect(servers['dub-fe02.contoso.com']!.tasks.bootstrapper.attempts).toBe(2);
		expect(servers['dub-fe01.contoso.com']!.tasks.bootstrapper.attempts).toBe(1);
		expect(servers['dub-fe02.contoso.com']!.tasks['backup-service'].state).toBe('succeeded');
		expect(environment.readFarm().servers['dub-fe02.contoso.com']!.bootstrapper.state).toBe('done');
	});

	it("shows Enable-CsTopology's file share warning after the publish, records it, and names it first when the sync then fails", async () => {
		const scenario = await withFaults([
			{ type: 'file-share-permissions', pool: BACKUP },
			{ type: 'sync-error', pool: BACKUP, module: 'ConfServices.DataConf' },
		]);
		const shown: string[] = [];
		const report = plainReporter((line) => shown.push(line));
		const result = await driveResuming({ environment: await lab(scenario), stateDir: stateDir(), operator: defaultPairOperator(), onSession: (session) => session.subscribe(report) });
		expect(result.outcome).toBe('failed');
		const warnings = result.session.state.publish.warnings ?? [];
		expect(warnings).toEqual([expect.stringMatching(/^Could not set file share permissions on .* for pool-dublin\.contoso\.com/)]);
		expect(shown.join('\n')).toMatch(/pairing written and topology enabled\n.* warning: Enable-CsTopology: Could not set file share permissions/);
		const notes = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl')).flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
		expect(notes).toContain(`Enable-CsTopology warned: ${warnings[0]}`);
		expect(syncGuidance([{ fqdn: POOL }, { fqdn: BACKUP }], warnings)[0]).toMatch(/^When it published, Enable-CsTopology warned: Could not set file share permissions.*local Administrator on the file server/);
	});

	it('a cancel while the topology is published lets the publish finish, then stops before the next step', async () => {
		const environment = await lab();
		const controller = new AbortController();
		const write = environment.writePairing.bind(environment);
		environment.writePairing = async (request, options) => {
			controller.abort(new Error('cancelled by SIGINT'));
			return write(request, options);
		};
		const result = await drive(environment, undefined, controller.signal);
		expect(result.outcome).toBe('cancelled');
		expect(result.reason).toBe('cancelled by the operator during Confirm and publish');
		expect(result.session.state.publish).toMatchObject({ written: true, verified: true });
		expect(environment.readFarm().pairingWrites).toBe(1);
		const servers = result.session.state.serverOrder;
		expect(servers.length).toBeGreaterThan(0);
		expect(servers.map((fqdn) => environment.readFarm().servers[fqdn]!.bootstrapperRuns)).toEqual(servers.map(() => 0));
	});

	it('shows the plan again when someone else publishes between the plan and the publish', async () => {
		const scenario = await withFaults([{ type: 'topology-changed', afterInventoryReads: 1 }]);
		const plans: (string | undefined)[] = [];
		const base = defaultPairOperator();
		const operator: Operator = {
			...base,
			confirmPlan: async (plan) => {
				plans.push(plan.notice);
				return 'publish';
			},
		};
		const result = await drive(await lab(scenario), operator);
		expect(result.outcome).toBe('done');
		expect(plans).toHaveLength(2);
		expect(plans[0]).toBeUndefined();
		expect(plans[1]).toMatch(/topology changed/);
	});

	it('ends cancelled, with the session resumable, when the operator cancels mid-bootstrap', async () => {
		const controller = new AbortController();
		const environment = await lab();
		const operator = defaultPairOperator();
		const pending = drive(environment, operator, controller.signal);
		await new Promise((resolve) => setTimeout(resolve, 5));
		const stopAtBootstrap = setInterval(() => {
			const farm = environment.readFarm();
			if (Object.values(farm.servers).some((server) => server.bootstrapper.state === 'running')) controller.abort();
		}, 1);
		const result = await pending;
		clearInterval(stopAtBootstrap);
		expect(result.outcome).toBe('cancelled');
		expect(findSessions(stateDir()).unfinished).toHaveLength(1);
		const resumed = await drive(environment);
		expect(resumed.outcome).toBe('done');
		expect(environment.readFarm().pairingWrites).toBe(1);
	});

	it('stops before touching the farm again when the checkpoint cannot be written', async () => {
		const environment = await lab();
		const bootstrapperRuns = () => Object.values(environment.readFarm().servers).map((server) => server.bootstrapperRuns);
		const runsBefore = bootstrapperRuns();
		const automatic = defaultPairOperator();
		const operator: Operator = {
			...automatic,
			chooseVoice: async (current) => {
				const sessions = join(stateDir(), 'sessions');
				rmSync(sessions, { recursive: true });
				writeFileSync(sessions, 'not a folder');
				return automatic.chooseVoice(current);
			},
		};
		await expect(drive(environment, operator)).rejects.toThrow(/^cannot use \S*sessions\S*: /);
		expect(environment.readFarm().pairingWrites).toBe(0);
		expect(bootstrapperRuns()).toEqual(runsBefore);
	});

	it('when the checkpoint cannot be written mid-fleet, stops the other servers, completes the Markdown record and unlocks the pair', async () => {
		const base = await loadScenario('default');
		// red-fe01 is done long before dub-fe01, which is still running when the checkpoint fails.
		const slowDublin = { ...base.timings, bootstrapperSecondsPerServer: { 'red-fe01.contoso.com': 10, 'dub-fe01.contoso.com': 2000 } };
		const environment = await lab(parseScenario({ ...base, name: 'slow-dublin', timings: slowDublin }, 'slow-dublin.json'));
		let broken = false;
		const breaksAfterFirstServer: LabEnvironment = Object.assign(Object.create(environment) as LabEnvironment, {
			runBootstrapper: async (...args: Parameters<LabEnvironment['runBootstrapper']>) => {
				const outcome = await environment.runBootstrapper(...args);
				if (!broken) {
					broken = true;
					const sessions = join(stateDir(), 'sessions');
					rmSync(sessions, { recursive: true });
					writeFileSync(sessions, 'not a folder');
				}
				return outcome;
			},
		});
		await expect(drive(breaksAfterFirstServer)).rejects.toThrow(/^cannot use \S+\.json: /);
		expect(readdirSync(stateDir()).filter((file) => file.endsWith('.lock'))).toEqual([]);
		const records = join(stateDir(), 'records');
		const markdown = readFileSync(join(records, readdirSync(records).find((file) => file.endsWith('.md'))!), 'utf8');
		expect(markdown).toMatch(/Command on red-fe01\.contoso\.com: succeeded/);
		expect(markdown, 'the server still running is stopped and recorded before the run ends').toMatch(/Command on dub-fe01\.contoso\.com: INTERRUPTED/);
	});

	it('records every decision, each change of the sync status with what is normal, each phase on each server, and the end', async () => {
		const environment = await lab();
		const voice = { ...DEFAULT_VOICE, failoverSeconds: 90 };
		const operator = defaultPairOperator({ voice, voiceNote: '--failover-interval 30: 30 s is below the 90 s floor: raised to 90 s' });
		const result = await drive(environment, operator);
		expect(result.outcome).toBe('done');
		const entries = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl'));

		expect(entries[0]).toMatchObject({ type: 'session', ...IDENTITY });
		const decisions = entries.flatMap((entry) => (entry.type === 'decision' ? [entry] : []));
		expect(decisions.map((entry) => [entry.what, entry.choice])).toEqual([
			['pool to protect', POOL],
			['backup pool', BACKUP],
			['voice resiliency', 'automatic failover and failback for Voice on: failover after 90 s, failback after 600 s'],
			['publish the pairing', 'publish'],
			['re-apply the Cumulative Update', 'run'],
		]);
		expect(decisions[2]?.reason).toBe('--failover-interval 30: 30 s is below the 90 s floor: raised to 90 s');

		const polls = result.session.state.sync.polls;
		const statuses = entries.flatMap((entry) => (entry.type === 'status' ? [entry] : []));
		expect(statuses.length, 'only polls that changed something, and the last').toBeLessThan(polls * 2);
		expect(statuses.slice(-2).map((entry) => [entry.pool, entry.poll, entry.concluded])).toEqual([
			[POOL, polls, 'steady'],
			[BACKUP, polls, 'steady'],
		]);
		const backupPolls = statuses.filter((entry) => entry.pool === BACKUP);
		expect(new Set(backupPolls.map((entry) => JSON.stringify(entry.modules))).size, 'no two recorded polls of one pool alike but the last').toBe(backupPolls.length - 1);
		const cmsNormal = statuses.find((entry) => entry.pool === BACKUP && entry.modules.some((module) => module.identity === 'CentralMgmt.CMSMaster' && module.exportStatus === 'NotInitialized'));
		expect(cmsNormal?.explanations).toContain(
			`CentralMgmt.CMSMaster NotInitialized is normal here: ${BACKUP} does not host the Central Management store, so it is not the active CMS master and has nothing of it to export`,
		);
		// Neither pool of the default pair holds the store (pool-redmond-b does): both directions explain it.
		expect(statuses.filter((entry) => entry.pool === POOL).flatMap((entry) => entry.explanations ?? []).join('\n')).toContain(`${POOL} does not host the Central Management store`);

		const phases = entries.flatMap((entry) => (entry.type === 'command' && entry.phase ? [`${entry.target} ${entry.phase}`] : []));
		for (const server of result.session.state.serverOrder) {
			expect(phases).toEqual(expect.arrayContaining([`${server} bootstrapper`, `${server} cumulative-update`, `${server} backup-service`]));
		}
		expect(entries.at(-1)).toMatchObject({ type: 'ended', outcome: 'done' });
		expect(readFileSync(result.recordPath!, 'utf8')).toContain('```mermaid\ngantt');
	});

	it('catches a CU installer that exits 0 without updating the Backup Service by its version probe, and counts the retry there', async () => {
		const environment = await lab(await loadScenario('cu-not-reapplied'));
		const [pool, backup] = ['pool-ams.fabrikam.com', 'pool-fra.fabrikam.com'];
		const result = await drive(environment, defaultPairOperator({ pool, backup }));
		expect(result.outcome).toBe('done');
		const state = result.session.state;
		const cu = state.servers['fra-fe01.fabrikam.com']!.tasks['cumulative-update'];
		expect(cu).toMatchObject({ state: 'succeeded', attempts: 2 });
		expect(recap(state).find((row) => row.name === 'fra-fe01.fabrikam.com')).toEqual({
			name: 'fra-fe01.fabrikam.com',
			ok: 0,
			changed: 3,
			failed: 0,
			skipped: 0,
			retried: 1,
			interrupted: 0,
		});
	});

	it('counts the CU re-applied before a LYNCBACKUP retry (Event 4007) as an attempt of the CU, in the recap and the timeline', async () => {
		const environment = await lab(await loadScenario('cu-not-reapplied'));
		const [pool, backup] = ['pool-ams.fabrikam.com', 'pool-fra.fabrikam.com'];
		const base = defaultPairOperator({ pool, backup, retries: 2 });
		const operator: Operator = { ...base, chooseCumulativeUpdate: async () => ({ action: 'skip', reason: 'installer not staged yet' }) };
		const result = await drive(environment, operator);
		expect(result.outcome).toBe('done');
		const state = result.session.state;
		// The CU step skipped, LYNCBACKUP crashes (Event 4007); each retry re-applies the CU first, and the first re-apply exits 0 without applying it.
		expect(state.servers['fra-fe01.fabrikam.com']!.tasks['cumulative-update']).toMatchObject({ state: 'succeeded', attempts: 2 });
		expect(state.servers['fra-fe01.fabrikam.com']!.tasks['backup-service']).toMatchObject({ state: 'succeeded', attempts: 3 });
		expect(recap(state).find((row) => row.name === 'fra-fe01.fabrikam.com')).toEqual({
			name: 'fra-fe01.fabrikam.com',
			ok: 0,
			changed: 3,
			failed: 0,
			skipped: 0,
			retried: 3,
			interrupted: 0,
		});
	});
});

describe('going back and stopping, issue 15', () => {
	it('Back from the plan asks the voice settings again, and Back from there the backup pool; a Back is no decision in the record', async () => {
		const environment = await lab();
		const asked: string[] = [];
		const base = defaultPairOperator();
		let plans = 0;
		let voices = 0;
		const operator: Operator = {
			...base,
			chooseBackup: async (...args) => (asked.push('backup'), base.chooseBackup(...args)),
			chooseVoice: async (...args) => (asked.push('voice'), ++voices === 2 ? BACK : base.chooseVoice(...args)),
			confirmPlan: async (plan) => (asked.push('plan'), ++plans === 1 ? BACK : base.confirmPlan(plan)),
		};
		const result = await drive(environment, operator);
		expect(result.outcome).toBe('done');
		expect(asked).toEqual(['backup', 'voice', 'plan', 'voice', 'backup', 'voice', 'plan']);
		expect(environment.readFarm().pairingWrites).toBe(1);
		const decisions = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl')).filter((entry) => entry.type === 'decision');
		expect(decisions.filter((entry) => entry.what === 'publish the pairing').map((entry) => entry.choice)).toEqual(['publish']);
	});

	it('a skipped Cumulative Update carries its reason into the record and the servers', async () => {
		const base = defaultPairOperator();
		const operator: Operator = { ...base, chooseCumulativeUpdate: async () => ({ action: 'skip', reason: 'CHG-9 installer missing' }), decideFailure: async () => ({ action: 'abort' }) };
		const result = await drive(await lab(), operator);
		expect(result.session.state.steps['cumulative-update']).toMatchObject({ status: 'skipped', note: 'skipped by the operator: CHG-9 installer missing' });
		expect(readFileSync(result.recordPath!, 'utf8')).toContain('CHG-9 installer missing');
	});

	it('stops before the sync when LYNCBACKUP was skipped on a server and is not running there, naming it', async () => {
		const scenario = await withFaults([{ type: 'bootstrapper-exit', server: 'red-fe02.contoso.com', exitCode: 1603, attempts: 5 }]);
		const base = defaultPairOperator();
		const operator: Operator = { ...base, decideFailure: async () => ({ action: 'skip', reason: 'rebuilt next week' }) };
		const result = await drive(await lab(scenario), operator);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toContain(
			"the sync cannot reach steady state while LYNCBACKUP is not running on red-fe02.contoso.com (not done: Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'red-fe02.contoso.com': NotInstalled; skipped: skipped at Bootstrapper: rebuilt next week): start it there (Start-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'red-fe02.contoso.com')",
		);
		expect(result.session.state.sync.polls).toBe(0);
	});

	it('leaving (q) ends the session waiting on the operator, not cancelled', async () => {
		const controller = new AbortController();
		const base = defaultPairOperator();
		const operator: Operator = {
			...base,
			chooseCumulativeUpdate: async () => {
				// As the wizard's prompts do when the operator leaves: the open question is rejected.
				controller.abort(new OperatorLeft());
				throw controller.signal.reason;
			},
		};
		const result = await drive(await lab(), operator, controller.signal);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toBe('left by the operator during Cumulative Update; the session resumes where it stands');
	});
});

describe('the farm decides what is done', () => {
	it('asks the operator when a server cannot be told deployed: probe again, then skip it for a reason; it is never taken as not deployed', async () => {
		const scenario = await withFaults([{ type: 'unreachable', server: 'red-fe02.contoso.com', during: 'deployment', attempts: 5 }]);
		const environment = await lab(scenario);
		const asked: UnknownObservation[] = [];
		const base = defaultPairOperator();
		const operator: Operator = {
			...base,
			decideUnknown: async (unknown) => {
				asked.push(unknown);
				return asked.length === 1 ? { action: 'retry' } : { action: 'skip', reason: 'being rebuilt this week' };
			},
		};
		const result = await drive(environment, operator);
		expect(asked.map((unknown) => [unknown.subject, unknown.what, unknown.attempts, unknown.observation.reason, unknown.canSkip])).toEqual([
			['red-fe02.contoso.com', 'it is deployed', 1, 'unreachable', true],
			['red-fe02.contoso.com', 'it is deployed', 2, 'unreachable', true],
		]);
		const tasks = result.session.state.servers['red-fe02.contoso.com']!.tasks;
		expect(Object.values(tasks).map((task) => [task.state, task.message])).toEqual(
			Array(3).fill(['skipped', 'skipped at the deployment check: being rebuilt this week']),
		);
		expect(environment.readFarm().servers['red-fe02.contoso.com']!.bootstrapperRuns).toBe(0);
		expect(environment.readFarm().servers['red-fe01.contoso.com']!.bootstrapper.state).toBe('done');
		const decisions = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl')).filter((entry) => entry.type === 'decision' && entry.what.startsWith('could not tell'));
		expect(decisions).toMatchObject([
			{ what: 'could not tell on red-fe02.contoso.com: it is deployed', choice: 'retry' },
			{ what: 'could not tell on red-fe02.contoso.com: it is deployed', choice: 'skip', reason: 'being rebuilt this week' },
		]);
	});

	it('a pair the farm shows complete ends done at once, running nothing', async () => {
		const environment = await lab();
		const runsBefore = Object.values(environment.readFarm().servers).map((server) => server.bootstrapperRuns);
		const pair = { pool: PAIRED_POOL, backup: PAIRED_BACKUP };
		const result = await driveResuming({ environment, stateDir: stateDir(), operator: defaultPairOperator(pair), pair });
		expect(result.outcome).toBe('done');
		expect(result.reason).toMatch(/^pool-redmond-b\.contoso\.com and pool-dublin-b\.contoso\.com are already paired and complete/);
		expect(Object.values(environment.readFarm().servers).map((server) => server.bootstrapperRuns)).toEqual(runsBefore);
		expect(environment.readFarm().pairingWrites).toBe(0);
	});

	it('the wizard offers a published pair that is not finished, and finishing it continues from what the farm shows', async () => {
		const environment = await lab();
		const later: Operator = { ...defaultPairOperator(), chooseCumulativeUpdate: async () => 'later' };
		expect((await drive(environment, later)).outcome).toBe('needs-operator');
		rmSync(join(sessionsDir(stateDir()), `${pairKey(POOL, BACKUP)}.json`));
		const runs = Object.values(environment.readFarm().servers).map((server) => server.bootstrapperRuns);

		const offered: UnfinishedPair[][] = [];
		const wizard: Operator = {
			...defaultPairOperator(),
			chooseUnfinishedPair: async (pairs) => {
				offered.push(pairs);
				return { pool: pairs[0]!.pool, backup: pairs[0]!.backup };
			},
			choosePool: async () => {
				throw new Error('the pool picker is not shown when an unfinished pair is chosen');
			},
		};
		const finished = await drive(environment, wizard);
		expect(finished.outcome, finished.reason).toBe('done');
		expect(offered).toHaveLength(1);
		expect(offered[0]).toMatchObject([{ pool: POOL, backup: BACKUP, state: 'unfinished', summary: 'CU re-apply on 6, sync on 2' }]);
		expect(Object.values(environment.readFarm().servers).map((server) => server.bootstrapperRuns)).toEqual(runs);
		expect(environment.readFarm().pairingWrites).toBe(1);
	});
});

describe('a pair that holds the Central Management store, issue 13 item 3', () => {
	const auto = () => autoOperator({ pool: POOL, backup: BACKUP, voice: DEFAULT_VOICE, retries: 1 }, (line) => printed.push(line));
	let printed: string[] = [];
	beforeEach(() => {
		printed = [];
	});

	it('run --yes changes nothing and stops waiting on the operator, with the Topology Builder steps and the standby store named', async () => {
		const environment = await lab(await loadScenario('cms-pair'));
		const result = await drive(environment, auto());
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toBe(
			`${POOL} holds the Central Management store, which Microsoft documents pairing only in Topology Builder: nothing was changed; pair ${POOL} with ${BACKUP} there (the steps above), then run again: the farm is checked first`,
		);
		expect(environment.readFarm().pairingWrites).toBe(0);
		expect(environment.readFarm().pairings[POOL]).toBeUndefined();
		expect(printed).toContain(`  2. Right-click ${POOL}, then Edit Properties.`);
		expect(printed).toContain('  5. Action, Topology, Publish; let it create the databases it lists: the standby Central Management store on pool-dublin-sql.contoso.com\\rtc.');
	});

	it('run --yes goes on from what the farm shows once the operator has published the pairing and its standby', async () => {
		const environment = await lab(await loadScenario('cms-pair'));
		await environment.publishAsTopologyBuilder({ pool: POOL, backup: BACKUP, voice: DEFAULT_VOICE });
		const result = await drive(environment, auto());
		expect(result.outcome, result.reason).toBe('done');
		const record = readFileSync(result.recordPath!.replace(/\.md$/, '.jsonl'), 'utf8');
		expect(record).toContain('with the standby Central Management store (Get-CsService -CentralManagementDatabase: 2 Central Management databases');
	});

	it('run --yes stops when the pairing is published without the standby store, saying so and what to do', async () => {
		const environment = await lab(await loadScenario('cms-no-standby'));
		await environment.publishAsTopologyBuilder({ pool: POOL, backup: BACKUP, voice: DEFAULT_VOICE });
		const result = await drive(environment, auto());
		expect(result.outcome).toBe('needs-operator');
		expect(printed[0]).toBe(
			'Paired, but no standby Central Management store: Get-CsService -CentralManagementDatabase: 1 Central Management database (pool-redmond-sql.contoso.com), ' +
				`none on pool-dublin-sql.contoso.com, the back end of ${BACKUP}. Publish again with its database, then check again.`,
		);
	});

	it('the wizard path: the lab plays the publish, a standby left out is found and named, the second publish verifies, and the topology difference is shown', async () => {
		const environment = await lab(await loadScenario('cms-no-standby'));
		const checks: (string | undefined)[] = [];
		const confirmed: string[] = [];
		const operator: Operator = {
			...auto(),
			confirmPlan: async (plan) => {
				confirmed.push(plan.centralManagementStore ? 'topology-builder only' : 'publish offered');
				return 'topology-builder';
			},
			awaitTopologyBuilder: async (_plan, lastCheck, options) => {
				checks.push(lastCheck);
				expect(options).toEqual({ canSimulate: true });
				return 'simulate';
			},
		};
		const result = await drive(environment, operator);
		expect(result.outcome, result.reason).toBe('done');
		expect(confirmed).toEqual(['topology-builder only']);
		expect(checks).toHaveLength(2);
		expect(checks[0]).toBeUndefined();
		expect(checks[1]).toMatch(/^Paired, but no standby Central Management store: Get-CsService -CentralManagementDatabase: 1 Central Management database/);
		expect(result.session.state.publish.method).toBe('topology-builder');
		const record = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl'));
		const notes = record.flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
		expect(notes.some((note) => note.startsWith('No standby Central Management store after the publish in Topology Builder: not done: Get-CsService -CentralManagementDatabase'))).toBe(true);
		const difference = notes.find((note) => note.startsWith('The topology before ('))?.split('\n') ?? [];
		expect(difference[1]).toMatch(/^~ Signature \S+ → \S+$/);
		expect(difference).toContain('+ Central Management store (CentralMgmtStore) on pool-dublin-sql.contoso.com: the standby store');
		expect(environment.readFarm().pairingWrites).toBe(1);
	});
});

describe('the replication gate before Bootstrapper', () => {
	const BEHIND = 'dub-fe02.contoso.com';
	const entriesOf = (recordPath: string | undefined) => readChangeRecord(recordPath!.replace(/\.md$/, '.jsonl'));
	const runsOn = (environment: LabEnvironment) => Object.fromEntries(Object.entries(environment.readFarm().servers).map(([fqdn, server]) => [fqdn, server.bootstrapperRuns]));

	it('run --yes pushes replication to a replica behind the publish, waits for it, then runs Bootstrapper there once', async () => {
		// An hour behind: without the push the replica would still be behind when Bootstrapper runs.
		const environment = await lab(await withFaults([{ type: 'replica-behind', server: BEHIND, seconds: 3600 }]));
		const result = await drive(environment);
		expect(result.outcome, result.reason).toBe('done');
		expect(runsOn(environment)[BEHIND]).toBe(1);
		const entries = entriesOf(result.recordPath);
		const pushes = entries.filter((entry) => entry.type === 'command' && entry.command.startsWith('Invoke-CsManagementStoreReplication'));
		expect(pushes.map((entry) => entry.type === 'command' && [entry.command, entry.outcome])).toEqual([[`Invoke-CsManagementStoreReplication -ReplicaFqdn '${BEHIND}'`, 'succeeded']]);
		expect(entries.some((entry) => entry.type === 'decision' && entry.what === `replicas behind the publish: ${BEHIND}` && entry.choice === 'push')).toBe(true);
		const gate = result.session.state.replication!;
		expect(gate.settled?.note).toMatch(/^every Front End's replica of the Central Management store holds the publish of \d{4}-/);
		expect(gate.pushed?.servers).toEqual([BEHIND]);
	});

	it('run --yes stops with the servers still behind after the push and the wait, before Bootstrapper runs anywhere', async () => {
		const environment = await lab(await withFaults([{ type: 'replica-behind', server: BEHIND, seconds: 86400, pushIgnored: true }]));
		const result = await drive(environment);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(
			new RegExp(`^the replica of the Central Management store on ${BEHIND.replace(/\./g, '\\.')} \\(Get-CsManagementStoreReplicationStatus -ReplicaFqdn '${BEHIND.replace(/\./g, '\\.')}': UpToDate False, LastUpdateCreation \\S+\\) is not up to date with the publish of \\S+ after \\d+ s, even after Invoke-CsManagementStoreReplication: Bootstrapper run there now would install nothing\\..*then run again with --resume$`),
		);
		const pairServers = result.session.state.serverOrder;
		expect(pairServers).toHaveLength(6);
		expect(pairServers.map((fqdn) => runsOn(environment)[fqdn])).toEqual([0, 0, 0, 0, 0, 0]);
		expect(result.session.state.steps.bootstrapper).toMatchObject({ status: 'failed', note: 'replicas behind the publish' });
		const decisions = entriesOf(result.recordPath).filter((entry) => entry.type === 'decision' && entry.what.startsWith('replicas behind'));
		expect(decisions.map((entry) => entry.type === 'decision' && entry.choice)).toEqual(['push', 'stop']);
	});

	it('withdraws the question when the replica catches up by itself while the operator has not answered', async () => {
		// 300 ms behind at this scale: still behind when the gate starts, however late a loaded machine starts it.
		const environment = await lab(await withFaults([{ type: 'replica-behind', server: BEHIND, seconds: 1500 }]));
		const asked: boolean[] = [];
		const waiting: Operator = {
			...defaultPairOperator(),
			decideReplication: (_behind, signal) =>
				new Promise((resolve) => {
					asked.push(signal.aborted);
					signal.addEventListener('abort', () => resolve('stop'));
				}),
		};
		const result = await drive(environment, waiting);
		expect(result.outcome, result.reason).toBe('done');
		expect(asked).toEqual([false]);
		expect(runsOn(environment)[BEHIND]).toBe(1);
		expect(entriesOf(result.recordPath).some((entry) => entry.type === 'command' && entry.command.startsWith('Invoke-CsManagementStoreReplication'))).toBe(false);
	});

	it('a replica that cannot be read is asked about, never taken as current or behind', async () => {
		const environment = await lab();
		const readReplication = environment.readReplication.bind(environment);
		let refusals = 0;
		environment.readReplication = async (server) => {
			if (server === BEHIND && refusals++ < 1) throw new EnvironmentError('unreachable', `Connecting to remote server ${server} failed`);
			return readReplication(server);
		};
		const unknowns: UnknownObservation[] = [];
		const operator: Operator = {
			...defaultPairOperator(),
			decideUnknown: async (unknown) => {
				unknowns.push(unknown);
				return { action: 'retry' };
			},
		};
		const result = await drive(environment, operator);
		expect(result.outcome, result.reason).toBe('done');
		expect(unknowns.map((unknown) => [unknown.subject, unknown.what, unknown.observation.reason])).toEqual([[BEHIND, 'its replica of the Central Management store holds the publish', 'unreachable']]);
	});
});

describe('the replication gate when the push itself fails', () => {
	it('run --yes stops at once with the push failure named, rather than waiting out the timeout', async () => {
		const BEHIND = 'dub-fe02.contoso.com';
		const environment = await lab(await withFaults([{ type: 'replica-behind', server: BEHIND, seconds: 86400 }]));
		environment.pushReplication = async () => {
			throw new EnvironmentError('cmdlet-missing', 'Invoke-CsManagementStoreReplication is not available in the SkypeForBusiness module');
		};
		const result = await drive(environment);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toContain(`; the push failed: Invoke-CsManagementStoreReplication is not available in the SkypeForBusiness module) is not up to date`);
		// Read once, then once after the push: waiting out the timeout would read it every 10 s of lab time for 10 minutes.
		expect(result.session.state.replication?.polls).toBe(2);
	});
});

/** The operator restarts the server (the lab plays it), and it is back: its boot time answers again. */
async function restartedByHand(environment: LabEnvironment, server: string) {
	await environment.restart(server);
	for (;;) {
		try {
			await environment.readBootTime(server);
			return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}
}

describe('Bootstrapper exit 3010', () => {
	const HELD = 'dub-fe02.contoso.com';
	const reboot = () => withFaults([{ type: 'reboot-required', server: HELD, attempts: 1 }]);

	it('run --yes holds the server (not retried, not carried on to the CU or LYNCBACKUP) and stops naming it; restarted by the operator and resumed, Bootstrapper runs there again and the pair finishes', async () => {
		const environment = await lab(await reboot());
		const result = await drive(environment);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(
			/^dub-fe02\.contoso\.com: Bootstrapper exited with 3010: dub-fe02\.contoso\.com must restart before the Backup Service is usable; restart it, then run Bootstrapper there again \(the CU and LYNCBACKUP wait for it\)\. Fix it, then run again with --resume$/,
		);
		const held = result.session.state.servers[HELD]!.tasks;
		expect(held.bootstrapper).toMatchObject({ state: 'failed', exitCode: 3010, rebootRequired: true, attempts: 1 });
		expect([held['cumulative-update'].state, held['backup-service'].state]).toEqual(['pending', 'pending']);
		expect(environment.readFarm().servers[HELD]!.bootstrapperRuns).toBe(1);
		const entries = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl'));
		expect(entries.some((entry) => entry.type === 'note' && entry.text.startsWith(`${HELD} is held: Bootstrapper exited with 3010`))).toBe(true);
		expect(entries.some((entry) => entry.type === 'decision' && entry.what === `bootstrapper failed on ${HELD}` && entry.choice === 'defer')).toBe(true);

		await restartedByHand(environment, HELD);
		const resumed = await drive(environment);
		expect(resumed.outcome, resumed.reason).toBe('done');
		expect(environment.readFarm().servers[HELD]!.bootstrapperRuns).toBe(2);
		expect(resumed.session.state.servers[HELD]!.tasks.bootstrapper).toMatchObject({ state: 'succeeded', exitCode: 0 });
	});

	it('in the wizard, "I restarted it myself: check again" checks its boot time: not restarted, it is asked again; restarted, Bootstrapper runs there once more; a skip carries no CU or LYNCBACKUP to it', async () => {
		const asked: ServerFailure[] = [];
		const environment = await lab(await reboot());
		const again: Operator = {
			...defaultPairOperator(),
			decideFailure: async (failure) => {
				asked.push(failure);
				if (asked.length === 2) await restartedByHand(environment, HELD);
				return { action: 'check-restarted' };
			},
		};
		const result = await drive(environment, again);
		expect(result.outcome, result.reason).toBe('done');
		expect(asked.map((failure) => [failure.server, failure.rebootRequired, failure.canRestart])).toEqual([
			[HELD, true, true],
			[HELD, true, true],
		]);
		expect(asked[1]!.message).toMatch(/has not restarted since: \(Get-CimInstance Win32_OperatingSystem\)\.LastBootUpTime on dub-fe02\.contoso\.com is .*, held since /);
		expect(environment.readFarm().servers[HELD]!.bootstrapperRuns).toBe(2);

		stateDir.renew();
		const skip: Operator = { ...again, decideFailure: async () => ({ action: 'skip', reason: 'restart next weekend' }) };
		const skipped = await drive(await lab(await reboot()), skip);
		const tasks = skipped.session.state.servers[HELD]!.tasks;
		expect([tasks['cumulative-update'], tasks['backup-service']].map((task) => [task.state, task.message])).toEqual([
			['skipped', 'skipped at Bootstrapper: restart next weekend'],
			['skipped', 'skipped at Bootstrapper: restart next weekend'],
		]);
	});
});
