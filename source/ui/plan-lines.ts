import { MANAGEMENT_SHELL, type Plan } from '../procedure/plan.js';
import { sanitizeLine } from '../text/sanitize.js';

/** The plan as lines for the scrollback, where it stays above the confirmation for the operator to read. */
export function planLines(plan: Plan): string[] {
	const lines = ['', `PLAN: pair ${plan.pool.fqdn} with ${plan.backup.fqdn}. Nothing has been written yet.`, 'What will change:'];
	for (const change of plan.changes) lines.push(`  - ${change}`);
	for (const step of plan.steps) {
		lines.push(`Step ${step.label} ${step.title}: ${step.summary}${step.skipped ? ` [skipped: ${step.skipped}]` : ''}`);
		const perServer = step.commands.every((command) => command.target !== MANAGEMENT_SHELL);
		const commands = perServer ? step.commands.slice(0, 1) : step.commands;
		for (const command of commands) lines.push(`    ${command.target}: ${command.command}`);
		if (commands.length < step.commands.length) lines.push(`    … and the same on the other ${step.commands.length - commands.length} servers`);
	}
	lines.push('');
	return lines.map(sanitizeLine);
}
