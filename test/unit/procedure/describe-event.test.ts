import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../source/procedure/describe-event.js';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import { initialState } from '../../../source/procedure/state.js';
import { done } from '../../../source/sfb/observation.js';
import { picture, seen, UNKNOWN } from '../../helpers/picture.js';

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

describe('describeEvent for what the farm shows', () => {
	it('describes the picture at a start as lines, each server on one', () => {
		const text = describeEvent(state, { type: 'farm-observed', picture: picture([seen(server, 'a.contoso.com', { deployment: UNKNOWN })]), at: 0 }) ?? '';
		expect(text.split('\n')[0]).toBe('the farm now: a.contoso.com ↔ b.contoso.com');
		expect(text).toContain(`  ${server}: deployed unknown (unreachable)`);
	});

	it('says a server step succeeded only with the farm checked, when it was', () => {
		expect(describeEvent(state, { type: 'task-succeeded', phase, server, exitCode: 0, observation: done('LYNCBACKUP is installed'), at: 0 })).toBe(
			'fe01.contoso.com: Bootstrapper succeeded (exit 0), verified on the farm',
		);
	});
});
