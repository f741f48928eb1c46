import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../../source/procedure/events.js';
import { recap, recapLines } from '../../../source/procedure/recap.js';
import { reduce } from '../../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../../source/procedure/state.js';
import type { NewEvent } from '../../../source/session/session.js';

const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];

function run(...events: NewEvent[]): ProcedureState {
	const planned: NewEvent = { type: 'servers-planned', servers: SERVERS.map((fqdn) => ({ fqdn, pool: 'pool1.contoso.com' })) };
	return [planned, ...events].reduce((state, event, index) => reduce(state, { ...event, at: (index + 1) * 1000 } as ProcedureEvent), initialState('s', { kind: 'lab', description: 'LAB' }, 0));
}

const succeeded = (server: string, phase: 'bootstrapper' | 'cumulative-update' | 'backup-service'): NewEvent[] => [
	{ type: 'task-started', phase, server },
	{ type: 'task-succeeded', phase, server, exitCode: 0 },
];

describe('recap', () => {
	it('counts per server what changed, what failed, what was skipped and how often it was retried', () => {
		const state = run(
			{ type: 'step-finished', step: 'publish', status: 'done' },
			{ type: 'pairing-written', method: 'cmdlets' },
			...succeeded('fe01.contoso.com', 'bootstrapper'),
			...succeeded('fe01.contoso.com', 'cumulative-update'),
			...succeeded('fe01.contoso.com', 'backup-service'),
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe02.contoso.com' },
			{ type: 'task-failed', phase: 'bootstrapper', server: 'fe02.contoso.com', message: 'exit 1' },
			{ type: 'task-reset', phase: 'bootstrapper', server: 'fe02.contoso.com' },
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe02.contoso.com' },
			{ type: 'task-succeeded', phase: 'bootstrapper', server: 'fe02.contoso.com' },
			{ type: 'task-started', phase: 'cumulative-update', server: 'fe02.contoso.com' },
			{ type: 'task-failed', phase: 'cumulative-update', server: 'fe02.contoso.com', message: 'exit 1603' },
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe03.contoso.com' },
			{ type: 'task-failed', phase: 'bootstrapper', server: 'fe03.contoso.com', message: 'unreachable' },
			{ type: 'task-skipped', phase: 'bootstrapper', server: 'fe03.contoso.com', reason: 'rebuilt next week' },
			{ type: 'task-skipped', phase: 'cumulative-update', server: 'fe03.contoso.com', reason: 'skipped at Bootstrapper' },
			{ type: 'task-skipped', phase: 'backup-service', server: 'fe03.contoso.com', reason: 'skipped at Bootstrapper' },
		);
		expect(recap(state)).toEqual([
			{ name: 'Management Shell', ok: 0, changed: 1, failed: 0, skipped: 0, retried: 0, interrupted: 0 },
			{ name: 'fe01.contoso.com', ok: 0, changed: 3, failed: 0, skipped: 0, retried: 0, interrupted: 0 },
			{ name: 'fe02.contoso.com', ok: 0, changed: 1, failed: 1, skipped: 0, retried: 1, interrupted: 0 },
			{ name: 'fe03.contoso.com', ok: 0, changed: 0, failed: 0, skipped: 3, retried: 0, interrupted: 0 },
		]);
	});

	it('counts a pairing found in place as ok, and a steady sync as ok', () => {
		const state = run({ type: 'pairing-verified' }, { type: 'step-finished', step: 'publish', status: 'done' }, { type: 'step-finished', step: 'sync', status: 'done' });
		expect(recap(state)[0]).toMatchObject({ name: 'Management Shell', ok: 2, changed: 0 });
	});

	it('counts what a stop cut short as interrupted, and only then shows the column', () => {
		const state = run(
			{ type: 'task-started', phase: 'bootstrapper', server: 'fe01.contoso.com' },
			{ type: 'procedure-ended', outcome: 'cancelled', reason: 'cancelled by the operator' },
		);
		expect(recap(state)[1]).toMatchObject({ name: 'fe01.contoso.com', interrupted: 1 });
		expect(recapLines(recap(state))[1]).toBe('fe01.contoso.com : ok=0  changed=0  failed=0  skipped=0  retried=0  interrupted=1');
		const whole = run(...succeeded('fe01.contoso.com', 'bootstrapper'));
		expect(recapLines(recap(whole))[1]).toBe('fe01.contoso.com : ok=0  changed=1  failed=0  skipped=0  retried=0');
	});

	it('lines up like Ansible\'s play recap', () => {
		const state = run(...succeeded('fe01.contoso.com', 'bootstrapper'));
		expect(recapLines(recap(state))).toEqual([
			'Management Shell : ok=0  changed=0  failed=0  skipped=0  retried=0',
			'fe01.contoso.com : ok=0  changed=1  failed=0  skipped=0  retried=0',
			'fe02.contoso.com : ok=0  changed=0  failed=0  skipped=0  retried=0',
			'fe03.contoso.com : ok=0  changed=0  failed=0  skipped=0  retried=0',
		]);
	});
});
