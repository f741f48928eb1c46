import { Box, Text } from 'ink';
import { useState } from 'react';
import { PHASE_NAMES, type ProcedureState, type ServerPhase } from '../procedure/state.js';
import { sanitizeLine } from '../text/sanitize.js';
import { wrapWords } from '../text/wrap.js';
import { Pager } from './Pager.js';
import { Picker } from './Picker.js';
import { useTerminalSize } from './use-terminal-size.js';
import type { WizardStore } from './wizard-store.js';

interface Props {
	store: WizardStore;
	state: ProcedureState;
	phase: ServerPhase;
	/** Open on this server's output at once (the failed one); else the operator picks one. */
	server?: string;
	rows: number;
	onClose(): void;
}

/** One server's whole output in this phase, scrollable, following new lines; the servers to pick from first if none is given. */
export function OutputView({ store, state, phase, server: given, rows, onClose }: Props) {
	const [server, setServer] = useState(given);
	const { columns } = useTerminalSize();
	if (server === undefined) {
		const order = { running: 0, failed: 1, succeeded: 2, skipped: 3, pending: 4 } as const;
		const servers = state.serverOrder
			.map((fqdn) => ({ fqdn, task: state.servers[fqdn]?.tasks[phase] }))
			.filter((entry) => entry.task && entry.task.state !== 'pending')
			.sort((a, b) => order[a.task!.state] - order[b.task!.state]);
		return (
			<Box flexDirection="column">
				<Text bold>Whose {PHASE_NAMES[phase]} output?</Text>
				{servers.length === 0 && <Text dimColor>No server has started yet. Esc to close.</Text>}
				<Picker
					overlay
					options={servers.map((entry) => ({ label: `${sanitizeLine(entry.fqdn)} (${entry.task!.state})`, value: entry.fqdn }))}
					rows={rows - 1}
					onSelect={setServer}
					onBack={onClose}
				/>
			</Box>
		);
	}
	const task = state.servers[server]?.tasks[phase];
	const kept = store.outputOf(server, phase);
	// After a resume the output of earlier runs is gone; the checkpoint still has the last lines.
	const lines = kept.length > 0 ? kept : (task?.lines ?? []).map(sanitizeLine);
	const wrapped = lines.flatMap((line) => wrapWords(line, Math.max(20, columns - 1), '  '));
	return (
		<Pager
			title={`${PHASE_NAMES[phase]} on ${sanitizeLine(server)}: ${task?.state ?? 'not run'}`}
			lines={wrapped.length > 0 ? wrapped : ['(no output yet)']}
			rows={rows}
			follow
			onClose={given === undefined ? () => setServer(undefined) : onClose}
		/>
	);
}
