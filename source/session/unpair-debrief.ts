import { UNPAIR_STEPS, type UnpairStepId } from '../procedure/unpair-plan.js';
import { sanitizeLine } from '../text/sanitize.js';
import { readChangeRecord } from './change-record.js';
import type { DebriefScenario } from './debrief.js';
import { replaceFile } from './private-fs.js';
import type { UnpairState } from './unpair-session.js';

const STATUS_WORDS = { pending: 'not reached', done: 'done (the farm confirms it)', unverified: 'ran without error; the farm cannot confirm it', 'not-done': 'not done', unknown: 'could not be told', failed: 'FAILED' } as const;

const escape = (text: string) => sanitizeLine(text).replace(/([\\`*_[\]<>|])/g, '\\$1');

/** The training debrief of an unpair: each step, what the farm said, why it exists and where that comes from; what follows. */
export function renderUnpairDebrief(state: UnpairState, steps: UnpairStepId[], commands: number, scenario?: DebriefScenario): string {
	const lines = [
		`# Debrief: unpair ${escape(state.pool)} and ${escape(state.partner)}`,
		'',
		`- Session: \`${state.sessionId}\``,
		`- Environment: ${escape(state.environment.description)}`,
		...(scenario ? [`- Scenario: **${escape(scenario.name)}**: ${escape(scenario.description)}`] : []),
		`- Path: ${state.path === 'cmdlets' ? 'cmdlets (Set-CsRegistrar without backup, Enable-CsTopology)' : 'Topology Builder (guided)'}`,
		`- Outcome: ${state.outcome ? `${state.outcome.kind}: ${escape(state.outcome.reason)}` : 'unfinished'}`,
		`- Commands run: ${commands}`,
		'',
		'## Steps',
		'',
	];
	for (const [index, id] of steps.entries()) {
		const step = state.steps[id];
		lines.push(`### ${index + 1}. ${UNPAIR_STEPS[id].title}: ${STATUS_WORDS[step.status]}`, '');
		if (step.evidence) lines.push(`- The farm said: ${escape(step.evidence)}`);
		lines.push(`- Why: ${escape(UNPAIR_STEPS[id].why)}`, `- Source: ${escape(UNPAIR_STEPS[id].source)}`, '');
	}
	lines.push(
		'## What follows',
		'',
		`- Neither pool is protected now: a failure of either has no pool to fail over to. Pair each with another pool soon (sfb-pair offers both as not paired).`,
		'- Re-pairing a pool with another partner runs the whole pairing again: Bootstrapper, the Cumulative Update, LYNCBACKUP, the sync both ways.',
		'- Remove-CsUserStoreBackupData removes only the data of pools no longer paired: run after a re-pair it keeps the new partner\'s data (cmdlet reference, Example 1).',
		...(state.snapshotPath ? [`- The topology before the unpair was saved as \`${escape(state.snapshotPath)}\`; restoring it reverts every change published since.`] : []),
		'',
	);
	return lines.join('\n');
}

export async function writeUnpairDebrief(recordJsonlPath: string, out: string, state: UnpairState, steps: UnpairStepId[], scenario?: DebriefScenario): Promise<string> {
	const commands = readChangeRecord(recordJsonlPath).filter((entry) => entry.type === 'command').length;
	await replaceFile(out, renderUnpairDebrief(state, steps, commands, scenario));
	return out;
}
