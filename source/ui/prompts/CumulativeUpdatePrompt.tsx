import { Box, Text } from 'ink';
import type { CumulativeUpdateChoice } from '../../procedure/operator.js';
import { Select } from '../select/Select.js';

export function CumulativeUpdatePrompt({ servers, canRun, onAnswer }: { servers: string[]; canRun: boolean; onAnswer(value: CumulativeUpdateChoice): void }) {
	const options = [
		...(canRun ? [{ label: `Run the update installer on all ${servers.length} servers now`, value: 'run' as const }] : []),
		{ label: 'I have re-applied the Cumulative Update on every server myself', value: 'done-by-hand' as const },
		{ label: 'Skip it (not recommended: LYNCBACKUP will crash with Event 4007)', value: 'skip' as const },
	];
	return (
		<Box flexDirection="column">
			<Text>
				Bootstrapper installed the Backup Service from the original media. Re-apply the server's Cumulative Update
				(SkypeServerUpdateInstaller.exe) on every server, or the Backup Service crashes at start.
			</Text>
			{!canRun && <Text dimColor>On a live farm, run the installer on each server yourself, then choose the second line.</Text>}
			<Select options={options} onSelect={onAnswer} />
		</Box>
	);
}
