import { Box, Text } from 'ink';
import { useState } from 'react';
import type { FailureDecision, ServerFailure } from '../../procedure/operator.js';
import { EVENT_4007 } from '../../operations/server-work.js';
import { PHASE_NAMES } from '../../procedure/state.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Select } from '../select/Select.js';
import { useSymbols } from '../symbols.js';
import { TextInput } from '../TextInput.js';


/** A failed server: retry, skip with a recorded reason, or abort; the other servers keep going meanwhile. */
export function FailurePrompt({ failure, onAnswer }: { failure: ServerFailure; onAnswer(value: FailureDecision): void }) {
	const othersFailed = failure.otherFailures.length;
	const [askingReason, setAskingReason] = useState(false);
	const symbols = useSymbols();
	const crashed = failure.phase === 'backup-service' && EVENT_4007.test(failure.message);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
			<Text color="red" bold>
				{symbols.failed} {PHASE_NAMES[failure.phase]} failed on {failure.server} (attempt {failure.attempts})
			</Text>
			<Text wrap="truncate-end">{sanitizeLine(failure.message)}</Text>
			{crashed && (
				<Text color="yellow">
					The Backup Service crashed because the Cumulative Update was not re-applied after Bootstrapper (KB-4007). Retry
					re-applies it on this server first, then starts the service again.
				</Text>
			)}
			{askingReason ? (
				<Text>
					Why skip {failure.server}? (recorded in the change record){' '}
					<TextInput
						onSubmit={(reason) => reason.trim() !== '' && onAnswer({ action: 'skip', reason: reason.trim() })}
						onBack={() => setAskingReason(false)}
					/>
				</Text>
			) : (
				<Select
					options={[
						{ label: crashed ? 'Retry: re-apply the CU, then start LYNCBACKUP again' : `Retry ${failure.server}`, value: 'retry' as const },
						...(othersFailed > 0 ? [{ label: `Retry it and the ${othersFailed} other failed server${othersFailed === 1 ? '' : 's'}`, value: 'retry-all-failed' as const }] : []),
						{ label: `Skip ${failure.server} (you give a reason)`, value: 'skip' as const },
						{ label: 'Abort: stop every server, keep the session to resume', value: 'abort' as const },
					]}
					onSelect={(choice) => (choice === 'skip' ? setAskingReason(true) : onAnswer({ action: choice }))}
				/>
			)}
		</Box>
	);
}
