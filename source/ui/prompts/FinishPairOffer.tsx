import { Box, Text } from 'ink';
import type { UnfinishedPair } from '../../procedure/operator.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Picker } from '../Picker.js';

type Choice = { pool: string; backup: string } | 'new';

const STATE_WORDS: Record<UnfinishedPair['state'], string> = { unfinished: 'unfinished', unknown: 'could not tell', failed: 'something failed' };

/** Before new pools are chosen: a pair already published whose servers are not all finished is offered to finish. */
export function FinishPairOffer({ pairs, onAnswer }: { pairs: UnfinishedPair[]; onAnswer(value: Choice): void }) {
	return (
		<Box flexDirection="column">
			<Text>
				{pairs.length === 1 ? 'A pair is' : `${pairs.length} pairs are`} published but not finished on every server. The farm was just checked:
			</Text>
			<Picker
				options={[
					...pairs.map((pair) => ({
						label: `Finish ${sanitizeLine(pair.pool)} ↔ ${sanitizeLine(pair.backup)}`,
						detail: `${STATE_WORDS[pair.state]}: ${sanitizeLine(pair.summary)}`,
						value: { pool: pair.pool, backup: pair.backup } as Choice,
					})),
					{ label: 'Pair two other pools', value: 'new' as Choice },
				]}
				onSelect={onAnswer}
			/>
		</Box>
	);
}
