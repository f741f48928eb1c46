import { describe, expect, it, vi } from 'vitest';
import { Picker } from '../../source/ui/Picker.js';
import { TextInput } from '../../source/ui/TextInput.js';
import { PlanConfirm } from '../../source/ui/prompts/PlanConfirm.js';
import { buildPlan } from '../../source/procedure/plan.js';
import type { FrontEndPool } from '../../source/sfb/model.js';
import { waitForFrame } from '../helpers/frames.js';
import { renderComponent } from '../helpers/render.js';

/** Keys written in one piece, as a paste or a slow RDP link delivers them: each must count, in order. */

const until = async (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 10 });

describe('keys that arrive together', () => {
	it('a text field applies "ab⌫c⏎" as typed: submits "ac"', async () => {
		const submitted: string[] = [];
		const view = renderComponent(<TextInput onSubmit={(value) => submitted.push(value)} />);
		view.stdin.write('ab\u007Fc\r');
		await until(() => expect(submitted).toEqual(['ac']));
		view.unmount();
	});

	it('three Backspaces in one write delete three characters', async () => {
		const submitted: string[] = [];
		const view = renderComponent(<TextInput initial="publish" onSubmit={(value) => submitted.push(value)} />);
		view.stdin.write('\u007F\u007F\u007F');
		await waitForFrame(view, /publ\s*$/m);
		view.stdin.write('\r');
		await until(() => expect(submitted).toEqual(['publ']));
		view.unmount();
	});

	it('"jj⏎" on a picker (ink-select-input) chooses the third option', async () => {
		const chosen: string[] = [];
		const view = renderComponent(
			<Picker
				options={['first', 'second', 'third', 'fourth'].map((label) => ({ label, value: label }))}
				onSelect={(value) => chosen.push(value)}
			/>,
		);
		await waitForFrame(view, 'fourth');
		view.stdin.write('jj\r');
		await until(() => expect(chosen).toEqual(['third']));
		view.unmount();
	});

	it('Down, Down, Enter as escape sequences in one write choose the third option', async () => {
		const chosen: string[] = [];
		const view = renderComponent(
			<Picker options={['first', 'second', 'third'].map((label) => ({ label, value: label }))} onSelect={(value) => chosen.push(value)} />,
		);
		await waitForFrame(view, 'third');
		view.stdin.write('\u001B[B\u001B[B\r');
		await until(() => expect(chosen).toEqual(['third']));
		view.unmount();
	});

	it('a picker never chooses a refused option, and shows its whole reason under the list', async () => {
		const chosen: string[] = [];
		const reason = 'Enterprise Edition pairs only with Enterprise Edition, Standard Edition only with Standard Edition; the two pools also run different operating systems';
		const view = renderComponent(
			<Picker
				options={[
					{ label: 'allowed', value: 'allowed' },
					{ label: 'refused', value: 'refused', refused: reason },
				]}
				onSelect={(value) => chosen.push(value)}
			/>,
			{ columns: 60 },
		);
		await waitForFrame(view, 'allowed');
		view.stdin.write('j\r');
		const frame = await waitForFrame(view, 'Refused:');
		expect(frame.replace(/\s+/g, ' ')).toContain(`Refused: ${reason}`);
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
		view.stdin.write('k\r');
		await until(() => expect(chosen).toEqual(['allowed']));
		view.unmount();
	});

	it('five Enters in one write at the publish prompt are five answers, none of them a publish', async () => {
		const pool = (fqdn: string): FrontEndPool => ({ fqdn, site: 'A', edition: 'Enterprise', version: 'Skype for Business Server 2015', servers: [`fe.${fqdn}`], hostsCentralManagementStore: false });
		const a = pool('a.contoso.com');
		const b = pool('b.contoso.com');
		const plan = buildPlan({ topologySignature: 's', pools: [a, b], pairings: {}, deployed: { [a.fqdn]: true, [b.fqdn]: true } }, a, b, {
			automaticFailover: true,
			failoverSeconds: 300,
			failbackSeconds: 600,
		});
		const answers: unknown[] = [];
		const view = renderComponent(<PlanConfirm plan={plan} rows={20} onAnswer={(answer) => answers.push(answer)} />);
		await waitForFrame(view, 'Type publish');
		view.stdin.write('\r\r\r\r\r');
		await waitForFrame(view, 'you typed ""');
		view.stdin.write('Publish\r');
		await waitForFrame(view, 'you typed "Publish"');
		view.stdin.write('publx\u007Fish\r');
		await until(() => expect(answers).toEqual(['publish']));
		view.unmount();
	});
});
