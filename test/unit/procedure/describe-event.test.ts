import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../source/procedure/describe-event.js';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import { initialState } from '../../../source/procedure/state.js';

const state = initialState('s', { kind: 'lab', description: 'LAB' }, 0);
const server = 'fe01.contoso.com';
const phase = 'bootstrapper' as const;

describe('describeEvent', () => {
	it.each<[string, ProcedureEvent]>([
		['an output line', { type: 'task-output', phase, server, line: 'Installing\r\nstep 10 Sync: done', at: 0 }],
		['a failure message', { type: 'task-failed', phase, server, message: 'exit 1603\nstep 10 Sync: done', at: 0 }],
		['a skip reason', { type: 'task-skipped', phase, server, reason: 'rebuilt\rstep 10 Sync: done', at: 0 }],
	])('keeps %s from a server on one line, with its server named', (_what, event) => {
		const text = describeEvent(state, event) ?? '';
		expect(text.split('\n')).toHaveLength(1);
		expect(text).toMatch(/^fe01\.contoso\.com: .*step 10 Sync: done$/);
	});

	it.each<[string, ProcedureEvent]>([
		['a step note', { type: 'step-finished', step: 'bootstrapper', status: 'failed', note: 'waiting on fe01\nstep 10 Sync: done', at: 0 }],
		['the reason a run ended', { type: 'procedure-ended', outcome: 'failed', reason: 'fe01: exit 1\r\nstep 10 Sync: done', at: 0 }],
	])('keeps %s on one line: it may quote a server', (_what, event) => {
		expect((describeEvent(state, event) ?? '').split('\n')).toHaveLength(1);
	});

	it('takes the escape sequences out of what a server printed', () => {
		expect(describeEvent(state, { type: 'task-output', phase, server, line: '\u001b]0;owned\u0007\u001b[2JDisk check \u001b[31mpassed', at: 0 })).toBe(
			'fe01.contoso.com: Disk check passed',
		);
	});
});
