import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeyHints } from '../keys/hints.js';
import { TextInput } from '../TextInput.js';

/** A reason for the change record: empty is not a reason. Esc goes back to the choice. */
export function ReasonField({ question, onReason, onBack }: { question: string; onReason(reason: string): void; onBack(): void }) {
	const [empty, setEmpty] = useState(false);
	useKeyHints('type the reason · Enter record it · Esc back');
	return (
		<Box flexDirection="column">
			<Text>
				{question} (recorded in the change record){' '}
				<TextInput
					onSubmit={(reason) => {
						if (reason.trim() === '') setEmpty(true);
						else onReason(reason.trim());
					}}
					onBack={onBack}
				/>
			</Text>
			{empty && <Text color="yellow">A reason is needed: it tells the next person why this was skipped.</Text>}
		</Box>
	);
}
