import { describe, expect, it } from 'vitest';
import { CheckpointFailure, CheckpointQueue } from '../../../source/session/checkpoint-queue.js';

/** A write the test finishes by hand, so it can look at what waits on it. */
function controlledWrites() {
	const started: { state: number; finish(): void; fail(error: Error): void }[] = [];
	const write = (state: number) =>
		new Promise<void>((resolve, reject) => {
			started.push({ state, finish: resolve, fail: reject });
		});
	return { started, write };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function settledState(promise: Promise<void>): () => 'pending' | 'resolved' | 'rejected' {
	let state: 'pending' | 'resolved' | 'rejected' = 'pending';
	promise.then(
		() => (state = 'resolved'),
		() => (state = 'rejected'),
	);
	return () => state;
}

describe('CheckpointQueue', () => {
	it('writes the states of one turn of the event loop once, the newest', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		for (let state = 1; state <= 50; state++) queue.request(state);
		await turn();
		expect(writes.started.map((write) => write.state)).toEqual([50]);
		writes.started[0]!.finish();
		await queue.written();
		await turn();
		expect(writes.started).toHaveLength(1);
	});

	it('does not say a state is written until its write has landed', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		queue.request(1);
		const written = settledState(queue.written());
		await turn();
		expect(written()).toBe('pending');
		writes.started[0]!.finish();
		await turn();
		expect(written()).toBe('resolved');
	});

	it('starts the write of a state requested while another is in flight at once: its caller waits for its own write only', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		queue.request(1);
		await turn();
		queue.request(2);
		const second = settledState(queue.written());
		await turn();
		expect(writes.started.map((write) => write.state)).toEqual([1, 2]);
		writes.started[1]!.finish();
		await turn();
		// The later write landed first: it holds state 2 in place of state 1 (the write function's promise), so 2 is on disk.
		expect(second()).toBe('resolved');
	});

	it('keeps two writes in flight at most, and then writes only the newest state that came meanwhile', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		queue.request(1);
		await turn();
		queue.request(2);
		await turn();
		queue.request(3);
		queue.request(4);
		await turn();
		queue.request(5);
		await turn();
		expect(writes.started.map((write) => write.state)).toEqual([1, 2]);
		writes.started[0]!.finish();
		await turn();
		expect(writes.started.map((write) => write.state)).toEqual([1, 2, 5]);
	});

	it('does not say a state is written when only an earlier write has landed', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		queue.request(1);
		await turn();
		queue.request(2);
		const second = settledState(queue.written());
		await turn();
		writes.started[0]!.finish();
		await turn();
		expect(second()).toBe('pending');
		writes.started[1]!.finish();
		await turn();
		expect(second()).toBe('resolved');
	});

	it('lets a caller go once its own state is written, without waiting for later ones', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		queue.request(1);
		const first = settledState(queue.written());
		await turn();
		queue.request(2);
		const second = settledState(queue.written());
		writes.started[0]!.finish();
		await turn();
		expect([first(), second()]).toEqual(['resolved', 'pending']);
		writes.started[1]!.finish();
		await turn();
		expect(second()).toBe('resolved');
	});

	it('answers at once when nothing is waiting to be written', async () => {
		const queue = new CheckpointQueue(async () => undefined);
		await expect(queue.written()).resolves.toBeUndefined();
	});

	it('fails every waiter, and every later one, with the write error, and writes nothing more', async () => {
		const writes = controlledWrites();
		const queue = new CheckpointQueue(writes.write);
		queue.request(1);
		const waiting = queue.written();
		await turn();
		writes.started[0]!.fail(new Error('cannot write the checkpoint /state/x.json: the disk is full'));
		await expect(waiting).rejects.toThrow(new CheckpointFailure('cannot write the checkpoint /state/x.json: the disk is full'));
		queue.request(2);
		await turn();
		expect(writes.started).toHaveLength(1);
		await expect(queue.written()).rejects.toBeInstanceOf(CheckpointFailure);
	});
});
