import { Box } from 'ink';
import { BORDERED, Paragraph } from '../Paragraph.js';
import { Picker } from '../Picker.js';

export function SyncTimeoutPrompt({ guidance, onAnswer }: { guidance: string[]; onAnswer(value: 'wait' | 'stop'): void }) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
			<Paragraph color="yellow" bold inset={BORDERED}>
				The sync has not reached steady state in time. What to check:
			</Paragraph>
			{guidance.map((line) => (
				<Paragraph key={line} inset={BORDERED} indent="  ">{`- ${line}`}</Paragraph>
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
