import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import type { ProcedureState } from '../procedure/state.js';
import { STEP_IDS, STEPS } from '../procedure/steps.js';
import { useSymbols } from './symbols.js';

const SHORT_TITLES: Record<string, string> = {
	'pools-defined': 'Pools',
	'choose-pool': 'Pool',
	'choose-backup': 'Backup',
	voice: 'Voice',
	publish: 'Publish',
	deployment: 'Deployed?',
	bootstrapper: 'Bootstrap',
	'cumulative-update': 'Update',
	'backup-service': 'Service',
	sync: 'Sync',
};

/** The numbered steps on one line: done ✓, skipped ⊘, failed ✗, the current one highlighted. */
export function StepRail({ state, columns }: { state: ProcedureState; columns: number }) {
	const symbols = useSymbols();
	const screenReader = useIsScreenReaderEnabled();
	const wide = columns >= 110;
	// Glyphs in a row mean nothing read aloud; the step line under it says where the procedure is.
	if (screenReader) return null;
	return (
		<Box flexWrap="wrap" columnGap={1}>
			{STEP_IDS.map((id) => {
				const status = state.steps[id].status;
				const current = id === state.current && !state.outcome;
				const symbol =
					status === 'done' ? symbols.done : status === 'skipped' ? symbols.skipped : status === 'failed' ? symbols.failed : current ? symbols.active : symbols.pending;
				const color = status === 'failed' ? 'red' : status === 'done' ? 'green' : current ? 'cyan' : status === 'skipped' ? 'yellow' : 'gray';
				return (
					<Text key={id} color={color} bold={current} inverse={current}>
						{symbol}
						{STEPS[id].label}
						{wide || current ? ` ${SHORT_TITLES[id]}` : ''}
					</Text>
				);
			})}
		</Box>
	);
}
