import type { Environment } from '../../environments/port.js';
import { observePair } from '../../operations/reconcile.js';
import { assessPicture } from '../../procedure/picture.js';
import { buildPlan, remainingCommands } from '../../procedure/plan.js';
import { planText, scheduleText, type ScheduleView } from '../../procedure/plan-text.js';
import { upgradeDomainsOfPools } from '../../operations/upgrade-domain-work.js';
import { scheduleWallTime, upgradeSchedule, type PoolOrder } from '../../sfb/upgrade-domains.js';
import { assessPair, findPool, unknownPoolMessage } from '../../sfb/pairing-rules.js';
import type { VoiceResiliency } from '../../sfb/model.js';
import { sanitizeLine, terminalSafeJson } from '../../text/sanitize.js';
import { UsageError } from '../exit-codes.js';

export async function planCommand(
	environment: Environment,
	request: { pool: string; backup: string; voice: VoiceResiliency },
	json: boolean,
	write: (text: string) => void,
	/** The terminal's width when printing to one: long lines then break between words, commands before a parameter. */
	width?: number,
	/** One server's failover, installer and failback, from the scenario or --cu-minutes, for the wall-time estimate. */
	cumulativeUpdatePerServerMs?: number,
	cumulativeUpdatePools: PoolOrder = 'one-after-another',
): Promise<number> {
	const inventory = await environment.readInventory();
	for (const name of [request.pool, request.backup]) {
		if (!findPool(inventory, name)) throw new UsageError(unknownPoolMessage(inventory, name));
	}
	const assessment = assessPair(inventory, request.pool, request.backup);
	if (!assessment.allowed) throw new UsageError(`cannot pair ${request.pool} with ${request.backup}: ${assessment.refusals.join('; ')}`);
	const pool = findPool(inventory, request.pool)!;
	const backup = findPool(inventory, request.backup)!;
	const picture = await observePair(environment, pool, backup);
	const plan = buildPlan(inventory, pool, backup, request.voice, picture);
	const farm = assessPicture(picture);
	const domains = await upgradeDomainsOfPools(environment.patching, [pool, backup]);
	const schedule: ScheduleView = {
		schedule: upgradeSchedule(domains, cumulativeUpdatePools),
		pools: domains,
		...(cumulativeUpdatePerServerMs === undefined ? {} : { perServerMs: cumulativeUpdatePerServerMs }),
	};
	if (json) {
		write(
			terminalSafeJson({
				pool: plan.pool.fqdn,
				backup: plan.backup.fqdn,
				voice: plan.voice,
				topologySignature: plan.topologySignature,
				deployed: plan.deployed,
				state: farm.state,
				warnings: assessment.warnings,
				changes: plan.changes,
				steps: plan.steps.map((step) => ({
					...step,
					skipped: step.skipped ?? null,
					remaining: remainingCommands(step).length,
					commands: step.commands.map((command) => ({ ...command, skipped: command.skipped ?? null, observation: command.observation ?? null })),
				})),
				cumulativeUpdateSchedule: {
					order: cumulativeUpdatePools,
					domains: schedule.schedule.lanes.flat(),
					domainSource: Object.fromEntries(domains.map((entry) => [entry.pool, entry.source])),
					perServerMinutes: schedule.perServerMs === undefined ? null : schedule.perServerMs / 60_000,
					wallMinutes: schedule.perServerMs === undefined ? null : scheduleWallTime(schedule.schedule, schedule.perServerMs) / 60_000,
				},
			}),
		);
		return 0;
	}
	write(environment.description);
	if (farm.state === 'complete') write(sanitizeLine(`${plan.pool.fqdn} and ${plan.backup.fqdn} are paired and complete on the farm: nothing is left to do`));
	const cumulativeUpdate = plan.steps.some((step) => step.step === 'cumulative-update' && remainingCommands(step).length > 0);
	for (const line of planText(plan, width, assessment.warnings, cumulativeUpdate ? { 'cumulative-update': scheduleText(schedule, width) } : {})) write(line);
	const unclear = [...farm.failed, ...farm.unknown];
	if (unclear.length > 0) {
		write('');
		write('The farm could not tell, or shows something wrong:');
		for (const line of unclear) write(`  - ${sanitizeLine(line)}`);
	}
	return 0;
}
