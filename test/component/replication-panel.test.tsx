import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../source/procedure/events.js';
import { reduce } from '../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../source/procedure/state.js';
import type { NewEvent } from '../../source/session/session.js';
import type { Observation } from '../../source/sfb/observation.js';
import { PromptBridge } from '../../source/ui/prompt-bridge.js';
import { ReplicationPanel } from '../../source/ui/ReplicationPanel.js';
import { plain } from '../helpers/frames.js';

const PUBLISHED = Date.parse('2026-11-30T10:00:00Z');
const current = { state: 'done' as const, evidence: 'UpToDate True' };
const behind = { state: 'not-done' as const, evidence: 'UpToDate False' };
const unreadable = { state: 'unknown' as const, evidence: 'Connecting to remote server failed', reason: 'unreachable' as const };

function gateAfter(events: NewEvent[]): NonNullable<ProcedureState['replication']> {
	const state = events.reduce((state, event, index) => reduce(state, { ...event, at: PUBLISHED + 5000 * (index + 1) } as ProcedureEvent), initialState('s', { kind: 'lab', description: 'LAB' }, 0));
	return state.replication!;
}

const servers = (count: number, observation: Observation = current) => Array.from({ length: count }, (_, index) => ({ server: `fe${index + 1}.contoso.com`, observation }));

describe('the replication panel', () => {
	it('puts the replicas behind first, with the time each was first seen behind, whether it was pushed, and one it could not read', () => {
		const gate = gateAfter([
			{ type: 'replication-polled', since: new Date(PUBLISHED).toISOString(), replicas: [...servers(2), { server: 'fe3.contoso.com', observation: behind }, { server: 'fe4.contoso.com', observation: unreadable }] },
			{ type: 'replication-pushed', servers: ['fe3.contoso.com'] },
			{ type: 'replication-polled', replicas: [{ server: 'fe3.contoso.com', observation: behind }] },
		]);
		const view = render(<ReplicationPanel gate={gate} rows={10} now={PUBLISHED + 65_000} />);
		const lines = plain(view.lastFrame()).split('\n');
		expect(lines[0]).toBe('Replication · 2 of 4 up to date · read 2 times · 1:00');
		expect(lines[1]).toBe('Bootstrapper waits · published at 10:00:00 UTC');
		expect(lines.slice(2)).toEqual([
			'▸ fe3.contoso.com  behind since 10:00:05 · pushed',
			'! fe4.contoso.com  could not tell: unknown (unreachable)',
			'✓ fe1.contoso.com  up to date',
			'✓ fe2.contoso.com  up to date',
		]);
		view.unmount();
	});

	it('keeps to the rows it is given, counting the replicas up to date it leaves out', () => {
		const gate = gateAfter([{ type: 'replication-polled', replicas: [{ server: 'fe9.contoso.com', observation: behind }, ...servers(8)] }]);
		const view = render(<ReplicationPanel gate={gate} rows={6} now={PUBLISHED + 5000} />);
		const lines = plain(view.lastFrame()).split('\n');
		expect(lines).toHaveLength(6);
		expect(lines[1]).toBe('Bootstrapper waits for every replica to be up to date');
		expect(lines[2]).toMatch(/^▸ fe9\.contoso\.com +behind since/);
		expect(lines.at(-1)).toBe('  and 6 more up to date');
		view.unmount();
	});
});

describe('the replication question', () => {
	it('leaves the screen and resolves as "wait" when the replicas catch up before the operator answers', async () => {
		const bridge = new PromptBridge();
		const withdraw = new AbortController();
		const answer = bridge.decideReplication({ servers: ['fe3.contoso.com'], pushed: false, timedOut: false }, withdraw.signal);
		expect(bridge.current?.prompt.kind).toBe('replication');
		withdraw.abort();
		await expect(answer).resolves.toBe('wait');
		expect(bridge.current).toBeUndefined();
	});

	it('a withdrawal after the next question was asked leaves that question alone', async () => {
		const bridge = new PromptBridge();
		const withdraw = new AbortController();
		const first = bridge.decideReplication({ servers: ['fe3.contoso.com'], pushed: false, timedOut: false }, withdraw.signal);
		bridge.current!.answer('push');
		await expect(first).resolves.toBe('push');
		void bridge.decideSyncTimeout([]);
		withdraw.abort();
		expect(bridge.current?.prompt.kind).toBe('sync-timeout');
	});
});

describe('the replication panel, folded', () => {
	it('says how many of the replicas it leaves out are not up to date', () => {
		const gate = gateAfter([{ type: 'replication-polled', replicas: servers(6, behind) }]);
		const view = render(<ReplicationPanel gate={gate} rows={5} now={PUBLISHED + 5000} />);
		expect(plain(view.lastFrame()).split('\n').at(-1)).toBe('  and 4 more (4 not up to date)');
		view.unmount();
	});
});
