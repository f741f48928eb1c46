import type { Environment, PoolPatching, ServerRestarting } from '../environments/port.js';

function patchingAfterCheckpoint(patching: PoolPatching, then: <T>(call: () => Promise<T>) => Promise<T>): PoolPatching {
	return {
		readUpgradeReadiness: (pool) => patching.readUpgradeReadiness(pool),
		failOver: (server, options) => then(() => patching.failOver(server, options)),
		failBack: (server, options) => then(() => patching.failBack(server, options)),
		isFailedOver: (server) => patching.isFailedOver(server),
	};
}

function restartingAfterCheckpoint(restarting: ServerRestarting, then: <T>(call: () => Promise<T>) => Promise<T>): ServerRestarting {
	return {
		failOver: (server, options) => then(() => restarting.failOver(server, options)),
		failBack: (server, options) => then(() => restarting.failBack(server, options)),
		isFailedOver: (server) => restarting.isFailedOver(server),
		readBootTime: (server) => restarting.readBootTime(server),
		restart: (server) => then(() => restarting.restart(server)),
	};
}

/**
 * The environment as operations must see it: every call that changes the farm first waits until the disk holds
 * every event so far (the checkpoint, and the change record), so an interrupted run never finds the farm ahead of
 * what they know by more than the one call in flight. The syncs, which wait for the disk, happen off the event loop. Reads change
 * nothing and go straight through: the probes that verify every action would otherwise each wait for a disk write.
 */
export function afterCheckpoint(environment: Environment, disk: { checkpointed(): Promise<void> }): Environment {
	const then = async <T>(call: () => Promise<T>): Promise<T> => {
		await disk.checkpointed();
		return call();
	};
	return {
		kind: environment.kind,
		description: environment.description,
		...(environment.timeScale === undefined ? {} : { timeScale: environment.timeScale }),
		...(environment.patching === undefined ? {} : { patching: patchingAfterCheckpoint(environment.patching, then) }),
		...(environment.restarting === undefined ? {} : { restarting: restartingAfterCheckpoint(environment.restarting, then) }),
		readInventory: () => environment.readInventory(),
		snapshotTopology: (file) => then(() => environment.snapshotTopology(file)),
		readTopologyDocument: () => environment.readTopologyDocument(),
		...(environment.publishAsTopologyBuilder ? { publishAsTopologyBuilder: (request) => then(() => environment.publishAsTopologyBuilder!(request)) } : {}),
		writePairing: (request, options) => then(() => environment.writePairing(request, options)),
		readPairing: (pool) => environment.readPairing(pool),
		runBootstrapper: (server, options) => then(() => environment.runBootstrapper(server, options)),
		...(environment.bootstrapperFound ? { bootstrapperFound: (server: string) => environment.bootstrapperFound!(server) } : {}),
		reapplyCumulativeUpdate: (server, options) => then(() => environment.reapplyCumulativeUpdate(server, options)),
		startService: (server, name) => then(() => environment.startService(server, name)),
		readService: (server, name) => environment.readService(server, name),
		readReplication: (server) => environment.readReplication(server),
		pushReplication: (server) => then(() => environment.pushReplication(server)),
		readComponentVersions: (server) => environment.readComponentVersions(server),
		startBackupSync: (pool) => then(() => environment.startBackupSync(pool)),
		readBackupStatus: (pool) => environment.readBackupStatus(pool),
		readCentralManagementDatabases: () => environment.readCentralManagementDatabases(),
		testCentralManagementDatabase: (sqlServer, instance) => environment.testCentralManagementDatabase(sqlServer, instance),
		readAccount: () => environment.readAccount(),
		readSetupPermission: (ou) => environment.readSetupPermission(ou),
		probeServer: (server, request) => environment.probeServer(server, request),
		readPoolFabric: (pool) => environment.readPoolFabric(pool),
		dispose: (options) => environment.dispose(options),
	};
}
