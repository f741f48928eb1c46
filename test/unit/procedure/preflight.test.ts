import { describe, expect, it } from 'vitest';
import { parseAccount, parseFabric, parseSetupPermission } from '../../../source/environments/powershell/preflight-outputs.js';
import { hostOfShare, parentOf } from '../../../source/operations/preflight.js';
import { judgeAccount, judgePool, platformOf, type PoolReadings } from '../../../source/procedure/preflight.js';
import type { AccountFacts } from '../../../source/environments/port.js';

const DOMAIN = 'S-1-5-21-1004336348-1177238915-682003330';
const group = (name: string, sid: string, attributes = 'Mandatory group, Enabled by default, Enabled group') => ({ name, sid, attributes });
const token = (...groups: ReturnType<typeof group>[]) => ({ user: 'contoso\\alice', groups, exitCode: 0 });

describe('the account, as whoami /groups shows its token', () => {
	it('counts Domain Admins by SID, whatever the language, and also where the token holds it for deny only (not elevated)', () => {
		const account = parseAccount(
			token(
				group('CONTOSO\\Domänen-Admins', `${DOMAIN}-512`, 'Group used for deny only'),
				group('CONTOSO\\rtcuniversalserveradmins', `${DOMAIN}-1121`),
				group('Verbindliche Beschriftung\\Mittlere Verbindlichkeitsstufe', 'S-1-16-8192', ''),
			),
		);
		expect(account).toEqual({ user: 'contoso\\alice', rtcUniversalServerAdmins: true, domainAdmins: true, elevated: false, groupCount: 2 });
	});

	it('is elevated at the High (or System) integrity level, and unknown (null) when the token names no level', () => {
		expect(parseAccount(token(group('Mandatory Label\\High Mandatory Level', 'S-1-16-12288', ''))).elevated).toBe(true);
		expect(parseAccount(token(group('Everyone', 'S-1-1-0'))).elevated).toBeNull();
		expect(parseAccount(token(group('CONTOSO\\RTCUniversalServerAdminsOld', `${DOMAIN}-1200`))).rtcUniversalServerAdmins).toBe(false);
	});

	it('refuses an answer that is not a token, rather than reading it as "no groups"', () => {
		expect(() => parseAccount({ user: 'x', groups: [] })).toThrow(/unexpected shape/);
		expect(() => parseAccount('access denied')).toThrow(/unexpected shape/);
	});

	it('judges an account that is no Domain Admin by Test-CsSetupPermission for the Front Ends\' OU', () => {
		const facts: AccountFacts = { user: 'contoso\\alice', rtcUniversalServerAdmins: true, domainAdmins: false, elevated: true, groupCount: 9 };
		const rights = (setupPermission: Parameters<typeof judgeAccount>[0]['setupPermission']) =>
			judgeAccount({ account: { ok: true, value: facts }, setupPermission }).find((check) => check.id === 'topology-rights');
		expect(rights({ ou: 'OU=Skype,DC=contoso,DC=com', granted: { ok: true, value: true } })).toMatchObject({ status: 'ok', evidence: expect.stringContaining("Test-CsSetupPermission -ComputerOU 'OU=Skype,DC=contoso,DC=com': True") });
		expect(rights({ ou: 'OU=Skype,DC=contoso,DC=com', granted: { ok: true, value: false } })).toMatchObject({ status: 'blocking' });
		expect(rights({ ou: 'OU=Skype,DC=contoso,DC=com', granted: { ok: false, kind: 'cmdlet-missing', message: 'Test-CsSetupPermission is not available' } })).toMatchObject({ status: 'warning' });
		expect(rights({ ou: null, reason: 'no Front End told its OU' })).toMatchObject({ status: 'warning' });
		expect(parseSetupPermission('Test-CsSetupPermission', ['True'])).toBe(true);
		expect(() => parseSetupPermission('Test-CsSetupPermission', ['Maybe'])).toThrow(/did not answer True or False/);
	});
});

describe('Get-CsPoolFabricState, read tolerantly [unverified shape]', () => {
	it('takes every count of something missing, from objects or host text', () => {
		expect(parseFabric(['Pool Fqdn: pool01', 'Services with missing primary: 0\r\nServices with missing secondaries : 2', 'Total number of services: 48']).missing).toEqual([
			{ what: 'Services with missing primary', count: 0 },
			{ what: 'Services with missing secondaries', count: 2 },
		]);
	});

	it('a pool whose output counts nothing missing is "could not tell", never "none missing"', () => {
		const pool: PoolReadings = {
			pool: { fqdn: 'pool01.contoso.com', site: 'S', edition: 'Enterprise', version: 'Skype for Business Server 2015', servers: [], hostsCentralManagementStore: false },
			fabric: { ok: true, value: parseFabric(['Routing group 1: Primary sea-fe01, Secondaries sea-fe02']) },
			servers: [],
		};
		expect(judgePool(pool).find((check) => check.id === 'fabric')).toMatchObject({ status: 'warning', evidence: expect.stringMatching(/no count of missing replicas/) });
	});
});

describe('names the pre-flight works out', () => {
	it('the OU of a computer account, with an escaped comma inside a name', () => {
		expect(parentOf('CN=SEA-FE01,OU=Skype\\, Servers,DC=contoso,DC=com')).toBe('OU=Skype\\, Servers,DC=contoso,DC=com');
		expect(parentOf('CN=A\\,B,OU=X,DC=c')).toBe('OU=X,DC=c');
		expect(parentOf('CN=lonely')).toBeUndefined();
	});

	it('the host of a file share', () => {
		expect(hostOfShare('\\\\fs01.contoso.com\\SfBShare')).toBe('fs01.contoso.com');
		expect(hostOfShare('fs01')).toBeUndefined();
	});

	it('physical or virtual from CIM\'s maker and model', () => {
		expect(platformOf({ manufacturer: 'VMware, Inc.', model: 'VMware7,1' })).toBe('virtual');
		expect(platformOf({ manufacturer: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)' })).toBe('virtual');
		expect(platformOf({ manufacturer: 'Microsoft Corporation', model: 'Virtual Machine' })).toBe('virtual');
		expect(platformOf({ manufacturer: 'HPE', model: 'ProLiant DL380 Gen10' })).toBe('physical');
		expect(platformOf({ manufacturer: '', model: '' })).toBe('');
	});
});
