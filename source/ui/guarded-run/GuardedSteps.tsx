import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import type { GuardedStep, GuardedStepStatus } from '../../procedure/guarded-run.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Elapsed } from '../Elapsed.js';
import { statusMark, type StatusKind } from '../status-marks.js';
import { useSymbols } from '../symbols.js';

const STATUS_KIND: Record<GuardedStepStatus, StatusKind> = {
	done: 'done',
	failed: 'failed',
	skipped: 'skipped',
	running: 'running',
	pending: 'pending',
	waiting: 'attention',
	unverified: 'attention',
	unknown: 'attention',
};

/**
 * The steps of a confirmed change, one line each, as ServerPanels draws servers: a spinner and the time for the one
 * running, with its latest line under it, a mark and the time taken for the finished ones, and the steps to come dimmed.
 * Finished steps' evidence goes to the scrollback as they finish (GuardedRun's Static).
 */
export function GuardedSteps({ steps, now, rows }: { steps: GuardedStep[]; now: number; rows: number }) {
	const symbols = useSymbols();
	const screenReader = useIsScreenReaderEnabled();
	const running = steps.find((step) => step.status === 'running');
	// Rows for the steps first; the running step's latest line only where there is room for it.
	const shown = steps.length <= rows ? steps : steps.filter((step) => step.status === 'running' || step.status === 'pending').slice(0, Math.max(1, rows - 1));
	const lineRoom = rows - shown.length >= 1;
	return (
		<Box flexDirection="column">
			{shown.length < steps.length && <Text dimColor>… {steps.length - shown.length} steps finished (above)</Text>}
			{shown.map((step) => {
				const { mark, color } = statusMark(STATUS_KIND[step.status], symbols, now);
				return (
					<Box key={step.id} flexDirection="column">
						<Box>
							<Box width={2} flexShrink={0}>
								<Text color={color}>{mark}</Text>
							</Box>
							<Text wrap="truncate-end" color={color} dimColor={step.status === 'pending' || step.status === 'skipped'} bold={step.status === 'running'}>
								{sanitizeLine(step.title)}
								{step.status === 'pending' || step.status === 'running' ? '' : `: ${step.status}`}
							</Text>
							{step.startedAt !== undefined && !screenReader && (
								<Box marginLeft={1} flexShrink={0}>
									<Elapsed ms={(step.endedAt ?? now) - step.startedAt} color={color} />
								</Box>
							)}
						</Box>
						{step === running && lineRoom && step.lastLine && (
							<Text dimColor wrap="truncate-end">
								{'  '}
								{sanitizeLine(step.lastLine)}
							</Text>
						)}
					</Box>
				);
			})}
		</Box>
	);
}
