import { Box } from 'ink';
import type { PoolEligibility } from '../../sfb/pairing-rules.js';
import type { FrontEndPool } from '../../sfb/model.js';
import { shortVersion } from '../../sfb/product-version.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { Paragraph } from '../Paragraph.js';
import { Picker, type PickerOption } from '../Picker.js';
import { useTerminalSize } from '../use-terminal-size.js';

export function describePool(pool: FrontEndPool): string {
	const cms = pool.hostsCentralManagementStore ? ' · CMS' : '';
	return `${sanitizeLine(pool.site)} · ${pool.edition} · ${shortVersion(pool.version)} · ${pool.servers.length} server${pool.servers.length === 1 ? '' : 's'}${cms}`;
}

/** The FQDN column: as wide as the longest name, so the details line up. */
export function fqdnWidth(pools: FrontEndPool[]): number {
	return Math.min(40, Math.max(0, ...pools.map((pool) => sanitizeLine(pool.fqdn).length)));
}

/** Name and details on one line where they fit, else the details on a line of their own. */
export function poolOption(pool: FrontEndPool, width: number, columns: number): { label: string; detail?: string } {
	const name = sanitizeLine(pool.fqdn);
	const details = describePool(pool);
	if (width + details.length + 6 <= columns) return { label: `${name.padEnd(width)} ${details}` };
	return { label: name, detail: details };
}

/** Step 2: only pools not yet paired are offered; coming back, the pool chosen before is focused. */
export function PoolPicker({ pools, rows, chosen, onAnswer }: { pools: PoolEligibility[]; rows: number; chosen?: string; onAnswer(value: string): void }) {
	const width = fqdnWidth(pools.map((entry) => entry.pool));
	const { columns } = useTerminalSize();
	const options: PickerOption<string>[] = pools.map((entry) => ({
		...poolOption(entry.pool, width, columns),
		...(entry.deployed === false ? { note: `${sanitizeLine(entry.pool.fqdn)} is defined but not deployed yet.` } : {}),
		value: entry.pool.fqdn,
	}));
	return (
		<Box flexDirection="column">
			<Paragraph>{`Which pool do you want to protect? (${pools.length} Front End pools are not yet paired)`}</Paragraph>
			<Picker options={options} rows={Math.max(3, rows - 1)} initialIndex={Math.max(0, pools.findIndex((entry) => entry.pool.fqdn === chosen))} onSelect={onAnswer} />
		</Box>
	);
}
