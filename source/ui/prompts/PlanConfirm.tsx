import { Box, Text } from 'ink';
import { useState } from 'react';
import { BACK, type PublishChoice } from '../../procedure/operator.js';
import type { Plan } from '../../procedure/plan.js';
import { TextInput } from '../TextInput.js';

export const CONFIRM_WORD = 'publish';

/**
 * Step 6: nothing is written until the operator types the word. Enter alone, or anything else,
 * is a No; the plan itself is printed above, in the scrollback, where it stays for the record.
 */
export function PlanConfirm({ plan, onAnswer }: { plan: Plan; onAnswer(value: PublishChoice): void }) {
	const [message, setMessage] = useState<string | undefined>();
	const [attempt, setAttempt] = useState(0);
	return (
		<Box flexDirection="column">
			{plan.notice && <Text color="yellow">{plan.notice}</Text>}
			<Text>
				The plan is above. Nothing has been written yet. Type <Text bold>{CONFIRM_WORD}</Text> and press Enter to write the
				pairing; type <Text bold>tb</Text> to do it yourself in Topology Builder; Esc to go back.
			</Text>
			<Text>
				{'> '}
				<TextInput
					key={attempt}
					onSubmit={(text) => {
						const answer = text.trim().toLowerCase();
						if (answer === CONFIRM_WORD) onAnswer('publish');
						else if (answer === 'tb') onAnswer('topology-builder');
						else {
							setMessage(`Not published: type ${CONFIRM_WORD} to confirm (you typed "${text}").`);
							setAttempt((count) => count + 1);
						}
					}}
					onBack={() => onAnswer(BACK)}
				/>
			</Text>
			{message && <Text color="yellow">{message}</Text>}
		</Box>
	);
}
