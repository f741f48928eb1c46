import { describe, expect, it } from 'vitest';
import { pacingFor } from '../../../source/cli/procedure-driver.js';
import { openLabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import type { Environment } from '../../../source/environments/port.js';
import { POLL_FLOOR_MS, pollInterval } from '../../../source/operations/context.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, defaultScenarioWith, driveResuming } from '../../helpers/lab.js';

const BEHIND = 'dub-fe02.contoso.com';

const stateDir = useTemporaryStateDir('sfb-pair-poll-floor-');

describe('the wait between two polls of the farm', () => {
	it('has a floor: 0, a negative or NaN wait is the floor, a wait past what a timer holds is cut to it', () => {
		expect([0, -5, Number.NaN, 3].map(pollInterval)).toEqual(Array(4).fill(POLL_FLOOR_MS));
		expect(pollInterval(30_000)).toBe(30_000);
		expect(pollInterval(Number.POSITIVE_INFINITY)).toBe(2 ** 31 - 1);
	});

	it('a time scale the lab would refuse is refused, not divided by', () => {
		for (const timeScale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(() => pacingFor({ timeScale } as Environment)).toThrow(/^the time scale must be from 1 to 10000/);
		}
	});

	it('with polls of 0 s, the replication gate and the sync watch read the farm at most once per floor, not as fast as it answers', async () => {
		// Behind for 300 lab seconds: 300 ms at this scale, with the push ignored, so the gate waits it out (it gives up
		// after 600 ms), however late a loaded machine starts it after the publish.
		const scenario = await defaultScenarioWith('poll-floor', [{ type: 'replica-behind', server: BEHIND, seconds: 300, pushIgnored: true }]);
		const environment = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: 1000 });
		const result = await driveResuming({
			environment,
			stateDir: stateDir(),
			operator: defaultPairOperator(),
			pacing: { replicationPollSeconds: 0, syncPollSeconds: 0, readinessPollSeconds: 0 },
		});
		expect(result.outcome, result.reason).toBe('done');
		const { replication, sync, outcome } = result.session.state;
		const gateMs = replication!.settled!.at - replication!.startedAt;
		expect(gateMs).toBeGreaterThan(200);
		expect(replication!.polls).toBeLessThanOrEqual(gateMs / POLL_FLOOR_MS + 2);
		expect(sync.polls).toBeLessThanOrEqual((outcome!.at - sync.startedAt!) / POLL_FLOOR_MS + 2);
	});
});
