import { describe, expect, it } from 'vitest';
import { guardedRunReducer, initialGuardedRun, type GuardedRunEvent, type GuardedRunState } from '../../../source/procedure/guarded-run.js';
import { continueCommand, nextChoices } from '../../../source/procedure/what-next.js';

const steps = [
	{ id: 'over', title: 'Fail over A' },
	{ id: 'back', title: 'Fail back A' },
];
const replay = (...events: GuardedRunEvent[]): GuardedRunState => events.reduce(guardedRunReducer, initialGuardedRun('failover', steps));

describe('the shared plan → word → steps → result state', () => {
	it('goes ahead only on the word itself; anything else is counted and named, and Esc declines', () => {
		const wrong = replay({ type: 'typed', text: 'Failover' }, { type: 'typed', text: '' });
		expect(wrong.phase).toBe('confirm');
		expect(wrong.attempts).toBe(2);
		expect(wrong.wrongAnswer).toBe('');
		const confirmed = replay({ type: 'typed', text: 'Failover' }, { type: 'typed', text: ' failover ' });
		expect(confirmed.phase).toBe('running');
		expect(confirmed.wrongAnswer).toBeUndefined();
		expect(confirmed.log.map((line) => line.text)).toEqual(['Confirmed: you typed failover.']);
		expect(replay({ type: 'declined' }).phase).toBe('declined');
		// Once running, neither a typed word nor Esc changes anything.
		expect(replay({ type: 'typed', text: 'failover' }, { type: 'declined' }, { type: 'typed', text: 'x' }).phase).toBe('running');
	});

	it('times a step from its start, keeps its latest line, and writes it with its evidence to the log once finished', () => {
		const running = replay({ type: 'typed', text: 'failover' }, { type: 'step-started', id: 'over', at: 1000 }, { type: 'step-line', text: 'Importing' }, { type: 'step-line', text: 'Routing' });
		expect(running.steps[0]).toMatchObject({ status: 'running', startedAt: 1000, lastLine: 'Routing' });
		const finished = guardedRunReducer(running, { type: 'step-finished', id: 'over', status: 'done', evidence: ['5 users on B'], at: 4000 });
		expect(finished.steps[0]).toMatchObject({ status: 'done', startedAt: 1000, endedAt: 4000, evidence: ['5 users on B'] });
		expect(finished.log.slice(1)).toEqual([
			{ id: 1, text: 'Fail over A: done', tone: 'done', elapsedMs: 3000 },
			{ id: 2, text: '  5 users on B', tone: 'dim' },
		]);
		// A step settled without a start of its own (a probe's verdict) has no time.
		const settled = guardedRunReducer(finished, { type: 'step-finished', id: 'back', status: 'skipped', evidence: [], at: 5000 });
		expect(settled.log.at(-1)).toEqual({ id: 3, text: 'Fail back A: skipped', tone: 'dim' });
	});

	it('holds a question until it is answered', () => {
		const question = { title: 'In Topology Builder:', lines: ['1. Publish'], options: [{ label: 'Published', value: 'published' }] };
		const asked = replay({ type: 'typed', text: 'failover' }, { type: 'asked', question });
		expect(asked.question).toEqual(question);
		expect(guardedRunReducer(asked, { type: 'answered' }).question).toBeUndefined();
	});

	it('ends with the result in the log, the paths on lines of their own, and a step cut short no longer running', () => {
		const cancelled = replay(
			{ type: 'typed', text: 'failover' },
			{ type: 'step-started', id: 'over', at: 1000 },
			{
				type: 'finished',
				at: 2000,
				result: { outcome: 'cancelled', exitCode: 130, headline: 'Cancelled: the farm is where the last step left it', details: ['To continue: sfb-pair drill --pool A'], files: [{ label: 'Drill record', path: '/state/records/d.md' }] },
			},
		);
		expect(cancelled.phase).toBe('finished');
		expect(cancelled.steps[0]).toMatchObject({ status: 'unknown', endedAt: 2000 });
		expect(cancelled.log.slice(1).map(({ text, tone, verbatim }) => ({ text, tone, verbatim }))).toEqual([
			{ text: 'Cancelled: the farm is where the last step left it', tone: 'warning', verbatim: undefined },
			{ text: 'To continue: sfb-pair drill --pool A', tone: 'plain', verbatim: undefined },
			{ text: 'Drill record:', tone: 'plain', verbatim: undefined },
			{ text: '/state/records/d.md', tone: 'plain', verbatim: true },
		]);
	});
});

describe('what the wizard offers after a pairing', () => {
	it('the drill in disaster mode first (the training default), then a planned one, the unpair, and leave', () => {
		expect(nextChoices('a.contoso.com', 'b.contoso.com').map((choice) => [choice.value, choice.label])).toEqual([
			['drill-disaster', 'Run the failover drill on a.contoso.com now'],
			['drill-planned', 'Run a planned failover drill on a.contoso.com'],
			['unpair', 'Unpair a.contoso.com and its backup'],
			['leave', 'Leave'],
		]);
	});

	it('names the command that continues what the wizard left unfinished', () => {
		expect(continueCommand('drill-disaster', 'a')).toBe('sfb-pair drill --pool a');
		expect(continueCommand('drill-planned', 'a')).toBe('sfb-pair drill --pool a --planned');
		expect(continueCommand('unpair', 'a')).toBe('sfb-pair unpair --pool a');
	});
});
