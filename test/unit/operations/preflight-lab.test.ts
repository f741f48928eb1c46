import { describe, expect, it } from 'vitest';
import { doctorCommand } from '../../../source/cli/commands/doctor.js';
import { ManualClock } from '../../../source/environments/lab/clock.js';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { parseScenario, type ScenarioInput } from '../../../source/environments/lab/scenario.js';
import { EnvironmentError } from '../../../source/environments/port.js';
import type { Check } from '../../../source/procedure/preflight.js';
import { DEFAULT_VOICE } from '../../../source/sfb/voice-resiliency.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';

const AMS = 'pool-ams.fabrikam.com';
const FRA = 'pool-fra.fabrikam.com';

const stateDir = useTemporaryStateDir('sfb-pair-doctor-');

type Pool = NonNullable<ScenarioInput['pools']>[number];
const pool = (fqdn: string, site: string, prefix: string, extra: Partial<Pool> = {}): Pool => ({
	fqdn,
	site,
	edition: 'Enterprise',
	version: 'Skype for Business Server 2019',
	servers: [1, 2, 3].map((number) => `${prefix}-fe0${number}.fabrikam.com`),
	platform: 'physical',
	operatingSystem: 'Windows Server 2019',
	cumulativeUpdate: 'CU8',
	...extra,
});

/** The Fabrikam pair of enterprise-happy, with the test's faults or pool changes; doctor run on it as the CLI runs it. */
async function doctor(
	extra: Omit<ScenarioInput, 'name' | 'description'> = {},
	pair: { pool?: string; backup?: string } = { pool: AMS, backup: FRA },
	before: (lab: LabEnvironment) => Promise<void> = async () => undefined,
) {
	const scenario = parseScenario(
		{
			name: 'doctor',
			seed: 20261130,
			description: 'the pair under the pre-flight',
			sites: [
				{ id: '1', name: 'Amsterdam' },
				{ id: '2', name: 'Frankfurt' },
			],
			pools: [pool(AMS, 'Amsterdam', 'ams', { hostsCentralManagementStore: true }), pool(FRA, 'Frankfurt', 'fra')],
			...extra,
		},
		'doctor.json',
	);
	const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, clock: new ManualClock({ start: Date.parse('2026-11-30T09:00:00Z') }), timeScale: 1 });
	await before(lab);
	const lines: string[] = [];
	const code = await doctorCommand(lab, { json: true, ...pair }, (text) => lines.push(text));
	const output = JSON.parse(lines.join('\n')) as { exitCode: number; checks: Check[]; counts: Record<string, number> };
	expect(output.exitCode).toBe(code);
	const failing = output.checks.filter((check) => check.status !== 'ok');
	return { code, checks: output.checks, failing };
}

describe('sfb-pair doctor on the lab', () => {
	it('passes a healthy pair: every check ok, exit 0, WinRM timed per server', async () => {
		const { code, checks, failing } = await doctor();
		expect(failing).toEqual([]);
		expect(code).toBe(0);
		const winrm = checks.filter((check) => check.id === 'winrm');
		expect(winrm.map((check) => check.subject)).toEqual(['ams-fe01', 'ams-fe02', 'ams-fe03', 'fra-fe01', 'fra-fe02', 'fra-fe03'].map((name) => `${name}.fabrikam.com`));
		for (const check of winrm) expect(check.evidence).toMatch(/answered in \d+ ms/);
		expect(new Set(checks.map((check) => check.id))).toEqual(
			new Set(['rtc-admins', 'topology-rights', 'elevated', 'winrm', 'double-hop', 'smb', 'front-ends-running', 'fabric', 'replication', 'cumulative-update', 'operating-system', 'platform']),
		);
	});

	it.each([
		[{ type: 'not-rtc-admin' }, 'rtc-admins', 'blocking', /RTCUniversalServerAdmins/],
		[{ type: 'not-elevated' }, 'elevated', 'blocking', /Run as administrator/],
		[{ type: 'no-setup-rights' }, 'topology-rights', 'blocking', /Grant-CsSetupPermission/],
		[{ type: 'smb-blocked', server: 'ams-fe03.fabrikam.com' }, 'smb', 'blocking', /allow TCP 445 from ams-fe03\.fabrikam\.com to pool-fra-fs\.fabrikam\.com/],
		[{ type: 'double-hop-denied', server: 'ams-fe01.fabrikam.com' }, 'double-hop', 'warning', /CredSSP/],
		[{ type: 'fabric-missing-replicas', pool: FRA, count: 2 }, 'fabric', 'blocking', /pair once none is missing/],
		[{ type: 'front-end-stopped', server: 'ams-fe02.fabrikam.com' }, 'front-ends-running', 'blocking', /start the Front End service on ams-fe02\.fabrikam\.com/],
		[{ type: 'replica-behind', server: 'fra-fe01.fabrikam.com', seconds: 600, pushIgnored: false }, 'replication', 'blocking', /Invoke-CsManagementStoreReplication -ReplicaFqdn 'fra-fe01\.fabrikam\.com'/],
	] as const)('fault %j: check %s is %s, with what to do', async (fault, id, status, action) => {
		// A replica lags behind a publish: for that fault the pairing has just been published.
		const publish = async (lab: LabEnvironment) => {
			if (fault.type === 'replica-behind') await lab.writePairing({ pool: AMS, backup: FRA, voice: DEFAULT_VOICE });
		};
		const { code, failing } = await doctor({ faults: [fault] }, undefined, publish);
		expect(failing.map((check) => [check.id, check.status])).toEqual([[id, status]]);
		expect(failing[0]?.action).toMatch(action);
		expect(code).toBe(status === 'blocking' ? 1 : 0);
	});

	it('blocks on a Front End WinRM cannot reach, and says what it could not read there instead of guessing', async () => {
		const { code, failing } = await doctor({ faults: [{ type: 'unreachable', server: 'fra-fe02.fabrikam.com', during: 'preflight' }] });
		expect(failing.filter((check) => check.status === 'blocking')).toEqual([
			expect.objectContaining({ id: 'winrm', subject: 'fra-fe02.fabrikam.com', action: expect.stringMatching(/WinRM \(TCP 5985\)/) }),
		]);
		for (const check of failing.filter((each) => each.status === 'warning')) expect(check.evidence).toMatch(/could not be asked|not read on fra-fe02/);
		expect(code).toBe(1);
	});

	it('refuses a Lync Server 2010 pool (blocking), never merely warns', async () => {
		const { code, failing } = await doctor({ pools: [pool(AMS, 'Amsterdam', 'ams', { hostsCentralManagementStore: true }), pool(FRA, 'Frankfurt', 'fra', { version: 'Lync Server 2010' })] });
		expect(failing).toEqual([expect.objectContaining({ id: 'product-version', subject: FRA, status: 'blocking', evidence: expect.stringMatching(/Lync Server 2010.*no Backup Service/) })]);
		expect(code).toBe(1);
	});

	it.each([
		['operating-system', { operatingSystem: 'Windows Server 2016' }, /Windows Server 2016 Datacenter on fra-fe01, fra-fe02, fra-fe03/],
		['platform', { platform: 'virtual' }, /virtual \(Microsoft Corporation Virtual Machine\) on fra-fe01/],
		['cumulative-update', { cumulativeUpdate: 'CU6' }, /on fra-fe01, fra-fe02, fra-fe03/],
	] as const)('blocks a pair whose %s differs', async (id, change, evidence) => {
		const { code, failing } = await doctor({ pools: [pool(AMS, 'Amsterdam', 'ams', { hostsCentralManagementStore: true }), pool(FRA, 'Frankfurt', 'fra', change)] });
		expect(failing).toEqual([expect.objectContaining({ id, status: 'blocking', subject: `${AMS} ↔ ${FRA}`, evidence: expect.stringMatching(evidence) })]);
		expect(code).toBe(1);
	});

	it('on a narrow terminal: no line wider than it, a passed check on one line, a failed one with its evidence, and no escape code from the farm', async () => {
		const scenario = parseScenario({ extends: 'enterprise-happy', name: 'narrow', description: 'narrow terminal', faults: [{ type: 'smb-blocked', server: 'fra-fe02.fabrikam.com' }] }, 'narrow.json');
		const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: 1 });
		const hostile = Object.create(lab) as LabEnvironment;
		hostile.probeServer = async (server, request) => {
			if (server === 'ams-fe02.fabrikam.com') throw new EnvironmentError('failed', `WinRM said \u001b[31mred\u001b[0m and \u0007 on ${server}`);
			return lab.probeServer(server, request);
		};
		const lines: string[] = [];
		expect(await doctorCommand(hostile, { json: false, verbose: true, pool: AMS, backup: FRA }, (text) => lines.push(text), 60)).toBe(1);
		for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60);
		// eslint-disable-next-line no-control-regex -- looking for the control characters themselves
		expect(lines.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
		expect(lines).toContain('ok · WinRM · ams-fe01.fabrikam.com');
		const smb = lines.indexOf('BLOCKING · SMB to partner file store · fra-fe02.fabrikam.com');
		expect(lines[smb + 1]).toMatch(/^ {4}Test-NetConnection -ComputerName/);
		expect(lines.join(' ')).toMatch(/WinRM said .*red.* on ams-fe02/);
	});

	it('counts the checks that passed on one line unless --verbose, and lists each that did not, blocking first', async () => {
		const scenario = parseScenario({ extends: 'enterprise-happy', name: 'counted', description: 'counted', faults: [{ type: 'double-hop-denied', server: 'ams-fe01.fabrikam.com' }, { type: 'smb-blocked', server: 'fra-fe02.fabrikam.com' }] }, 'counted.json');
		const lab = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: 1 });
		const lines: string[] = [];
		expect(await doctorCommand(lab, { json: false, pool: AMS, backup: FRA }, (text) => lines.push(text))).toBe(1);
		const table = lines.slice(lines.findIndex((line) => line.startsWith('STATE')) + 1, lines.findIndex((line) => line.startsWith('and ')));
		expect(table.map((line) => line.split(/\s{2,}/).slice(0, 3))).toEqual([
			['BLOCKING', 'SMB to partner file store', 'fra-fe02.fabrikam.com'],
			['WARNING', 'Kerberos double hop', 'ams-fe01.fabrikam.com'],
		]);
		expect(lines).toContain('and 32 checks ok (--verbose lists them)');
		const verbose: string[] = [];
		await doctorCommand(lab, { json: false, verbose: true, pool: AMS, backup: FRA }, (text) => verbose.push(text));
		expect(verbose.filter((line) => /^ok\b/.test(line))).toHaveLength(32);
		expect(lines.some((line) => /^ok\b/.test(line))).toBe(false);
	});

	it('without --pool and --backup checks every pool, and compares the published pairs', async () => {
		const { checks } = await doctor({ pairings: [{ pool: AMS, backup: FRA }], faults: [{ type: 'smb-blocked', server: 'fra-fe01.fabrikam.com' }] }, {});
		expect(checks.filter((check) => check.id === 'smb' && check.status === 'blocking').map((check) => check.subject)).toEqual(['fra-fe01.fabrikam.com']);
		expect(checks.filter((check) => check.id === 'platform').map((check) => check.subject)).toEqual([`${AMS} ↔ ${FRA}`]);
	});
});
