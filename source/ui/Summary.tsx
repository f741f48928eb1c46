import { Box, Text } from 'ink';
import { SERVER_PHASES, type ProcedureState, type ServerTask } from '../procedure/state.js';
import { sanitizeLine } from '../text/sanitize.js';
import { formatElapsed } from './format.js';
import { useSymbols } from './symbols.js';

const CELL_WIDTH = 13;
const CELL_WORDS: Record<ServerTask['state'], string> = { pending: 'not run', running: 'running', succeeded: 'done', failed: 'failed', skipped: 'skipped' };

const HEADLINES = { done: 'Done', failed: 'Failed', 'needs-operator': 'Waiting on you', cancelled: 'Cancelled' } as const;

/** The end of a session: the pair, the outcome, what happened on each server, time taken, and the record. */
export function Summary({ state, recordPath, debriefPath, rows }: { state: ProcedureState; recordPath?: string; debriefPath?: string; rows: number }) {
	const symbols = useSymbols();
	const outcome = state.outcome;
	if (!outcome) return null;
	const color = outcome.kind === 'done' ? 'green' : outcome.kind === 'failed' ? 'red' : 'yellow';
	const symbol = outcome.kind === 'done' ? symbols.done : outcome.kind === 'failed' ? symbols.failed : symbols.warning;
	const cell = (task: ServerTask) => {
		const symbol = task.state === 'succeeded' ? symbols.done : task.state === 'failed' ? symbols.failed : task.state === 'skipped' ? symbols.skipped : symbols.pending;
		const word = task.exitCode !== undefined && task.state !== 'skipped' ? `exit ${task.exitCode}` : CELL_WORDS[task.state];
		return `${symbol} ${word}`.padEnd(CELL_WIDTH);
	};
	const servers = state.serverOrder.slice(0, Math.max(0, rows - 8));
	const nameWidth = Math.max(6, ...servers.map((fqdn) => fqdn.length)) + 1;
	return (
		<Box flexDirection="column">
			<Text color={color} bold>
				{symbol} {HEADLINES[outcome.kind]}: {sanitizeLine(outcome.reason)}
			</Text>
			<Text>Time taken {formatElapsed(outcome.at - state.startedAt)}</Text>
			{servers.length > 0 && (
				<Text dimColor>
					{'SERVER'.padEnd(nameWidth)} {'BOOTSTRAPPER'.padEnd(CELL_WIDTH)} {'CU'.padEnd(CELL_WIDTH)} LYNCBACKUP
				</Text>
			)}
			{servers.map((fqdn) => {
				const server = state.servers[fqdn];
				if (!server) return null;
				return (
					<Text key={fqdn} wrap="truncate-end">
						{fqdn.padEnd(nameWidth)} {SERVER_PHASES.map((phase) => cell(server.tasks[phase])).join(' ')}
					</Text>
				);
			})}
			{state.serverOrder.length > servers.length && <Text dimColor>… {state.serverOrder.length - servers.length} more servers in the change record</Text>}
			{state.publish.snapshotPath && <Text>Topology before the change: {state.publish.snapshotPath}</Text>}
			{recordPath && <Text>Change record: {recordPath}</Text>}
			{debriefPath && <Text>Training debrief: {debriefPath}</Text>}
			{outcome.kind !== 'done' && <Text>Run sfb-pair again to resume: the farm is re-checked first.</Text>}
		</Box>
	);
}
