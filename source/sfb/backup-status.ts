export type ExportState = 'FinalState' | 'SteadyState' | 'NonSteadyState' | 'NotInitialized' | 'ErrorState';
export type ImportState = 'NormalState' | 'ErrorState';

export interface BackupModuleStatus {
	/** e.g. UserServices.PresenceFocus, ConfServices.DataConf, CentralMgmt.CMSMaster */
	identity: string;
	exportStatus: ExportState | string;
	importStatus: ImportState | string;
}

/** One direction of the Backup Service: what `Get-CsBackupServiceStatus -PoolFqdn <pool>` reports. */
export interface BackupServiceStatus {
	pool: string;
	backupPool?: string;
	modules: BackupModuleStatus[];
}

export type DirectionVerdict =
	| { state: 'steady' }
	| { state: 'waiting'; reason: string }
	| { state: 'failed'; reason: string };

export const CMS_MASTER_MODULE = 'CentralMgmt.CMSMaster';

/** Polls in a row that must show steady state: a status is a snapshot and may change after it. */
export const STEADY_POLLS = 3;

/** Polls in a row that must show an ErrorState before the sync counts as failed: an ErrorState can be transient (sfb-facts.md §8). */
export const ERROR_POLLS = 3;

const settledExportStates = new Set(['SteadyState', 'FinalState']);

/**
 * Is one direction in steady state? Every module must have exported everything that fits one batch
 * (SteadyState or FinalState) and imported normally. The CMS master module shows NotInitialized on the
 * pool that is not the active Central Management store master, which is normal there.
 */
export function judgeDirection(status: BackupServiceStatus, poolHostsCms: boolean): DirectionVerdict {
	if (status.modules.length === 0) {
		return { state: 'waiting', reason: `${status.pool}: the Backup Service reports no modules yet` };
	}

	const failed = status.modules.filter(
		(module) => module.exportStatus === 'ErrorState' || module.importStatus === 'ErrorState',
	);
	if (failed.length > 0) {
		const names = failed.map((module) => module.identity).join(', ');
		return { state: 'failed', reason: `${status.pool}: ${names} in ErrorState` };
	}

	const pending = status.modules.filter((module) => !isModuleSettled(module, poolHostsCms));
	if (pending.length > 0) {
		const detail = pending.map((module) => `${module.identity} ${module.exportStatus}/${module.importStatus}`).join(', ');
		return { state: 'waiting', reason: `${status.pool}: ${detail}` };
	}

	return { state: 'steady' };
}

function isModuleSettled(module: BackupModuleStatus, poolHostsCms: boolean): boolean {
	if (module.importStatus !== 'NormalState') return false;
	if (settledExportStates.has(module.exportStatus)) return true;
	return module.identity === CMS_MASTER_MODULE && !poolHostsCms && module.exportStatus === 'NotInitialized';
}

/** Both directions together: failed wins over waiting, waiting over steady; no verdict at all is not steady. */
export function judgeBothDirections(verdicts: DirectionVerdict[]): DirectionVerdict {
	if (verdicts.length === 0) return { state: 'waiting', reason: 'no direction of the Backup Service has been checked yet' };
	const failed = verdicts.find((verdict) => verdict.state === 'failed');
	if (failed) return failed;
	const waiting = verdicts.find((verdict) => verdict.state === 'waiting');
	if (waiting) return waiting;
	return { state: 'steady' };
}

/**
 * What a direction's module states mean, where a reader of the record could take a normal state for a problem
 * (the CMS master's NotInitialized on the pool that is not the master) or miss what a state asks of them.
 */
export function explainModules(status: BackupServiceStatus, poolHostsCms: boolean): string[] {
	const explanations: string[] = [];
	for (const module of status.modules) {
		const state = `${module.identity} ${module.exportStatus}`;
		if (module.exportStatus === 'NotInitialized' && module.identity === CMS_MASTER_MODULE && !poolHostsCms) {
			explanations.push(`${state} is normal here: ${status.pool} does not host the Central Management store, so it is not the active CMS master and has nothing of it to export`);
		} else if (module.exportStatus === 'NotInitialized') {
			explanations.push(`${state}: the module has not started exporting yet; it should within a sync interval (2 minutes by default)`);
		} else if (module.exportStatus === 'NonSteadyState') {
			explanations.push(`${state}: changes are queued beyond one batch; the Backup Service is catching up`);
		}
		if (module.exportStatus === 'ErrorState' || module.importStatus === 'ErrorState') {
			explanations.push(`${module.identity} in ErrorState: check LYNCBACKUP on the pool's Front Ends and the event log (4069/4070); it can be transient, so it is judged over the next polls`);
		}
	}
	return explanations;
}
