import { sanitizeLine } from '../text/sanitize.js';
import { wrapCommand, wrapWords } from '../text/wrap.js';
import { BACKUP_SERVICE } from '../environments/port.js';
import { stateWord } from '../sfb/observation.js';
import { remainingCommands, type Plan, type PlannedCommand } from './plan.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * The plan in a few lines, in the manner of `terraform plan`'s last line: what the publish changes, and what follows.
 * Shown right above the confirmation, so the operator reads what they confirm without scrolling.
 */
export function planSummary(plan: Plan): string[] {
	const pool = sanitizeLine(plan.pool.fqdn);
	const backup = sanitizeLine(plan.backup.fqdn);
	const width = Math.max(pool.length, backup.length);
	const voice = plan.voice.automaticFailover
		? `on, failover after ${plan.voice.failoverSeconds} s, failback after ${plan.voice.failbackSeconds} s`
		: 'off';
	const servers = plan.pool.servers.length + plan.backup.servers.length;
	const after = plan.deployed
		? `Next: Bootstrapper, CU, ${BACKUP_SERVICE} on ${plural(servers, 'server')}; then the sync both ways.`
		: 'The pools were never deployed: deploying them completes the pairing.';
	const cms = plan.centralManagementStore;
	if (cms) {
		const standby = cms.partnerBackEnd?.sqlServer ?? `the back end of ${cms.partner}`;
		return [
			'Plan: 2 changes, made by you in Topology Builder',
			`  ~ ${pool.padEnd(width)}  backed up by ${backup}`,
			`  ~ ${backup.padEnd(width)}  backed up by ${pool}`,
			`  Voice automatic failover: ${voice}`,
			`  + standby Central Management store on ${sanitizeLine(standby)}`,
			`  ${after}`,
		];
	}
	return [
		'Plan: 2 changes, written when you confirm',
		`  ~ ${pool.padEnd(width)}  backed up by ${backup}`,
		`  ~ ${backup.padEnd(width)}  backed up by ${pool}`,
		`  Voice automatic failover: ${voice}`,
		'  The topology is saved first, then enabled for the whole farm.',
		`  ${after}`,
	];
}

/** What the farm says about one command's work, when the plan was made with its picture. */
function mark(command: PlannedCommand): string {
	if (command.skipped) return 'skipped';
	if (!command.observation || command.observation.state === 'not-done') return 'to do';
	return stateWord(command.observation);
}

/**
 * The whole plan, every command with where it runs (and, when the farm was read, whether its work is done there), as lines of at most `width` columns (none when undefined: one
 * line per command). A command wider than the line breaks before a parameter and ends in a backtick, so it still
 * pastes into PowerShell as one command.
 */
export function planText(plan: Plan, width: number | undefined, warnings: string[] = []): string[] {
	const words = (text: string, indent = '') =>
		width === undefined ? [indent + sanitizeLine(text)] : wrapWords(sanitizeLine(text), width - indent.length, '  ').map((line) => indent + line);
	const lines = [
		...words(`Plan: pair ${plan.pool.fqdn} with ${plan.backup.fqdn} (nothing has been changed)`),
		...warnings.flatMap((warning) => words(`! ${warning}`)),
		'',
		'What will change:',
		...plan.changes.flatMap((change) => words(`- ${change}`, '  ')),
	];
	const observed = plan.steps.some((step) => step.commands.some((command) => command.observation !== undefined || command.skipped !== undefined));
	for (const step of plan.steps) {
		const left = remainingCommands(step).length;
		const status = step.skipped ? `  [skipped: ${step.skipped}]` : observed && left < step.commands.length ? `  [${left} of ${step.commands.length} to do]` : '';
		lines.push('', ...words(`Step ${step.label}  ${step.title}: ${step.summary}${status}`));
		for (const command of step.commands) {
			const state = observed ? `${mark(command)}: ` : '';
			if (width === undefined) {
				lines.push(`  ${state}${sanitizeLine(command.target).padEnd(24)}  ${sanitizeLine(command.command)}`);
				continue;
			}
			lines.push(...words(`${state}${command.target}`, '  '));
			// A part that cannot be broken (a long quoted path) still wraps, rather than be cut off at the edge.
			for (const line of wrapCommand(sanitizeLine(command.command), width - 4, '    ')) lines.push(...wrapWords(line, width - 4, '      ').map((part) => `    ${part}`));
		}
	}
	return lines;
}
