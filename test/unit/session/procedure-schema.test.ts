import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reduce } from '../../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../../source/procedure/state.js';
import { openProcedureStore } from '../../../source/session/session-files.js';

const schedule = {
	lanes: [
		[
			{ pool: 'pool-a', domain: 'UpgradeDomain1', servers: ['a1', 'a2'] },
			{ pool: 'pool-a', domain: 'UpgradeDomain2', servers: ['a3'] },
		],
	],
};

let stateDir: string;
beforeEach(() => {
	stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-schema-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

const scheduledState = (): ProcedureState =>
	reduce(initialState('s', { kind: 'lab', description: 'LAB' }, 0), { type: 'phase-scheduled', phase: 'cumulative-update', schedule, at: 1 });

describe('the upgrade domains in a saved session', () => {
	it('are saved and read back, so a resumed session estimates by the same domains', async () => {
		await openProcedureStore(stateDir, 'pair').save(scheduledState());
		const loaded = openProcedureStore(stateDir, 'pair').load();
		expect(loaded.status === 'ok' && loaded.state.schedules).toEqual({ 'cumulative-update': schedule });
	});

	it('may be absent: a session saved before they were recorded still loads', async () => {
		const store = openProcedureStore(stateDir, 'pair');
		await store.save(initialState('s', { kind: 'lab', description: 'LAB' }, 0));
		const loaded = openProcedureStore(stateDir, 'pair').load();
		expect(loaded.status).toBe('ok');
		expect(loaded.status === 'ok' && loaded.state.schedules).toBeUndefined();
	});

	it('a damaged schedule (a server that is not a name, an unknown phase) moves the file aside and names the field', async () => {
		const store = openProcedureStore(stateDir, 'pair');
		await store.save(scheduledState());
		const document = JSON.parse(readFileSync(store.path, 'utf8'));
		document.state.schedules['cumulative-update'].lanes[0][1].servers = [42];
		writeFileSync(store.path, JSON.stringify(document));
		const loaded = openProcedureStore(stateDir, 'pair').load();
		expect(loaded.status).toBe('moved-aside');
		expect(loaded.status === 'moved-aside' && loaded.reason).toContain('state/schedules/cumulative-update/lanes/0/1/servers/0 must be string');

		await store.save(scheduledState());
		const unknownPhase = JSON.parse(readFileSync(store.path, 'utf8'));
		unknownPhase.state.schedules = { reboot: schedule };
		writeFileSync(store.path, JSON.stringify(unknownPhase));
		const second = openProcedureStore(stateDir, 'pair').load();
		expect(second.status === 'moved-aside' && second.reason).toContain('state/schedules');
	});
});
