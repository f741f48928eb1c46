import { describe, expect, it, vi } from 'vitest';
import type { ServerFailure } from '../../source/procedure/operator.js';
import { FailurePrompt } from '../../source/ui/prompts/FailurePrompt.js';
import { waitForFrame } from '../helpers/frames.js';
import { renderComponent as render } from '../helpers/render.js';

/** A farm's error as long as WinRM's own: a frame as tall as the terminal makes Ink clear the screen and the scrollback. */
const LONG =
	"dub-fe02.contoso.com is failed over and did not come back within 20 min of Restart-Computer -ComputerName 'dub-fe02.contoso.com' -Force (Connecting to remote server dub-fe02.contoso.com failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer.): check its console; once it is up, restart it from here again (it is not restarted twice), or the failback command is Invoke-CsComputerFailBack -ComputerName 'dub-fe02.contoso.com'";

const held: ServerFailure = { phase: 'bootstrapper', server: 'dub-fe02.contoso.com', pool: 'pool-dublin.contoso.com', message: LONG, attempts: 1, lines: [], otherFailures: [], rebootRequired: true, canRestart: true, canRunByHand: true };

describe('a failure prompt with a long message', () => {
	it.each([80, 60])('fits the rows it is given at %i columns, every choice on screen, and says where the rest of the message is', async (columns) => {
		const view = render(<FailurePrompt failure={held} kind="lab" rows={14} onAnswer={vi.fn()} />, { columns, rows: 24 });
		const frame = await waitForFrame(view, 'Stop once the others finish');
		const lines = frame.trimEnd().split('\n');
		expect(lines.length).toBeLessThanOrEqual(14);
		expect(frame).toMatch(/… \d+ more lines: the whole message is in the scrollback/);
		for (const choice of ['Restart dub-fe02 now', 'I restarted it myself', 'I will restart dub-fe02', 'Skip it', 'Stop once the others finish']) expect(frame).toContain(choice);
		view.unmount();
	});

	it('shows the whole message when there is room', async () => {
		const view = render(<FailurePrompt failure={held} kind="lab" rows={40} onAnswer={vi.fn()} />, { columns: 80, rows: 50 });
		const frame = await waitForFrame(view, 'Stop once the others finish');
		expect(frame).not.toContain('more lines');
		expect(frame.replace(/[│\s]+/g, ' ')).toContain('or the failback command is Invoke-CsComputerFailBack');
		view.unmount();
	});
});
