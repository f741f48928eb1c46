import { Box, Text } from 'ink';
import type { ProcedureState } from '../procedure/state.js';
import { sanitizeLine } from '../text/sanitize.js';
import { formatElapsed } from './format.js';
import { useSymbols } from './symbols.js';

/** Step 10: both directions side by side, module by module, until steady state holds on several polls. */
export function SyncPanels({ state, columns, now, steadyPolls }: { state: ProcedureState; columns: number; now: number; steadyPolls: number }) {
	const symbols = useSymbols();
	const pair = state.pair;
	if (!pair) return null;
	const sideBySide = columns >= 100;
	const width = sideBySide ? Math.floor((columns - 2) / 2) : columns;
	const elapsed = state.sync.startedAt ? formatElapsed(now - state.sync.startedAt) : '0:00';
	return (
		<Box flexDirection="column">
			<Text>
				Poll {state.sync.polls} · {elapsed} · steady {state.sync.consecutiveSteady}/{steadyPolls} polls in a row
			</Text>
			<Box flexDirection={sideBySide ? 'row' : 'column'} columnGap={2}>
				{[pair.pool, pair.backup].map((from) => {
					const to = from === pair.pool ? pair.backup : pair.pool;
					const direction = state.sync.directions[from];
					const verdict = direction?.verdict;
					const color = verdict?.state === 'steady' ? 'green' : verdict?.state === 'failed' ? 'red' : 'yellow';
					const word = verdict ? (verdict.state === 'steady' ? `${symbols.done} steady` : verdict.state === 'failed' ? `${symbols.failed} failed` : `${symbols.running} waiting`) : 'not polled yet';
					return (
						<Box key={from} flexDirection="column" width={width}>
							<Text bold wrap="truncate-end">
								{from} → {to}: <Text color={color}>{word}</Text>
							</Text>
							{(direction?.modules ?? []).map((module) => (
								<Text key={module.identity} wrap="truncate-end">
									{'  '}
									{sanitizeLine(module.identity).padEnd(28)} {sanitizeLine(module.exportStatus).padEnd(15)} {sanitizeLine(module.importStatus)}
								</Text>
							))}
						</Box>
					);
				})}
			</Box>
		</Box>
	);
}
