import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import type { ProcedureState } from '../procedure/state.js';
import { sanitizeLine } from '../text/sanitize.js';
import { Elapsed } from './Elapsed.js';
import { useSymbols } from './symbols.js';

/** Step 10: both directions side by side, module by module, until steady state holds on several polls. */
export function SyncPanels({ state, columns, now, steadyPolls }: { state: ProcedureState; columns: number; now: number; steadyPolls: number }) {
	const symbols = useSymbols();
	const screenReader = useIsScreenReaderEnabled();
	const pair = state.pair;
	if (!pair) return null;
	const sideBySide = columns >= 100;
	const width = sideBySide ? Math.floor((columns - 2) / 2) : columns;
	const modules = Object.values(state.sync.directions).flatMap((direction) => direction.modules);
	// The columns as wide as what they hold, the same in both directions, so the states line up.
	const identityWidth = Math.max(0, ...modules.map((module) => sanitizeLine(module.identity).length));
	const exportWidth = Math.max(0, ...modules.map((module) => sanitizeLine(module.exportStatus).length));
	// Two spaces between the columns where there is room; one where the states would be cut (60 columns).
	const gap = identityWidth + exportWidth + 'NormalState'.length + 6 <= width ? '  ' : ' ';
	const steady = `steady ${state.sync.consecutiveSteady}/${steadyPolls} polls in a row`;
	return (
		<Box flexDirection="column">
			{screenReader ? (
				<Text>
					Poll {state.sync.polls} · {steady}
				</Text>
			) : (
				<Box>
					<Text>Poll {state.sync.polls} · </Text>
					<Elapsed ms={state.sync.startedAt ? now - state.sync.startedAt : 0} />
					<Text wrap="truncate-end"> · {steady}</Text>
				</Box>
			)}
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
									{gap}
									{sanitizeLine(module.identity).padEnd(identityWidth)}
									{gap}
									{sanitizeLine(module.exportStatus).padEnd(exportWidth)}
									{gap}
									{sanitizeLine(module.importStatus)}
								</Text>
							))}
						</Box>
					);
				})}
			</Box>
		</Box>
	);
}
