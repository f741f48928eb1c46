import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../source/environments/lab/clock.js';

describe('ManualClock', () => {
	it('jumps ahead to each pending sleep, so concurrent sleeps overlap as on a real clock', async () => {
		const clock = new ManualClock({ start: 0 });
		const woke: string[] = [];
		await Promise.all([
			clock.sleep(5000).then(() => woke.push(`long at ${clock.now()}`)),
			clock.sleep(2000).then(() => woke.push(`short at ${clock.now()}`)),
		]);
		expect(woke).toEqual(['short at 2000', 'long at 5000']);
		expect(clock.now()).toBe(5000);
	});

	it('without auto-advance, a sleep waits until the test moves time past it', async () => {
		const clock = new ManualClock({ start: 0, autoAdvance: false });
		let woke = false;
		const sleeping = clock.sleep(1000).then(() => {
			woke = true;
		});
		clock.advance(999);
		await Promise.resolve();
		expect(woke).toBe(false);
		clock.advance(1);
		await sleeping;
		expect(woke).toBe(true);
	});

	it('an aborted sleep rejects with the signal reason', async () => {
		const clock = new ManualClock({ start: 0, autoAdvance: false });
		const controller = new AbortController();
		const sleeping = clock.sleep(1000, controller.signal);
		controller.abort(new Error('operator pressed Ctrl+C'));
		await expect(sleeping).rejects.toThrow('operator pressed Ctrl+C');
	});
});

describe('systemClock', () => {
	it('never wakes before Date.now() has reached the delay: the lab reads its farm by Date.now()', async () => {
		const early: number[] = [];
		for (let index = 0; index < 500; index++) {
			const ms = 1 + (index % 2);
			const startedAt = Date.now();
			await systemClock.sleep(ms);
			if (Date.now() - startedAt < ms) early.push(index);
		}
		expect(early).toEqual([]);
	});
});
