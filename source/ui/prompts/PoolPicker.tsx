import { Box, Text } from 'ink';
import type { PoolEligibility } from '../../sfb/pairing-rules.js';
import type { FrontEndPool } from '../../sfb/model.js';
import { shortVersion } from '../../sfb/product-version.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Select } from '../select/Select.js';

export function describePool(pool: FrontEndPool): string {
	const cms = pool.hostsCentralManagementStore ? ' · CMS' : '';
	return `${sanitizeLine(pool.site)} · ${pool.edition} · ${shortVersion(pool.version)} · ${pool.servers.length} server${pool.servers.length === 1 ? '' : 's'}${cms}`;
}

/** The FQDN column: as wide as the longest name, so the details line up. */
export function fqdnWidth(pools: FrontEndPool[]): number {
	return Math.min(40, Math.max(0, ...pools.map((pool) => sanitizeLine(pool.fqdn).length)));
}

/** Step 2: only pools not yet paired are offered. */
export function PoolPicker({ pools, rows, onAnswer }: { pools: PoolEligibility[]; rows: number; onAnswer(value: string): void }) {
	const width = fqdnWidth(pools.map((entry) => entry.pool));
	return (
		<Box flexDirection="column">
			<Text>Which pool do you want to protect? ({pools.length} Front End pools are not yet paired)</Text>
			<Select
				visibleRows={Math.max(3, Math.floor((rows - 2) / 2))}
				options={pools.map((entry) => ({
					label: `${sanitizeLine(entry.pool.fqdn).padEnd(width)} ${describePool(entry.pool)}`,
					value: entry.pool.fqdn,
					...(entry.deployed ? {} : { hint: 'defined but not deployed yet' }),
				}))}
				onSelect={onAnswer}
			/>
		</Box>
	);
}
