import { Box, Text } from 'ink';
import { useState } from 'react';
import type { TopologyBuilderAnswer } from '../../procedure/operator.js';
import type { Plan } from '../../procedure/plan.js';
import { topologyBuilderSteps } from '../../procedure/topology-builder-steps.js';
import { wrapWords } from '../../text/wrap.js';
import { useKeyHints } from '../keys/hints.js';
import { useKeys } from '../keys/keys.js';
import { useTerminalSize } from '../use-terminal-size.js';

const SIMULATE_KEY = 'p';
const TITLE = 'In Topology Builder (the topology is saved; sfb-pair writes nothing):';

/**
 * The operator pairs the pools in Topology Builder; the wizard shows the clicks with the pools filled in and checks the
 * published result. In the lab, p has the lab play the operator's publish, for a training run. Where the steps and the
 * last check do not fit the terminal together, the check is shown and Tab switches to the steps.
 */
export function TopologyBuilderWait({
	plan,
	lastCheck,
	canSimulate,
	rows,
	onAnswer,
}: {
	plan: Plan;
	lastCheck?: string;
	canSimulate: boolean;
	rows: number;
	onAnswer(value: TopologyBuilderAnswer): void;
}) {
	const { columns } = useTerminalSize();
	const [stepsShown, setStepsShown] = useState(false);
	const steps = topologyBuilderSteps(plan);
	const height = (lines: string[]) => lines.reduce((sum, line) => sum + wrapWords(line, columns).length, 0);
	const folded = lastCheck !== undefined && height([TITLE, ...steps, lastCheck]) > rows;
	const toggle = folded ? (stepsShown ? ' · Tab the last check' : ' · Tab the steps') : '';
	useKeyHints(`Enter published: check now${canSimulate ? ` · ${SIMULATE_KEY} lab: publish for me` : ''}${toggle} · Esc back to the plan`);
	useKeys((input, key) => {
		if (key.return) onAnswer('check');
		else if (key.escape) onAnswer('cancel');
		else if (canSimulate && input === SIMULATE_KEY) onAnswer('simulate');
		else if (folded && key.tab) setStepsShown((shown) => !shown);
		else return false;
		return true;
	});
	const showSteps = !folded || stepsShown;
	const showCheck = lastCheck !== undefined && (!folded || !stepsShown);
	return (
		<Box flexDirection="column">
			<Text bold>{TITLE}</Text>
			{showSteps ? steps.map((step) => <Text key={step}>{step}</Text>) : <Text dimColor>Steps 1–{steps.length} as before (Tab shows them).</Text>}
			{showCheck && <Text color="yellow">{lastCheck}</Text>}
		</Box>
	);
}
