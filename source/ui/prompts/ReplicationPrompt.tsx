import { Box, Text } from 'ink';
import type { ReplicasBehind, ReplicationDecision } from '../../procedure/operator.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { BORDERED, Paragraph } from '../Paragraph.js';
import { Picker } from '../Picker.js';
import { useSymbols } from '../symbols.js';

/**
 * Replicas behind the publish, asked under the live panel while the gate keeps reading them: it leaves by itself when
 * they catch up. Pushing sends Invoke-CsManagementStoreReplication to each of them.
 */
export function ReplicationPrompt({ behind, onAnswer }: { behind: ReplicasBehind; onAnswer(value: ReplicationDecision): void }) {
	const symbols = useSymbols();
	const count = behind.servers.length;
	const them = count === 1 ? sanitizeLine(behind.servers[0]!) : `${count} Front Ends`;
	const title = behind.timedOut ? `${symbols.warning} Still behind the publish${behind.pushed ? ' after the push' : ''}: ${them}` : `${symbols.warning} Behind the publish: ${them}`;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
			<Paragraph color="yellow" bold inset={BORDERED}>
				{title}
			</Paragraph>
			<Text wrap="truncate-end">Bootstrapper there now would install nothing.</Text>
			<Picker
				options={[
					{ label: `Push it now (Invoke-CsManagementStoreReplication${count === 1 ? '' : `, ${count} servers`})`, value: 'push' as const },
					{ label: 'Keep waiting', value: 'wait' as const },
					{ label: 'Stop here; resume later with sfb-pair --resume', value: 'stop' as const },
				]}
				onSelect={onAnswer}
			/>
		</Box>
	);
}
