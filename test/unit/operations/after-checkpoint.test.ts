import { describe, expect, it, vi } from 'vitest';
import type { Environment } from '../../../source/environments/port.js';
import { afterCheckpoint } from '../../../source/operations/after-checkpoint.js';
import { CheckpointFailure } from '../../../source/session/checkpoint-queue.js';

function fakeFarm(): Environment {
	const call = vi.fn(async () => undefined as never);
	return {
		kind: 'lab',
		description: 'LAB · test',
		timeScale: 20,
		readInventory: call,
		snapshotTopology: call,
		readTopologyDocument: call,
		writePairing: call,
		readPairing: call,
		runBootstrapper: vi.fn(async () => ({ exitCode: 0, rebootRequired: false, tail: [] })),
		reapplyCumulativeUpdate: call,
		startService: call,
		readService: call,
		readReplication: call,
		pushReplication: call,
		readComponentVersions: call,
		startBackupSync: call,
		readBackupStatus: call,
		readCentralManagementDatabases: call,
		testCentralManagementDatabase: call,
		readAccount: call,
		readSetupPermission: call,
		probeServer: call,
		readPoolFabric: call,
		dispose: call,
	};
}

describe('afterCheckpoint', () => {
	it('reaches the farm only once the checkpoint holds everything so far', async () => {
		let landed!: () => void;
		const checkpoint = new Promise<void>((resolve) => (landed = resolve));
		const farm = fakeFarm();
		const gated = afterCheckpoint(farm, { checkpointed: () => checkpoint });
		const run = gated.runBootstrapper('fe01.contoso.com');
		await new Promise((resolve) => setImmediate(resolve));
		expect(farm.runBootstrapper).not.toHaveBeenCalled();
		landed();
		await expect(run).resolves.toEqual({ exitCode: 0, rebootRequired: false, tail: [] });
		expect(farm.runBootstrapper).toHaveBeenCalledWith('fe01.contoso.com', undefined);
	});

	it('never reaches the farm when the checkpoint cannot be written', async () => {
		const farm = fakeFarm();
		const failure = new CheckpointFailure('cannot write the checkpoint: the disk is full');
		const gated = afterCheckpoint(farm, { checkpointed: () => Promise.reject(failure) });
		await expect(gated.runBootstrapper('fe01.contoso.com')).rejects.toBe(failure);
		expect(farm.runBootstrapper).not.toHaveBeenCalled();
	});

	it('keeps what the environment says about itself', () => {
		const gated = afterCheckpoint(fakeFarm(), { checkpointed: async () => undefined });
		expect([gated.kind, gated.description, gated.timeScale]).toEqual(['lab', 'LAB · test', 20]);
	});
});

describe('afterCheckpoint and reads', () => {
	it('lets a read through at once: it changes nothing on the farm, so nothing has to be on disk first', async () => {
		const farm = fakeFarm();
		const never = new Promise<void>(() => undefined);
		const gated = afterCheckpoint(farm, { checkpointed: () => never });
		await gated.readService('fe01.contoso.com', 'LYNCBACKUP');
		await gated.readComponentVersions('fe01.contoso.com');
		await gated.readCentralManagementDatabases();
		await gated.testCentralManagementDatabase('sql02.contoso.com', 'rtc');
		expect(farm.readService).toHaveBeenCalledWith('fe01.contoso.com', 'LYNCBACKUP');
		expect(farm.readComponentVersions).toHaveBeenCalled();
		expect(farm.readCentralManagementDatabases).toHaveBeenCalled();
		expect(farm.testCentralManagementDatabase).toHaveBeenCalledWith('sql02.contoso.com', 'rtc');
	});
});

describe('afterCheckpoint and the restart of a held server', () => {
	it('fails over, restarts and fails back only once the disk holds everything so far; reads its boot time and failover at once', async () => {
		const moved = { exitCode: 0, rebootRequired: false, tail: [] };
		const restarting = {
			failOver: vi.fn(async () => moved),
			failBack: vi.fn(async () => moved),
			restart: vi.fn(async () => moved),
			isFailedOver: vi.fn(async () => true),
			readBootTime: vi.fn(async () => '2026-12-01T00:00:00.000Z'),
		};
		let landed!: () => void;
		const checkpoint = new Promise<void>((resolve) => (landed = resolve));
		const gated = afterCheckpoint({ ...fakeFarm(), restarting }, { checkpointed: () => checkpoint });
		expect(await gated.restarting!.isFailedOver('fe01.contoso.com')).toBe(true);
		expect(await gated.restarting!.readBootTime('fe01.contoso.com')).toBe('2026-12-01T00:00:00.000Z');
		const changes = [gated.restarting!.failOver('fe01.contoso.com'), gated.restarting!.restart('fe01.contoso.com'), gated.restarting!.failBack('fe01.contoso.com')];
		await new Promise((resolve) => setImmediate(resolve));
		const calls = () => [restarting.failOver, restarting.restart, restarting.failBack].map((call) => call.mock.calls.length);
		expect(calls()).toEqual([0, 0, 0]);
		landed();
		await Promise.all(changes);
		expect(calls()).toEqual([1, 1, 1]);
	});
});
