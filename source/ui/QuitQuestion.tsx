import { Text } from 'ink';
import { isServerPhase, PHASE_NAMES, type ProcedureState } from '../procedure/state.js';

/** What leaving now does, said before it is done: the servers that are working are stopped and run again on resume. */
export function QuitQuestion({ state }: { state: ProcedureState | undefined }) {
	const phase = state && isServerPhase(state.current) ? state.current : undefined;
	const running = phase ? (state?.serverOrder ?? []).filter((fqdn) => state?.servers[fqdn]?.tasks[phase].state === 'running') : [];
	const stopped =
		phase && running.length > 0
			? `${PHASE_NAMES[phase]} is running on ${running.join(', ')}: it is stopped there now, and runs again there when you resume. `
			: '';
	return <Text color="yellow">Leave now? {stopped}The session is saved and resumes where it stands. y to leave, any other key to stay.</Text>;
}
