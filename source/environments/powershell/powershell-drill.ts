import { drillWaitNotice, storeFailoverCommand, type DrillChange } from '../../sfb/drill.js';
import type { PoolInventory } from '../../sfb/model.js';
import { EnvironmentError, type CommandOutcome, type PoolDrill, type PoolFailoverOutcome, type PoolUsers, type RunOptions, type UserPlacement } from '../port.js';
import { powershellLiteral } from './literal.js';
import { asList, fqdnFromValue, isRecord, property } from './outputs.js';
import { protectedRunspaceScript, runspaceBlock } from './scripts.js';

/**
 * The drill on a live farm: the failover cmdlets run from the jump box, and the reads that verify them. Output shapes no
 * public source confirms are read tolerantly and marked [unverified]; a read that says nothing usable is unknown.
 */

/** How many of the pool's users the probe reads: enough to see where they sign in, few enough to stay quick. */
export const USERS_SAMPLED = 20;

type Run = (body: string, run: { action: string }) => Promise<unknown>;
/** Runs a farm change to its end: no timeout, no signal, waited for when the environment closes (told with `waitNotice`). */
type RunToTheEnd = (body: string, run: { action: string; waitNotice: string }) => Promise<unknown>;

export const storeStatusCommand = 'Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus';

/** `ActiveMasterFqdn` is the property Microsoft's failover procedure names; it points at the store's pool or one of its servers [unverified which]. */
export function readStoreStatusScript(): string {
	return `@(${storeStatusCommand} | ForEach-Object { ConvertTo-SfbPairRecord -InputObject $_ })`;
}

export function poolFailoverCommand(pool: string, disasterMode: boolean): string {
	return `Invoke-CsPoolFailOver -PoolFqdn ${powershellLiteral(pool)}${disasterMode ? ' -DisasterMode' : ''} -Force`;
}

export function poolFailbackCommand(pool: string): string {
	return `Invoke-CsPoolFailBack -PoolFqdn ${powershellLiteral(pool)} -Force`;
}

/**
 * What the protected runspace runs for a failover cmdlet. Verbose output is what these cmdlets say of their progress:
 * it is kept as the command's lines.
 */
export function verboseRunspaceScript(command: string): string {
	return runspaceBlock('', `\t\t@(${command} -Confirm:$false -Verbose 4>&1 | ForEach-Object { [string]$_ })`);
}

/**
 * A failover or failback takes minutes ("up to 60 minutes for a pool of 20,000 users"), and stopped half way it leaves
 * the pool half moved: it runs in a runspace of its own that a Ctrl+C cannot stop (protectedRunspaceScript).
 */
export function verboseLinesScript(command: string): string {
	return protectedRunspaceScript(verboseRunspaceScript(command), []);
}

/**
 * A sample of the pool's users with `Get-CsUserPoolInfo`. The pool reaches the filter as a value: the filter text is
 * built inside PowerShell from the literal, its quotes doubled as the filter language wants.
 */
export function readPoolUsersScript(pool: string): string {
	return String.raw`$pool = ${powershellLiteral(pool)}
$filter = "RegistrarPool -eq '" + $pool.Replace("'", "''") + "'"
@(Get-CsUser -Filter $filter -ResultSize ${USERS_SAMPLED} | ForEach-Object {
	$info = Get-CsUserPoolInfo -Identity ([string]$_.SipAddress)
	@{ sipAddress = [string]$_.SipAddress; registrarPool = [string]$_.RegistrarPool; info = (ConvertTo-SfbPairRecord -InputObject $info) }
})`;
}

export function readPoolUsersCommand(pool: string): string {
	return `Get-CsUser -Filter "RegistrarPool -eq '${pool}'" -ResultSize ${USERS_SAMPLED} | Get-CsUserPoolInfo`;
}

/**
 * The pool whose server or name `ActiveMasterFqdn` holds. Missing or naming nothing of the topology: undefined (could not
 * tell), never a guess.
 */
export function parseStorePool(value: unknown, inventory: PoolInventory): string | undefined {
	const [record] = asList(value);
	if (!isRecord(record)) return undefined;
	const master = fqdnFromValue(property(record, 'ActiveMasterFqdn'))?.toLowerCase();
	if (master === undefined) return undefined;
	return inventory.pools.find((pool) => pool.fqdn.toLowerCase() === master || pool.servers.some((server) => server.toLowerCase() === master))?.fqdn;
}

/**
 * Where each user signs in now is read from `UserServicesPoolFqdn` [unverified: that a pool failover shows in it]; a
 * user whose record lacks it is "could not tell". The home pool is Get-CsUser's RegistrarPool.
 */
export function parsePoolUsers(pool: string, value: unknown): PoolUsers {
	const users = asList(value).flatMap((entry): UserPlacement[] => {
		if (!isRecord(entry)) return [];
		const sipAddress = String(property(entry, 'sipAddress') ?? '');
		const info = property(entry, 'info');
		const servedBy = isRecord(info) ? fqdnFromValue(property(info, 'UserServicesPoolFqdn')) : undefined;
		return [{ sipAddress, homePool: fqdnFromValue(property(entry, 'registrarPool')) ?? pool, servedBy }];
	});
	return { pool, users, raw: JSON.stringify(value) };
}

const lines = (value: unknown) => asList(value).map((line) => String(line));
const outcome = (tail: string[]): CommandOutcome => ({ exitCode: 0, rebootRequired: false, tail: tail.slice(-20) });

export class PowerShellDrill implements PoolDrill {
	constructor(
		private readonly run: Run,
		private readonly runToTheEnd: RunToTheEnd,
		private readonly inventory: () => Promise<PoolInventory>,
	) {}

	async readManagementStorePool(): Promise<string | undefined> {
		const value = await this.run(readStoreStatusScript(), { action: storeStatusCommand });
		return parseStorePool(value, await this.inventory());
	}

	async failOverManagementStore(toPool: string, options: RunOptions = {}): Promise<CommandOutcome> {
		const inventory = await this.inventory();
		const backEnd = Object.entries(inventory.backEnds ?? {}).find(([pool]) => pool.toLowerCase() === toPool.toLowerCase())?.[1];
		if (!backEnd) throw new EnvironmentError('failed', `Invoke-CsManagementServerFailover: the topology names no back end for ${toPool}, so there is no Central Management database to fail over to`);
		const command = storeFailoverCommand(backEnd);
		return this.streamed(command, { cmdlet: 'Invoke-CsManagementServerFailover', toPool }, options);
	}

	async failOverPool(pool: string, disasterMode: boolean, options: RunOptions = {}): Promise<PoolFailoverOutcome> {
		return this.streamed(poolFailoverCommand(pool, disasterMode), { cmdlet: 'Invoke-CsPoolFailOver', pool }, options);
	}

	async failBackPool(pool: string, options: RunOptions = {}): Promise<CommandOutcome> {
		return this.streamed(poolFailbackCommand(pool), { cmdlet: 'Invoke-CsPoolFailBack', pool }, options);
	}

	async readPoolUsers(pool: string): Promise<PoolUsers> {
		return parsePoolUsers(pool, await this.run(readPoolUsersScript(pool), { action: readPoolUsersCommand(pool) }));
	}

	/** The change runs to its end whatever `options.signal` says: the caller decides what to do once it has ended. */
	private async streamed(command: string, change: DrillChange, options: RunOptions): Promise<CommandOutcome> {
		const tail = lines(await this.runToTheEnd(verboseLinesScript(command), { action: command, waitNotice: drillWaitNotice(change) }));
		for (const line of tail) options.onLine?.(line);
		return outcome(tail);
	}
}
