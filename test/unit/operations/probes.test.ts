import { describe, expect, it, vi } from 'vitest';
import { EnvironmentError, type Environment, type ServiceStatus } from '../../../source/environments/port.js';
import { judgeReplication, probe } from '../../../source/operations/probes.js';

/** An environment whose every read fails unless the test gives it an answer. */
function farm(reads: Partial<Environment>): Environment {
	const refuse = async () => {
		throw new Error('not read in this test');
	};
	return {
		kind: 'live',
		description: 'test',
		readInventory: refuse,
		snapshotTopology: refuse,
		readTopologyDocument: refuse,
		writePairing: refuse,
		readPairing: refuse,
		runBootstrapper: refuse,
		reapplyCumulativeUpdate: refuse,
		startService: refuse,
		readService: refuse,
		readReplication: refuse,
		pushReplication: refuse,
		readComponentVersions: refuse,
		startBackupSync: refuse,
		readBackupStatus: refuse,
		readCentralManagementDatabases: refuse,
		testCentralManagementDatabase: refuse,
		readAccount: refuse,
		readSetupPermission: refuse,
		probeServer: refuse,
		readPoolFabric: refuse,
		dispose: async () => undefined,
		...reads,
	};
}

const service = (state: ServiceStatus['state'], detail?: string) => async () => ({ state, ...(detail ? { detail } : {}) });

describe('probes', () => {
	it('never turn an error into "no": each kind of failure is unknown, with why and the evidence', async () => {
		const kinds = [
			['unreachable', 'unreachable'],
			['access-denied', 'access-denied'],
			['timeout', 'timeout'],
			['unexpected-output', 'unexpected-output'],
			['cmdlet-missing', 'cmdlet-missing'],
			['failed', 'failed'],
		] as const;
		for (const [kind, reason] of kinds) {
			const environment = farm({
				readService: async () => {
					throw new EnvironmentError(kind, 'fe01 said no', 'raw text');
				},
			});
			for (const request of [
				{ kind: 'deployment', server: 'fe01' },
				{ kind: 'backup-service-installed', server: 'fe01' },
				{ kind: 'backup-service-running', server: 'fe01' },
			] as const) {
				const observation = await probe(environment, request);
				expect(observation).toEqual({
					state: 'unknown',
					reason,
					evidence: expect.stringMatching(/^Get-CsWindowsService -Name '(RTCSRV|LYNCBACKUP)' -ComputerName 'fe01': fe01 said no$/),
					raw: 'raw text',
				});
			}
		}
	});

	it('let a bug through rather than hide it as unknown', async () => {
		const environment = farm({ readService: async () => Promise.reject(new TypeError('undefined is not a function')) });
		await expect(probe(environment, { kind: 'deployment', server: 'fe01' })).rejects.toThrow(TypeError);
	});

	it('deployment: RTCSRV installed is done, not installed is not done', async () => {
		expect(await probe(farm({ readService: service('Running') }), { kind: 'deployment', server: 'fe01' })).toMatchObject({ state: 'done', value: 'Running' });
		expect(await probe(farm({ readService: service('NotInstalled') }), { kind: 'deployment', server: 'fe01' })).toMatchObject({
			state: 'not-done',
			evidence: "Get-CsWindowsService -Name 'RTCSRV' -ComputerName 'fe01': RTCSRV is not installed (the pool was defined but never deployed)",
		});
	});

	it('LYNCBACKUP running: Running is done; a crash with its event is not done and broken; a state it does not know is unknown', async () => {
		const running = (read: Environment['readService']) => probe(farm({ readService: read }), { kind: 'backup-service-running', server: 'fe01' });
		expect((await running(service('Running'))).state).toBe('done');
		expect(await running(service('StartPending'))).toMatchObject({ state: 'not-done', value: 'StartPending' });
		expect(await running(service('Stopped', 'Event 4007'))).toMatchObject({ state: 'not-done', broken: true, evidence: expect.stringContaining('Stopped: Event 4007') });
		expect(await running(service('Unknown'))).toMatchObject({ state: 'unknown', reason: 'unexpected-output' });
	});

	it('pairing: the partner named is done; nothing named is not done; another pool is not done and broken', async () => {
		const pairing = (named: string | undefined) => probe(farm({ readPairing: async () => named }), { kind: 'pairing', pool: 'a.contoso.com', partner: 'b.contoso.com' });
		expect(await pairing('B.contoso.com')).toMatchObject({ state: 'done' });
		expect(await pairing(undefined)).toMatchObject({ state: 'not-done', evidence: expect.stringMatching(/: no backup pool$/) });
		expect(await pairing('c.contoso.com')).toMatchObject({ state: 'not-done', broken: true, evidence: expect.stringMatching(/backup pool c\.contoso\.com, not b\.contoso\.com$/) });
	});

	it('sync: steady is done, waiting is not done, ErrorState is broken', async () => {
		const sync = (exportStatus: string) =>
			probe(
				farm({ readBackupStatus: async (pool) => ({ pool, modules: [{ identity: 'UserServices.PresenceFocus', exportStatus, importStatus: 'NormalState' }] }) }),
				{ kind: 'sync', pool: 'a.contoso.com', hostsCentralManagementStore: false },
			);
		expect((await sync('FinalState')).state).toBe('done');
		expect(await sync('NonSteadyState')).toMatchObject({ state: 'not-done', value: 'waiting' });
		expect(await sync('ErrorState')).toMatchObject({ state: 'not-done', value: 'failed', broken: true });
	});

	it('the CU level keeps what the farm returned when it cannot tell', async () => {
		const environment = farm({ readComponentVersions: async () => ({ components: [], source: 'registry', raw: '[]' }) });
		expect(await probe(environment, { kind: 'cumulative-update', server: 'fe01' })).toMatchObject({ state: 'unknown', raw: '[]' });
	});
});

describe('replication', () => {
	const command = "Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'fe01'";
	it('is done when up to date and, given the publish time, last updated after it', () => {
		expect(judgeReplication({ upToDate: true, lastUpdateCreation: '2026-11-30T10:00:05Z', raw: '' }, command, '2026-11-30T10:00:00Z')).toMatchObject({ state: 'done' });
		expect(judgeReplication({ upToDate: true, raw: '' }, command)).toMatchObject({ state: 'done' });
	});

	it('is not done when not up to date, or holding only an update older than the publish', () => {
		expect(judgeReplication({ upToDate: false, lastUpdateCreation: '2026-11-30T09:00:00Z', raw: '' }, command)).toMatchObject({
			state: 'not-done',
			evidence: `${command}: UpToDate False, LastUpdateCreation 2026-11-30T09:00:00Z`,
		});
		expect(judgeReplication({ upToDate: true, lastUpdateCreation: '2026-11-30T09:00:00Z', raw: '' }, command, '2026-11-30T10:00:00Z').state).toBe('not-done');
	});

	it("allows the skew Kerberos tolerates between the Central Management store's clock and this machine's, and no more", () => {
		expect(judgeReplication({ upToDate: true, lastUpdateCreation: '2026-11-30T09:56:00Z', raw: '' }, command, '2026-11-30T10:00:00Z').state).toBe('done');
		expect(judgeReplication({ upToDate: true, lastUpdateCreation: '2026-11-30T09:54:59Z', raw: '' }, command, '2026-11-30T10:00:00Z').state).toBe('not-done');
	});

	it('cannot tell against a publish time without a readable LastUpdateCreation', () => {
		expect(judgeReplication({ upToDate: true, lastUpdateCreation: 'yesterday', raw: 'r' }, command, '2026-11-30T10:00:00Z')).toMatchObject({ state: 'unknown', raw: 'r' });
	});
});

describe('the standby Central Management store', () => {
	const backEnd = { sqlServer: 'sql-dub.contoso.com', instance: 'rtc' };
	const request = { kind: 'standby-store', partner: 'pool-dub.contoso.com', partnerBackEnd: backEnd } as const;
	const database = (sqlServer: string, instance?: string) => ({ identity: `CentralMgmtStore:${sqlServer}`, sqlServer, ...(instance ? { instance } : {}), raw: '{}' });
	const both = async () => [database('sql-red.contoso.com'), database('SQL-DUB.contoso.com', 'rtc')];
	const tested = (succeeded: boolean | undefined) => async () => ({ succeeded, detail: 'DatabaseName xds', raw: 'test raw' });

	it('is done with two databases, one on the partner back end, and that one passing Test-CsDatabase', async () => {
		const testing = vi.fn(tested(true));
		const observation = await probe(farm({ readCentralManagementDatabases: both, testCentralManagementDatabase: testing }), request);
		expect(observation).toEqual({
			state: 'done',
			value: 'standby',
			evidence:
				'Get-CsService -CentralManagementDatabase: 2 Central Management databases (sql-red.contoso.com, SQL-DUB.contoso.com); ' +
				"Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn 'sql-dub.contoso.com' -SqlInstanceName 'rtc': Succeed True",
		});
		expect(testing).toHaveBeenCalledWith('sql-dub.contoso.com', 'rtc');
	});

	it('is not done when only the active database exists, or none is on the partner back end, naming where it belongs', async () => {
		const one = await probe(farm({ readCentralManagementDatabases: async () => [database('sql-red.contoso.com')] }), request);
		expect(one).toEqual({
			state: 'not-done',
			value: 'no standby',
			evidence:
				'Get-CsService -CentralManagementDatabase: 1 Central Management database (sql-red.contoso.com), none on sql-dub.contoso.com, the back end of pool-dub.contoso.com',
		});
		const elsewhere = await probe(farm({ readCentralManagementDatabases: async () => [database('sql-red.contoso.com'), database('sql-other.contoso.com')] }), request);
		expect(elsewhere).toMatchObject({ state: 'not-done', value: 'no standby' });
	});

	it('is not done, and broken, when the standby fails its test', async () => {
		expect(await probe(farm({ readCentralManagementDatabases: both, testCentralManagementDatabase: tested(false) }), request)).toMatchObject({
			state: 'not-done',
			broken: true,
			evidence: "Test-CsDatabase -CentralManagementDatabase -SqlServerFqdn 'sql-dub.contoso.com' -SqlInstanceName 'rtc': Succeed False (DatabaseName xds)",
		});
	});

	it('never says no when it cannot tell: an error, an unreadable test result, or a back end the topology does not name', async () => {
		const denied = farm({
			readCentralManagementDatabases: async () => {
				throw new EnvironmentError('access-denied', 'Access is denied', 'raw denied');
			},
		});
		expect(await probe(denied, request)).toEqual({
			state: 'unknown',
			reason: 'access-denied',
			evidence: 'Get-CsService -CentralManagementDatabase: Access is denied',
			raw: 'raw denied',
		});
		const testFails = farm({
			readCentralManagementDatabases: both,
			testCentralManagementDatabase: async () => {
				throw new EnvironmentError('unreachable', 'cannot reach SQL', 'raw sql');
			},
		});
		expect(await probe(testFails, request)).toMatchObject({ state: 'unknown', reason: 'unreachable', raw: 'raw sql' });
		expect(await probe(farm({ readCentralManagementDatabases: both, testCentralManagementDatabase: tested(undefined) }), request)).toMatchObject({
			state: 'unknown',
			reason: 'unexpected-output',
			raw: 'test raw',
		});
		expect(await probe(farm({}), { ...request, partnerBackEnd: undefined })).toMatchObject({ state: 'unknown', reason: 'unexpected-output' });
	});
});
