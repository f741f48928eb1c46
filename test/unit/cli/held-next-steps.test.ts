import { describe, expect, it } from 'vitest';
import { heldNextSteps } from '../../../source/cli/commands/run.js';

const pair = { pool: 'pool01.contoso.com', backup: 'pool02.contoso.com' };
const again = 'sfb-pair run --pool pool01.contoso.com --backup pool02.contoso.com --yes --resume';

describe('what run prints when servers wait for a restart', () => {
	it('names them, and the two ways on: restart them yourself and resume, or opt in to sfb-pair restarting them', () => {
		expect(heldNextSteps(pair, ['fe01.contoso.com', 'fe02.contoso.com'])).toEqual([
			'held for a restart (Bootstrapper exit 3010): fe01.contoso.com, fe02.contoso.com',
			`  restart them yourself, then: ${again}   (each boot time is checked first)`,
			`  or let sfb-pair do it (failover, Restart-Computer, failback; calls on those servers drop for a moment): ${again} --restart-held`,
		]);
	});

	it('after a restart sfb-pair started and that stopped, says the same command goes on from where it stopped', () => {
		expect(heldNextSteps({ ...pair, restartHeld: true }, ['fe01.contoso.com'])[2]).toBe(
			`  or, once it answers again, let sfb-pair go on from where it stopped (no second failover or restart): ${again} --restart-held`,
		);
	});
});
