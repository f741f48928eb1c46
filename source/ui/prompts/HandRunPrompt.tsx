import { Box, Text } from 'ink';
import { useState } from 'react';
import type { HandRun, HandRunDecision } from '../../procedure/operator.js';
import { PHASE_NAMES } from '../../procedure/state.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Paragraph } from '../Paragraph.js';
import { Picker } from '../Picker.js';
import { useSymbols } from '../symbols.js';
import { ReasonField } from './ReasonField.js';

type Action = HandRunDecision['action'];

/**
 * A server the operator runs the work on themselves. The commands are in the scrollback just above, whole and
 * unwrapped so they copy as they are; this asks when to check the farm, and says what the last check found.
 */
export function HandRunPrompt({ request, onAnswer }: { request: HandRun; onAnswer(value: HandRunDecision): void }) {
	const symbols = useSymbols();
	const [askingReason, setAskingReason] = useState(false);
	const server = sanitizeLine(request.server);
	const count = request.commands.length;
	const options: { label: string; value: Action }[] = [
		{ label: request.lastCheck ? 'Done now: check again' : 'Done: check it on the farm', value: 'check' },
		{ label: `Run it for me on ${server} (remotely)`, value: 'remote' },
		{ label: `Skip ${server} (you give a reason)`, value: 'skip' },
		{ label: 'Leave it: stop once the others finish, resume later', value: 'defer' },
	];
	return (
		<Box flexDirection="column">
			<Text color="cyan" bold wrap="truncate-end">
				{`${symbols.running} ${PHASE_NAMES[request.phase]} on ${server}, by you`}
			</Text>
			{request.note && <Paragraph>{sanitizeLine(request.note)}</Paragraph>}
			{request.lastCheck && <Paragraph color="yellow">{`${symbols.warning} Not verified: ${sanitizeLine(request.lastCheck)}`}</Paragraph>}
			<Paragraph>{`Run the ${count === 1 ? 'command' : `${count} commands`} printed above (scroll up to ${count === 1 ? 'it' : 'them'}) on ${server}${count === 1 ? '' : ', in order'}, in an elevated Management Shell; the farm then says whether it is done.`}</Paragraph>
			{askingReason ? (
				<ReasonField question={`Why skip ${server}?`} onReason={(reason) => onAnswer({ action: 'skip', reason })} onBack={() => setAskingReason(false)} />
			) : (
				<Picker
					options={options}
					onSelect={(choice) => {
						if (choice === 'skip') setAskingReason(true);
						else onAnswer({ action: choice } as HandRunDecision);
					}}
				/>
			)}
		</Box>
	);
}
