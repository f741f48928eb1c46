import type { Environment } from '../../environments/port.js';
import { buildPlan } from '../../procedure/plan.js';
import { planText } from '../../procedure/plan-text.js';
import { assessPair, findPool, unknownPoolMessage } from '../../sfb/pairing-rules.js';
import type { VoiceResiliency } from '../../sfb/model.js';
import { terminalSafeJson } from '../../text/sanitize.js';
import { UsageError } from '../exit-codes.js';

export async function planCommand(
	environment: Environment,
	request: { pool: string; backup: string; voice: VoiceResiliency },
	json: boolean,
	write: (text: string) => void,
	/** The terminal's width when printing to one: long lines then break between words, commands before a parameter. */
	width?: number,
): Promise<number> {
	const inventory = await environment.readInventory();
	for (const name of [request.pool, request.backup]) {
		if (!findPool(inventory, name)) throw new UsageError(unknownPoolMessage(inventory, name));
	}
	const assessment = assessPair(inventory, request.pool, request.backup);
	if (!assessment.allowed) throw new UsageError(`cannot pair ${request.pool} with ${request.backup}: ${assessment.refusals.join('; ')}`);
	const plan = buildPlan(inventory, findPool(inventory, request.pool)!, findPool(inventory, request.backup)!, request.voice);
	if (json) {
		write(
			terminalSafeJson({
				pool: plan.pool.fqdn,
				backup: plan.backup.fqdn,
				voice: plan.voice,
				topologySignature: plan.topologySignature,
				deployed: plan.deployed,
				warnings: assessment.warnings,
				changes: plan.changes,
				steps: plan.steps.map((step) => ({ ...step, skipped: step.skipped ?? null })),
			}),
		);
		return 0;
	}
	write(environment.description);
	for (const line of planText(plan, width, assessment.warnings)) write(line);
	return 0;
}
