import type { BackupServiceStatus } from '../../sfb/backup-status.js';
import { CMS_MASTER_MODULE } from '../../sfb/backup-status.js';
import { seededRandom } from './random.js';
import type { ScriptedLine, Transcript } from './transcripts.js';

/**
 * What the lab's drill needs beyond the farm file: the users a pool homes, what a disaster-mode failover loses when the
 * last export is old, and the transcripts of the failover cmdlets. Pure, seeded by the scenario.
 */

/** `sip:redmond-b.user03@contoso.com` for the third user homed on pool-redmond-b.contoso.com. */
export function labUsersOf(pool: string, count: number): string[] {
	const [first = pool, ...rest] = pool.split('.');
	const domain = rest.length > 0 ? rest.join('.') : 'contoso.com';
	const name = first.replace(/^pool-/, '');
	return Array.from({ length: count }, (_, index) => `sip:${name}.user${String(index + 1).padStart(2, '0')}@${domain}`);
}

const CHANGE_KINDS = ['added a contact', 'changed a contact group', 'scheduled a meeting', 'changed a meeting\'s attendees', 'set a call-forwarding rule', 'changed presence privacy'];

/**
 * The changes users made on the pool after its last export (`minutes` ago), which a disaster-mode failover does not carry
 * to the backup pool: the backup holds the data as of the last sync (DR-PLAN: the recovery point objective is the sync
 * interval). About one change every few minutes across the pool, each dated.
 */
export function changesSinceLastSync(seed: number, pool: string, users: string[], minutes: number): string[] {
	if (users.length === 0) return [];
	const random = seededRandom(seed, 'stale-sync', pool);
	const count = Math.min(12, Math.max(1, Math.round(minutes / 5)));
	return Array.from({ length: count }, (_, index) => {
		const user = users[Math.floor(random() * users.length)]!;
		const kind = CHANGE_KINDS[Math.floor(random() * CHANGE_KINDS.length)]!;
		const ago = Math.max(1, Math.round(minutes - ((index + random()) * minutes) / count));
		return `${user} ${kind} ${ago} min before the failover`;
	});
}

/** Every module in steady state one way (CentralMgmt.CMSMaster NotInitialized on a pool that is not the master: normal). */
export function isSteadyOneWay(status: BackupServiceStatus): boolean {
	return status.modules.every(
		(module) =>
			module.importStatus === 'NormalState' &&
			(module.exportStatus === 'SteadyState' || module.exportStatus === 'FinalState' || (module.identity === CMS_MASTER_MODULE && module.exportStatus === 'NotInitialized')),
	);
}

/** A status whose export is building a backlog: every module NonSteadyState (the CMS module stays as it was). */
export function withBacklog(status: BackupServiceStatus): BackupServiceStatus {
	return {
		...status,
		modules: status.modules.map((module) => (module.identity === CMS_MASTER_MODULE && module.exportStatus === 'NotInitialized' ? module : { ...module, exportStatus: 'NonSteadyState' })),
	};
}

export function poolFailoverTranscript(pool: string, backup: string, disasterMode: boolean, lost: number): Transcript {
	const lines: ScriptedLine[] = [
		{ at: 0.05, text: `Failing over ${pool} to its backup pool ${backup}${disasterMode ? ' in disaster mode' : ''}.` },
		...(disasterMode
			? [{ at: 0.2, text: `Disaster mode: ${pool} is treated as unavailable; the backup's copy of its data is used as it stands.` }]
			: [{ at: 0.2, text: `Exporting the latest changes of ${pool} to ${backup} before the failover.` }]),
		{ at: 0.5, text: `Importing the user and conference data of ${pool} on ${backup}.` },
		...(lost > 0 ? [{ at: 0.6, text: `WARNING: ${lost} change${lost === 1 ? '' : 's'} made on ${pool} after its last export could not be carried over.` }] : []),
		{ at: 0.85, text: `Routing groups of ${pool} are now served by ${backup}.` },
		{ at: 1, text: `Failover of ${pool} complete: its users sign in to ${backup}.` },
	];
	return { lines, exitCode: 0, durationFactor: 1 };
}

export function poolFailbackTranscript(pool: string, backup: string): Transcript {
	const lines: ScriptedLine[] = [
		{ at: 0.05, text: `Failing back ${pool} from ${backup}.` },
		{ at: 0.4, text: `Copying the changes made on ${backup} for the users of ${pool} back to ${pool}.` },
		{ at: 0.85, text: `Routing groups of ${pool} are served by ${pool} again.` },
		{ at: 1, text: `Failback of ${pool} complete; the Backup Service starts a fresh sync between ${pool} and ${backup}.` },
	];
	return { lines, exitCode: 0, durationFactor: 1 };
}

export function managementFailoverTranscript(from: string, to: string): Transcript {
	const lines: ScriptedLine[] = [
		{ at: 0.1, text: `Stopping the Central Management store master on ${from}.` },
		{ at: 0.6, text: `Making the Central Management database on the back end of ${to} the active store.` },
		{ at: 1, text: `The Central Management store master is now active on ${to}.` },
	];
	return { lines, exitCode: 0, durationFactor: 1 };
}
