import chalk from 'chalk';
import { Box, Text } from 'ink';
import { useState } from 'react';
import { BACK, type PublishChoice } from '../../procedure/operator.js';
import type { Plan } from '../../procedure/plan.js';
import { planSummary, planText } from '../../procedure/plan-text.js';
import { wrapWords } from '../../text/wrap.js';
import { useKeyHints } from '../keys/hints.js';
import { useKeys } from '../keys/keys.js';
import { Pager } from '../Pager.js';
import { Paragraph } from '../Paragraph.js';
import { TextInput } from '../TextInput.js';
import { useTerminalSize } from '../use-terminal-size.js';

export const CONFIRM_WORD = 'publish';
const TOPOLOGY_BUILDER_WORD = 'tb';

/**
 * Step 6: what will change, right above the question; Tab opens the whole plan. Nothing is written until the operator
 * types the word exactly, as Terraform accepts only "yes": Enter alone, "Publish" or anything else is a No.
 */
export function PlanConfirm({ plan, rows, onAnswer }: { plan: Plan; rows: number; onAnswer(value: PublishChoice): void }) {
	const [message, setMessage] = useState<string | undefined>();
	const [attempt, setAttempt] = useState(0);
	const [viewing, setViewing] = useState(false);
	const { columns } = useTerminalSize();
	const topologyBuilderOnly = plan.centralManagementStore !== undefined;
	useKeyHints(
		viewing ? undefined : topologyBuilderOnly ? 'Enter the Topology Builder steps · Tab the whole plan · Esc back to Voice' : `type ${CONFIRM_WORD}, then Enter · Tab the whole plan · Esc back to Voice`,
	);
	useKeys(
		(_input, key) => {
			if (key.tab) setViewing(true);
			else if (topologyBuilderOnly && key.return) onAnswer('topology-builder');
			else if (topologyBuilderOnly && key.escape) onAnswer(BACK);
			else return false;
			return true;
		},
		{ isActive: !viewing },
	);
	if (viewing) {
		return <Pager title="The whole plan (nothing has been written yet)" lines={planText(plan, columns)} rows={rows} onClose={() => setViewing(false)} />;
	}
	const summary = planSummary(plan).flatMap((line) => {
		const indent = /^\s*/.exec(line)?.[0] ?? '';
		return wrapWords(line.trimStart(), columns - indent.length, '  ').map((part) => indent + part);
	});
	return (
		<Box flexDirection="column">
			{plan.notice && <Text color="yellow">{plan.notice}</Text>}
			{summary.map((line, index) => (
				<Text key={index} bold={index === 0}>
					{line}
				</Text>
			))}
			{topologyBuilderOnly ? (
				<Paragraph>
					{`${plan.centralManagementStore?.host} holds the Central Management store, which Microsoft documents pairing only in Topology Builder: press ${chalk.bold('Enter')} for the steps; sfb-pair then checks the farm.`}
				</Paragraph>
			) : (
				<Paragraph>
					{`Type ${chalk.bold(CONFIRM_WORD)} and press Enter to write the pairing, or ${chalk.bold(TOPOLOGY_BUILDER_WORD)} to do it yourself in Topology Builder. Nothing has been written yet.`}
				</Paragraph>
			)}
			{!topologyBuilderOnly && (
				<Text>
					{'> '}
					<TextInput
						key={attempt}
						onSubmit={(text) => {
							if (text === CONFIRM_WORD) onAnswer('publish');
							else if (text === TOPOLOGY_BUILDER_WORD) onAnswer('topology-builder');
							else {
								setMessage(`Not published: only the word ${CONFIRM_WORD}, in lower case, confirms (you typed "${text}").`);
								setAttempt((count) => count + 1);
							}
						}}
						onBack={() => onAnswer(BACK)}
					/>
				</Text>
			)}
			{message && <Text color="yellow">{message}</Text>}
		</Box>
	);
}
