import { describe, expect, it } from 'vitest';
import { describeColumn, serverLabels, spansFromState, textTimeline, type PhaseSpan } from '../../../source/procedure/timeline.js';
import { initialState, emptyTask, type ProcedureState } from '../../../source/procedure/state.js';

const MINUTE = 60_000;
const span = (server: string, phase: PhaseSpan['phase'], start: number, end: number, outcome: PhaseSpan['outcome'] = 'succeeded'): PhaseSpan => ({
	server,
	phase,
	start: start * MINUTE,
	end: end * MINUTE,
	outcome,
});

describe('textTimeline', () => {
	it('draws each server on one line, its phases where they ran, pools side by side', () => {
		const timeline = textTimeline(
			[
				span('fe01', 'bootstrapper', 0, 10),
				span('fe02', 'bootstrapper', 10, 20),
				span('fe01', 'cumulative-update', 20, 25),
				span('fe02', 'cumulative-update', 25, 30),
				span('fe01', 'backup-service', 30, 40),
				span('fe02', 'backup-service', 30, 40),
			],
			['fe01', 'fe02'],
			8,
		);
		expect(timeline?.rows).toEqual([
			{ server: 'fe01', bar: 'BB··C·SS' },
			{ server: 'fe02', bar: '··BB·CSS' },
		]);
		expect(timeline?.columnMs).toBe(5 * MINUTE);
		expect(describeColumn(timeline!.columnMs)).toBe('1 character is about 5 min');
	});

	it('marks a failed attempt, lets a retry that succeeds cover it, and shows a phase shorter than a character', () => {
		const timeline = textTimeline(
			[span('fe01', 'bootstrapper', 0, 10, 'failed'), span('fe01', 'bootstrapper', 20, 30), span('fe02', 'backup-service', 39.9, 40), span('fe02', 'bootstrapper', 0, 5, 'failed')],
			['fe01', 'fe02'],
			8,
		);
		expect(timeline?.rows.map((row) => row.bar)).toEqual(['xx··BB··', 'x······S']);
	});

	it('has nothing to draw before any server has started', () => {
		expect(textTimeline([], ['fe01'], 20)).toBeUndefined();
	});
});

describe('spansFromState', () => {
	it('takes the latest attempt of each phase, and ends one still running where the session ended', () => {
		const base = initialState('s', { kind: 'lab', description: 'LAB' }, 0);
		const tasks = { bootstrapper: { ...emptyTask(), state: 'succeeded' as const, attempts: 1, startedAt: 0, endedAt: 5 }, 'cumulative-update': { ...emptyTask(), state: 'running' as const, attempts: 1, startedAt: 6 }, 'backup-service': emptyTask() };
		const state: ProcedureState = {
			...base,
			serverOrder: ['fe01'],
			servers: { fe01: { fqdn: 'fe01', pool: 'p', tasks } },
			outcome: { kind: 'cancelled', reason: 'Ctrl+C', at: 9 },
		};
		expect(spansFromState(state, 100)).toEqual([
			{ server: 'fe01', phase: 'bootstrapper', start: 0, end: 5, outcome: 'succeeded' },
			{ server: 'fe01', phase: 'cumulative-update', start: 6, end: 9, outcome: 'interrupted' },
		]);
	});
});

describe('serverLabels', () => {
	it('shortens to host names only where they stay distinct', () => {
		expect(serverLabels(['fe01.contoso.com', 'fe02.contoso.com'])).toEqual(['fe01', 'fe02']);
		expect(serverLabels(['fe01.contoso.com', 'fe01.fabrikam.com'])).toEqual(['fe01.contoso.com', 'fe01.fabrikam.com']);
	});
});
