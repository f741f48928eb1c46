import { Box, Text } from 'ink';
import type { EnvironmentKind } from '../environments/port.js';
import type { ProcedureState } from '../procedure/state.js';
import { sanitizeLine } from '../text/sanitize.js';
import { useSymbols } from './symbols.js';

/**
 * Always visible: LAB or LIVE, the farm, and the pair once chosen; below it, one line per note the operator
 * must not miss (a setting that is not the default and where it came from, a lab farm set aside).
 * No fixed width: the line follows the terminal even in the frame Ink redraws as the window shrinks.
 */
export function Header({ state, kind, notes = [] }: { state: ProcedureState | undefined; kind: EnvironmentKind; notes?: string[] }) {
	const symbols = useSymbols();
	const pair = state?.pair ? `${state.pair.pool} ${symbols.pair} ${state.pair.backup}` : 'no pair chosen yet';
	return (
		<Box flexDirection="column">
			<Box justifyContent="space-between">
				<Text wrap="truncate-end">
					<Text bold inverse color={kind === 'lab' ? 'yellow' : 'red'}>
						{kind === 'lab' ? ' LAB ' : ' LIVE '}
					</Text>{' '}
					<Text bold>{pair}</Text>
				</Text>
				<Box flexShrink={0} marginLeft={1}>
					<Text dimColor>? keys  q quit</Text>
				</Box>
			</Box>
			{notes.map((note) => (
				<Text key={note} color="yellow" wrap="truncate-end">
					{sanitizeLine(note)}
				</Text>
			))}
		</Box>
	);
}
