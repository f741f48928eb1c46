import { describe, expect, it, vi } from 'vitest';
import type { ServerFailure } from '../../source/procedure/operator.js';
import { FailurePrompt } from '../../source/ui/prompts/FailurePrompt.js';
import { HandRunPrompt } from '../../source/ui/prompts/HandRunPrompt.js';
import { KEYS, press, type, waitForFrame } from '../helpers/frames.js';
import { renderComponent as render } from '../helpers/render.js';

const request = { phase: 'bootstrapper' as const, server: 'dub-fe01.contoso.com', pool: 'pool02.contoso.com', commands: ["& (Join-Path $env:SystemDrive 'Program Files\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe')"] };

describe('a server done by hand', () => {
	it('asks when to check the farm, and checks on Enter', async () => {
		const onAnswer = vi.fn();
		const view = render(<HandRunPrompt request={request} onAnswer={onAnswer} />, { columns: 80 });
		const frame = await waitForFrame(view, 'Done: check it on the farm');
		expect(frame).toContain('▸ Bootstrapper on dub-fe01.contoso.com, by you');
		expect(frame.replace(/\s+/g, ' ')).toContain('Run the command printed above (scroll up to it) on dub-fe01.contoso.com, in an elevated Management Shell');
		expect(frame).not.toContain('Not verified');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'check' }));
		view.unmount();
	});

	it('says what the last check found when the farm did not show it done, and offers to run it remotely, or to skip with a reason', async () => {
		const onAnswer = vi.fn();
		const view = render(<HandRunPrompt request={{ ...request, lastCheck: 'not done yet: LYNCBACKUP is not installed' }} onAnswer={onAnswer} />, { columns: 80 });
		const frame = await waitForFrame(view, 'Done now: check again');
		expect(frame).toContain('! Not verified: not done yet: LYNCBACKUP is not installed');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'remote' }));
		view.unmount();

		const skipping = vi.fn();
		const again = render(<HandRunPrompt request={request} onAnswer={skipping} />, { columns: 80 });
		await waitForFrame(again, 'Done: check it');
		await press(again.stdin, KEYS.down, KEYS.down, KEYS.enter);
		await waitForFrame(again, 'Why skip dub-fe01.contoso.com?');
		await type(again.stdin, 'rebuilt tonight');
		await press(again.stdin, KEYS.enter);
		await vi.waitFor(() => expect(skipping).toHaveBeenCalledWith({ action: 'skip', reason: 'rebuilt tonight' }));
		again.unmount();
	});

	it('is offered on a failed server whose phase can be run by hand, and not where it cannot', async () => {
		const failure: ServerFailure = { phase: 'bootstrapper', server: 'dub-fe01.contoso.com', pool: 'pool02.contoso.com', message: 'Bootstrapper exited with 1603', attempts: 1, lines: [], otherFailures: [], canRunByHand: true };
		const onAnswer = vi.fn();
		const view = render(<FailurePrompt failure={failure} kind="live" onAnswer={onAnswer} />, { columns: 100 });
		await waitForFrame(view, 'I will run it on dub-fe01.contoso.com myself (show the commands)');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'by-hand' }));
		view.unmount();

		const without = render(<FailurePrompt failure={{ ...failure, canRunByHand: false, phase: 'cumulative-update' }} kind="live" onAnswer={() => undefined} />, { columns: 100 });
		expect(await waitForFrame(without, 'Retry dub-fe01')).not.toContain('myself');
		without.unmount();
	});
});

describe('a server held for a restart (Bootstrapper exit 3010)', () => {
	const held: ServerFailure = {
		phase: 'bootstrapper',
		server: 'dub-fe02.contoso.com',
		pool: 'pool02.contoso.com',
		message: 'Bootstrapper exited with 3010',
		rebootRequired: true,
		canRestart: true,
		attempts: 1,
		lines: [],
		otherFailures: [],
	};

	it('offers the restart, says the calls on it drop before it does anything, and goes back on No', async () => {
		const onAnswer = vi.fn();
		const view = render(<FailurePrompt failure={held} kind="live" onAnswer={onAnswer} />, { columns: 100 });
		await waitForFrame(view, 'Restart dub-fe02 now (fail over, restart, fail back, Bootstrapper again)');
		await press(view.stdin, KEYS.enter);
		const asked = (await waitForFrame(view, 'Yes: restart dub-fe02.contoso.com now')).replace(/\s+/g, ' ');
		expect(asked).toContain('calls on dub-fe02.contoso.com drop for a moment');
		expect(onAnswer).not.toHaveBeenCalled();
		await press(view.stdin, KEYS.down, KEYS.enter);
		await waitForFrame(view, 'I restarted it myself: check again');
		await press(view.stdin, KEYS.enter);
		await waitForFrame(view, 'Yes: restart dub-fe02.contoso.com now');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'restart' }));
		expect(onAnswer).toHaveBeenCalledTimes(1);
		view.unmount();
	});

	it('checks again when the operator restarted it; no restart is offered where the environment cannot restart it', async () => {
		const onAnswer = vi.fn();
		const view = render(<FailurePrompt failure={held} kind="live" onAnswer={onAnswer} />, { columns: 100 });
		await waitForFrame(view, 'I restarted it myself: check again');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ action: 'check-restarted' }));
		view.unmount();

		const without = render(<FailurePrompt failure={{ ...held, canRestart: false }} kind="live" onAnswer={() => undefined} />, { columns: 100 });
		expect(await waitForFrame(without, 'I restarted it myself')).not.toContain('Restart dub-fe02');
		without.unmount();
	});
});
