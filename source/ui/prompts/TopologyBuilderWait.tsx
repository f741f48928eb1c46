import { Box, Text } from 'ink';
import type { TopologyBuilderAnswer } from '../../procedure/operator.js';
import type { Plan } from '../../procedure/plan.js';
import { topologyBuilderSteps } from '../../procedure/topology-builder-steps.js';
import { useKeyHints } from '../keys/hints.js';
import { useKeys } from '../keys/keys.js';

const SIMULATE_KEY = 'p';

/**
 * The operator pairs the pools in Topology Builder; the wizard shows the clicks with the pools filled in and checks the
 * published result. In the lab, p has the lab play the operator's publish, for a training run.
 */
export function TopologyBuilderWait({
	plan,
	lastCheck,
	canSimulate,
	onAnswer,
}: {
	plan: Plan;
	lastCheck?: string;
	canSimulate: boolean;
	onAnswer(value: TopologyBuilderAnswer): void;
}) {
	useKeyHints(`Enter published: check now${canSimulate ? ` · ${SIMULATE_KEY} lab: publish for me` : ''} · Esc back to the plan`);
	useKeys((input, key) => {
		if (key.return) onAnswer('check');
		else if (key.escape) onAnswer('cancel');
		else if (canSimulate && input === SIMULATE_KEY) onAnswer('simulate');
		else return false;
		return true;
	});
	const cms = plan.centralManagementStore;
	return (
		<Box flexDirection="column">
			<Text bold>In Topology Builder (the topology is saved; sfb-pair writes nothing):</Text>
			{cms && (
				<Text>
					{cms.host} holds the Central Management store: the same publish defines its standby on the back end of {cms.partner}.
				</Text>
			)}
			{topologyBuilderSteps(plan).map((step) => (
				<Text key={step}>{step}</Text>
			))}
			{lastCheck && <Text color="yellow">{lastCheck}</Text>}
		</Box>
	);
}
