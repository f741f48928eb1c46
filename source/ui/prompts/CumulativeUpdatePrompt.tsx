import { Box, Text } from 'ink';
import { useState } from 'react';
import type { CumulativeUpdateChoice } from '../../procedure/operator.js';
import { Paragraph } from '../Paragraph.js';
import { Picker } from '../Picker.js';
import { ReasonField } from './ReasonField.js';

type Line = 'run' | 'done-by-hand' | 'later' | 'skip';

/**
 * After Bootstrapper: re-apply the Cumulative Update. The lab can run the installer; on a live farm it is the operator's
 * to run on each server, so the words say so, and stopping to do it is a line of its own.
 */
export function CumulativeUpdatePrompt({ servers, canRun, onAnswer }: { servers: string[]; canRun: boolean; onAnswer(value: CumulativeUpdateChoice): void }) {
	const [askingReason, setAskingReason] = useState(false);
	const [last, setLast] = useState<Line | undefined>();
	const count = `${servers.length} server${servers.length === 1 ? '' : 's'}`;
	const options: { label: string; value: Line }[] = [
		...(canRun ? [{ label: `Run the update installer on all ${count} now`, value: 'run' as const }] : []),
		{ label: `I have re-applied the Cumulative Update on all ${count}`, value: 'done-by-hand' },
		...(canRun ? [] : [{ label: 'Stop here: I will re-apply it, then resume (sfb-pair --resume)', value: 'later' as const }]),
		{ label: 'Skip it, with a reason (not recommended: LYNCBACKUP crashes with Event 4007)', value: 'skip' },
	];
	return (
		<Box flexDirection="column">
			<Paragraph>
				{"Bootstrapper installed the Backup Service from the original media. Re-apply the servers' Cumulative Update (SkypeServerUpdateInstaller.exe), or the Backup Service crashes at start."}
			</Paragraph>
			{canRun && (
				<Paragraph dimColor>
					As Microsoft patches a pool: one upgrade domain at a time once the pool is ready, each server failed over, updated and failed back.
				</Paragraph>
			)}
			{!canRun && (
				<Text dimColor>
					On a live farm without --cu-installer the wizard does not run the installer: run it on each server yourself (step 9 of Microsoft's current
					deployment article), then say so here.
				</Text>
			)}
			{askingReason ? (
				<ReasonField question="Why skip the Cumulative Update?" onReason={(reason) => onAnswer({ action: 'skip', reason })} onBack={() => setAskingReason(false)} />
			) : (
				<Picker
					options={options}
					initialIndex={Math.max(0, options.findIndex((option) => option.value === last))}
					onSelect={(choice) => {
						setLast(choice);
						if (choice === 'skip') setAskingReason(true);
						else onAnswer(choice);
					}}
				/>
			)}
		</Box>
	);
}
