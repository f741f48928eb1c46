import { Box, Text } from 'ink';
import type { PoolEligibility } from '../../sfb/pairing-rules.js';
import type { FrontEndPool } from '../../sfb/model.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Select } from '../select/Select.js';

export function describePool(pool: FrontEndPool): string {
	const cms = pool.hostsCentralManagementStore ? ' · CMS' : '';
	return `${sanitizeLine(pool.site)} · ${pool.edition} · ${pool.version} · ${pool.servers.length} server${pool.servers.length === 1 ? '' : 's'}${cms}`;
}

/** Step 2: only pools not yet paired are offered. */
export function PoolPicker({ pools, rows, onAnswer }: { pools: PoolEligibility[]; rows: number; onAnswer(value: string): void }) {
	return (
		<Box flexDirection="column">
			<Text>Which pool do you want to protect? ({pools.length} Front End pools are not yet paired)</Text>
			<Select
				visibleRows={Math.max(3, Math.floor((rows - 2) / 2))}
				options={pools.map((entry) => ({
					label: `${sanitizeLine(entry.pool.fqdn).padEnd(32)} ${describePool(entry.pool)}`,
					value: entry.pool.fqdn,
					...(entry.deployed ? {} : { hint: 'defined but not deployed yet' }),
				}))}
				onSelect={onAnswer}
			/>
		</Box>
	);
}
