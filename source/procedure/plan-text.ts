import { sanitizeLine } from '../text/sanitize.js';
import { wrapCommand, wrapWords } from '../text/wrap.js';
import { BACKUP_SERVICE } from '../environments/port.js';
import { stateWord } from '../sfb/observation.js';
import { scheduledDomains, scheduleWallTime, type PoolUpgradeDomains, type UpgradeSchedule } from '../sfb/upgrade-domains.js';
import { remainingCommands, type Plan, type PlannedCommand } from './plan.js';
import type { StepId } from './steps.js';

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
export function planText(plan: Plan, width: number | undefined, warnings: string[] = [], afterStep: Partial<Record<StepId, string[]>> = {}): string[] {
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
		lines.push(...(afterStep[step.step] ?? []));
	}
	return lines;
}

/** The Cumulative Update's upgrade-domain schedule as the plan shows it, with the per-server time it was estimated from. */
export interface ScheduleView {
	schedule: UpgradeSchedule;
	pools: PoolUpgradeDomains[];
	/** One server's failover, installer and failback; undefined: not known (live without --cu-minutes). */
	perServerMs?: number;
}

const shortHost = (fqdn: string) => fqdn.split('.')[0] ?? fqdn;

function minutesText(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * Which servers of the Cumulative Update go together and in what order, and how long that takes: each domain's servers
 * at once, a pool's domains one after another, the pools one after the other.
 */
export function scheduleText(view: ScheduleView, width: number | undefined): string[] {
	const words = (text: string, indent = '') =>
		width === undefined ? [indent + sanitizeLine(text)] : wrapWords(sanitizeLine(text), width - 2 - indent.length, '  ').map((line) => indent + line);
	const order = view.schedule.lanes.length > 1 ? 'the pools side by side' : 'one pool after the other';
	const assumed = view.pools.filter((pool) => pool.source === 'assumed').map((pool) => shortHost(pool.pool));
	const lines = [...words(`By upgrade domain: one domain at a time per pool, ${order}; each server failed over, updated, failed back.`)];
	if (assumed.length > 0) lines.push(...words(`Domains of ${assumed.join(', ')} by the lab's rule (up to eight, servers dealt round them) [unverified]: the farm's readiness output decides when it runs.`, '  '));
	for (const [index, stage] of scheduledDomains(view.schedule).entries()) {
		lines.push(...words(`${index + 1}. ${shortHost(stage.pool)} ${stage.domain}: ${stage.servers.map(shortHost).join(', ')}`, '  '));
	}
	const estimate =
		view.perServerMs === undefined
			? 'Expected wall time: give --cu-minutes (one server\'s failover, installer and failback) for an estimate.'
			: `Expected wall time: about ${minutesText(scheduleWallTime(view.schedule, view.perServerMs))} (${minutesText(view.perServerMs)} a server, plus the waits for each pool to be ready again).`;
	lines.push(...words(estimate, '  '));
	return lines.map((line) => `  ${line}`);
}
