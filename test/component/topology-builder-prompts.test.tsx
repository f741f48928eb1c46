import { describe, expect, it, vi } from 'vitest';
import { buildPlan } from '../../source/procedure/plan.js';
import type { PoolInventory } from '../../source/sfb/model.js';
import { DEFAULT_VOICE } from '../../source/sfb/voice-resiliency.js';
import { PlanConfirm } from '../../source/ui/prompts/PlanConfirm.js';
import { TopologyBuilderWait } from '../../source/ui/prompts/TopologyBuilderWait.js';
import { KEYS, plain, press, waitForFrame } from '../helpers/frames.js';
import { renderComponent as render } from '../helpers/render.js';
import { frontEndPool } from '../helpers/pools.js';

const red = frontEndPool('pool-red.contoso.com', { hostsCentralManagementStore: true });
const dub = frontEndPool('pool-dub.contoso.com', { site: 'Dublin' });
const inventory: PoolInventory = {
	topologySignature: 'sig',
	pools: [red, dub],
	pairings: {},
	deployed: { [red.fqdn]: true, [dub.fqdn]: true },
	backEnds: { [dub.fqdn]: { sqlServer: 'sql-dub.contoso.com', instance: 'rtc' } },
};
const plan = buildPlan(inventory, red, dub, DEFAULT_VOICE);
const CHECK =
	'Paired, but no standby Central Management store: Get-CsService -CentralManagementDatabase: 1 Central Management database (sql-red.contoso.com), ' +
	'none on sql-dub.contoso.com, the back end of pool-dub.contoso.com. Publish again with its database, then check again.';

describe('a pair that holds the Central Management store, on screen', () => {
	it('step 6 offers Topology Builder only: no word to type, Enter goes to the steps, the standby store named', async () => {
		const onAnswer = vi.fn();
		const view = render(<PlanConfirm plan={plan} rows={20} onAnswer={onAnswer} />, { columns: 80 });
		const frame = plain(await waitForFrame(view, 'made by you in Topology Builder')).replace(/\s+/g, ' ');
		expect(frame).toContain('+ standby Central Management store on sql-dub.contoso.com');
		expect(frame).toContain('pool-red.contoso.com holds the Central Management store, which Microsoft documents pairing only in Topology Builder');
		expect(frame).not.toContain('> ');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('topology-builder'));
	});

	it('the steps with the pools and the standby filled in; p plays the publish only in the lab', async () => {
		const onAnswer = vi.fn();
		const live = render(<TopologyBuilderWait plan={plan} canSimulate={false} rows={20} onAnswer={onAnswer} />, { columns: 80 });
		const frame = plain(await waitForFrame(live, 'Right-click pool-red.contoso.com')).replace(/\s+/g, ' ');
		expect(frame).toContain('5. Action, Topology, Publish; let it create the databases it lists: the standby Central Management store on sql-dub.contoso.com\\rtc.');
		await press(live.stdin, 'p');
		await press(live.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledTimes(1));
		expect(onAnswer).toHaveBeenCalledWith('check');

		const simulated = vi.fn();
		const lab = render(<TopologyBuilderWait plan={plan} canSimulate rows={20} onAnswer={simulated} />, { columns: 80 });
		await waitForFrame(lab, 'Right-click');
		await press(lab.stdin, 'p');
		await vi.waitFor(() => expect(simulated).toHaveBeenCalledWith('simulate'));
	});

	it('where the steps and the last check do not fit together, the check shows and Tab switches to the steps', async () => {
		const view = render(<TopologyBuilderWait plan={plan} canSimulate={false} rows={12} lastCheck={CHECK} onAnswer={vi.fn()} />, { columns: 60 });
		const folded = plain(await waitForFrame(view, 'Tab shows them')).replace(/\s+/g, ' ');
		expect(folded).toContain('Paired, but no standby Central Management store');
		expect(folded).not.toContain('Right-click');
		await press(view.stdin, '\t');
		const steps = plain(await waitForFrame(view, 'Right-click'));
		expect(steps).not.toContain('Paired, but no standby');
		const roomy = render(<TopologyBuilderWait plan={plan} canSimulate={false} rows={30} lastCheck={CHECK} onAnswer={vi.fn()} />, { columns: 80 });
		const both = plain(await waitForFrame(roomy, 'Right-click')).replace(/\s+/g, ' ');
		expect(both).toContain('Paired, but no standby Central Management store');
	});
});
