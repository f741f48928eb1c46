import type { Environment, PoolDrill } from '../environments/port.js';
import { judgeEstate, readinessExitCode, type PoolReadiness } from '../procedure/readiness.js';
import { continueCommand } from '../procedure/what-next.js';
import { drillSteps, drillWaitNotice, type DrillChange, type DrillRequest, type DrillStep, type DrillStepId } from '../sfb/drill.js';
import type { PoolInventory } from '../sfb/model.js';
import { findPool } from '../sfb/pairing-rules.js';
import { poolUsersCommand } from '../sfb/commands.js';
import { pollInterval } from './context.js';
import { observePair, observeStandbyStore } from './reconcile.js';
import { readPlacement, readStorePool } from './failover-state.js';

/**
 * The drill run: observe where the farm is, act, and count each action done only when its probe says so. Every start
 * (new or after an interruption) first reads where A's users sign in and where the Central Management store is, and
 * continues from there. Emits events; never prints.
 */

export type DrillEvent =
	| { type: 'step-started'; step: DrillStep }
	| { type: 'line'; step: DrillStepId; text: string }
	/** Said once when a cancel comes while a farm change runs: what the drill waits for before it stops, and why. */
	| { type: 'waiting'; step: DrillStepId; text: string }
	| { type: 'step-finished'; step: DrillStep; outcome: 'done' | 'skipped' | 'failed' | 'waiting'; evidence: string[] };

export type DrillOutcome = 'done' | 'refused' | 'failed' | 'waiting' | 'cancelled';

export interface DrillResult {
	outcome: DrillOutcome;
	exitCode: 0 | 1 | 3 | 130;
	/** What the failover could not carry over (a disaster-mode failover after a stale sync), as the farm told it. */
	lostChanges: string[];
	/** One line a person can act on: where the farm is, what to do. */
	summary: string;
	/** The command that continues from where the farm is, when the summary ends by asking for it (shown on a line of its own). */
	resume?: string;
}

export interface DrillPacing {
	pollMs: number;
	/** How long the pair may take to be steady again after the failback. */
	steadyTimeoutMs: number;
	/** How many reads of the users after a failover or failback before it counts as not done. */
	placementPolls: number;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What the operator decided and the drill has passed, kept between runs (the farm stays the truth for the rest). */
export interface DrillProgress {
	failedBack: boolean;
}

export interface DrillOptions {
	environment: Environment;
	drill: PoolDrill;
	inventory: PoolInventory;
	request: DrillRequest;
	pacing: DrillPacing;
	signal: AbortSignal;
	progress: DrillProgress | undefined;
	onProgress: (progress: DrillProgress) => Promise<void>;
	onEvent: (event: DrillEvent) => void;
}

export interface PairReadiness {
	steady: boolean;
	exitCode: 0 | 1 | 3;
	pools: PoolReadiness[];
}

/** The readiness of the pair as `status --all` judges it: steady only when both pools are ready. */
export async function readPairReadiness(environment: Environment, inventory: PoolInventory, pool: string, backup: string): Promise<PairReadiness> {
	const [one, other] = [findPool(inventory, pool)!, findPool(inventory, backup)!];
	const picture = await observePair(environment, one, other);
	const estate = judgeEstate(inventory, [picture], Date.now(), await observeStandbyStore(environment, inventory, [picture]));
	const pools = estate.pools.filter((entry) => [pool, backup].some((name) => name.toLowerCase() === entry.pool.toLowerCase()));
	const judged = { ...estate, pools };
	const exitCode = readinessExitCode(judged);
	return { steady: exitCode === 0, exitCode, pools };
}

/** What readiness says, one line a pool, then its evidence and next steps. */
export function readinessLines(readiness: PairReadiness): string[] {
	return readiness.pools.flatMap((pool) => [
		`${pool.pool}: ${pool.readiness === 'ready' ? 'steady' : pool.readiness === 'work' ? 'not steady yet' : pool.readiness === 'failed' ? 'FAILED' : 'could not tell'} (sync out ${pool.sync.outbound?.state ?? '-'}, in ${pool.sync.inbound?.state ?? '-'})`,
		...pool.evidence.map((line) => `  ${line}`),
		...pool.next.map((step) => `  next: ${step.detail}`),
	]);
}

class Cancelled extends Error {}

/** What a probe said after an action: done or not, with the evidence a person can check. */
type Verified = { ok: boolean; evidence: string };

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
	const { drill, request, signal, onEvent } = options;
	const steps = new Map(drillSteps(request).map((step) => [step.id, step]));
	const lostChanges: string[] = [];
	const finish = (step: DrillStep, outcome: 'done' | 'skipped' | 'failed' | 'waiting', evidence: string[]) => onEvent({ type: 'step-finished', step, outcome, evidence });
	const stepOf = (id: DrillStepId) => steps.get(id);
	const checkSignal = () => {
		if (signal.aborted) throw new Cancelled();
	};
	const sleep = async (ms: number) => {
		try {
			await options.pacing.sleep(pollInterval(ms), signal);
		} catch {
			throw new Cancelled();
		}
	};
	const where = () => readPlacement(drill, request.pool, request.backup);
	const storePool = () => readStorePool(drill);
	const same = (left: string | undefined, right: string) => left?.toLowerCase() === right.toLowerCase();
	/** Whether this run changed the farm, resumed a drill an earlier run left, or failed the pool back. */
	let changed = false;
	let resumed = false;
	let failedBackNow = false;
	/**
	 * Runs one farm change, streams its lines, then polls its probe until it says done. The change is never handed the
	 * signal: stopped half way it would leave the farm half moved, so a cancel waits for its end (telling the operator
	 * once), and the drill stops there.
	 */
	const act = async (id: DrillStepId, change: DrillChange, action: (options: { onLine: (text: string) => void }) => Promise<unknown>, verify: () => Promise<Verified>, polls: number): Promise<Verified> => {
		const step = stepOf(id);
		if (!step) return { ok: true, evidence: '' };
		checkSignal();
		onEvent({ type: 'step-started', step });
		const tellWait = () => onEvent({ type: 'waiting', step: id, text: drillWaitNotice(change) });
		signal.addEventListener('abort', tellWait, { once: true });
		try {
			await action({ onLine: (text) => onEvent({ type: 'line', step: id, text }) });
		} catch (error) {
			checkSignal();
			const reason = error instanceof Error ? error.message : String(error);
			finish(step, 'failed', [reason]);
			return { ok: false, evidence: reason };
		} finally {
			signal.removeEventListener('abort', tellWait);
		}
		changed = true;
		let last: Verified = { ok: false, evidence: '' };
		// Probed first even after a cancel: the change ran to its end, and its step says how it ended before the drill stops.
		for (let poll = 0; poll < polls; poll += 1) {
			last = await verify();
			if (last.ok) break;
			checkSignal();
			if (poll < polls - 1) await sleep(options.pacing.pollMs);
		}
		finish(step, last.ok ? 'done' : 'failed', [last.ok ? last.evidence : `the command returned, but the probe does not show it done: ${last.evidence}`]);
		return last;
	};
	// The Central Management store moved to `pool`'s back end, verified where the farm says the active store is.
	const moveStore = (id: DrillStepId, pool: string) =>
		act(
			id,
			{ cmdlet: 'Invoke-CsManagementServerFailover', toPool: pool },
			(run) => drill.failOverManagementStore(pool, run),
			async () => {
				const now = await storePool();
				return { ok: same(now.pool, pool), evidence: now.evidence };
			},
			options.pacing.placementPolls,
		);

	try {
		const started = await where();
		const store = request.movesStore ? await storePool() : undefined;
		if (started.usersRead === 0) {
			return {
				outcome: 'refused',
				exitCode: 1,
				lostChanges,
				summary: `Nothing was changed: no users are homed on ${request.pool} (${poolUsersCommand(request.pool)} returned none), so a failover would show nothing moving; home a test user there (Move-CsUser -Identity <user> -Target '${request.pool}'), then run the drill again`,
			};
		}
		if (started.placement === 'unknown' || started.placement === 'mixed') {
			return { outcome: 'failed', exitCode: 1, lostChanges, summary: `Nothing was changed: where ${request.pool}'s users sign in could not be told (${started.evidence}); check the farm, then run the drill again` };
		}
		const failedOver = started.placement === 'backup';
		const storeMoved = store !== undefined && same(store.pool, request.backup);
		// An earlier run failed back and was stopped before the pair was steady (or timed out waiting): it is finished, not
		// started again. The caller drops the progress once a drill is done, so the next run is a new drill.
		const failedBack = !failedOver && options.progress?.failedBack === true;
		const fresh = !failedOver && !storeMoved && !failedBack;
		resumed = !fresh;

		const readiness = stepOf('readiness')!;
		if (fresh) {
			onEvent({ type: 'step-started', step: readiness });
			const state = await readPairReadiness(options.environment, options.inventory, request.pool, request.backup);
			if (!state.steady) {
				finish(readiness, state.exitCode === 3 ? 'waiting' : 'failed', readinessLines(state));
				return {
					outcome: 'refused',
					exitCode: state.exitCode === 3 ? 3 : 1,
					lostChanges,
					summary: `Nothing was changed: the pair is not steady both ways${state.exitCode === 3 ? ', so a failover now would lose what is not exported yet; wait for the sync (sfb-pair status --all) and run the drill again' : '; fix what failed (sfb-pair status --all), then run the drill again'}`,
				};
			}
			finish(readiness, 'done', readinessLines(state));
		} else {
			const where = failedOver
				? `${request.pool} is failed over already (${started.evidence})`
				: failedBack
					? `an earlier run of this drill failed ${request.pool} back (${started.evidence})`
					: store!.evidence;
			finish(readiness, 'skipped', [`resumed: ${where}; the drill continues from where the farm is`]);
		}

		if (request.movesStore && !failedBack && !storeMoved) {
			const moved = await moveStore('store-over', request.backup);
			if (!moved.ok) return failed(`the Central Management store did not move to ${request.backup}; ${request.pool} was not failed over`);
		} else if (request.movesStore && storeMoved && !failedBack) {
			finish(stepOf('store-over')!, 'skipped', [store!.evidence]);
		}

		if (!failedBack && !failedOver) {
			const over = await act(
				'pool-over',
				{ cmdlet: 'Invoke-CsPoolFailOver', pool: request.pool },
				async (run) => {
					const outcome = await drill.failOverPool(request.pool, request.disasterMode, run);
					lostChanges.push(...(outcome.lostChanges ?? []));
				},
				async () => {
					const now = await where();
					return { ok: now.placement === 'backup', evidence: now.evidence };
				},
				options.pacing.placementPolls,
			);
			if (!over.ok) return failed(`${request.pool} is not shown failed over; see the step above, then run the drill again to continue from where the farm is`);
			finish(stepOf('served-by-backup')!, 'done', [over.evidence]);
		} else if (!failedBack) {
			finish(stepOf('pool-over')!, 'skipped', [`${request.pool} is failed over already`]);
			finish(stepOf('served-by-backup')!, 'done', [started.evidence]);
		}

		if (!failedBack) {
			const back = await act(
				'pool-back',
				{ cmdlet: 'Invoke-CsPoolFailBack', pool: request.pool },
				(run) => drill.failBackPool(request.pool, run),
				async () => {
					const now = await where();
					return { ok: now.placement === 'home', evidence: now.evidence };
				},
				options.pacing.placementPolls,
			);
			if (!back.ok) return failed(`${request.pool} is not shown failed back: its users may still sign in to ${request.backup}; run the drill again to continue`);
			finish(stepOf('served-by-home')!, 'done', [back.evidence]);
			failedBackNow = true;
			await options.onProgress({ failedBack: true });
		} else {
			finish(stepOf('pool-back')!, 'skipped', [`${request.pool} was failed back already (${started.evidence})`]);
		}

		if (request.movesStore) {
			const now = await storePool();
			if (same(now.pool, request.pool)) {
				finish(stepOf('store-back')!, 'skipped', [now.evidence]);
			} else {
				const moved = await moveStore('store-back', request.pool);
				if (!moved.ok) return failed(`the Central Management store is not back on ${request.pool}; the users are back on their pool`);
			}
		}

		const steady = stepOf('steady')!;
		onEvent({ type: 'step-started', step: steady });
		const deadline = Date.now() + options.pacing.steadyTimeoutMs;
		let state = await readPairReadiness(options.environment, options.inventory, request.pool, request.backup);
		let told = '';
		while (!state.steady && state.exitCode === 3 && Date.now() < deadline) {
			const now = state.pools.map((pool) => `${pool.pool} sync out ${pool.sync.outbound?.state ?? '-'}`).join(', ');
			if (now !== told) onEvent({ type: 'line', step: 'steady', text: now });
			told = now;
			await sleep(options.pacing.pollMs);
			state = await readPairReadiness(options.environment, options.inventory, request.pool, request.backup);
		}
		if (!state.steady) {
			finish(steady, state.exitCode === 3 ? 'waiting' : 'failed', readinessLines(state));
			return {
				outcome: state.exitCode === 3 ? 'waiting' : 'failed',
				exitCode: state.exitCode === 3 ? 3 : 1,
				lostChanges,
				summary: `${request.pool} is failed back, but the pair is not steady both ways yet${state.exitCode === 3 ? ': watch sfb-pair status --all until it is' : ': see what failed above'}`,
			};
		}
		finish(steady, 'done', readinessLines(state));
		return { outcome: 'done', exitCode: 0, lostChanges, summary: `Drill done: ${request.pool} failed over to ${request.backup} and back, and the pair is steady both ways again` };
	} catch (error) {
		if (error instanceof Cancelled) return { outcome: 'cancelled', exitCode: 130, lostChanges, ...(await stoppedAt()) };
		throw error;
	}

	/** Where the farm is once the drill has stopped, read after the stop, and how to go on from there. */
	async function stoppedAt(): Promise<{ summary: string; resume?: string }> {
		if (!changed && !resumed) return { summary: 'Stopped before anything was changed: the drill did not start a failover' };
		const resume = continueCommand(request.disasterMode ? 'drill-disaster' : 'drill-planned', request.pool);
		const [now, store] = await Promise.all([where(), request.movesStore ? storePool() : undefined]);
		const storeAway = store !== undefined && same(store.pool, request.backup);
		const storeText = store === undefined ? '' : storeAway ? `; the Central Management store is on ${request.backup}` : store.pool === undefined ? `; ${store.evidence}` : '';
		switch (now.placement) {
			case 'backup':
				return { summary: `Stopped after the failover: ${request.pool}'s users are served by ${request.backup} (${now.evidence})${storeText}; to fail back and finish, run:`, resume };
			case 'home':
				if (storeAway && !failedBackNow && options.progress?.failedBack !== true) {
					return { summary: `Stopped with the Central Management store on ${request.backup}, ${request.pool}'s users still on their own pool (${now.evidence}); to go on with the drill, run:`, resume };
				}
				if (failedBackNow || options.progress?.failedBack === true) {
					return { summary: `Stopped after the failback: ${request.pool}'s users are served by ${request.pool} again (${now.evidence})${storeText}; to finish, run:`, resume };
				}
				return { summary: `Stopped: ${request.pool}'s users are served by ${request.pool} (${now.evidence})${storeText}; to drill again, run:`, resume };
			default:
				return { summary: `Stopped: where ${request.pool}'s users sign in could not be told (${now.evidence})${storeText}; check the farm, then run:`, resume };
		}
	}

	function failed(summary: string): DrillResult {
		return { outcome: 'failed', exitCode: 1, lostChanges, summary };
	}
}
