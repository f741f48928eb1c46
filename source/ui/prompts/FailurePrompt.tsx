import { Box } from 'ink';
import { useState } from 'react';
import type { EnvironmentKind } from '../../environments/port.js';
import type { FailureDecision, ServerFailure } from '../../procedure/operator.js';
import { EVENT_4007 } from '../../operations/server-work.js';
import { PHASE_NAMES } from '../../procedure/state.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { shortName } from '../format.js';
import { BORDERED, Paragraph, paragraphRows } from '../Paragraph.js';
import { Picker } from '../Picker.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { useSymbols } from '../symbols.js';
import { ReasonField } from './ReasonField.js';

type Action = 'retry' | 'retry-all-failed' | 'by-hand' | 'skip' | 'abort' | 'defer' | 'restart' | 'check-restarted';

/** What the operator should know about an Event 4007 crash, in words true for where the wizard runs. */
function crashAdvice(kind: EnvironmentKind): string {
	const cause =
		'The Backup Service crashed because the Cumulative Update was not re-applied after Bootstrapper (step 9 of Microsoft\'s current deployment article).';
	return kind === 'lab'
		? `${cause} Retry re-applies it on this server first, then starts the service again.`
		: `${cause} Re-apply it on this server (SkypeServerUpdateInstaller.exe), then Retry: Retry starts the service again.`;
}

/**
 * Before sfb-pair restarts a held server: what it does, in order, and what the server's users feel. The pool is not failed
 * over, so the server's users move to the pool's other servers: their calls on it drop for a moment.
 */
const restartQuestion = (server: string) =>
	`Restart ${server} now? Its users move to the pool's other servers first (Invoke-CsComputerFailOver): calls on ${server} drop for a moment. Then Restart-Computer, a wait for it to answer with a new boot time, Invoke-CsComputerFailBack, and Bootstrapper again.`;

function RestartConfirm({ server, onAnswer }: { server: string; onAnswer(restart: boolean): void }) {
	return (
		<Box flexDirection="column">
			<Paragraph inset={BORDERED}>{restartQuestion(server)}</Paragraph>
			<Picker
				options={[
					{ label: `Yes: restart ${server} now`, value: 'yes' as const },
					{ label: 'No: back to the choices', value: 'no' as const },
				]}
				onSelect={(answer) => onAnswer(answer === 'yes')}
			/>
		</Box>
	);
}

/** The rows the reason field takes: its question, the line typed, its hint. */
const REASON_ROWS = 3;

/**
 * A failed server: retry, skip with a recorded reason, or abort; the other servers keep going meanwhile. Given `rows`,
 * a long message is cut to what leaves the choices on screen (the whole message is in the scrollback above): a frame
 * as tall as the terminal makes Ink clear the screen, scrollback and all.
 */
export function FailurePrompt({ failure, kind, rows, onAnswer }: { failure: ServerFailure; kind: EnvironmentKind; rows?: number; onAnswer(value: FailureDecision): void }) {
	const othersFailed = failure.otherFailures.length;
	const [askingReason, setAskingReason] = useState(false);
	const [confirmingRestart, setConfirmingRestart] = useState(false);
	const [last, setLast] = useState<Action | undefined>();
	const symbols = useSymbols();
	const crashed = failure.phase === 'backup-service' && EVENT_4007.test(failure.message);
	const options: { label: string; value: Action }[] = failure.rebootRequired
		? [
				...(failure.canRestart ? [{ label: `Restart ${shortName(failure.server)} now (fail over, restart, fail back, Bootstrapper again)`, value: 'restart' as const }] : []),
				{ label: 'I restarted it myself: check again', value: 'check-restarted' },
				...(failure.canRunByHand ? [{ label: `I will restart ${shortName(failure.server)} and run Bootstrapper myself (show the commands)`, value: 'by-hand' as const }] : []),
				{ label: 'Skip it: no CU or LYNCBACKUP there (give a reason)', value: 'skip' },
				{ label: 'Stop once the others finish; restart it, then resume', value: 'defer' },
			]
		: [
				{ label: crashed && kind === 'lab' ? 'Retry: re-apply the CU, then start LYNCBACKUP again' : `Retry ${failure.server}`, value: 'retry' },
				...(othersFailed > 0 ? [{ label: `Retry it and the ${othersFailed} other failed server${othersFailed === 1 ? '' : 's'}`, value: 'retry-all-failed' as const }] : []),
				...(failure.canRunByHand ? [{ label: `I will run it on ${failure.server} myself (show the commands)`, value: 'by-hand' as const }] : []),
				{ label: `Skip ${failure.server} (you give a reason)`, value: 'skip' },
				{ label: 'Abort: stop every server, keep the session to resume', value: 'abort' },
			];
	const title = failure.rebootRequired
		? `${symbols.warning} ${failure.server} is held: it must restart (exit 3010)`
		: `${symbols.failed} ${PHASE_NAMES[failure.phase]} failed on ${failure.server} (attempt ${failure.attempts})`;
	const { columns } = useTerminalSize();
	const height = (text: string) => paragraphRows(text, columns, BORDERED);
	const below = askingReason ? REASON_ROWS : confirmingRestart ? height(restartQuestion(failure.server)) + 2 : options.length;
	const messageRows = rows === undefined ? undefined : Math.max(1, rows - 2 - height(title) - (crashed ? height(crashAdvice(kind)) : 0) - below);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={failure.rebootRequired ? 'yellow' : 'red'} paddingX={1}>
			<Paragraph inset={BORDERED} color={failure.rebootRequired ? 'yellow' : 'red'} bold>
				{title}
			</Paragraph>
			<Paragraph inset={BORDERED} maxLines={messageRows} more={(hidden) => `… ${hidden} more line${hidden === 1 ? '' : 's'}: the whole message is in the scrollback above`}>
				{sanitizeLine(failure.message)}
			</Paragraph>
			{crashed && (
				<Paragraph inset={BORDERED} color="yellow">
					{crashAdvice(kind)}
				</Paragraph>
			)}
			{askingReason ? (
				<ReasonField question={`Why skip ${failure.server}?`} onReason={(reason) => onAnswer({ action: 'skip', reason })} onBack={() => setAskingReason(false)} />
			) : confirmingRestart ? (
				<RestartConfirm server={failure.server} onAnswer={(restart) => (restart ? onAnswer({ action: 'restart' }) : setConfirmingRestart(false))} />
			) : (
				<Picker
					options={options}
					hints="o its output"
					initialIndex={Math.max(0, options.findIndex((option) => option.value === last))}
					onSelect={(choice) => {
						setLast(choice);
						if (choice === 'skip') setAskingReason(true);
						else if (choice === 'restart') setConfirmingRestart(true);
						else onAnswer({ action: choice });
					}}
				/>
			)}
		</Box>
	);
}
