import type { ProcedureEvent } from './events.js';
import { describePicture } from './picture.js';
import { isByHand, PATCH_STAGE_WORDS, PHASE_NAMES, RESTART_STAGE_WORDS, type ProcedureState } from './state.js';
import { STEPS } from './steps.js';
import { sanitizeLine } from '../text/sanitize.js';
import { stateWord } from '../sfb/observation.js';
import { publishWarningAdvice } from '../sfb/publish-warnings.js';

/**
 * An event in words, one line or a few; undefined for events not worth a line. The plain output and the wizard's log
 * share it. Text that may carry what a server printed (output, messages, reasons, notes) stays on one line, so it
 * can never pass for a line of this program's own.
 */
export function describeEvent(state: ProcedureState, event: ProcedureEvent): string | undefined {
	switch (event.type) {
		case 'step-started':
			return `step ${STEPS[event.step].label} ${STEPS[event.step].title}: ${STEPS[event.step].guidance}`;
		case 'step-finished':
			return `step ${STEPS[event.step].label} ${STEPS[event.step].title}: ${event.status}${event.note ? ` (${sanitizeLine(event.note)})` : ''}`;
		case 'pair-chosen':
			return [`pair: ${event.pool} with ${event.backup}`, ...event.warnings.map((warning) => `warning: ${warning}`)].join('\n');
		case 'voice-set':
			return event.voice.automaticFailover
				? `voice: automatic failover after ${event.voice.failoverSeconds} s, failback after ${event.voice.failbackSeconds} s`
				: 'voice: automatic failover and failback off';
		case 'snapshot-taken':
			return `topology snapshot saved: ${event.path}`;
		case 'pairing-written':
			if (event.method === 'cmdlets') {
				return [
					'pairing written and topology enabled',
					...(event.warnings ?? []).map((warning) => `warning: Enable-CsTopology: ${sanitizeLine(warning)}`),
					...(event.warnings?.length ? [publishWarningAdvice(event.warnings) ?? 'Read each warning before going on: the Backup Service depends on what the publish set up'] : []),
					...(event.reportPath ? [`Enable-CsTopology report: ${event.reportPath}`] : []),
				].join('\n');
			}
			return ['pairing published in Topology Builder', ...(event.changes ?? []).map((change, index) => `${index === 0 ? 'topology before → after: ' : '  '}${sanitizeLine(change)}`)].join('\n');
		case 'pairing-verified':
			return 'pairing read back from the published configuration';
		case 'farm-observed':
			return describePicture(event.picture).join('\n');
		case 'task-started':
			return `${event.server}: ${PHASE_NAMES[event.phase]} started`;
		case 'task-output':
			return `${event.server}: ${sanitizeLine(event.line)}`;
		case 'task-stage':
			return `${event.server}: ${PHASE_NAMES[event.phase]}: ${PATCH_STAGE_WORDS[event.stage]}`;
		case 'restart-stage':
			return event.stage ? `${event.server}: restart: ${RESTART_STAGE_WORDS[event.stage]}` : undefined;
		case 'boot-time-at-hold':
			return undefined;
		case 'readiness-observed':
			return `upgrade readiness ${sanitizeLine(event.summary)}`;
		case 'task-succeeded': {
			const exit = event.exitCode === undefined ? '' : ` (exit ${event.exitCode}${event.rebootRequired ? ', reboot required' : ''})`;
			const checked = event.observation ? ', verified on the farm' : '';
			return `${event.server}: ${PHASE_NAMES[event.phase]} succeeded${exit}${checked}`;
		}
		case 'task-failed':
			return `${event.server}: ${PHASE_NAMES[event.phase]} ${event.rebootRequired ? 'HELD (restart needed)' : isByHand(state, event.server, event.phase) ? 'WAITING ON YOU (by hand)' : 'FAILED'}: ${sanitizeLine(event.message)}`;
		case 'task-skipped':
			return `${event.server}: ${PHASE_NAMES[event.phase]} skipped: ${sanitizeLine(event.reason)}`;
		case 'task-reset':
			return `${event.server}: ${PHASE_NAMES[event.phase]} will run again`;
		case 'replication-polled': {
			// A line when something changed: the gate's first read, a replica caught up, newly behind, or not readable.
			const changed = event.replicas.some(({ server, observation }) => observation.state !== 'not-done' || state.replication?.replicas[server]?.behindSince === event.at);
			if (state.replication?.polls !== 1 && !changed) return undefined;
			const behind = event.replicas.filter((replica) => replica.observation.state !== 'done');
			const read = `replication: ${event.replicas.length - behind.length} of ${event.replicas.length} read up to date`;
			return behind.length === 0 ? read : `${read}; ${behind.map((replica) => `${replica.server} ${stateWord(replica.observation)} (${sanitizeLine(replica.observation.evidence)})`).join('; ')}`;
		}
		case 'replication-pushed':
			return `replication pushed (Invoke-CsManagementStoreReplication) to ${event.servers.join(', ')}`;
		case 'replication-settled':
			return `replication: ${sanitizeLine(event.note)}`;
		case 'by-hand-set':
			return `${event.servers.join(', ')}: ${event.byHand ? 'done by hand (the operator runs the commands there; each is verified)' : 'run remotely again'}`;
		case 'by-hand-asked':
			return [
				`${event.server}: ${PHASE_NAMES[event.phase]} by hand${event.lastCheck ? `, ${sanitizeLine(event.lastCheck)}` : ''}.${event.note ? ` ${sanitizeLine(event.note)}` : ''} Run on ${event.server}, in an elevated Management Shell:`,
				...event.commands,
			].join('\n');
		case 'preflight-accepted':
			return sanitizeLine(event.note);
		case 'sync-requested':
			return `sync requested for ${event.pool}`;
		case 'sync-polled':
			return `sync poll ${state.sync.polls}: ${event.directions
				.map((direction) => `${direction.pool} ${direction.verdict.state}`)
				.join(', ')} (${state.sync.consecutiveSteady} steady in a row)`;
		case 'procedure-ended':
			return `${event.outcome}: ${sanitizeLine(event.reason)}`;
		case 'procedure-resumed':
			return 'resuming the session: re-checking the farm';
		default:
			return undefined;
	}
}
