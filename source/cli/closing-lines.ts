import { recap, recapLines } from '../procedure/recap.js';
import type { ProcedureState } from '../procedure/state.js';
import { clockTime, describeColumn, serverLabels, spansFromState, textTimeline, timelineLegend } from '../procedure/timeline.js';

const TIMELINE_WIDTH = 60;

/** What `run` prints once the procedure has ended: Ansible's recap, then each server's phases over time. */
export function closingLines(state: ProcedureState, now: number): string[] {
	const lines = ['', 'recap:', ...recapLines(recap(state)).map((line) => `  ${line}`)];
	const timeline = textTimeline(spansFromState(state, now), state.serverOrder, TIMELINE_WIDTH, '.');
	if (timeline) {
		const labels = serverLabels(state.serverOrder);
		const width = Math.max(...labels.map((label) => label.length));
		lines.push(
			'',
			`timeline, ${clockTime(timeline.from)} to ${clockTime(timeline.to)} UTC, ${describeColumn(timeline.columnMs)} (${timelineLegend()}):`,
			...timeline.rows.map((row, index) => `  ${(labels[index] ?? row.server).padEnd(width)}  ${row.bar}`),
		);
	}
	lines.push('');
	return lines;
}
