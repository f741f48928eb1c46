import { type Command, InvalidArgumentError, Option } from 'commander';
import { checkFailbackInterval, checkFailoverInterval, DEFAULT_VOICE } from '../sfb/voice-resiliency.js';
import { checkDuration, checkNumber, CU_MINUTES, PACING, PARALLEL, TIME_SCALE, type Bounds, type Checked } from '../text/bounded-values.js';
import type { Scenario } from '../environments/lab/scenario.js';
import type { VoiceResiliency } from '../sfb/model.js';
import type { PacingChoices } from './procedure-driver.js';
import { UsageError } from './exit-codes.js';
import type { EnvironmentOptions } from './open-environment.js';
import { operatorName } from './run-identity.js';
import { defaultStateDir } from './state-dir.js';
import { checkInstallerPath } from '../sfb/update-installer.js';

/**
 * The option sets several commands share, and how their values become the options of the environment, the
 * voice settings and the pace of the watch. A command spreads in the sets it needs.
 */

export interface CommonFlags {
	lab?: boolean;
	live?: boolean;
	scenario?: string;
	topology?: string;
	stateDir?: string;
	powershell?: string;
	timeScale?: number;
	color?: boolean;
	/** `--cu-installer PATH`, on the commands that take it (the wizard, run, doctor). */
	cuInstaller?: string;
}

export interface VoiceFlags {
	automaticFailover?: boolean;
	failoverInterval?: string;
	failbackInterval?: string;
}

export interface PacingFlags {
	syncPoll?: number;
	syncTimeout?: number;
	serviceSettle?: number;
}

/** Commander's parser for a value checked by `check`: the reason becomes the error it prints. */
const checked = (check: (text: string) => Checked) => (text: string) => {
	const result = check(text);
	if (!result.ok) throw new InvalidArgumentError(result.reason);
	return result.value;
};

export const timeScale = checked((text) => checkNumber(text, TIME_SCALE));
export const cuMinutes = checked((text) => checkNumber(text, CU_MINUTES));

/** `--cu-installer PATH`: the UNC path of SkypeServerUpdateInstaller.exe, for the wizard, run and doctor. */
export const cuInstallerOption = () =>
	new Option(
		'--cu-installer <path>',
		'live: SkypeServerUpdateInstaller.exe on a share every Front End can read (\\\\server\\share\\...\\file.exe); the Cumulative Update step then runs it itself, per upgrade domain: failover, installer in silent mode, failback (doctor checks each Front End can read it)',
	).argParser((text: string) => {
		const result = checkInstallerPath(text);
		if (!result.ok) throw new InvalidArgumentError(result.reason);
		return result.value;
	});

/** One server's Cumulative Update: what the operator said (--cu-minutes), else the lab scenario's failover, installer and failback. */
export function cumulativeUpdatePerServerMs(minutes: number | undefined, scenario: Scenario | undefined): number | undefined {
	if (minutes !== undefined) return minutes * 60_000;
	if (scenario === undefined) return undefined;
	const { failoverSeconds, cumulativeUpdateSeconds, failbackSeconds } = scenario.timings;
	return (failoverSeconds + cumulativeUpdateSeconds + failbackSeconds) * 1000;
}

/** `--parallel N` servers at once inside each pool, or `--parallel domain`: one upgrade domain at a time per pool. */
export const parallel = (text: string): number | 'domain' => {
	if (text.trim().toLowerCase() === 'domain') return 'domain';
	const result = checkNumber(text, PARALLEL, { integer: true });
	if (!result.ok) throw new InvalidArgumentError(`${result.reason}, nor domain`);
	return result.value;
};
const duration = (bounds: Bounds) => checked((text) => checkDuration(text, bounds));

export function withCommonOptions(command: Command): Command {
	return command
		.option('--lab', 'use the simulated lab farm (the default where no SkypeForBusiness module is found)')
		.option('--live', 'use the SkypeForBusiness module through PowerShell')
		.option('--scenario <name|file>', 'lab scenario: a built-in name (see `sfb-pair scenarios`) or a JSON file')
		.option('--topology <file.xml>', 'build the lab from an exported topology (Get-CsTopology -AsXml)')
		.option('--state-dir <dir>', 'where sessions, the lab farm, snapshots and records are kept', undefined)
		.option('--powershell <path>', 'PowerShell executable for --live (default: powershell.exe on Windows, pwsh elsewhere)')
		.option('--time-scale <n>', `lab only: how many times faster than real time the farm runs, ${TIME_SCALE.min} to ${TIME_SCALE.max} (default: as last run, else 20)`, timeScale)
		.option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

export function withVoiceOptions(command: Command): Command {
	return command
		.option('--automatic-failover', 'automatic failover and failback for Voice (the default)')
		.option('--no-automatic-failover', 'turn off automatic failover and failback for Voice')
		.option('--failover-interval <time>', 'voice failover detection interval: seconds, 5m or hh:mm:ss (default 300 s, at least 90 s)')
		.option('--failback-interval <time>', 'voice failback detection interval (default 600 s)');
}

export function withPacingOptions(command: Command): Command {
	return command
		.addOption(new Option('--sync-poll <time>', 'time between two Backup Service status polls (default 30 s)').argParser(duration(PACING.syncPoll)))
		.addOption(new Option('--sync-timeout <time>', 'how long to wait for steady state before asking (default 30m, at most 24h)').argParser(duration(PACING.syncTimeout)))
		.addOption(new Option('--service-settle <time>', 'how long LYNCBACKUP must stay Running after a start (default 60 s)').argParser(duration(PACING.serviceSettle)));
}

export function pacingFrom(flags: PacingFlags): PacingChoices {
	return {
		...(flags.syncPoll ? { syncPollSeconds: flags.syncPoll } : {}),
		...(flags.syncTimeout ? { syncTimeoutSeconds: flags.syncTimeout } : {}),
		...(flags.serviceSettle ? { serviceSettleSeconds: flags.serviceSettle } : {}),
	};
}

export function voiceFrom(flags: VoiceFlags): VoiceResiliency {
	const failover = flags.failoverInterval === undefined ? undefined : checkFailoverInterval(flags.failoverInterval);
	const failback = flags.failbackInterval === undefined ? undefined : checkFailbackInterval(flags.failbackInterval);
	if (failover && !failover.ok) throw new UsageError(`--failover-interval: ${failover.reason}`);
	if (failback && !failback.ok) throw new UsageError(`--failback-interval: ${failback.reason}`);
	if (failover?.ok && failover.note) process.stderr.write(`note: ${failover.note}\n`);
	return {
		automaticFailover: flags.automaticFailover ?? DEFAULT_VOICE.automaticFailover,
		failoverSeconds: failover?.ok ? failover.seconds : DEFAULT_VOICE.failoverSeconds,
		failbackSeconds: failback?.ok ? failback.seconds : DEFAULT_VOICE.failbackSeconds,
	};
}

/** `--operator NAME`, for the wizard and `run`: who makes the change, as the change record names them. */
export const operatorOption = () =>
	new Option('--operator <name>', 'who makes the change, for the change record (default: the OS account)').argParser(operatorName);

/** What the change record says of the voice settings given: a failover interval raised to its floor. */
export function voiceNoteFrom(flags: VoiceFlags): string | undefined {
	const failover = flags.failoverInterval === undefined ? undefined : checkFailoverInterval(flags.failoverInterval);
	return failover?.ok && failover.note ? `--failover-interval ${flags.failoverInterval}: ${failover.note}` : undefined;
}

export function environmentOptions(flags: CommonFlags): EnvironmentOptions {
	return {
		stateDir: flags.stateDir ?? process.env.SFB_PAIR_STATE_DIR ?? defaultStateDir(),
		...(flags.lab ? { lab: true } : {}),
		...(flags.live ? { live: true } : {}),
		...(flags.scenario ? { scenario: flags.scenario } : {}),
		...(flags.topology ? { topology: flags.topology } : {}),
		...(flags.powershell ? { powershell: flags.powershell } : {}),
		...(flags.timeScale ? { timeScale: flags.timeScale } : {}),
		...(flags.cuInstaller ? { cuInstaller: flags.cuInstaller } : {}),
	};
}
