import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../source/environments/port.js';
import {
	parseCmsDatabases,
	parseDatabaseCheck,
	asList,
	classifyFailure,
	parseBackupRelationship,
	parseBackupStatus,
	parseBootstrapperRun,
	parseComponents,
	parseEnvelope,
	parseRegistrars,
	parseReplication,
	parseServiceStatus,
	type PowerShellFailure,
} from '../../../source/environments/powershell/outputs.js';

function thrown(run: () => unknown): EnvironmentError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(EnvironmentError);
		return error as EnvironmentError;
	}
	throw new Error('expected an EnvironmentError');
}

const registrar = (backup: unknown) => ({
	'#text': 'Registrar:pool01.contoso.com',
	Identity: 'Registrar:pool01.contoso.com',
	PoolFqdn: 'pool01.contoso.com',
	BackupRegistrar: backup,
});

describe('Registrar read-back (BackupRegistrar is [unverified])', () => {
	it('reads the backup pool from a "Registrar:<fqdn>" string', () => {
		expect(parseRegistrars([registrar('Registrar:pool02.contoso.com')])).toEqual([{ pool: 'pool01.contoso.com', backup: 'pool02.contoso.com' }]);
	});

	it('reads it from a bare FQDN or from an object that names the pool', () => {
		expect(parseRegistrars([registrar('pool02.contoso.com')])[0]?.backup).toBe('pool02.contoso.com');
		expect(parseRegistrars([registrar({ '#text': '@{SiteId=1}', PoolFqdn: 'pool02.contoso.com' })])[0]?.backup).toBe('pool02.contoso.com');
		expect(parseRegistrars([registrar({ '#text': 'Registrar:pool02.contoso.com', Instance: '1' })])[0]?.backup).toBe('pool02.contoso.com');
	});

	it('reads an empty or absent BackupRegistrar as unpaired', () => {
		expect(parseRegistrars([registrar(null), registrar('')])).toEqual([{ pool: 'pool01.contoso.com' }, { pool: 'pool01.contoso.com' }]);
	});

	it('takes the pool from Identity when PoolFqdn is absent', () => {
		expect(parseRegistrars([{ Identity: 'Registrar:dir01.contoso.com', BackupRegistrar: null }])).toEqual([{ pool: 'dir01.contoso.com' }]);
	});

	it('takes a missing BackupRegistrar property as could-not-tell, never as unpaired', () => {
		const error = thrown(() => parseRegistrars([{ Identity: 'Registrar:pool01.contoso.com', PoolFqdn: 'pool01.contoso.com' }]));
		expect(error.kind).toBe('unexpected-output');
		expect(error.message).toBe('The Registrar of pool01.contoso.com has no BackupRegistrar property, so whether it is paired cannot be told');
	});

	it('refuses a BackupRegistrar that names no pool, keeping the raw record', () => {
		const error = thrown(() => parseRegistrars([registrar({ '#text': 'Microsoft.Rtc.Management.Something', Kind: 'x' })]));
		expect(error.kind).toBe('unexpected-output');
		expect(error.message).toBe('The BackupRegistrar of pool01.contoso.com does not name a pool');
		expect(error.rawOutput).toContain('Microsoft.Rtc.Management.Something');
	});

	it('refuses a Registrar record that names no pool', () => {
		expect(thrown(() => parseRegistrars(['just text'])).kind).toBe('unexpected-output');
		expect(thrown(() => parseRegistrars([{ Role: 'Registrar' }])).message).toBe('A Registrar from Get-CsService -Registrar names no pool');
	});
});

describe('Get-CsPoolBackupRelationship (property names are [unverified])', () => {
	const pool = 'pool01.contoso.com';

	it('accepts a bare FQDN, or an object with a property whose name mentions the backup', () => {
		expect(parseBackupRelationship(pool, ['pool02.contoso.com'])).toBe('pool02.contoso.com');
		expect(parseBackupRelationship(pool, [{ PoolFqdn: pool, BackupPoolFqdn: 'pool02.contoso.com' }])).toBe('pool02.contoso.com');
		expect(parseBackupRelationship(pool, [{ PoolFqdn: pool, BackupFqdn: 'UserServer:pool02.contoso.com' }])).toBe('pool02.contoso.com');
		expect(parseBackupRelationship(pool, [{ '#text': 'UserServer:pool02.contoso.com', Pool: pool }])).toBe('pool02.contoso.com');
	});

	it('reads no output as no relationship', () => {
		expect(parseBackupRelationship(pool, [])).toBeUndefined();
		expect(parseBackupRelationship(pool, [''])).toBeUndefined();
	});

	it('refuses an answer that names no backup pool, rather than guessing', () => {
		const error = thrown(() => parseBackupRelationship(pool, [{ '#text': '@{Relationship=Pair-7}', Relationship: 'Pair-7' }]));
		expect(error.kind).toBe('unexpected-output');
		expect(error.rawOutput).toContain('Pair-7');
		expect(thrown(() => parseBackupRelationship(pool, [{ '#text': `UserServer:${pool}`, PoolFqdn: pool }])).kind).toBe('unexpected-output');
		expect(thrown(() => parseBackupRelationship(pool, [{ '#text': 'Microsoft.Rtc.Management.PoolRelationship' }])).kind).toBe('unexpected-output');
	});
});

describe('Get-CsBackupServiceStatus', () => {
	const modules = [
		{ '#text': 'x', Identity: 'UserServices.PresenceFocus', ExportStatus: 'FinalState', ImportStatus: 'NormalState' },
		{ '#text': 'x', Identity: 'CentralMgmt.CMSMaster', ExportStatus: 'NotInitialized', ImportStatus: 'NormalState' },
	];
	const expected = [
		{ identity: 'UserServices.PresenceFocus', exportStatus: 'FinalState', importStatus: 'NormalState' },
		{ identity: 'CentralMgmt.CMSMaster', exportStatus: 'NotInitialized', importStatus: 'NormalState' },
	];

	it('reads the modules under .BackupModules and the backup pool', () => {
		const status = parseBackupStatus('pool01.contoso.com', [{ PoolFqdn: 'pool01.contoso.com', BackupPoolFqdn: 'pool02.contoso.com', BackupModules: modules }]);
		expect(status).toEqual({ pool: 'pool01.contoso.com', backupPool: 'pool02.contoso.com', modules: expected });
	});

	it('reads module records emitted directly, and states that arrive as objects with their text', () => {
		expect(parseBackupStatus('p.contoso.com', modules).modules).toEqual(expected);
		const asObjects = [{ Identity: { '#text': 'ConfServices.DataConf' }, ExportStatus: { '#text': 'SteadyState', value__: '1' }, ImportStatus: 'NormalState' }];
		expect(parseBackupStatus('p.contoso.com', asObjects).modules).toEqual([
			{ identity: 'ConfServices.DataConf', exportStatus: 'SteadyState', importStatus: 'NormalState' },
		]);
	});

	it('reads a single module list (one object, not an array) and no output as no modules yet', () => {
		expect(parseBackupStatus('p.contoso.com', [{ BackupModules: modules[0] }]).modules).toEqual([expected[0]]);
		expect(parseBackupStatus('p.contoso.com', [])).toEqual({ pool: 'p.contoso.com', modules: [] });
	});

	it('refuses output with neither modules nor module statuses', () => {
		const error = thrown(() => parseBackupStatus('p.contoso.com', [{ OverallExportStatus: 'FinalState' }]));
		expect(error.kind).toBe('unexpected-output');
		expect(error.message).toBe("Get-CsBackupServiceStatus -PoolFqdn 'p.contoso.com' returned neither BackupModules nor module statuses");
		expect(error.rawOutput).toContain('OverallExportStatus');
		expect(thrown(() => parseBackupStatus('p.contoso.com', [{ BackupModules: [{ Identity: 'x' }] }])).kind).toBe('unexpected-output');
	});
});

describe('replica status (UpToDate and LastUpdateCreation are the documented properties)', () => {
	it('reads UpToDate as a boolean or its text, and keeps the rest raw', () => {
		expect(parseReplication('fe01', { upToDate: true, lastUpdateCreation: '2026-11-30T10:00:00.0000000Z', record: { Extra: 1 } })).toEqual({
			upToDate: true,
			lastUpdateCreation: '2026-11-30T10:00:00.0000000Z',
			raw: '{"upToDate":true,"lastUpdateCreation":"2026-11-30T10:00:00.0000000Z","record":{"Extra":1}}',
		});
		expect(parseReplication('fe01', [{ upToDate: 'False', lastUpdateCreation: null, record: {} }])).toMatchObject({ upToDate: false });
	});

	it('cannot tell from no replica, several, or an UpToDate it cannot read', () => {
		expect(thrown(() => parseReplication('fe01', [])).message).toBe("Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'fe01' returned no replica");
		expect(thrown(() => parseReplication('fe01', [{ upToDate: true, record: {} }, { upToDate: true, record: {} }])).kind).toBe('unexpected-output');
		expect(thrown(() => parseReplication('fe01', { upToDate: 'maybe', record: {} })).message).toMatch(/no readable UpToDate$/);
	});
});

describe('Central Management databases and Test-CsDatabase (shapes are [unverified])', () => {
	it('reads the SQL Server from PoolFqdn or the CentralMgmtStore identity, and the instance where given', () => {
		expect(
			parseCmsDatabases([
				{ '#text': 'CentralMgmtStore:sql01.contoso.com', PoolFqdn: 'sql01.contoso.com', SqlInstanceName: 'SFBBE' },
				{ '#text': 'CentralMgmtStore:sql02.contoso.com', Identity: 'CentralMgmtStore:sql02.contoso.com' },
			]).map(({ raw: _raw, ...database }) => database),
		).toEqual([
			{ identity: 'CentralMgmtStore:sql01.contoso.com', sqlServer: 'sql01.contoso.com', instance: 'SFBBE' },
			{ identity: 'CentralMgmtStore:sql02.contoso.com', sqlServer: 'sql02.contoso.com' },
		]);
		expect(parseCmsDatabases(null)).toEqual([]);
	});

	it('refuses a database that names no SQL Server, rather than count one fewer', () => {
		expect(() => parseCmsDatabases([{ '#text': 'Microsoft.Rtc.Management.Xds.Service', Role: 'CentralMgmtStore' }])).toThrow(EnvironmentError);
	});

	it('Test-CsDatabase: Succeed True or False counts; no result, or a Succeed it cannot read, is undefined: nobody can tell', () => {
		expect(parseDatabaseCheck({ Succeed: true, DatabaseName: 'xds', InstalledVersion: '10.13.2', ExpectedVersion: '10.13.2' })).toMatchObject({
			succeeded: true,
			detail: 'DatabaseName xds, InstalledVersion 10.13.2, ExpectedVersion 10.13.2',
		});
		expect(parseDatabaseCheck([{ Succeed: 'True', DatabaseName: 'xds' }, { Succeed: 'False', DatabaseName: 'xds' }]).succeeded).toBe(false);
		expect(parseDatabaseCheck([]).succeeded).toBeUndefined();
		expect(parseDatabaseCheck({ Result: 'Success' }).succeeded).toBeUndefined();
		expect(parseDatabaseCheck({ Succeed: 'maybe' }).succeeded).toBeUndefined();
	});
});

describe('component versions', () => {
	it('takes the versions and where they came from', () => {
		expect(parseComponents('fe01', { source: 'Get-CsServerPatchVersion', components: [{ name: 'Core Components', version: '6.0.9319.534' }] })).toEqual({
			source: 'Get-CsServerPatchVersion',
			components: [{ name: 'Core Components', version: '6.0.9319.534' }],
		});
	});

	it('refuses another shape, naming the command', () => {
		expect(thrown(() => parseComponents('fe01', [])).message).toBe("Invoke-Command -ComputerName 'fe01' { Get-CsServerPatchVersion } came back in an unexpected shape");
		expect(thrown(() => parseComponents('fe01', { source: 'x', components: [{ name: 'a' }] })).kind).toBe('unexpected-output');
	});
});

describe('service status', () => {
	it('maps the Status text, a missing service and anything else', () => {
		expect(parseServiceStatus('fe', 'RTCSRV', { installed: true, status: 'Running' })).toEqual({ state: 'Running' });
		expect(parseServiceStatus('fe', 'RTCSRV', { installed: true, status: 'StopPending' })).toEqual({ state: 'StopPending' });
		expect(parseServiceStatus('fe', 'RTCSRV', { installed: true, status: 'Paused' })).toEqual({ state: 'Unknown' });
		expect(parseServiceStatus('fe', 'LYNCBACKUP', { installed: false })).toEqual({ state: 'NotInstalled' });
	});

	it('explains a stopped Backup Service with its Event 4007 and what to do', () => {
		const status = parseServiceStatus('fe01.contoso.com', 'LYNCBACKUP', {
			installed: true,
			status: 'Stopped',
			crash: { time: '2024-05-01 10:00:00', message: 'LyncBackupService.exe stopped unexpectedly.\r\nException: System.NullReferenceException' },
		});
		expect(status).toEqual({
			state: 'Stopped',
			detail: 'Event 4007 (LS Backup Service) at 2024-05-01 10:00:00: LyncBackupService.exe stopped unexpectedly. Re-apply the Cumulative Update on fe01.contoso.com.',
		});
	});

	it('refuses an answer in another shape', () => {
		expect(thrown(() => parseServiceStatus('fe', 'RTCSRV', { status: 'Running' })).kind).toBe('unexpected-output');
	});
});

describe('envelopes and small shapes', () => {
	it('accepts a success with or without a value, and a failure with its error record', () => {
		expect(parseEnvelope({ ok: true, value: 3 }, '')).toEqual({ ok: true, value: 3 });
		expect(parseEnvelope({ ok: true }, '')).toEqual({ ok: true });
		const error = { message: 'm', exceptionTypes: [], exceptionMessages: [], errorId: '', category: '', target: '', command: '' };
		expect(parseEnvelope({ ok: false, error }, '')).toEqual({ ok: false, error });
	});

	it('refuses anything else, keeping the raw output', () => {
		const error = thrown(() => parseEnvelope({ ok: false }, 'raw text'));
		expect(error.kind).toBe('unexpected-output');
		expect(error.rawOutput).toBe('raw text');
	});

	it('reads the Bootstrapper outcome and refuses a missing exit code', () => {
		expect(parseBootstrapperRun({ kind: 'exit', exitCode: 3010, path: 'D:\\x' })).toEqual({ kind: 'exit', exitCode: 3010, path: 'D:\\x' });
		expect(thrown(() => parseBootstrapperRun({ kind: 'exit', exitCode: null, path: 'D:\\x' })).kind).toBe('unexpected-output');
		expect(thrown(() => parseBootstrapperRun({ kind: 'none' })).kind).toBe('unexpected-output');
	});

	it('treats one result as a list of one and nothing as an empty list', () => {
		expect(asList(null)).toEqual([]);
		expect(asList({ a: 1 })).toEqual([{ a: 1 }]);
		expect(asList([1, 2])).toEqual([1, 2]);
	});
});

describe('failures an administrator can act on', () => {
	const base: PowerShellFailure = {
		message: '',
		exceptionTypes: ['System.Exception'],
		exceptionMessages: [''],
		errorId: '',
		category: 'NotSpecified',
		target: '',
		command: '',
	};
	const context = { action: 'Get-CsBackupServiceStatus -PoolFqdn pool01.contoso.com', module: 'SkypeForBusiness' };
	const classify = (failure: Partial<PowerShellFailure>, extra: { server?: string } = {}) =>
		classifyFailure({ ...base, ...failure }, { ...context, ...extra });

	it('names RTCUniversalServerAdmins when access is denied', () => {
		const error = classify({ message: 'Access is denied.', category: 'PermissionDenied', command: 'Get-CsBackupServiceStatus' });
		expect(error.kind).toBe('access-denied');
		expect(error.message).toBe('Access denied running Get-CsBackupServiceStatus: run sfb-pair as a member of RTCUniversalServerAdmins');
		expect(JSON.parse(error.rawOutput ?? '')).toMatchObject({ category: 'PermissionDenied' });
	});

	it('names Domain Admins and Grant-CsSetupPermission for Enable-CsTopology', () => {
		const error = classify({ message: 'Access denied', exceptionTypes: ['System.UnauthorizedAccessException'], command: 'Enable-CsTopology' });
		expect(error.message).toBe(
			'Access denied running Enable-CsTopology: run sfb-pair as a member of RTCUniversalServerAdmins and Domain Admins (or rights delegated with Grant-CsSetupPermission)',
		);
	});

	it('reports WinRM failures as unreachable and refused sessions as access denied', () => {
		const unreachable = classify(
			{ message: 'Connecting to remote server fe01 failed: WinRM cannot complete the operation.', errorId: 'CannotConnect,PSSessionStateBroken', target: 'fe01' },
			{ server: 'fe01.contoso.com' },
		);
		expect(unreachable.kind).toBe('unreachable');
		expect(unreachable.message).toMatch(/^fe01\.contoso\.com cannot be reached over PowerShell remoting \(WinRM\)/);
		const denied = classify({
			message: 'Connecting to remote server fe01 failed: Access is denied.',
			exceptionTypes: ['System.Management.Automation.Remoting.PSRemotingTransportException'],
			errorId: 'AccessDenied,PSSessionStateBroken',
			target: 'fe01',
		});
		expect(denied.kind).toBe('access-denied');
		expect(denied.message).toBe('Access denied opening a remote PowerShell session on fe01: run as a member of RTCUniversalServerAdmins who is a local Administrator on fe01');
	});

	it('reports an RPC failure inside another exception as unreachable, with the reason', () => {
		const error = classify(
			{ message: "Cannot open Service Control Manager on computer 'fe02'.", exceptionMessages: ["Cannot open Service Control Manager on computer 'fe02'.", 'The RPC server is unavailable'] },
			{ server: 'fe02' },
		);
		expect(error.kind).toBe('unreachable');
		expect(error.message).toBe('fe02 cannot be reached (The RPC server is unavailable): check the name, the network and the firewall, then retry this server');
	});

	it('names the missing cmdlet and the module', () => {
		const error = classify({
			message: "The term 'Get-CsPoolBackupRelationship' is not recognized",
			exceptionTypes: ['System.Management.Automation.CommandNotFoundException'],
			errorId: 'CommandNotFoundException',
			target: 'Get-CsPoolBackupRelationship',
		});
		expect(error.kind).toBe('cmdlet-missing');
		expect(error.message).toMatch(/^Get-CsPoolBackupRelationship is not available in the SkypeForBusiness module: /);
	});

	it('reports anything else as failed, with the first line of PowerShell\'s reason', () => {
		const error = classify({ message: '\nPool "x" has no backup pool.\nAt line:1' });
		expect(error.kind).toBe('failed');
		expect(error.message).toBe('Get-CsBackupServiceStatus -PoolFqdn pool01.contoso.com failed: Pool "x" has no backup pool.');
	});
});
