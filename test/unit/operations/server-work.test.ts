import { describe, expect, it } from 'vitest';
import { EnvironmentError, type Environment, type ReplicaStatus } from '../../../source/environments/port.js';
import type { OperationContext } from '../../../source/operations/context.js';
import { bootstrapperWork } from '../../../source/operations/server-work.js';
import { initialState } from '../../../source/procedure/state.js';
import { notDone } from '../../../source/sfb/observation.js';
import type { FrontEndPool } from '../../../source/sfb/model.js';

const pool: FrontEndPool = { fqdn: 'a.contoso.com', site: 'A', edition: 'Enterprise', version: 'Skype for Business Server 2015', servers: ['fe1.contoso.com'], hostsCentralManagementStore: false };
const STARTED = Date.parse('2026-11-30T10:00:00Z');
const PUBLISHED = Date.parse('2026-11-30T09:59:00Z');
const missing = notDone("Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'fe1.contoso.com': LYNCBACKUP is not installed");

/** Bootstrapper's explanation when it exits 0 and the Backup Service is not there: what the server's replica says. */
function explainWith(readReplication: () => Promise<ReplicaStatus>) {
	const state = initialState('s', { kind: 'live', description: 'LIVE' }, 0);
	const context = {
		environment: { readReplication } as unknown as Environment,
		session: { state: { ...state, publish: { written: true, verified: true, writtenAt: PUBLISHED } } },
	} as unknown as OperationContext;
	return bootstrapperWork(context, [{ fqdn: 'fe1.contoso.com', pool: pool.fqdn }], [pool]).explain('fe1.contoso.com', missing, { exitCode: 0 }, STARTED);
}

describe('Bootstrapper exit 0 without the Backup Service', () => {
	it('names the replica when it is not up to date, and what pushes it', async () => {
		expect(await explainWith(async () => ({ upToDate: false, lastUpdateCreation: '2026-11-29T08:00:00.000Z', raw: '' }))).toBe(
			"Bootstrapper exited with 0 but LYNCBACKUP is not installed on fe1.contoso.com (Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'fe1.contoso.com': LYNCBACKUP is not installed): its replica of the Central Management store is not up to date (Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'fe1.contoso.com': UpToDate False, LastUpdateCreation 2026-11-29T08:00:00.000Z); wait for replication (Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe1.contoso.com' pushes it), then retry",
		);
	});

	it('says the replica caught up only after Bootstrapper started, so a second run will install it', async () => {
		expect(await explainWith(async () => ({ upToDate: true, lastUpdateCreation: '2026-11-30T10:00:30.000Z', raw: '' }))).toMatch(
			/: its replica of the Central Management store was brought up to date only after Bootstrapper started \(.*LastUpdateCreation 2026-11-30T10:00:30\.000Z\); run Bootstrapper again$/,
		);
	});

	it('with the replica up to date before it started, points at the pairing and the log instead', async () => {
		expect(await explainWith(async () => ({ upToDate: true, lastUpdateCreation: '2026-11-30T09:59:30.000Z', raw: '' }))).toMatch(/, though its replica is up to date .*: check that the pairing reads back for its pool/);
	});

	it('says when the replica could not be asked, rather than guessing', async () => {
		const said = await explainWith(async () => {
			throw new EnvironmentError('access-denied', 'Access denied running Get-CsManagementStoreReplicationStatus');
		});
		expect(said).toMatch(/; whether its replica of the Central Management store is up to date could not be told \(.*Access denied running/);
	});
});
