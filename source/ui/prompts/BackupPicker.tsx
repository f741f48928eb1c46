import { Box, Text, useInput, useStdout } from 'ink';
import { useState } from 'react';
import { BACK, type BackupCandidate } from '../../procedure/operator.js';
import type { FrontEndPool } from '../../sfb/model.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Select } from '../select/Select.js';
import { useSymbols } from '../symbols.js';
import { fqdnWidth, poolOption } from './PoolPicker.js';

interface Props {
	pool: FrontEndPool;
	candidates: BackupCandidate[];
	rows: number;
	onAnswer(value: string | typeof BACK): void;
}

/** Steps 3–4: every candidate is listed; refused pairs show why, warnings are confirmed before moving on. */
export function BackupPicker({ pool, candidates, rows, onAnswer }: Props) {
	const [chosen, setChosen] = useState<BackupCandidate | undefined>();
	const symbols = useSymbols();
	useInput(
		(_input, key) => {
			if (key.return && chosen) onAnswer(chosen.pool.fqdn);
			else if (key.escape) setChosen(undefined);
		},
		{ isActive: Boolean(chosen) },
	);
	if (chosen) {
		return (
			<Box flexDirection="column">
				<Text>
					Pair {pool.fqdn} with {chosen.pool.fqdn}? Please read:
				</Text>
				{chosen.assessment.warnings.map((warning) => (
					<Text key={warning} color="yellow">
						{symbols.warning} {sanitizeLine(warning)}
					</Text>
				))}
				<Text dimColor>Enter continue with this pair · Esc choose another</Text>
			</Box>
		);
	}
	const allowed = candidates.filter((candidate) => candidate.assessment.allowed).length;
	const width = fqdnWidth(candidates.map((candidate) => candidate.pool));
	const columns = useStdout().stdout.columns || 80;
	return (
		<Box flexDirection="column">
			<Text>
				Which pool will back up {pool.fqdn}? ({allowed} of {candidates.length} can be paired with it)
			</Text>
			{candidates.length === 0 && <Text color="yellow">No other pool is free to pair. Esc to go back.</Text>}
			<Select
				maxLines={Math.max(3, rows - 4)}
				options={candidates.map((candidate) => {
					const { assessment } = candidate;
					const hint = assessment.allowed
						? assessment.warnings.length > 0
							? `${symbols.warning} ${assessment.warnings.map(sanitizeLine).join('; ')}`
							: undefined
						: `refused: ${assessment.refusals.map(sanitizeLine).join('; ')}`;
					return { ...poolOption(candidate.pool, width, columns), ...(hint ? { hint } : {}), value: candidate, disabled: !assessment.allowed };
				})}
				onSelect={(candidate) => (candidate.assessment.warnings.length > 0 ? setChosen(candidate) : onAnswer(candidate.pool.fqdn))}
				onBack={() => onAnswer(BACK)}
			/>
			<Text dimColor>↑↓ move (refused pools too, to read why) · Enter choose · Esc back</Text>
		</Box>
	);
}
