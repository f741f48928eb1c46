import { describe, expect, it } from 'vitest';
import { plainReporter } from '../../../source/cli/plain-reporter.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { BACKUP_SERVICE } from '../../../source/environments/port.js';
import { probe } from '../../../source/operations/probes.js';
import type { HandRun, HandRunDecision, Operator } from '../../../source/procedure/operator.js';
import { readChangeRecord } from '../../../source/session/change-record.js';
import { bootstrapperOnServerCommand, failBackCommand, failOverCommand, restartCommand } from '../../../source/sfb/commands.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, defaultScenarioWith, driveResuming } from '../../helpers/lab.js';

const SERVER = 'red-fe02.contoso.com';
const BOOTSTRAPPER_BY_HAND = bootstrapperOnServerCommand();
const stateDir = useTemporaryStateDir('sfb-pair-by-hand-');

async function lab(faults: unknown[] = []): Promise<LabEnvironment> {
	return openLabEnvironment({ stateDir: stateDir(), scenario: await defaultScenarioWith('by-hand', faults), timeScale: 5000 });
}

/** What the operator does on the server when they say they ran the commands: the lab plays it on its farm. */
async function runThere(environment: LabEnvironment, request: HandRun) {
	if (request.phase === 'bootstrapper') await environment.runBootstrapper(request.server);
	else await environment.startService(request.server, BACKUP_SERVICE);
}

function drive(environment: LabEnvironment, operator: Operator, byHand: string[] = [SERVER], shown?: string[]) {
	const report = plainReporter((line) => shown?.push(line));
	return driveResuming({ environment, stateDir: stateDir(), operator, byHand, onSession: (session) => session.subscribe(report) });
}

/** Whether `condition` held within `ms`, looked at every few milliseconds. */
async function within(ms: number, condition: () => Promise<boolean>): Promise<boolean> {
	for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 5))) if (await condition()) return true;
	return false;
}

const automatic = defaultPairOperator();

function handOperator(answer: (request: HandRun, asked: HandRun[]) => Promise<HandRunDecision>, base: Operator = automatic): { operator: Operator; asked: HandRun[] } {
	const asked: HandRun[] = [];
	return {
		asked,
		operator: {
			...base,
			runByHand: async (request) => {
				asked.push(request);
				return answer(request, asked);
			},
		},
	};
}

const recordOf = (path: string | undefined) => readChangeRecord(path!.replace(/\.md$/, '.jsonl'));

describe('a server done by hand (remoting cannot, or the operator chose it)', () => {
	it('shows the exact commands for Bootstrapper and then the service start, and counts each only once the probe verifies it', async () => {
		const environment = await lab();
		const { operator, asked } = handOperator(async (request) => {
			await runThere(environment, request);
			return { action: 'check' };
		});
		const result = await drive(environment, operator);
		expect(result.outcome, result.reason).toBe('done');
		expect(asked.map((request) => [request.phase, request.server, request.commands]), JSON.stringify(asked.map((request) => request.lastCheck))).toEqual([
			['bootstrapper', SERVER, [BOOTSTRAPPER_BY_HAND]],
			['backup-service', SERVER, ["Start-CsWindowsService -Name 'LYNCBACKUP'"]],
		]);
		const state = result.session.state;
		expect(state.byHand).toEqual([SERVER]);
		expect(state.servers[SERVER]!.tasks.bootstrapper.observation?.state).toBe('done');
		const record = recordOf(result.recordPath);
		const byHand = record.flatMap((entry) => (entry.type === 'command' && entry.target.includes('(run there by the operator)') ? [entry] : []));
		expect(byHand.map((entry) => [entry.phase, entry.command, entry.outcome])).toEqual([
			['bootstrapper', BOOTSTRAPPER_BY_HAND, 'succeeded'],
			['backup-service', "Start-CsWindowsService -Name 'LYNCBACKUP'", 'succeeded'],
		]);
		expect(record.some((entry) => entry.type === 'note' && /Done by hand on red-fe02\.contoso\.com \(named with --by-hand\)/.test(entry.text))).toBe(true);
		// Nothing was run remotely there: the other servers' Bootstrapper ran through the environment, this one only by hand.
		expect(record.filter((entry) => entry.type === 'command' && entry.target === SERVER && entry.phase === 'bootstrapper')).toEqual([]);
	});

	it('says "not verified" with the evidence when the operator says done but the farm does not, and can run it remotely after all', async () => {
		const environment = await lab();
		const { operator, asked } = handOperator(async (_request, all) => (all.length === 1 ? { action: 'check' } : { action: 'remote' }));
		const result = await drive(environment, operator);
		expect(result.outcome, result.reason).toBe('done');
		expect(asked[0]?.lastCheck).toBeUndefined();
		expect(asked[1]?.lastCheck).toBe("not done yet: Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'red-fe02.contoso.com': LYNCBACKUP is not installed");
		expect(asked).toHaveLength(2);
		expect(result.session.state.byHand).toEqual([]);
		const decisions = recordOf(result.recordPath).flatMap((entry) => (entry.type === 'decision' && entry.what.endsWith(', by hand') ? [entry.choice] : []));
		expect(decisions).toEqual(['check', 'remote']);
	});

	it('run --by-hand: stops (exit 3) saying where the commands are once the others finish; each resume verifies on the farm', async () => {
		const environment = await lab();
		const first = await drive(environment, automatic);
		expect(first.outcome).toBe('needs-operator');
		expect(first.reason).toContain(`${SERVER}: to be run on ${SERVER} by hand (not done yet: `);
		expect(first.reason).toContain(`run the command printed above under "${SERVER}: Bootstrapper by hand" there (also in the change record)`);
		// The ~500-character command is printed once; the reason points to it, and the record holds it whole.
		expect(first.reason).not.toContain(BOOTSTRAPPER_BY_HAND);
		const notes = recordOf(first.recordPath).flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
		expect(notes).toContain(`Bootstrapper on ${SERVER}, by hand: run there, in an elevated Management Shell:\n${BOOTSTRAPPER_BY_HAND}`);
		const others = first.session.state.serverOrder.filter((server) => server !== SERVER);
		for (const server of others) expect(first.session.state.servers[server]!.tasks.bootstrapper.state).toBe('succeeded');

		// Resumed without running it: still not done, and it says so again.
		const unchanged = await drive(environment, automatic, []);
		expect(unchanged.outcome).toBe('needs-operator');
		expect(unchanged.reason).toContain(`to be run on ${SERVER} by hand`);

		await environment.runBootstrapper(SERVER);
		const afterBootstrapper = await drive(environment, automatic, []);
		expect(afterBootstrapper.outcome).toBe('needs-operator');
		expect(afterBootstrapper.reason).toContain(`to be run on ${SERVER} by hand (not done yet: `);
		expect(afterBootstrapper.reason).toContain(`"${SERVER}: LYNCBACKUP by hand"`);

		await environment.startService(SERVER, BACKUP_SERVICE);
		const done = await drive(environment, automatic, []);
		expect(done.outcome, done.reason).toBe('done');
	});

	it('takes no slot while it waits on the operator: with one server at a time per pool, the rest of its pool runs meanwhile', async () => {
		const environment = await lab();
		const others = ['red-fe01.contoso.com', 'red-fe03.contoso.com'];
		const installed = async (server: string) => (await probe(environment, { kind: 'backup-service-installed', server })).state === 'done';
		let othersRanWhileWaiting: boolean | undefined;
		const { operator } = handOperator(async (request) => {
			if (request.phase === 'bootstrapper') othersRanWhileWaiting ??= await within(2000, async () => (await Promise.all(others.map(installed))).every(Boolean));
			await runThere(environment, request);
			return { action: 'check' };
		});
		const result = await drive(environment, operator);
		expect(result.outcome, result.reason).toBe('done');
		expect(othersRanWhileWaiting).toBe(true);
		// Still one at a time for the work the tool runs: the others of the pool never overlapped.
		const [first, second] = others.map((server) => result.session.state.servers[server]!.tasks.bootstrapper);
		expect(first!.endedAt! <= second!.startedAt! || second!.endedAt! <= first!.startedAt!).toBe(true);
	});

	it('run --by-hand prints the commands once, bare, then says the server waits on the operator', async () => {
		const environment = await lab();
		const shown: string[] = [];
		const first = await drive(environment, automatic, [SERVER], shown);
		expect(first.outcome).toBe('needs-operator');
		const bare = shown.filter((line) => line === `  ${BOOTSTRAPPER_BY_HAND}`);
		expect(bare).toHaveLength(1);
		expect(shown.filter((line) => line.includes(`${SERVER}: Bootstrapper by hand. Run on ${SERVER}`))).toHaveLength(1);
		expect(shown.some((line) => line.includes(`${SERVER}: Bootstrapper WAITING ON YOU (by hand)`) && line.includes('(not done yet: '))).toBe(true);
		expect(shown.filter((line) => line.includes(BOOTSTRAPPER_BY_HAND)), 'whole once, pointed to elsewhere').toHaveLength(1);
	});

	it('is offered on a failed server: chosen there, the commands follow and the probe decides', async () => {
		const environment = await lab([{ type: 'bootstrapper-exit', server: SERVER, exitCode: 1603, attempts: 1 }]);
		const base: Operator = { ...automatic, decideFailure: async (failure) => (failure.canRunByHand ? { action: 'by-hand' } : { action: 'abort' }) };
		const { operator, asked } = handOperator(async (request) => {
			await runThere(environment, request);
			return { action: 'check' };
		}, base);
		// Where the failed run found Bootstrapper.exe (the live side remembers it), the command names that path.
		const found = "E:\\Lync's\\Deployment\\Bootstrapper.exe";
		const seen: LabEnvironment = Object.assign(environment, { bootstrapperFound: (server: string) => (server === SERVER ? found : undefined) });
		const result = await drive(seen, operator, []);
		expect(result.outcome, result.reason).toBe('done');
		expect(asked.map((request) => request.phase)).toEqual(['bootstrapper', 'backup-service']);
		expect(asked[0]?.commands).toEqual([bootstrapperOnServerCommand(found)]);
		expect(asked[0]?.commands[0]).toMatch(/^& 'E:\\Lync''s\\Deployment\\Bootstrapper\.exe'; /);
		expect(result.session.state.byHand).toEqual([SERVER]);
	});
	it('on a server held at exit 3010: first the restart, counted only once the farm shows one since the hold; then Bootstrapper again, on the operator\'s word', async () => {
		const environment = await lab([{ type: 'reboot-required', server: SERVER, attempts: 1 }]);
		const base: Operator = { ...automatic, decideFailure: async (failure) => (failure.rebootRequired ? { action: 'by-hand' } : { action: 'abort' }) };
		let bootstrapperRuns = 0;
		const { operator, asked } = handOperator(async (request, all) => {
			if (request.phase === 'backup-service') await runThere(environment, request);
			else if (all.length === 2) {
				await environment.restart(SERVER);
				while (!(await environment.readBootTime(SERVER).then(() => true, () => false))) await new Promise((resolve) => setTimeout(resolve, 5));
			} else if (all.length === 3) {
				bootstrapperRuns += 1;
				await runThere(environment, request);
			}
			return { action: 'check' };
		}, base);
		const result = await drive(environment, operator, []);
		expect(result.outcome, result.reason).toBe('done');
		// The first run's Backup Service alone never passes it: the restart is asked for, checked, then Bootstrapper.
		expect(asked.map((request) => [request.phase, request.commands, request.lastCheck?.replace(/:.*/s, '')])).toEqual([
			['bootstrapper', [failOverCommand(SERVER), restartCommand(SERVER), failBackCommand(SERVER)], undefined],
			['bootstrapper', [failOverCommand(SERVER), restartCommand(SERVER), failBackCommand(SERVER)], 'not done yet'],
			['bootstrapper', [BOOTSTRAPPER_BY_HAND], undefined],
			['backup-service', ["Start-CsWindowsService -Name 'LYNCBACKUP'"], undefined],
		]);
		expect(asked[0]?.note).toMatch(/ends the session there; run the failback once it answers again/);
		expect(asked[1]?.lastCheck).toContain('it has not restarted since');
		expect(asked[2]?.note).toMatch(/counts on your word/);
		expect(bootstrapperRuns).toBe(1);
		expect(result.session.state.servers[SERVER]!.tasks.bootstrapper).toMatchObject({ state: 'succeeded' });
		const verified = recordOf(result.recordPath).flatMap((entry) => (entry.type === 'command' && entry.target === `${SERVER} (run there by the operator)` && entry.phase === 'bootstrapper' ? [entry.verification] : []));
		expect(verified).toEqual([expect.stringMatching(/^the operator's word, after the restart: /)]);
	});

});
