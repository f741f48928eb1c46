import { Box, Text } from 'ink';
import { SERVER_PHASES } from '../../procedure/state.js';
import { STEPS } from '../../procedure/steps.js';
import type { SessionProblem, StoredSession } from '../../session/session-files.js';
import type { ResumeChoice } from '../prompt-bridge.js';
import { Select } from '../select/Select.js';

function progress(session: StoredSession): string {
	const servers = Object.values(session.state.servers);
	if (servers.length === 0) return 'no server touched yet';
	const finished = (phase: (typeof SERVER_PHASES)[number]) =>
		servers.filter((server) => ['succeeded', 'skipped'].includes(server.tasks[phase].state)).length;
	return `Bootstrapper ${finished('bootstrapper')}/${servers.length}, LYNCBACKUP ${finished('backup-service')}/${servers.length}`;
}

export function ResumeOffer({ sessions, problems, onAnswer }: { sessions: StoredSession[]; problems: SessionProblem[]; onAnswer(value: ResumeChoice): void }) {
	return (
		<Box flexDirection="column">
			{problems.map((problem) => (
				<Text key={problem.movedTo} color="yellow">
					A session file could not be read ({problem.reason}); it is kept as {problem.movedTo}
				</Text>
			))}
			{sessions.length > 0 && <Text>An unfinished session was found. The farm is re-checked before anything runs again.</Text>}
			<Select
				options={[
					...sessions.map((session) => ({
						label: `Resume ${session.state.pair?.pool ?? '?'} ↔ ${session.state.pair?.backup ?? '?'}: step ${STEPS[session.state.current].label} ${STEPS[session.state.current].title}`,
						hint: `${progress(session)} · last active ${new Date(session.state.updatedAt).toLocaleString()}${session.state.outcome ? ` · stopped: ${session.state.outcome.reason}` : ''}`,
						value: { action: 'resume', key: session.key } as ResumeChoice,
					})),
					{ label: 'Start a new session', value: { action: 'fresh' } as ResumeChoice },
				]}
				onSelect={onAnswer}
			/>
		</Box>
	);
}
