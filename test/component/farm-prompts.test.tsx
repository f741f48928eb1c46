import { describe, expect, it, vi } from 'vitest';
import type { UnknownObservation } from '../../source/procedure/operator.js';
import { unknown } from '../../source/sfb/observation.js';
import { FinishPairOffer } from '../../source/ui/prompts/FinishPairOffer.js';
import { UnknownPrompt } from '../../source/ui/prompts/UnknownPrompt.js';
import { KEYS, plain, press, type, waitForFrame } from '../helpers/frames.js';
import { renderComponent as render } from '../helpers/render.js';

const question: UnknownObservation = {
	subject: 'fe02.contoso.com',
	what: 'it is deployed',
	observation: unknown('unreachable', "Get-CsWindowsService -Name 'RTCSRV' -ComputerName 'fe02.contoso.com': WinRM cannot complete the operation"),
	attempts: 2,
	canSkip: true,
};

describe('the prompt for a probe that could not tell', () => {
	it('names the server, what was asked and why, and probes again on Enter', async () => {
		const onAnswer = vi.fn();
		const view = render(<UnknownPrompt unknown={question} onAnswer={onAnswer} />);
		const frame = await waitForFrame(view, 'Probe again');
		expect(frame).toContain('Could not tell on fe02.contoso.com: it is deployed (asked 2 times)');
		expect(frame).toContain('unknown (unreachable): Get-CsWindowsService');
		expect(frame).toContain('Skip fe02.contoso.com for this step (you give a reason)');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'retry' }));
	});

	it('asks for the reason before it skips, and stops without one', async () => {
		const onAnswer = vi.fn();
		const view = render(<UnknownPrompt unknown={question} onAnswer={onAnswer} />);
		await waitForFrame(view, 'Probe again');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await waitForFrame(view, 'Why go on without fe02.contoso.com?');
		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'A reason is needed');
		expect(onAnswer).not.toHaveBeenCalled();
		await type(view.stdin, 'rebuilt');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'skip', reason: 'rebuilt' }));
	});

	it('offers no skip where the procedure cannot go on without it (the pairing), only probe again or stop', async () => {
		const onAnswer = vi.fn();
		const view = render(<UnknownPrompt unknown={{ ...question, subject: 'pool01.contoso.com', what: 'it is paired with pool02.contoso.com', canSkip: false }} onAnswer={onAnswer} />);
		const frame = await waitForFrame(view, 'Probe again');
		expect(frame).not.toContain('Skip');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'stop' }));
	});
});

describe('the offer to finish a published pair', () => {
	it('lists each unfinished pair with what is left, and the choice to pair other pools', async () => {
		const onAnswer = vi.fn();
		const view = render(
			<FinishPairOffer
				pairs={[{ pool: 'a.contoso.com', backup: 'b.contoso.com', state: 'unfinished', summary: 'Bootstrapper on 4, sync on 2', remaining: ['…'] }]}
				onAnswer={onAnswer}
			/>,
		);
		const frame = plain(await waitForFrame(view, 'Pair two other pools'));
		expect(frame).toContain('Finish a.contoso.com ↔ b.contoso.com');
		expect(frame).toContain('unfinished: Bootstrapper on 4, sync on 2');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ pool: 'a.contoso.com', backup: 'b.contoso.com' }));
		onAnswer.mockClear();
		const other = render(<FinishPairOffer pairs={[{ pool: 'a', backup: 'b', state: 'unknown', summary: 's', remaining: [] }]} onAnswer={onAnswer} />);
		await waitForFrame(other, 'Pair two other pools');
		await press(other.stdin, KEYS.down, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('new'));
	});
});
