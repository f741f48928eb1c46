import { sanitizeLine } from '../text/sanitize.js';
import type { LabFault } from '../environments/lab/scenario.js';
import type { ProcedureState } from '../procedure/state.js';
import { STEP_IDS, STEPS } from '../procedure/steps.js';
import { readChangeRecord, type ChangeRecordEntry } from './change-record.js';
import { replaceFile } from './private-fs.js';
import { mermaidGantt, spansFromRecord } from './record-gantt.js';
import { OUTCOME_WORDS } from './record-markdown.js';

export interface DebriefScenario {
	name: string;
	description: string;
	faults: LabFault[];
}

export interface DebriefOptions {
	/** The session's change record (`<records>/<session>.jsonl`). */
	recordJsonlPath: string;
	state: ProcedureState;
	/** The lab scenario the run met, when it was a training run. */
	scenario?: DebriefScenario;
	/** Where the debrief goes; `debriefPathFor(recordJsonlPath)` puts it beside the change record. */
	out: string;
}

type CommandRecord = Extract<ChangeRecordEntry, { type: 'command' }>;
type DecisionRecord = Extract<ChangeRecordEntry, { type: 'decision' }>;

/** `<records>/<session>.jsonl` → `<records>/<session>.debrief.md` */
export function debriefPathFor(recordJsonlPath: string): string {
	return `${recordJsonlPath.replace(/\.jsonl$/, '')}.debrief.md`;
}

/** Reads the change record, writes the debrief of a training run to `out`, and returns `out`. */
export async function writeDebrief(options: DebriefOptions): Promise<string> {
	const entries = readChangeRecord(options.recordJsonlPath);
	await replaceFile(options.out, renderDebrief(entries, options.state, options.scenario));
	return options.out;
}

/** The debrief as Markdown: outcome, time taken, steps, decisions, faults met and how they were handled, timeline. */
export function renderDebrief(entries: ChangeRecordEntry[], state: ProcedureState, scenario?: DebriefScenario): string {
	const origin = startOf(entries, state);
	const at = (iso: string) => relativeTime(Date.parse(iso) - origin);
	const end = endOf(entries, state);
	const pair = state.pair ? `${state.pair.pool} ↔ ${state.pair.backup}` : 'no pair chosen';

	const lines = [
		`# Debrief: ${escape(pair)}`,
		'',
		`- Session: \`${state.sessionId}\``,
		`- Environment: ${escape(state.environment.description)}`,
		...(scenario ? [`- Scenario: **${escape(scenario.name)}**: ${escape(scenario.description)}`] : []),
		`- Outcome: ${describeOutcome(state)}`,
		`- Total time: ${duration(end - origin)}`,
		...(state.warnings.length > 0 ? ['', '## Warnings', '', ...state.warnings.map((warning) => `- ${escape(warning)}`)] : []),
		'',
		'## Steps',
		'',
		...STEP_IDS.map((id) => {
			const step = state.steps[id];
			const note = step.note ? `: ${escape(step.note)}` : '';
			return `- ${STEPS[id].label} ${STEPS[id].title}: ${step.status}${note}`;
		}),
		'',
		'## Decisions',
		'',
		...decisionLines(entries, at),
	];
	if (scenario) lines.push('', '## Faults', '', ...faultLines(scenario.faults, entries, at));
	lines.push('', '## Timeline', '', ...mermaidGantt(spansFromRecord(entries)), '', ...timelineLines(entries, at));
	return `${lines.join('\n')}\n`;
}

function startOf(entries: ChangeRecordEntry[], state: ProcedureState): number {
	const session = entries.find((entry) => entry.type === 'session');
	const parsed = session ? Date.parse(session.at) : Number.NaN;
	return Number.isFinite(parsed) ? Math.min(parsed, state.startedAt) : state.startedAt;
}

function endOf(entries: ChangeRecordEntry[], state: ProcedureState): number {
	const times = entries.map((entry) => Date.parse(entry.type === 'command' ? entry.endedAt : entry.at)).filter(Number.isFinite);
	return Math.max(state.outcome?.at ?? state.updatedAt, ...times);
}

function describeOutcome(state: ProcedureState): string {
	if (!state.outcome) return `not finished (at step ${STEPS[state.current].label} ${STEPS[state.current].title})`;
	return `**${OUTCOME_WORDS[state.outcome.kind]}**: ${escape(state.outcome.reason)}`;
}

function decisionLines(entries: ChangeRecordEntry[], at: (iso: string) => string): string[] {
	const decisions = entries.filter((entry): entry is DecisionRecord => entry.type === 'decision');
	if (decisions.length === 0) return ['None recorded.'];
	const retries = decisions.filter((decision) => decision.choice.startsWith('retry')).length;
	const skips = decisions.filter((decision) => decision.choice === 'skip').length;
	return [
		...decisions.map((decision) => {
			const reason = decision.reason ? ` (reason: ${escape(decision.reason.replace(/\n/g, ' '))})` : '';
			return `- ${at(decision.at)} ${escape(decision.what)}: **${escape(decision.choice)}**${reason}`;
		}),
		'',
		`${count(decisions.length, 'decision')}, ${count(retries, 'retry', 'retries')}, ${count(skips, 'skip')}.`,
	];
}

/** What each fault of the scenario looks like in a change record. */
function evidenceOf(fault: LabFault, entries: ChangeRecordEntry[]): { met?: ChangeRecordEntry; server?: string; phase?: string } {
	const failedOn = (server: string, command: RegExp, output?: RegExp) =>
		entries.find(
			(entry): entry is CommandRecord =>
				entry.type === 'command' &&
				entry.outcome === 'failed' &&
				entry.target === server &&
				command.test(entry.command) &&
				(output === undefined || (entry.tail ?? []).some((line) => output.test(line))),
		);
	// Records before status entries kept the last poll as a command, its modules in the output.
	const statusOf = (pool: string, outcome: CommandRecord['outcome'], module: RegExp) =>
		entries.find(
			(entry) =>
				(entry.type === 'status' &&
					entry.pool === pool &&
					entry.modules.some((each) => module.test(`${each.identity} ${each.exportStatus} ${each.importStatus}`))) ||
				(entry.type === 'command' &&
					entry.outcome === outcome &&
					/Get-CsBackupServiceStatus/.test(entry.command) &&
					entry.command.includes(`'${pool}'`) &&
					(entry.tail ?? []).some((line) => module.test(line))),
		);
	switch (fault.type) {
		case 'bootstrapper-exit':
			return { met: failedOn(fault.server, BOOTSTRAPPER), server: fault.server, phase: 'bootstrapper' };
		case 'another-version-installed':
			return { met: failedOn(fault.server, BOOTSTRAPPER, /Another .* is already installed/), server: fault.server, phase: 'bootstrapper' };
		case 'unreachable': {
			if (fault.during === 'preflight') return { met: noteMatching(entries, /^Pre-flight/) };
			if (fault.during === 'deployment') return { met: entries.find((entry) => entry.type === 'decision' && entry.what.startsWith(`could not tell on ${fault.server}`)) };
			const command = fault.during === 'bootstrapper' ? BOOTSTRAPPER : SERVICE;
			return { met: failedOn(fault.server, command), server: fault.server, phase: fault.during === 'bootstrapper' ? 'bootstrapper' : 'backup-service' };
		}
		case 'reboot-required':
			return {
				met: entries.find((entry) => entry.type === 'command' && entry.target === fault.server && entry.exitCode === 3010),
				server: fault.server,
				phase: 'bootstrapper',
			};
		case 'cumulative-update-exit':
			return { met: failedOn(fault.server, CUMULATIVE_UPDATE), server: fault.server, phase: 'cumulative-update' };
		case 'server-down':
			return { met: entries.find((entry) => entry.type === 'note' && entry.text.includes('not ready') && entry.text.includes(fault.server)), server: fault.server, phase: 'cumulative-update' };
		case 'restart-hangs':
			return { met: noteMatching(entries, new RegExp(`^${escapeRegExp(fault.server)} is held: .*did not come back`)), server: fault.server, phase: 'bootstrapper' };
		case 'cumulative-update-not-applied': {
			// The version probe catches it after the installer; where the CU step was skipped, the crash at the service start does.
			const caught = failedOn(fault.server, CUMULATIVE_UPDATE);
			return caught ? { met: caught, server: fault.server, phase: 'cumulative-update' } : { met: failedOn(fault.server, SERVICE), server: fault.server, phase: 'backup-service' };
		}
		case 'replica-behind': {
			// The gate before Bootstrapper meets it first; a Bootstrapper run on a replica skipped at the gate meets it after.
			const atGate = entries.find((entry) => entry.type === 'note' && entry.text.startsWith(`${fault.server}: its replica of the Central Management store is behind the publish`));
			return { met: atGate ?? failedOn(fault.server, BOOTSTRAPPER), server: fault.server, phase: 'bootstrapper' };
		}
		case 'no-standby-store':
			return { met: entries.find((entry) => entry.type === 'note' && entry.text.startsWith('No standby Central Management store')) };
		case 'file-share-permissions':
			return { met: entries.find((entry) => entry.type === 'note' && entry.text.startsWith('Enable-CsTopology warned:') && entry.text.includes(fault.pool)) };
		case 'sync-slow':
			return {
				met: statusOf(fault.pool, 'interrupted', /NonSteadyState/) ?? entries.find((entry) => entry.type === 'decision' && /sync not steady/.test(entry.what)),
			};
		case 'sync-error':
			return {
				met:
					statusOf(fault.pool, 'failed', new RegExp(`^${escapeRegExp(fault.module)} ErrorState`)) ??
					noteMatching(entries, new RegExp(`${escapeRegExp(fault.module)} in ErrorState`)),
			};
		case 'status-access-denied':
			return { met: noteMatching(entries, /Get-CsBackupServiceStatus.*access denied/i) };
		case 'server-output': {
			const shown = fault.lines.map(sanitizeLine);
			const met = entries.find(
				(entry) =>
					entry.type === 'command' &&
					entry.target === fault.server &&
					BOOTSTRAPPER.test(entry.command) &&
					(entry.tail ?? []).some((line) => shown.includes(line)),
			);
			return { met, server: fault.server, phase: 'bootstrapper' };
		}
		case 'smb-blocked':
		case 'double-hop-denied':
		case 'fabric-missing-replicas':
		case 'front-end-stopped':
		case 'not-rtc-admin':
		case 'not-elevated':
		case 'no-setup-rights':
			// Pre-flight faults: \`sfb-pair doctor\` finds them before anything changes; a run records them as its pre-flight note.
			return { met: noteMatching(entries, /^Pre-flight/) };
		case 'sync-backlog':
		case 'stale-sync':
			// Drill faults: the pairing's procedure never meets them; the drill's own record (sfb-pair drill) tells them.
			return {};
		case 'topology-changed': {
			const publishes = entries.filter((entry) => entry.type === 'decision' && entry.what === 'publish the pairing');
			return { met: noteMatching(entries, /topology changed/i) ?? (publishes.length > 1 ? publishes[0] : undefined) };
		}
	}
}

const BOOTSTRAPPER = /Bootstrapper\.exe/;
const SERVICE = /Start-CsWindowsService/;
const CUMULATIVE_UPDATE = /SkypeServerUpdateInstaller/;

function faultLines(faults: LabFault[], entries: ChangeRecordEntry[], at: (iso: string) => string): string[] {
	if (faults.length === 0) return ['The scenario injects no faults.'];
	return faults.map((fault) => {
		const { met, server, phase } = evidenceOf(fault, entries);
		const title = `**${fault.type}** (${describeFault(fault)})`;
		if (!met) return `- ${title}: not met in this run.`;
		const when = at(met.type === 'command' ? met.startedAt : met.at);
		return `- ${title}: met at ${when}; ${server && phase ? handlingOnServer(entries, server, phase, at) : handlingOfPair(fault, entries)}`;
	});
}

function describeFault(fault: LabFault): string {
	switch (fault.type) {
		case 'bootstrapper-exit':
			return `Bootstrapper exits ${fault.exitCode} on ${fault.server}`;
		case 'another-version-installed':
			return `another product version installed on ${fault.server}`;
		case 'unreachable':
			return `${fault.server} unreachable over WinRM during ${{ bootstrapper: 'Bootstrapper', service: 'the service start', deployment: 'the deployment check', preflight: 'the pre-flight (sfb-pair doctor)' }[fault.during]}`;
		case 'replica-behind':
			return `the replica on ${fault.server} catches up ${fault.seconds} s after the publish${fault.pushIgnored ? ', whatever is pushed' : ''}: Bootstrapper before then installs nothing`;
		case 'reboot-required':
			return `Bootstrapper asks for a restart of ${fault.server}`;
		case 'cumulative-update-exit':
			return `the update installer exits ${fault.exitCode} on ${fault.server}`;
		case 'server-down':
			return `${fault.server} is down, so its pool is not ready for an upgrade`;
		case 'restart-hangs':
			return `${fault.server} does not come back from its restart`;
		case 'cumulative-update-not-applied':
			return `the Cumulative Update misses the Backup Service on ${fault.server}: Event 4007`;
		case 'sync-slow':
			return `${fault.pool} lingers in NonSteadyState`;
		case 'sync-error':
			return `${fault.module} of ${fault.pool} in ErrorState`;
		case 'sync-backlog':
			return `${fault.pool} builds a backlog (NonSteadyState) for ${fault.attempts} status reads: a drill before then is refused`;
		case 'stale-sync':
			return `${fault.pool} last exported to its backup ${fault.minutes} minutes ago: a disaster-mode failover loses what changed since`;
		case 'status-access-denied':
			return `Get-CsBackupServiceStatus refused${fault.pool ? ` for ${fault.pool}` : ''}`;
		case 'topology-changed':
			return 'someone else publishes between the plan and the publish';
		case 'no-standby-store':
			return 'the pairing of the Central Management store pool was published without its standby store';
		case 'file-share-permissions':
			return `Enable-CsTopology cannot set the permissions on ${fault.pool}'s file store`;
		case 'server-output':
			return `Bootstrapper on ${fault.server} prints unexpected output`;
		case 'smb-blocked':
			return `${fault.server} cannot reach the partner pool's file store over SMB (TCP 445)`;
		case 'double-hop-denied':
			return `${fault.server} is refused the file store from a remote session (Kerberos double hop)`;
		case 'fabric-missing-replicas':
			return `${fault.pool}'s Windows Fabric misses ${fault.count} replica${fault.count === 1 ? '' : 's'}`;
		case 'front-end-stopped':
			return `the Front End service is stopped on ${fault.server}`;
		case 'not-rtc-admin':
			return 'the account is not in RTCUniversalServerAdmins';
		case 'not-elevated':
			return 'the shell is not elevated';
		case 'no-setup-rights':
			return 'the account may not enable the topology (not a Domain Admin, no setup permissions)';
	}
}

/** The replication gate's decisions name the servers behind after this. */
const REPLICAS_BEHIND = 'replicas behind the publish: ';

const PHASE_COMMANDS: Record<string, RegExp> = { bootstrapper: BOOTSTRAPPER, 'cumulative-update': CUMULATIVE_UPDATE, 'backup-service': SERVICE };

function handlingOnServer(entries: ChangeRecordEntry[], server: string, phase: string, at: (iso: string) => string): string {
	const choices = entries
		.filter(
			(entry): entry is DecisionRecord =>
				entry.type === 'decision' &&
				(entry.what === `${phase} failed on ${server}` || (phase === 'bootstrapper' && entry.what.startsWith(REPLICAS_BEHIND) && entry.what.slice(REPLICAS_BEHIND.length).split(', ').includes(server))),
		)
		.map((decision) => (decision.reason ? `${decision.choice} (${decision.reason})` : decision.choice));
	const command = PHASE_COMMANDS[phase] ?? BOOTSTRAPPER;
	const success = entries.find(
		(entry): entry is CommandRecord => entry.type === 'command' && entry.target === server && entry.outcome === 'succeeded' && command.test(entry.command),
	);
	const handled = choices.length > 0 ? `handled by: ${escape(choices.join(', then '))}` : 'no decision recorded';
	return success ? `${handled}; succeeded at ${at(success.endedAt)}.` : `${handled}; not resolved in this session.`;
}

function handlingOfPair(fault: LabFault, entries: ChangeRecordEntry[]): string {
	const resumed = entries.some((entry) => entry.type === 'resumed');
	const steady = entries.some(
		(entry) =>
			(entry.type === 'status' && entry.concluded === 'steady') ||
			(entry.type === 'command' && /Get-CsBackupServiceStatus/.test(entry.command) && entry.outcome === 'succeeded'),
	);
	if (fault.type === 'topology-changed') {
		const published = entries.some((entry) => entry.type === 'command' && /Set-CsRegistrar/.test(entry.command) && entry.outcome === 'succeeded');
		return published ? 'the stale plan was refused, made again and confirmed before publishing.' : 'the stale plan was refused; nothing was published.';
	}
	const after = resumed ? 'the session was resumed' : 'the session stopped here';
	return steady ? `${after}, and the sync then held steady state.` : `${after}; the sync did not reach steady state in this session.`;
}

function timelineLines(entries: ChangeRecordEntry[], at: (iso: string) => string): string[] {
	const lines: string[] = [];
	for (const entry of entries) {
		switch (entry.type) {
			case 'session':
				lines.push(`- ${at(entry.at)} session started: ${escape(entry.title)}`);
				break;
			case 'resumed':
				lines.push(`- ${at(entry.at)} session resumed`);
				break;
			case 'command': {
				const exit = entry.exitCode === undefined ? '' : `, exit ${entry.exitCode}`;
				const firstLine = entry.command.split('\n')[0] ?? '';
				lines.push(`- ${at(entry.startedAt)} ${escape(entry.target)}: \`${firstLine.replace(/`/g, "'")}\`: ${entry.outcome}${exit} (${duration(Date.parse(entry.endedAt) - Date.parse(entry.startedAt))})`);
				break;
			}
			case 'decision':
				lines.push(`- ${at(entry.at)} decision: ${escape(entry.what)}: **${escape(entry.choice)}**${entry.reason ? ` (${escape(entry.reason.replace(/\n/g, ' '))})` : ''}`);
				break;
			case 'note':
				lines.push(`- ${at(entry.at)} note: ${escape(entry.text.replace(/\n/g, ' '))}`);
				break;
			case 'snapshot':
				lines.push(`- ${at(entry.at)} topology snapshot saved: \`${entry.path.replace(/`/g, "'")}\``);
				break;
			case 'status': {
				const states = entry.modules.map((module) => `${module.identity} ${module.exportStatus}/${module.importStatus}`).join(', ');
				lines.push(`- ${at(entry.at)} ${escape(entry.pool)} status, poll ${entry.poll}: ${entry.verdict}${states ? ` (${escape(states)})` : ''}`);
				break;
			}
			case 'ended':
				lines.push(`- ${at(entry.at)} run ended: ${OUTCOME_WORDS[entry.outcome]}: ${escape(entry.reason)}`);
				break;
			case 'gap':
				lines.push(`- ${at(entry.at)} **${escape(entry.text)}**`);
				break;
		}
	}
	return lines.length > 0 ? lines : ['Nothing recorded.'];
}

function noteMatching(entries: ChangeRecordEntry[], pattern: RegExp): ChangeRecordEntry | undefined {
	return entries.find((entry) => entry.type === 'note' && pattern.test(entry.text));
}

/** `+h:mm:ss` from the start of the session. */
function relativeTime(ms: number): string {
	const seconds = Math.max(0, Math.round(Number.isFinite(ms) ? ms / 1000 : 0));
	const pad = (value: number) => String(value).padStart(2, '0');
	return `+${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

function duration(ms: number): string {
	if (!Number.isFinite(ms) || ms < 0) return 'unknown';
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = Math.round(ms / 1000);
	const minutes = Math.floor(seconds / 60);
	if (minutes === 0) return `${seconds} s`;
	const hours = Math.floor(minutes / 60);
	return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min ${seconds % 60} s`;
}

function count(value: number, singular: string, plural = `${singular}s`): string {
	return `${value} ${value === 1 ? singular : plural}`;
}

function escape(text: string): string {
	return sanitizeLine(text).replace(/[\\`*_{}[\]<>#|]/g, (character) => `\\${character}`);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
