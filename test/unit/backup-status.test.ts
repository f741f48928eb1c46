import { describe, expect, it } from 'vitest';
import {
	CMS_MASTER_MODULE,
	explainModules,
	judgeBothDirections,
	judgeDirection,
	type BackupModuleStatus,
	type BackupServiceStatus,
} from '../../source/sfb/backup-status.js';

const module = (identity: string, exportStatus: string, importStatus = 'NormalState'): BackupModuleStatus => ({
	identity,
	exportStatus,
	importStatus,
});

/** The shape of the real output quoted in sfb-facts.md §6 (JENSTR). */
const status = (modules: BackupModuleStatus[]): BackupServiceStatus => ({
	pool: 'pool01.contoso.com',
	backupPool: 'pool02.contoso.com',
	modules,
});

const settled = [
	module('UserServices.PresenceFocus', 'FinalState'),
	module('ConfServices.DataConf', 'SteadyState'),
	module(CMS_MASTER_MODULE, 'FinalState'),
];

describe('judgeDirection', () => {
	it('is steady when every module exported everything (SteadyState or FinalState) and imported normally', () => {
		expect(judgeDirection(status(settled), true)).toEqual({ state: 'steady' });
	});

	it('waits while a module still has a backlog (NonSteadyState), naming it', () => {
		const modules = [module('UserServices.PresenceFocus', 'NonSteadyState'), ...settled.slice(1)];
		expect(judgeDirection(status(modules), false)).toEqual({
			state: 'waiting',
			reason: 'pool01.contoso.com: UserServices.PresenceFocus NonSteadyState/NormalState',
		});
	});

	it('fails on an ErrorState export, naming the module', () => {
		const modules = [...settled.slice(0, 2), module('ConfServices.DataConf', 'ErrorState')];
		expect(judgeDirection(status(modules), false)).toEqual({
			state: 'failed',
			reason: 'pool01.contoso.com: ConfServices.DataConf in ErrorState',
		});
	});

	it('fails on an ErrorState import even when the export looks settled', () => {
		const modules = [module('UserServices.PresenceFocus', 'FinalState', 'ErrorState'), ...settled.slice(1)];
		expect(judgeDirection(status(modules), false)).toEqual({
			state: 'failed',
			reason: 'pool01.contoso.com: UserServices.PresenceFocus in ErrorState',
		});
	});

	it('prefers failed over waiting when one module errs and another lags', () => {
		const modules = [module('UserServices.PresenceFocus', 'NonSteadyState'), module('ConfServices.DataConf', 'ErrorState')];
		expect(judgeDirection(status(modules), false).state).toBe('failed');
	});

	it('accepts CMSMaster NotInitialized on the pool that is not the CMS master', () => {
		const modules = [...settled.slice(0, 2), module(CMS_MASTER_MODULE, 'NotInitialized')];
		expect(judgeDirection(status(modules), false)).toEqual({ state: 'steady' });
	});

	it('waits on CMSMaster NotInitialized on the pool that hosts the CMS', () => {
		const modules = [...settled.slice(0, 2), module(CMS_MASTER_MODULE, 'NotInitialized')];
		expect(judgeDirection(status(modules), true)).toEqual({
			state: 'waiting',
			reason: `pool01.contoso.com: ${CMS_MASTER_MODULE} NotInitialized/NormalState`,
		});
	});

	it('waits on NotInitialized for any other module, even on the non-CMS pool', () => {
		const modules = [module('ConfServices.DataConf', 'NotInitialized'), module(CMS_MASTER_MODULE, 'NotInitialized')];
		expect(judgeDirection(status(modules), false)).toEqual({
			state: 'waiting',
			reason: 'pool01.contoso.com: ConfServices.DataConf NotInitialized/NormalState',
		});
	});

	it('waits on an import state it does not know', () => {
		expect(judgeDirection(status([module('UserServices.PresenceFocus', 'FinalState', 'Importing')]), false).state).toBe('waiting');
	});

	it('waits when the Backup Service reports no modules yet', () => {
		expect(judgeDirection(status([]), false)).toEqual({
			state: 'waiting',
			reason: 'pool01.contoso.com: the Backup Service reports no modules yet',
		});
	});
});

describe('judgeBothDirections', () => {
	const steady = { state: 'steady' } as const;
	const waiting = { state: 'waiting', reason: 'pool02.contoso.com: ConfServices.DataConf NonSteadyState/NormalState' } as const;
	const failed = { state: 'failed', reason: 'pool01.contoso.com: UserServices.PresenceFocus in ErrorState' } as const;

	it('is steady only when both directions are steady', () => {
		expect(judgeBothDirections([steady, steady])).toEqual(steady);
		expect(judgeBothDirections([steady, waiting])).toEqual(waiting);
		expect(judgeBothDirections([waiting, steady])).toEqual(waiting);
	});

	it('reports a failure in either direction over waiting', () => {
		expect(judgeBothDirections([waiting, failed])).toEqual(failed);
		expect(judgeBothDirections([failed, steady])).toEqual(failed);
	});

	it('does not call an unchecked pair steady', () => {
		expect(judgeBothDirections([])).toEqual({ state: 'waiting', reason: 'no direction of the Backup Service has been checked yet' });
	});

	it('judges the real directions: pool01 (CMS host) steady, pool02 with CMSMaster NotInitialized steady', () => {
		const fromCmsHost = judgeDirection(status(settled), true);
		const fromPartner = judgeDirection(
			{ pool: 'pool02.contoso.com', modules: [...settled.slice(0, 2), module(CMS_MASTER_MODULE, 'NotInitialized')] },
			false,
		);
		expect(judgeBothDirections([fromCmsHost, fromPartner])).toEqual(steady);
	});
});

describe('explainModules', () => {
	it("says the CMS master's NotInitialized is normal on the pool that does not host the Central Management store", () => {
		const modules = [module('UserServices.PresenceFocus', 'FinalState'), module(CMS_MASTER_MODULE, 'NotInitialized')];
		expect(explainModules(status(modules), false)).toEqual([
			'CentralMgmt.CMSMaster NotInitialized is normal here: pool01.contoso.com does not host the Central Management store, so it is not the active CMS master and has nothing of it to export',
		]);
	});

	it('does not call it normal on the pool that hosts the store, and says what the other states ask for', () => {
		const modules = [module(CMS_MASTER_MODULE, 'NotInitialized'), module('ConfServices.DataConf', 'NonSteadyState'), module('UserServices.PresenceFocus', 'FinalState', 'ErrorState')];
		const explanations = explainModules(status(modules), true);
		expect(explanations).toHaveLength(3);
		expect(explanations[0]).toMatch(/^CentralMgmt\.CMSMaster NotInitialized: the module has not started exporting yet/);
		expect(explanations[1]).toMatch(/^ConfServices\.DataConf NonSteadyState: changes are queued/);
		expect(explanations[2]).toMatch(/^UserServices\.PresenceFocus in ErrorState: check LYNCBACKUP/);
	});

	it('has nothing to say about a direction in steady state', () => {
		expect(explainModules(status(settled), true)).toEqual([]);
	});
});
