import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialState, type ProcedureState } from '../../../source/procedure/state.js';
import type { ChangeRecordEntry } from '../../../source/session/change-record.js';
import { debriefPathFor, renderDebrief, writeDebrief, type DebriefScenario } from '../../../source/session/debrief.js';

const START = Date.parse('2025-03-17T09:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
const BOOTSTRAPPER = (server: string) => `Invoke-Command -ComputerName '${server}' { & 'C:\\Program Files\\Skype for Business Server 2019\\Deployment\\Bootstrapper.exe' }`;
const START_SERVICE = (server: string) => `Start-CsWindowsService -Name LYNCBACKUP -ComputerName '${server}'`;

/** A training run: publish, one server unreachable then retried, one skipped with a reason, a sync that stops. */
const record: ChangeRecordEntry[] = [
	{ type: 'session', sessionId: '2025-03-17T09-00-00', title: 'Pair pool-ams.fabrikam.com with pool-fra.fabrikam.com', environment: 'LAB · scenario drill', at: at(0) },
	{ type: 'decision', what: 'publish the pairing', choice: 'publish', at: at(12) },
	{ type: 'snapshot', path: '/state/snapshots/topology-before.xml', at: at(13) },
	{ type: 'command', command: "Set-CsRegistrar -Identity 'Registrar:pool-ams.fabrikam.com'", target: 'Management Shell', startedAt: at(13), endedAt: at(14), outcome: 'succeeded' },
	{ type: 'command', command: BOOTSTRAPPER('fra-fe02.fabrikam.com'), target: 'fra-fe02.fabrikam.com', startedAt: at(20), endedAt: at(21), outcome: 'failed', tail: [] },
	{ type: 'decision', what: 'bootstrapper failed on fra-fe02.fabrikam.com', choice: 'retry', at: at(30) },
	{ type: 'command', command: BOOTSTRAPPER('fra-fe02.fabrikam.com'), target: 'fra-fe02.fabrikam.com', startedAt: at(31), endedAt: at(181), outcome: 'succeeded', exitCode: 0 },
	{ type: 'command', command: BOOTSTRAPPER('ams-fe03.fabrikam.com'), target: 'ams-fe03.fabrikam.com', startedAt: at(20), endedAt: at(25), outcome: 'failed', exitCode: 1, tail: ['Another Lync Server product with version 5.0.8308.0 is already installed.', 'Bootstrapper.exe exited with 1'] },
	{ type: 'decision', what: 'bootstrapper failed on ams-fe03.fabrikam.com', choice: 'skip', reason: 'old Lync Server 2013 components, ticket CHG-1042', at: at(40) },
	{ type: 'decision', what: 're-apply the Cumulative Update', choice: 'run', at: at(200) },
	{ type: 'command', command: START_SERVICE('fra-fe01.fabrikam.com'), target: 'fra-fe01.fabrikam.com', startedAt: at(700), endedAt: at(760), outcome: 'succeeded' },
	{ type: 'decision', what: 'sync not steady in time', choice: 'stop', at: at(2600) },
	{ type: 'command', command: "Get-CsBackupServiceStatus -PoolFqdn 'pool-fra.fabrikam.com'", target: 'Management Shell', startedAt: at(2600), endedAt: at(2600), outcome: 'interrupted', tail: ['UserServices.PresenceFocus NonSteadyState NormalState'] },
	{ type: 'note', text: 'Outcome: needs-operator: the sync is not steady yet', at: at(2601) },
];

function finishedState(): ProcedureState {
	const state = initialState('2025-03-17T09-00-00', { kind: 'lab', description: 'LAB · scenario drill · simulated farm' }, START);
	return {
		...state,
		pair: { pool: 'pool-ams.fabrikam.com', backup: 'pool-fra.fabrikam.com' },
		warnings: ['pool-ams.fabrikam.com runs Skype for Business Server 2019 and pool-fra.fabrikam.com runs 2015'],
		current: 'sync',
		steps: { ...state.steps, 'pools-defined': { status: 'done', note: '2 Front End pools, 2 not yet paired' }, sync: { status: 'failed', note: 'not steady' } },
		updatedAt: START + 2601_000,
		outcome: { kind: 'needs-operator', reason: 'the sync is not steady yet; run again with --resume to keep watching', at: START + 2601_000 },
	};
}

const scenario: DebriefScenario = {
	name: 'drill',
	description: 'Fabrikam pools with three faults',
	faults: [
		{ type: 'unreachable', server: 'fra-fe02.fabrikam.com', attempts: 1, during: 'bootstrapper' },
		{ type: 'another-version-installed', server: 'ams-fe03.fabrikam.com', attempts: 5 },
		{ type: 'sync-slow', pool: 'pool-fra.fabrikam.com', extraSeconds: 2400 },
		{ type: 'sync-error', pool: 'pool-ams.fabrikam.com', module: 'ConfServices.DataConf' },
	],
};

function section(markdown: string, title: string): string {
	const start = markdown.indexOf(`## ${title}\n`);
	expect(start).toBeGreaterThanOrEqual(0);
	const next = markdown.indexOf('\n## ', start + 1);
	return markdown.slice(start, next === -1 ? undefined : next);
}

describe('renderDebrief', () => {
	const markdown = renderDebrief(record, finishedState(), scenario);

	it('heads with the pair, the scenario, the outcome and the total time', () => {
		expect(markdown.split('\n')[0]).toBe('# Debrief: pool-ams.fabrikam.com ↔ pool-fra.fabrikam.com');
		expect(markdown).toContain('- Scenario: **drill**: Fabrikam pools with three faults');
		expect(markdown).toContain('- Outcome: **waiting on the operator**: the sync is not steady yet; run again with --resume to keep watching');
		expect(markdown).toContain('- Total time: 43 min 21 s');
		expect(section(markdown, 'Warnings')).toContain('runs Skype for Business Server 2019');
	});

	it('lists the decisions with their times from the start, skip reasons, and a count of retries and skips', () => {
		const decisions = section(markdown, 'Decisions');
		expect(decisions).toContain('- +0:00:12 publish the pairing: **publish**');
		expect(decisions).toContain('- +0:00:40 bootstrapper failed on ams-fe03.fabrikam.com: **skip** (reason: old Lync Server 2013 components, ticket CHG-1042)');
		expect(decisions).toContain('- +0:43:20 sync not steady in time: **stop**');
		expect(decisions).toContain('5 decisions, 1 retry, 1 skip.');
	});

	it('matches each fault of the scenario to what the record shows, and says how it was handled', () => {
		const faults = section(markdown, 'Faults');
		expect(faults).toContain('**unreachable** (fra-fe02.fabrikam.com unreachable over WinRM during Bootstrapper): met at +0:00:20; handled by: retry; succeeded at +0:03:01.');
		expect(faults).toContain('**another-version-installed** (another product version installed on ams-fe03.fabrikam.com): met at +0:00:20; handled by: skip (old Lync Server 2013 components, ticket CHG-1042); not resolved in this session.');
		expect(faults).toContain('**sync-slow** (pool-fra.fabrikam.com lingers in NonSteadyState): met at +0:43:20; the session stopped here; the sync did not reach steady state in this session.');
		expect(faults).toContain('**sync-error** (ConfServices.DataConf of pool-ams.fabrikam.com in ErrorState): not met in this run.');
	});

	it('keeps a timeline of commands, decisions, notes and the snapshot, in record order', () => {
		const timeline = section(markdown, 'Timeline').split('\n').filter((line) => line.startsWith('- '));
		expect(timeline).toHaveLength(record.length);
		expect(timeline[0]).toBe('- +0:00:00 session started: Pair pool-ams.fabrikam.com with pool-fra.fabrikam.com');
		expect(timeline[4]).toMatch(/^- \+0:00:20 fra-fe02\.fabrikam\.com: `Invoke-Command .*Bootstrapper\.exe' }`: failed \(1 s\)$/);
		expect(timeline[6]).toContain(': succeeded, exit 0 (2 min 30 s)');
		expect(timeline.at(-1)).toBe('- +0:43:21 note: Outcome: needs-operator: the sync is not steady yet');
	});

	it('shows every step with its status', () => {
		const steps = section(markdown, 'Steps');
		expect(steps).toContain('- 1 Pools defined: done: 2 Front End pools, 2 not yet paired');
		expect(steps).toContain('- 10 Sync: failed: not steady');
	});

	it('a run outside a scenario has no faults section, and an unfinished one says where it stands', () => {
		const state = { ...finishedState(), current: 'bootstrapper' as const };
		delete state.outcome;
		const plain = renderDebrief(record.slice(0, 3), state);
		expect(plain).not.toContain('## Faults');
		expect(plain).toContain('- Outcome: not finished (at step 8 Bootstrapper)');
	});

	it('escapes Markdown in free text', () => {
		const state = { ...finishedState(), warnings: ['a *bold* claim with `code`'] };
		expect(renderDebrief(record, state)).toContain('- a \\*bold\\* claim with \\`code\\`');
	});
});

describe('writeDebrief', () => {
	let directory: string;
	beforeEach(async () => {
		directory = await mkdtemp(path.join(tmpdir(), 'sfb-pair-debrief-'));
	});
	afterEach(async () => {
		await rm(directory, { recursive: true, force: true });
	});

	it('reads the change record and writes the debrief beside it', async () => {
		const recordJsonlPath = path.join(directory, '2025-03-17T09-00-00.jsonl');
		await writeFile(recordJsonlPath, `${record.map((entry) => JSON.stringify(entry)).join('\n')}\n{"type":"note","te`, 'utf8');
		const out = debriefPathFor(recordJsonlPath);
		expect(out).toBe(path.join(directory, '2025-03-17T09-00-00.debrief.md'));

		expect(await writeDebrief({ recordJsonlPath, state: finishedState(), scenario, out })).toBe(out);
		expect(await readFile(out, 'utf8')).toBe(renderDebrief(record, finishedState(), scenario));
	});
});

describe('the debrief timeline', () => {
	it('draws each server\'s phases as a Mermaid gantt chart above the list of events', () => {
		const withPhases: ChangeRecordEntry[] = record.map((entry) =>
			entry.type === 'command' && entry.target !== 'Management Shell' ? { ...entry, phase: /Bootstrapper/.test(entry.command) ? 'bootstrapper' : 'backup-service' } : entry,
		);
		const timeline = section(renderDebrief(withPhases, finishedState(), scenario), 'Timeline');
		expect(timeline).toContain('```mermaid\ngantt\n');
		expect(timeline).toContain('    section fra-fe02.fabrikam.com\n    Bootstrapper (failed) :crit, 2025-03-17 09:00:20, 2025-03-17 09:00:21\n    Bootstrapper :done, 2025-03-17 09:00:31, 2025-03-17 09:03:01');
		expect(timeline).toContain('    section fra-fe01.fabrikam.com\n    LYNCBACKUP :done, 2025-03-17 09:11:40, 2025-03-17 09:12:40');
		expect(timeline.indexOf('```mermaid')).toBeLessThan(timeline.indexOf('- +0:00:00 session started'));
	});
});
