import { storeFailoverCommand } from '../../sfb/drill.js';
import type { PoolInventory } from '../../sfb/model.js';
import { EnvironmentError, type CommandOutcome, type PoolDrill, type PoolFailoverOutcome, type PoolUsers, type RunOptions, type UserPlacement } from '../port.js';
import { powershellLiteral } from './literal.js';
import { asList, fqdnFromValue, isRecord, property } from './outputs.js';

/**
 * The drill on a live farm: the failover cmdlets run from the jump box, and the reads that verify them. Output shapes no
 * public source confirms are read tolerantly and marked [unverified]; a read that says nothing usable is unknown.
 */

/** How many of the pool's users the probe reads: enough to see where they sign in, few enough to stay quick. */
export const USERS_SAMPLED = 20;

type Run = (body: string, run: { action: string; signal?: AbortSignal; timeoutMs?: number }) => Promise<unknown>;

/** A failover or failback of a large pool takes minutes ("up to 60 minutes for a pool of 20,000 users"). */
const FAILOVER_TIMEOUT_MS = 90 * 60 * 1000;

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

/** Verbose output is what these cmdlets say of their progress: it is kept as the command's lines. */
export function verboseLinesScript(command: string): string {
	return `@(${command} -Confirm:$false -Verbose 4>&1 | ForEach-Object { [string]$_ })`;
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
		return this.streamed(command, options);
	}

	async failOverPool(pool: string, disasterMode: boolean, options: RunOptions = {}): Promise<PoolFailoverOutcome> {
		return this.streamed(poolFailoverCommand(pool, disasterMode), options);
	}

	async failBackPool(pool: string, options: RunOptions = {}): Promise<CommandOutcome> {
		return this.streamed(poolFailbackCommand(pool), options);
	}

	async readPoolUsers(pool: string): Promise<PoolUsers> {
		return parsePoolUsers(pool, await this.run(readPoolUsersScript(pool), { action: readPoolUsersCommand(pool) }));
	}

	private async streamed(command: string, options: RunOptions): Promise<CommandOutcome> {
		const tail = lines(await this.run(verboseLinesScript(command), { action: command, timeoutMs: FAILOVER_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) }));
		for (const line of tail) options.onLine?.(line);
		return outcome(tail);
	}
}
