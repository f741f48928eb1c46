import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuardedJob } from '../../source/procedure/guarded-run.js';
import { AfterPairing } from '../../source/ui/AfterPairing.js';
import { unicodeSymbols } from '../../source/ui/symbols.js';
import { allOutput, waitForFrame } from '../helpers/frames.js';
import { renderWizard, type Rendered } from '../helpers/render.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

function show(prepare: (action: string) => Promise<GuardedJob>, cancel = new AbortController().signal) {
	const onLeave = vi.fn();
	rendered = renderWizard(
		(keys) => <AfterPairing pool="a.contoso.com" backup="b.contoso.com" symbols={unicodeSymbols} keys={keys} prepare={prepare} cancel={cancel} onCancel={() => undefined} onLeave={onLeave} />,
		{ columns: 80, rows: 24 },
	);
	return { rendered, onLeave };
}

const job = (word: string): GuardedJob => ({
	title: 'Drill: fail a over to b and back.',
	planLines: ['  1. Fail over a'],
	word,
	steps: [{ id: 'over', title: 'Fail over a' }],
	run: async () => ({ outcome: 'failed', exitCode: 1, headline: 'a is not shown failed over', details: [], files: [] }),
	close: () => undefined,
});

describe('AfterPairing: what next after a pairing', () => {
	it('Enter on the first choice prepares the drill in disaster mode and shows its plan and word', async () => {
		const prepare = vi.fn(async () => job('failover'));
		const { rendered } = show(prepare);
		const frame = await waitForFrame(rendered, 'What next?');
		expect(frame).toContain('❯   Run the failover drill on a.contoso.com now');
		expect(frame).toContain('-DisasterMode, the training default');
		rendered.stdin.write('\r');
		await waitForFrame(rendered, 'Type failover and press Enter');
		expect(prepare).toHaveBeenCalledWith('drill-disaster');
	});

	it('a drill that cannot start says why, one line, above the same choice', async () => {
		const { rendered } = show(async () => {
			throw new Error('a.contoso.com is not paired: pair it first');
		});
		await waitForFrame(rendered, 'What next?');
		rendered.stdin.write('\r');
		const frame = await waitForFrame(rendered, 'a.contoso.com is not paired: pair it first');
		expect(frame).toContain('What next?');
	});

	it('q leaves with the exit code of the last run (a failed drill: 1), 0 when none ran', async () => {
		const none = show(async () => job('failover'));
		await waitForFrame(none.rendered, 'What next?');
		none.rendered.stdin.write('q');
		await vi.waitFor(() => expect(none.onLeave).toHaveBeenCalledWith(0));
		none.rendered.unmount();

		const after = show(async () => job('failover'));
		await waitForFrame(after.rendered, 'What next?');
		after.rendered.stdin.write('\r');
		await waitForFrame(after.rendered, 'Type failover');
		after.rendered.stdin.write('failover\r');
		await waitForFrame(after.rendered, 'What next?');
		after.rendered.stdin.write('q');
		await vi.waitFor(() => expect(after.onLeave).toHaveBeenCalledWith(1));
	});

	it('back at the choice after a run, the run is written above and the keys still move the choice (two in one write)', async () => {
		const { rendered } = show(async () => job('failover'));
		await waitForFrame(rendered, 'What next?');
		rendered.stdin.write('\r');
		await waitForFrame(rendered, 'Type failover');
		rendered.stdin.write('failover\r');
		await waitForFrame(rendered, 'What next?');
		expect(allOutput(rendered)).toContain('✗ a is not shown failed over');
		rendered.stdin.write('\u001B[B\u001B[B');
		await waitForFrame(rendered, /❯ +Unpair a\.contoso\.com and its backup/);
	});

	it('a cancel at the choice ends the wizard as cancelled (130)', async () => {
		const controller = new AbortController();
		const { rendered, onLeave } = show(async () => job('failover'), controller.signal);
		await waitForFrame(rendered, 'What next?');
		controller.abort();
		await vi.waitFor(() => expect(onLeave).toHaveBeenCalledWith(130));
	});
});
