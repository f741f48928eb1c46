import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialState } from '../../../source/procedure/state.js';
import { Session } from '../../../source/session/session.js';
import { WizardStore } from '../../../source/ui/wizard-store.js';

const SERVER = 'fe01.contoso.com';

function runningSession(): Session {
	const session = new Session(initialState('s', { kind: 'lab', description: 'LAB' }, 0), undefined);
	session.dispatch({ type: 'servers-planned', servers: [{ fqdn: SERVER, pool: 'pool-a.contoso.com' }] });
	session.dispatch({ type: 'task-started', phase: 'bootstrapper', server: SERVER });
	return session;
}

function watched(store: WizardStore) {
	const redraws = { count: 0 };
	store.subscribe(() => (redraws.count += 1));
	return redraws;
}

const outputLine = (session: Session, line: string) => session.dispatch({ type: 'task-output', phase: 'bootstrapper', server: SERVER, line });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('WizardStore', () => {
	it('draws a burst of output lines once, a moment later, when no clock redraws the screen', () => {
		const store = new WizardStore('lab');
		const session = runningSession();
		store.attach(session);
		const redraws = watched(store);
		for (let index = 0; index < 20; index++) outputLine(session, `line ${index}`);
		expect(redraws.count).toBe(0);
		vi.advanceTimersByTime(250);
		expect(redraws.count).toBe(1);
	});

	it('leaves output lines to the screen clock while one runs, and draws what is left when it stops', () => {
		const store = new WizardStore('lab');
		const session = runningSession();
		store.attach(session);
		const redraws = watched(store);
		const release = store.redrawnByClock();
		for (let index = 0; index < 20; index++) outputLine(session, `line ${index}`);
		vi.advanceTimersByTime(5_000);
		expect(redraws.count).toBe(0);
		release();
		release();
		vi.advanceTimersByTime(250);
		expect(redraws.count).toBe(1);
		expect(session.state.servers[SERVER]!.tasks.bootstrapper.lines.at(-1)).toBe('line 19');
	});

	it('still draws at once what is not an output line, clock or not', () => {
		const store = new WizardStore('lab');
		const session = runningSession();
		store.attach(session);
		const redraws = watched(store);
		store.redrawnByClock();
		session.dispatch({ type: 'task-failed', phase: 'bootstrapper', server: SERVER, message: 'exit 1603', exitCode: 1603 });
		expect(redraws.count).toBe(1);
	});
});
