import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import Spinner from 'ink-spinner';
import type { PreflightProgress } from '../procedure/state.js';
import { sanitizeLine } from '../text/sanitize.js';
import { Elapsed } from './Elapsed.js';
import { useSymbols } from './symbols.js';

/**
 * The doctor's reads for the pair while they run: the account and each Front End, a spinner until its read is back,
 * then whether it answered. Reads still running come first; where rows run short, the ones back are counted.
 */
export function PreflightPanel({ preflight, rows, now }: { preflight: PreflightProgress; rows: number; now: number }) {
	const symbols = useSymbols();
	const screenReader = useIsScreenReaderEnabled();
	const back = preflight.subjects.filter((subject) => preflight.read[subject] !== undefined);
	const waiting = preflight.subjects.filter((subject) => preflight.read[subject] === undefined);
	const ordered = [...waiting, ...back];
	const room = Math.max(2, rows - 1);
	const shown = ordered.length <= room ? ordered : ordered.slice(0, room - 1);
	const hidden = ordered.length - shown.length;
	const judging = waiting.length === 0;
	return (
		<Box flexDirection="column">
			<Box>
				<Text wrap="truncate-end">{`Pre-flight ${symbols.separator} ${back.length} of ${preflight.subjects.length} read${judging ? ', judging' : ''} ${symbols.separator} `}</Text>
				{screenReader ? null : <Elapsed ms={now - preflight.startedAt} />}
			</Box>
			{shown.map((subject) => {
				const answered = preflight.read[subject];
				return (
					<Text key={subject} wrap="truncate-end">
						{answered === undefined ? (
							<Text color="cyan">{screenReader ? symbols.running : <Spinner type="dots" />}</Text>
						) : (
							<Text color={answered ? 'green' : 'red'}>{answered ? symbols.done : symbols.failed}</Text>
						)}{' '}
						{sanitizeLine(subject)}
						{answered === false ? <Text color="red"> {symbols.separator} not all of it could be read</Text> : null}
					</Text>
				);
			})}
			{hidden > 0 && <Text dimColor>{`  and ${hidden} more read`}</Text>}
		</Box>
	);
}
