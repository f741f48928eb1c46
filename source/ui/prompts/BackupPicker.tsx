import { Box, Text } from 'ink';
import { useState } from 'react';
import { BACK, type BackupCandidate } from '../../procedure/operator.js';
import type { FrontEndPool } from '../../sfb/model.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { useKeyHints } from '../keys/hints.js';
import { useKeys } from '../keys/keys.js';
import { Paragraph } from '../Paragraph.js';
import { Picker, type PickerOption } from '../Picker.js';
import { useSymbols } from '../symbols.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { fqdnWidth, poolOption } from './PoolPicker.js';

interface Props {
	pool: FrontEndPool;
	candidates: BackupCandidate[];
	rows: number;
	/** The backup chosen before, focused when the operator comes back. */
	chosen?: string;
	onAnswer(value: string | typeof BACK): void;
}

/** Steps 3–4: every candidate is listed; a refused pair shows its whole reason under the list, warnings are confirmed. */
export function BackupPicker({ pool, candidates, rows, chosen, onAnswer }: Props) {
	const [confirming, setConfirming] = useState<BackupCandidate | undefined>();
	const [focus, setFocus] = useState(chosen);
	const symbols = useSymbols();
	const { columns } = useTerminalSize();
	useKeyHints(confirming ? 'Enter continue with this pair · Esc choose another' : undefined);
	useKeys(
		(_input, key) => {
			if (key.return && confirming) onAnswer(confirming.pool.fqdn);
			else if (key.escape) setConfirming(undefined);
			else return false;
			return true;
		},
		{ isActive: Boolean(confirming) },
	);
	if (confirming) {
		return (
			<Box flexDirection="column">
				<Paragraph>{`Pair ${pool.fqdn} with ${confirming.pool.fqdn}? Please read:`}</Paragraph>
				{confirming.assessment.warnings.map((warning) => (
					<Paragraph key={warning} color="yellow" indent="  ">
						{`${symbols.warning} ${sanitizeLine(warning)}`}
					</Paragraph>
				))}
			</Box>
		);
	}
	const allowed = candidates.filter((candidate) => candidate.assessment.allowed);
	const width = fqdnWidth(candidates.map((candidate) => candidate.pool));
	const options: PickerOption<BackupCandidate>[] = candidates.map((candidate) => {
		const { assessment } = candidate;
		const warnings = assessment.warnings.map(sanitizeLine).join('; ');
		return {
			...poolOption(candidate.pool, width, columns),
			value: candidate,
			...(assessment.allowed ? {} : { refused: assessment.refusals.map(sanitizeLine).join('; ') }),
			...(assessment.allowed && warnings ? { note: `${symbols.warning} ${warnings}` } : {}),
		};
	});
	const focusIndex = candidates.findIndex((candidate) => candidate.pool.fqdn === focus);
	const initialIndex = focusIndex >= 0 ? focusIndex : Math.max(0, candidates.indexOf(allowed[0]!));
	return (
		<Box flexDirection="column">
			<Paragraph>{`Which pool will back up ${pool.fqdn}? (${allowed.length} of ${candidates.length} can be paired with it)`}</Paragraph>
			{candidates.length === 0 && <Text color="yellow">No other pool is free to pair. Esc to go back.</Text>}
			<Picker
				options={options}
				rows={Math.max(3, rows - 1)}
				initialIndex={initialIndex}
				onSelect={(candidate) => {
					setFocus(candidate.pool.fqdn);
					if (candidate.assessment.warnings.length > 0) setConfirming(candidate);
					else onAnswer(candidate.pool.fqdn);
				}}
				onBack={() => onAnswer(BACK)}
			/>
		</Box>
	);
}
