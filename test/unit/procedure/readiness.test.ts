import { describe, expect, it } from 'vitest';
import type { PairPicture, ServerPicture } from '../../../source/procedure/picture.js';
import { judgeEstate, readinessExitCode, type PoolReadiness } from '../../../source/procedure/readiness.js';
import type { BackupModuleStatus } from '../../../source/sfb/backup-status.js';
import type { FrontEndPool, PoolInventory } from '../../../source/sfb/model.js';
import { done, notDone, unknown, type Observation } from '../../../source/sfb/observation.js';
import { frontEndPool } from '../../helpers/pools.js';

const DONE = done('read: done');

const pool = (fqdn: string, site: string, overrides: Partial<FrontEndPool> = {}) => frontEndPool(fqdn, { site, ...overrides });

const RED = pool('red.contoso.com', 'Redmond', { hostsCentralManagementStore: true });
const DUB = pool('dub.contoso.com', 'Dublin');
const PAR = pool('par.contoso.com', 'Paris');
const FRA = pool('fra.contoso.com', 'Frankfurt');
const SEA = pool('sea.contoso.com', 'Redmond');

function inventory(pools: FrontEndPool[], pairs: [FrontEndPool, FrontEndPool][] = []): PoolInventory {
	const pairings: Record<string, string> = {};
	for (const [left, right] of pairs) {
		pairings[left.fqdn] = right.fqdn;
		pairings[right.fqdn] = left.fqdn;
	}
	return { topologySignature: 'sig', pools, pairings, deployed: Object.fromEntries(pools.map((each) => [each.fqdn, true])) };
}

const steadyModules = (host: boolean): BackupModuleStatus[] => [
	{ identity: 'UserServices.PresenceFocus', exportStatus: 'FinalState', importStatus: 'NormalState' },
	{ identity: 'CentralMgmt.CMSMaster', exportStatus: host ? 'SteadyState' : 'NotInitialized', importStatus: 'NormalState' },
];

/** The pair left ↔ right, paired both ways, every server done and the sync steady both ways, unless a test says otherwise. */
function observed(
	left: FrontEndPool,
	right: FrontEndPool,
	overrides: { servers?: Record<string, Partial<Omit<ServerPicture, 'fqdn' | 'pool'>>>; sync?: [Observation, Observation]; pairing?: [Observation, Observation] } = {},
): PairPicture {
	const servers = [left, right].flatMap((member) =>
		member.servers.map((fqdn) => ({ fqdn, pool: member.fqdn, deployment: DONE, bootstrapper: DONE, 'cumulative-update': DONE, 'backup-service': DONE, ...overrides.servers?.[fqdn] })),
	);
	const [forward, reverse] = overrides.pairing ?? [DONE, DONE];
	const [outbound, inbound] = overrides.sync ?? [DONE, DONE];
	return {
		pool: left.fqdn,
		backup: right.fqdn,
		at: Date.parse('2026-11-30T12:00:00Z'),
		pairing: [
			{ pool: left.fqdn, partner: right.fqdn, observation: forward },
			{ pool: right.fqdn, partner: left.fqdn, observation: reverse },
		],
		servers,
		sync: [
			{ pool: left.fqdn, observation: outbound, modules: steadyModules(left.hostsCentralManagementStore) },
			{ pool: right.fqdn, observation: inbound, modules: steadyModules(right.hostsCentralManagementStore) },
		],
	};
}

const NOW = Date.parse('2026-11-30T12:00:05Z');
const byName = (pools: PoolReadiness[], fqdn: string) => pools.find((each) => each.pool === fqdn)!;

describe('the disaster-recovery readiness of an estate', () => {
	it('is ready, exit 0, only when every pool is paired and steady both ways; the CMS has its standby on the partner', () => {
		const estate = judgeEstate(inventory([RED, DUB, PAR, FRA], [[RED, DUB], [PAR, FRA]]), [observed(RED, DUB), observed(PAR, FRA)], NOW);
		expect(estate.pools.map((each) => [each.pool, each.readiness, each.pairedWith])).toEqual([
			[RED.fqdn, 'ready', DUB.fqdn],
			[DUB.fqdn, 'ready', RED.fqdn],
			[PAR.fqdn, 'ready', FRA.fqdn],
			[FRA.fqdn, 'ready', PAR.fqdn],
		]);
		expect(readinessExitCode(estate)).toBe(0);
		const red = byName(estate.pools, RED.fqdn);
		expect(red.sync.outbound).toMatchObject({ from: RED.fqdn, to: DUB.fqdn, state: 'steady', readAt: '2026-11-30T12:00:00.000Z' });
		expect(red.sync.inbound).toMatchObject({ from: DUB.fqdn, to: RED.fqdn, state: 'steady' });
		expect(red.backupService).toEqual({ servers: 2, running: RED.servers, notRunning: [], unknown: [] });
		expect(red.next).toEqual([]);
		expect([red.centralManagementStore, byName(estate.pools, DUB.fqdn).centralManagementStore]).toEqual(['active', 'standby']);
		expect(estate.centralManagementStore).toEqual({ active: RED.fqdn, standby: DUB.fqdn, state: 'steady', evidence: 'CentralMgmt.CMSMaster SteadyState/NormalState' });
	});

	it('with the standby-store probe: a standby database found keeps the pair ready; none is work left on both pools, saying what to do', () => {
		const farm = inventory([RED, DUB, PAR, FRA], [[RED, DUB], [PAR, FRA]]);
		const pictures = [observed(RED, DUB), observed(PAR, FRA)];
		const found = done('Get-CsService -CentralManagementDatabase: 2 Central Management databases; Test-CsDatabase …: Succeed True', 'standby');
		const withStandby = judgeEstate(farm, pictures, NOW, found);
		expect(readinessExitCode(withStandby)).toBe(0);
		expect(withStandby.centralManagementStore).toEqual({ active: RED.fqdn, standby: DUB.fqdn, state: 'steady', evidence: `CentralMgmt.CMSMaster SteadyState/NormalState; ${found.evidence}` });

		const missing = notDone('Get-CsService -CentralManagementDatabase: 1 Central Management database (sql-red), none on sql-dub, the back end of dub', { value: 'no standby' });
		const without = judgeEstate(farm, pictures, NOW, missing);
		expect(without.centralManagementStore).toEqual({ active: RED.fqdn, standby: DUB.fqdn, state: 'no-database', evidence: missing.evidence });
		const red = byName(without.pools, RED.fqdn);
		expect(red.readiness).toBe('work');
		expect(red.next).toEqual([
			{
				action: 'define the standby store',
				detail: `in Topology Builder, publish the pairing of ${RED.fqdn} again with the Central Management store database on the back end of ${DUB.fqdn}; Test-CsDatabase -CentralManagementDatabase then checks it`,
			},
		]);
		expect(red.evidence, 'not done is no "could not tell"').toEqual([]);
		expect(byName(without.pools, DUB.fqdn)).toMatchObject({ readiness: 'work', next: [{ action: `see ${RED.fqdn}` }] });
		expect(byName(without.pools, PAR.fqdn).readiness).toBe('ready');
		expect(readinessExitCode(without)).toBe(3);
	});

	it('with the standby-store probe: a failing standby fails the pair, and one that cannot be told is unknown, never ready', () => {
		const farm = inventory([RED, DUB], [[RED, DUB]]);
		const failing = judgeEstate(farm, [observed(RED, DUB)], NOW, notDone('Test-CsDatabase …: Succeed False', { value: 'failed', broken: true }));
		expect(failing.centralManagementStore.state).toBe('failed');
		expect(failing.pools.map((each) => each.readiness)).toEqual(['failed', 'failed']);
		const untold = judgeEstate(farm, [observed(RED, DUB)], NOW, unknown('access-denied', 'Get-CsService -CentralManagementDatabase: Access is denied'));
		expect(untold.centralManagementStore).toMatchObject({ state: 'unknown', evidence: 'Get-CsService -CentralManagementDatabase: Access is denied' });
		expect(untold.pools.map((each) => each.readiness)).toEqual(['unknown', 'unknown']);
		expect(byName(untold.pools, RED.fqdn).next.at(-1)?.action).toBe('ask again');
		expect(byName(untold.pools, RED.fqdn).evidence).toEqual(['standby Central Management store: unknown (access denied): Get-CsService -CentralManagementDatabase: Access is denied']);
		expect(readinessExitCode(untold)).toBe(1);
	});

	it('an unpaired pool is work left (exit 3), and its next step names a partner the rules allow, in another site first', () => {
		const bellevue = pool('bel.contoso.com', 'Redmond');
		const estate = judgeEstate(inventory([RED, DUB, SEA, bellevue, PAR], [[RED, DUB]]), [observed(RED, DUB)], NOW);
		const sea = byName(estate.pools, SEA.fqdn);
		expect(sea).toMatchObject({ readiness: 'work', pairedWith: null, pairing: null, backupService: null, sync: { outbound: null, inbound: null } });
		expect(sea.next).toEqual([{ action: 'pair it', detail: `pair it: sfb-pair plan --pool ${SEA.fqdn} --backup ${PAR.fqdn}, then sfb-pair run (or the wizard)` }]);
		expect(readinessExitCode(estate)).toBe(3);
		expect(estate.centralManagementStore.state).toBe('steady');
	});

	it('an unpaired pool no free pool can back up says why, and the CMS pool unpaired has no standby', () => {
		const lone = pool('se.contoso.com', 'Paris', { edition: 'Standard', servers: ['se.contoso.com'] });
		const estate = judgeEstate(inventory([RED, lone]), [], NOW);
		expect(byName(estate.pools, lone.fqdn).next[0]?.detail).toMatch(/^no free Front End pool can back it up \(se\.contoso\.com is a Standard Edition server and red\.contoso\.com is an Enterprise Edition pool: .*\): define one in Topology Builder$/);
		expect(estate.centralManagementStore).toMatchObject({ active: RED.fqdn, standby: null, state: 'no-standby' });
	});

	it('a stopped LYNCBACKUP is work left: start it there, with the command; the partner, whose sync waits on it, is pointed there', () => {
		const stopped = notDone("Get-CsWindowsService -Name 'LYNCBACKUP': Stopped", { value: 'Stopped' });
		const waiting = notDone('Get-CsBackupServiceStatus: NotInitialized', { value: 'waiting' });
		const picture = observed(RED, DUB, { servers: { 'dub-fe2.contoso.com': { 'backup-service': stopped } }, sync: [waiting, waiting] });
		const estate = judgeEstate(inventory([RED, DUB], [[RED, DUB]]), [picture], NOW);
		const dub = byName(estate.pools, DUB.fqdn);
		expect(dub.readiness).toBe('work');
		expect(dub.backupService).toEqual({ servers: 2, running: ['dub-fe1.contoso.com'], notRunning: ['dub-fe2.contoso.com'], unknown: [] });
		expect(dub.next).toEqual([
			{ action: 'start LYNCBACKUP', detail: 'start LYNCBACKUP on dub-fe2.contoso.com: Start-CsWindowsService -Name LYNCBACKUP -ComputerName dub-fe2.contoso.com' },
		]);
		expect(byName(estate.pools, RED.fqdn).next).toEqual([{ action: `see ${DUB.fqdn}`, detail: `what remains is on ${DUB.fqdn}` }]);
		expect(estate.centralManagementStore.state).toBe('steady');
		expect(readinessExitCode(estate)).toBe(3);
	});

	it('a sync that only lags is "wait for sync"', () => {
		const waiting = notDone('Get-CsBackupServiceStatus: UserServices.PresenceFocus NonSteadyState/NormalState', { value: 'waiting' });
		const estate = judgeEstate(inventory([PAR, FRA], [[PAR, FRA]]), [observed(PAR, FRA, { sync: [DONE, waiting] })], NOW);
		expect(byName(estate.pools, FRA.fqdn).next.map((step) => step.action)).toEqual(['wait for sync']);
		expect(byName(estate.pools, FRA.fqdn).sync).toMatchObject({ outbound: { state: 'waiting' }, inbound: { state: 'steady' } });
		expect(byName(estate.pools, PAR.fqdn).readiness).toBe('work');
	});

	it('could not tell is never ready and never "no": unknown with the reason, exit 1, even beside a pool that is only unpaired', () => {
		const unreachable = unknown('unreachable', "Get-CsWindowsService -ComputerName 'fra-fe2.contoso.com': WinRM cannot complete the operation");
		const picture = observed(PAR, FRA, { servers: { 'fra-fe2.contoso.com': { 'backup-service': unreachable } } });
		const estate = judgeEstate(inventory([PAR, FRA, SEA, RED]), [], NOW);
		expect(readinessExitCode(estate)).toBe(3);
		const withUnknown = judgeEstate(inventory([PAR, FRA, SEA, RED], [[PAR, FRA]]), [picture], NOW);
		const fra = byName(withUnknown.pools, FRA.fqdn);
		expect(fra.readiness).toBe('unknown');
		expect(fra.backupService).toEqual({ servers: 2, running: ['fra-fe1.contoso.com'], notRunning: [], unknown: ['fra-fe2.contoso.com'] });
		expect(fra.evidence).toEqual([`fra-fe2.contoso.com: LYNCBACKUP running: ${unreachable.evidence}`]);
		expect(fra.next[0]?.detail).toBe('could not tell on fra-fe2.contoso.com (unreachable): check that it is up and reachable over PowerShell remoting (WinRM), then ask again');
		expect(byName(withUnknown.pools, PAR.fqdn).readiness).toBe('unknown');
		expect(readinessExitCode(withUnknown)).toBe(1);
	});

	it('a sync that could not be read is unknown, and so is the standby store it would show', () => {
		const denied = unknown('access-denied', 'Get-CsBackupServiceStatus -PoolFqdn red.contoso.com: access denied');
		const picture = observed(RED, DUB, { sync: [denied, DONE] });
		picture.sync[0]!.modules = [];
		const estate = judgeEstate(inventory([RED, DUB], [[RED, DUB]]), [picture], NOW);
		expect(byName(estate.pools, RED.fqdn).sync.outbound).toMatchObject({ state: 'unknown', reason: 'access-denied' });
		expect(byName(estate.pools, RED.fqdn).next[0]?.detail).toMatch(/^could not tell on red\.contoso\.com \(access-denied\): use an account in RTCUniversalServerAdmins/);
		expect(estate.centralManagementStore).toMatchObject({ state: 'unknown', evidence: denied.evidence });
		expect(readinessExitCode(estate)).toBe(1);
	});

	it('a crashed LYNCBACKUP or a sync in ErrorState has failed (exit 1), and the next step says what repairs it', () => {
		const crashed = notDone('Stopped: Event 4007 (LS Backup Service)', { value: 'Stopped', broken: true });
		const error = notDone('Get-CsBackupServiceStatus: par.contoso.com: ConfServices.DataConf in ErrorState', { value: 'failed', broken: true });
		const picture = observed(PAR, FRA, { servers: { 'fra-fe1.contoso.com': { 'backup-service': crashed } }, sync: [error, DONE] });
		const estate = judgeEstate(inventory([PAR, FRA], [[PAR, FRA]]), [picture], NOW);
		expect(byName(estate.pools, FRA.fqdn)).toMatchObject({ readiness: 'failed', next: [{ action: 're-apply the CU' }] });
		expect(byName(estate.pools, PAR.fqdn).next[0]?.detail).toMatch(/ConfServices\.DataConf in ErrorState: check LYNCBACKUP on every Front End, the event log \(4069\/4070\) and Debug-CsInterPoolReplication -PoolFqdn par\.contoso\.com$/);
		expect(byName(estate.pools, PAR.fqdn).sync.outbound?.state).toBe('failed');
		expect(readinessExitCode(estate)).toBe(1);
	});

	it('a pairing published one way only is work left: finish it with run', () => {
		const picture = observed(PAR, FRA, { pairing: [DONE, notDone('no backup pool')] });
		picture.sync = [];
		const estate = judgeEstate(inventory([PAR, FRA], [[PAR, FRA]]), [picture], NOW);
		const fra = byName(estate.pools, FRA.fqdn);
		expect(fra).toMatchObject({ readiness: 'work', pairing: 'incomplete', backupService: null, sync: { outbound: null, inbound: null } });
		expect(fra.next[0]?.detail).toBe(`the pairing is not published both ways: sfb-pair run --pool ${PAR.fqdn} --backup ${FRA.fqdn} --yes --resume`);
	});

	it('a pair that breaks a rule is not ready however steady, and says which rule', () => {
		const standard = pool('se.contoso.com', 'Dublin', { edition: 'Standard', servers: ['se.contoso.com'] });
		const estate = judgeEstate(inventory([PAR, standard], [[PAR, standard]]), [observed(PAR, standard)], NOW);
		const par = byName(estate.pools, PAR.fqdn);
		expect(par.readiness).toBe('failed');
		expect(par.warnings[0]).toMatch(/^unsupported: par\.contoso\.com is an Enterprise Edition pool and se\.contoso\.com is a Standard Edition server/);
		expect(par.next[0]?.action).toBe('re-pair it');
		expect(readinessExitCode(estate)).toBe(1);
	});

	it('a published pair that was not probed is unknown, not ready', () => {
		const estate = judgeEstate(inventory([PAR, FRA], [[PAR, FRA]]), [], NOW);
		expect(estate.pools.map((each) => each.readiness)).toEqual(['unknown', 'unknown']);
		expect(readinessExitCode(estate)).toBe(1);
	});

	it('a topology without Front End pools is not ready: nothing is protected', () => {
		const estate = judgeEstate(inventory([]), [], NOW);
		expect(estate.centralManagementStore.state).toBe('not-found');
		expect(readinessExitCode(estate)).toBe(3);
	});
});
