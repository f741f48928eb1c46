import { Box, Text } from 'ink';
import { Picker } from '../Picker.js';

export function SyncTimeoutPrompt({ guidance, onAnswer }: { guidance: string[]; onAnswer(value: 'wait' | 'stop'): void }) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
			<Text color="yellow" bold>
				The sync has not reached steady state in time. What to check:
			</Text>
			{guidance.map((line) => (
				<Text key={line}>- {line}</Text>
			))}
			<Picker
				options={[
					{ label: 'Keep waiting', value: 'wait' as const },
					{ label: 'Stop here; resume later with sfb-pair --resume', value: 'stop' as const },
				]}
				onSelect={onAnswer}
			/>
		</Box>
	);
}
