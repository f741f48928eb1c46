import { Box, Text } from 'ink';
import type { Plan } from '../../procedure/plan.js';
import { useKeyHints } from '../keys/hints.js';
import { useKeys } from '../keys/keys.js';

/** The operator pairs the pools by hand; the wizard shows the clicks and checks the published result. */
export function TopologyBuilderWait({ plan, lastCheck, onAnswer }: { plan: Plan; lastCheck?: string; onAnswer(value: 'check' | 'cancel'): void }) {
	useKeyHints('Enter published: check now · Esc back to the plan');
	useKeys((_input, key) => {
		if (key.return) onAnswer('check');
		else if (key.escape) onAnswer('cancel');
		else return false;
		return true;
	});
	const voice = plan.voice.automaticFailover
		? `tick "Automatic failover and failback for Voice", failover ${plan.voice.failoverSeconds} s, failback ${plan.voice.failbackSeconds} s`
		: 'leave "Automatic failover and failback for Voice" unticked';
	return (
		<Box flexDirection="column">
			<Text bold>In Topology Builder (the topology snapshot is saved):</Text>
			<Text>1. Download the topology from the existing deployment.</Text>
			<Text>2. Right-click {plan.pool.fqdn}, then Edit Properties.</Text>
			<Text>3. Resiliency (left pane), then Associated Backup Pool.</Text>
			<Text>4. Select {plan.backup.fqdn} in the box below it.</Text>
			<Text>5. {voice}, then OK.</Text>
			<Text>6. Action, Topology, Publish.</Text>
			{lastCheck && <Text color="yellow">{lastCheck}</Text>}
		</Box>
	);
}
