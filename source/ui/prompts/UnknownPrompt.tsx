import { Box } from 'ink';
import { useState } from 'react';
import type { UnknownDecision, UnknownObservation } from '../../procedure/operator.js';
import { describeObservation } from '../../sfb/observation.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { BORDERED, Paragraph } from '../Paragraph.js';
import { Picker } from '../Picker.js';
import { useSymbols } from '../symbols.js';
import { ReasonField } from './ReasonField.js';

type Action = UnknownDecision['action'];

/** A probe could not tell: never taken as "not done". Probe again, go on without it for a reason, or stop here. */
export function UnknownPrompt({ unknown, onAnswer }: { unknown: UnknownObservation; onAnswer(value: UnknownDecision): void }) {
	const [askingReason, setAskingReason] = useState(false);
	const symbols = useSymbols();
	const subject = sanitizeLine(unknown.subject);
	const options: { label: string; value: Action }[] = [
		{ label: 'Probe again (fix the cause first: the network, WinRM, the account)', value: 'retry' },
		...(unknown.canSkip ? [{ label: `Skip ${subject} for this step (you give a reason)`, value: 'skip' as const }] : []),
		{ label: 'Stop here; the session is kept to resume', value: 'stop' },
	];
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
			<Paragraph color="yellow" bold inset={BORDERED}>
				{`${symbols.warning} Could not tell on ${subject}: ${unknown.what}${unknown.attempts > 1 ? ` (asked ${unknown.attempts} times)` : ''}`}
			</Paragraph>
			<Paragraph inset={BORDERED}>{sanitizeLine(describeObservation(unknown.observation))}</Paragraph>
			{askingReason ? (
				<ReasonField question={`Why go on without ${subject}?`} onReason={(reason) => onAnswer({ action: 'skip', reason })} onBack={() => setAskingReason(false)} />
			) : (
				<Picker options={options} onSelect={(choice) => (choice === 'skip' ? setAskingReason(true) : onAnswer({ action: choice }))} />
			)}
		</Box>
	);
}
