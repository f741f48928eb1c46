import { Box, Text } from 'ink';
import { SERVER_PHASES, type ProcedureState, type ServerPhase } from '../../procedure/state.js';
import { STEPS } from '../../procedure/steps.js';
import type { SessionProblem, StoredSession } from '../../session/session-files.js';
import { sanitizeLine } from '../../text/sanitize.js';
import type { ResumeChoice } from '../prompt-bridge.js';
import { Paragraph } from '../Paragraph.js';
import { Picker, type PickerOption } from '../Picker.js';

/** "Bootstrapper 6/6, LYNCBACKUP 5/6 (1 skipped)": a skipped server is not a finished one. */
export function sessionProgress(state: ProcedureState): string {
	const servers = Object.values(state.servers);
	if (servers.length === 0) return 'no server touched yet';
	const count = (phase: ServerPhase, taskState: 'succeeded' | 'skipped') => servers.filter((server) => server.tasks[phase].state === taskState).length;
	const phase = (name: string, id: (typeof SERVER_PHASES)[number]) => {
		const skipped = count(id, 'skipped');
		return `${name} ${count(id, 'succeeded')}/${servers.length}${skipped > 0 ? ` (${skipped} skipped)` : ''}`;
	};
	return [phase('Bootstrapper', 'bootstrapper'), phase('LYNCBACKUP', 'backup-service')].join(', ');
}

interface Props {
	sessions: StoredSession[];
	problems: SessionProblem[];
	/** Unfinished sessions of pools this farm does not have: kept, not offered. */
	elsewhere: string[];
	onAnswer(value: ResumeChoice): void;
}

export function ResumeOffer({ sessions, problems, elsewhere, onAnswer }: Props) {
	const options: PickerOption<ResumeChoice>[] = [
		...sessions.map((session) => {
			const { state } = session;
			const step = STEPS[state.current];
			return {
				label: sanitizeLine(`Resume ${state.pair?.pool ?? '?'} ↔ ${state.pair?.backup ?? '?'}: step ${step.label} ${step.title}`),
				note: `${sessionProgress(state)} · last active ${new Date(state.updatedAt).toLocaleString()}${state.outcome ? ` · stopped: ${sanitizeLine(state.outcome.reason)}` : ''}`,
				value: { action: 'resume', key: session.key } as ResumeChoice,
			};
		}),
		{
			label: sessions.length > 0 ? `Start a new session (the unfinished one${sessions.length === 1 ? ' is' : 's are'} archived; records stay)` : 'Start a new session',
			value: { action: 'fresh' },
		},
	];
	return (
		<Box flexDirection="column">
			{problems.map((problem) => (
				<Text key={problem.movedTo} color="yellow">
					A session file could not be read ({sanitizeLine(problem.reason)}); it is kept as {problem.movedTo}
				</Text>
			))}
			{elsewhere.map((line) => (
				<Text key={line} dimColor>
					{sanitizeLine(line)}
				</Text>
			))}
			{sessions.length > 0 && <Paragraph>An unfinished session was found. The farm is re-checked before anything runs again.</Paragraph>}
			<Picker options={options} onSelect={onAnswer} />
		</Box>
	);
}
