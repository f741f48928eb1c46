import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import { isByHand, isHeld, PATCH_STAGE_WORDS, RESTART_STAGE_WORDS, type ProcedureState, type ServerPhase, type ServerTask } from '../procedure/state.js';
import { describeProgress, type PhaseProgress } from '../procedure/progress.js';
import { sanitizeLine } from '../text/sanitize.js';
import { Elapsed } from './Elapsed.js';
import { shortName } from './format.js';
import { statusMark, type StatusKind } from './status-marks.js';
import { useSymbols } from './symbols.js';

const STATE_WORDS: Record<ServerTask['state'], string> = {
	pending: 'waiting',
	running: 'running',
	succeeded: 'done',
	failed: 'FAILED',
	skipped: 'skipped',
};

/** A held server sfb-pair is restarting (fail over, restart, fail back): it runs, though Bootstrapper waits. */
const restarting = (task: ServerTask) => isHeld(task) && task.restartStage !== undefined;

/** A server's task as the one status mapping sees it: held or waiting on the operator is for attention, not a failure or work running. */
function statusOf(task: ServerTask, byYou: boolean): StatusKind {
	if (restarting(task)) return 'running';
	if (isHeld(task)) return 'attention';
	switch (task.state) {
		case 'succeeded':
			return 'done';
		case 'failed':
			return 'failed';
		case 'skipped':
			return 'skipped';
		case 'running':
			// Done by hand: nothing of the tool's is running there, it waits on the operator.
			return byYou ? 'attention' : 'running';
		default:
			return 'pending';
	}
}


function ServerLine({ fqdn, pool, task, now, byYou }: { fqdn: string; pool: string; task: ServerTask; now: number; byYou: boolean }) {
	const symbols = useSymbols();
	// Done by hand: nothing of the tool's is running there, it waits on the operator.
	const waitingOnYou = byYou && task.state === 'running';
	const { mark, color } = statusMark(statusOf(task, byYou), symbols, now);
	const exit = task.exitCode === undefined ? '' : ` exit ${task.exitCode}`;
	const attempt = task.attempts > 1 ? ` try ${task.attempts}` : '';
	const after = `${exit}${attempt}${task.state === 'skipped' && task.message ? `: ${sanitizeLine(task.message)}` : ''}`;
	// Failing over, installing, failing back: while it runs, and where it stopped when it failed.
	const stage = task.stage && (task.state === 'running' || task.state === 'failed') ? PATCH_STAGE_WORDS[task.stage] : undefined;
	const state = stage === undefined ? STATE_WORDS[task.state] : task.state === 'running' ? stage : `${STATE_WORDS[task.state]} ${stage}`;
	const words = restarting(task) ? `RESTARTING: ${RESTART_STAGE_WORDS[task.restartStage!]}` : isHeld(task) ? 'HELD: restart it' : waitingOnYou ? 'waiting on you (by hand)' : state;
	// One text cut at its end, then the elapsed time: nothing can reach past the last column (the terminal would wrap a row
	// Ink does not count), and no clip of its own, which in Ink would undo the clip of the panels around it.
	return (
		<Box>
			<Box width={3} flexShrink={0}>
				<Text color={color}>{mark}</Text>
			</Box>
			<Text wrap="truncate-end" color={color}>
				<Text bold>{sanitizeLine(fqdn)}</Text> <Text dimColor>{shortName(pool)}</Text> {words}
				{restarting(task) ? '' : after}
			</Text>
			{restarting(task) && task.restartStartedAt !== undefined ? (
				<Box marginLeft={1} flexShrink={0}>
					<Elapsed ms={now - task.restartStartedAt} color={color} />
				</Box>
			) : task.startedAt ? (
				<Box marginLeft={1} flexShrink={0}>
					<Elapsed ms={(task.endedAt ?? now) - task.startedAt} color={color} />
				</Box>
			) : null}
		</Box>
	);
}

/**
 * The phase in progress: one line of progress with the time left, then a panel per server still to finish (running and
 * failed ones with their latest output, as many lines as there is room for). Finished servers are written above the
 * live screen as they finish, once, so they are not drawn again here.
 */
export function ServerPanels({ state, phase, rows, now, progress }: { state: ProcedureState; phase: ServerPhase; rows: number; now: number; progress: PhaseProgress }) {
	const screenReader = useIsScreenReaderEnabled();
	const servers = state.serverOrder.map((fqdn) => state.servers[fqdn]!).filter(Boolean);
	// A failed or held server first: under a failure prompt the panels give way from the bottom, and it is the one asked about.
	const order = { failed: 0, running: 1, pending: 2, succeeded: 3, skipped: 3 } as const;
	// Read aloud, a panel that changes with every output line is noise: the scrollback announces each start and end.
	const shownStates = screenReader ? ['failed'] : ['running', 'failed', 'pending'];
	const unfinished = servers.filter((server) => shownStates.includes(server.tasks[phase].state)).sort((a, b) => order[a.tasks[phase].state] - order[b.tasks[phase].state]);
	// A pool not ready for its next upgrade domain holds that domain back: say so, and why, above the servers.
	const waiting =
		phase === 'cumulative-update'
			? Object.entries(state.readiness ?? {}).flatMap(([pool, readiness]) =>
					readiness.ready === true ? [] : [`${shortName(pool)} not ready: ${readiness.summary.replace(`${pool}: `, '')}`],
				)
			: [];
	const room = Math.max(0, rows - 1 - waiting.length);
	const folded = unfinished.length > room;
	const shown = folded ? unfinished.slice(0, Math.max(0, room - 1)) : unfinished;
	const hidden = unfinished.length - shown.length;
	let spare = folded ? 0 : room - unfinished.length;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				{describeProgress(progress)}
			</Text>
			{waiting.map((summary) => (
				<Text key={summary} color="yellow" wrap="truncate-end">
					{'   '}
					{sanitizeLine(summary)}
				</Text>
			))}
			{shown.map((server) => {
				const task = server.tasks[phase];
				const detailRows = task.state === 'running' || task.state === 'failed' ? Math.min(2, spare, task.lines.length) : 0;
				const detail = detailRows > 0 ? task.lines.slice(-detailRows) : [];
				spare -= detail.length;
				return (
					<Box key={server.fqdn} flexDirection="column">
						<ServerLine fqdn={server.fqdn} pool={server.pool} task={task} now={now} byYou={isByHand(state, server.fqdn, phase)} />
						{detail.map((line, index) => (
							<Text key={index} dimColor wrap="truncate-end">
								{'     '}
								{sanitizeLine(line)}
							</Text>
						))}
					</Box>
				);
			})}
			{hidden > 0 && (
				<Text dimColor>
					{'   '}… {hidden} more
				</Text>
			)}
		</Box>
	);
}
