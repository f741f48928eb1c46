import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import type { ReplicaProgress, ReplicationGate } from '../procedure/state.js';
import { stateWord } from '../sfb/observation.js';
import { sanitizeLine } from '../text/sanitize.js';
import { Elapsed } from './Elapsed.js';
import { useSymbols, type Symbols } from './symbols.js';

/** A clock time in UTC, as the change record and the farm's LastUpdateCreation write it. */
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function marks(replica: ReplicaProgress, symbols: Symbols): { symbol: string; color: string; word: string } {
	const { observation } = replica;
	if (observation.state === 'done') return { symbol: symbols.done, color: 'green', word: 'up to date' };
	if (observation.state === 'not-done') return { symbol: symbols.running, color: 'yellow', word: `behind since ${clock(replica.behindSince ?? Date.now())}` };
	return { symbol: symbols.warning, color: 'red', word: `could not tell: ${stateWord(observation)}` };
}

/**
 * The gate before Bootstrapper while it waits: per Front End, whether its replica of the Central Management store
 * holds the publish, and since when it has been behind. Servers behind come first; where rows run short, the ones up
 * to date are counted on one line.
 */
export function ReplicationPanel({ gate, rows, now }: { gate: ReplicationGate; rows: number; now: number }) {
	const symbols = useSymbols();
	const screenReader = useIsScreenReaderEnabled();
	const entries = Object.entries(gate.replicas).sort(([, a], [, b]) => Number(a.observation.state === 'done') - Number(b.observation.state === 'done'));
	const upToDate = entries.filter(([, replica]) => replica.observation.state === 'done').length;
	const heading = `Replication ${symbols.separator} ${upToDate} of ${entries.length} up to date ${symbols.separator} read ${gate.polls} time${gate.polls === 1 ? '' : 's'} ${symbols.separator} `;
	const room = Math.max(2, rows - 2);
	const shown = entries.length <= room ? entries : entries.slice(0, room - 1);
	const hidden = entries.slice(shown.length);
	const hiddenBehind = hidden.filter(([, replica]) => replica.observation.state !== 'done').length;
	const nameWidth = Math.max(0, ...shown.map(([server]) => sanitizeLine(server).length));
	return (
		<Box flexDirection="column">
			<Box>
				<Text wrap="truncate-end">{heading}</Text>
				{screenReader ? null : <Elapsed ms={now - gate.startedAt} />}
			</Box>
			<Text dimColor wrap="truncate-end">
				Bootstrapper waits{gate.since ? ` ${symbols.separator} published at ${clock(Date.parse(gate.since))} UTC` : ' for every replica to be up to date'}
			</Text>
			{shown.map(([server, replica]) => {
				const { symbol, color, word } = marks(replica, symbols);
				const pushed = replica.observation.state === 'not-done' && gate.pushed?.servers.includes(server) ? ` ${symbols.separator} pushed` : '';
				return (
					<Text key={server} wrap="truncate-end">
						<Text color={color}>{symbol}</Text> {sanitizeLine(server).padEnd(nameWidth)}  <Text color={color}>{word}</Text>
						{pushed}
					</Text>
				);
			})}
			{hidden.length > 0 && <Text dimColor>{`  and ${hidden.length} more ${hiddenBehind > 0 ? `(${hiddenBehind} not up to date)` : 'up to date'}`}</Text>}
		</Box>
	);
}
