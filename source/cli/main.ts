import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { EnvironmentError, type Environment } from '../environments/port.js';
import type { Scenario } from '../environments/lab/scenario.js';
import { asFileProblem, type FileProblem } from '../session/private-fs.js';
import { processOutput, stderrLine } from './output.js';
import { withCancelSignals } from './signals.js';
import { readSettings, settingsPath, type LoadedSettings } from '../settings/settings-file.js';
import { applySettings, describeOrigins, originsOf } from './settings-options.js';
import { configGet, configList, configSet, configUnset } from './commands/config.js';
import { applyColorPreference } from './color.js';
import { supportsUnicode, toAscii } from '../ui/ascii-stdout.js';
import { EXIT, UsageError } from './exit-codes.js';
import { openEnvironment, wantsLab, type EnvironmentOptions } from './open-environment.js';
import {
	environmentOptions,
	pacingFrom,
	parallel,
	cuMinutes,
	cuInstallerOption,
	cumulativeUpdatePerServerMs,
	voiceFrom,
	voiceNoteFrom,
	operatorOption,
	withCommonOptions,
	withPacingOptions,
	withVoiceOptions,
	type CommonFlags,
	type PacingFlags,
	type VoiceFlags,
} from './flags.js';

const output = processOutput();
const write = (text: string) => output.write(text);
/** The width to lay lines out for: the terminal's, or none when the output goes to a file or a program. */
const terminalWidth = () => (process.stdout.isTTY ? process.stdout.columns || 80 : undefined);

type Opened = EnvironmentOptions & { labScenario?: Scenario | undefined };

/**
 * Runs a command under the one signal policy (signals.ts), with an environment it always disposes. A command
 * that takes the AbortSignal stops its own work; one that only reads is left behind, and exits 130 at once.
 */
function withEnvironment(
	flags: CommonFlags,
	body: (environment: Environment, options: Opened, signal: AbortSignal) => Promise<number>,
	how: { stopsOnSignal?: boolean } = {},
): Promise<number> {
	return withCancelSignals(async (signal) => {
		const options = environmentOptions(flags);
		const { environment, scenario, notices } = await untilCancelled(openEnvironment(options), signal);
		for (const notice of notices) stderrLine(`note: ${notice}`);
		try {
			const work = body(environment, { ...options, labScenario: scenario }, signal);
			return await (how.stopsOnSignal ? work : untilCancelled(work, signal));
		} finally {
			await environment.dispose({ onWait: (notice) => stderrLine(notice) });
		}
	});
}

/** `work`, or a rejection as soon as `signal` aborts. */
function untilCancelled<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		if (signal.aborted) onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}

/** A file-system failure anywhere in the chain of causes, as the one line every command gives for it. */
function fileProblemIn(error: unknown): FileProblem | undefined {
	for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
		const problem = asFileProblem(current);
		if (problem) return problem;
	}
	return undefined;
}

/**
 * The modules of the errors below are loaded when an error is reported, not at start: a module that threw one
 * is loaded already, and the wizard draws its first frame without the parsers and schemas they bring.
 */
async function reportError(error: unknown): Promise<number> {
	const [{ TopologyReadError }, { ScenarioError }, { SessionLockedError }, { LabFarmDamaged }, { CheckpointFailure }] = await Promise.all([
		import('../sfb/topology-reader.js'),
		import('../environments/lab/scenario.js'),
		import('../session/session-lock.js'),
		import('../environments/lab/farm-state.js'),
		import('../session/checkpoint-queue.js'),
	]);
	const known =
		error instanceof UsageError ||
		error instanceof TopologyReadError ||
		error instanceof ScenarioError ||
		error instanceof SessionLockedError ||
		error instanceof LabFarmDamaged;
	if (known) {
		stderrLine(`sfb-pair: ${error.message}`);
		return EXIT.usage;
	}
	const problem = fileProblemIn(error);
	if (problem) {
		stderrLine(`sfb-pair: ${problem.message}`);
		return EXIT.usage;
	}
	if (error instanceof EnvironmentError || error instanceof CheckpointFailure) {
		stderrLine(`sfb-pair: ${error.message}`);
		return EXIT.failed;
	}
	const message = error instanceof Error ? error.message : String(error);
	stderrLine(`sfb-pair: unexpected error: ${message}`);
	if (process.env.SFB_PAIR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
	return EXIT.failed;
}

/** Each action hands over the promise of its exit code; `main` awaits it and reports what it throws. */
export function buildProgram(exitWith: (code: Promise<number>) => void, settings: LoadedSettings = { file: settingsPath(), values: {}, notes: [] }): Command {
	const program = withPacingOptions(withCommonOptions(new Command('sfb-pair')))
		.description('Pair two Skype for Business Server Front End pools for disaster recovery, step by step.')
		.version(packageJson.version, '--version', 'print the version')
		.helpOption('-h, --help', 'show this help')
		.option('--resume', 'continue the unfinished session without asking')
		.option('--fresh', 'archive any unfinished session and start over')
		.addOption(new Option('--parallel <n|domain>', 'servers at once inside each pool during Bootstrapper (default 1), or domain: one upgrade domain at a time per pool').argParser(parallel))
		.option('--cu-side-by-side', 'patch both pools at once during the Cumulative Update, each one upgrade domain at a time (default: one pool after the other, as each backs the other up)')
		.addOption(cuInstallerOption())
		.option('--explain', 'explain beside each step why it exists')
		.option('--no-explain', 'no explanations, whatever the settings say')
		.option('--ascii', 'draw with ASCII characters only (also SFB_PAIR_ASCII=1)')
		.option('--no-ascii', 'draw with Unicode, whatever SFB_PAIR_ASCII or the settings say')
		.addOption(operatorOption())
		.option('--screen-reader', 'for screen readers: linear text, no spinners or clocks, changes announced once (also INK_SCREEN_READER=true)')
		.addHelpText(
			'after',
			[
				'',
				'Examples:',
				'  sfb-pair                                   the wizard (the lab when no SkypeForBusiness module is found)',
				'                                             after a pairing that is done: What next? the drill, the unpair, or leave',
				'  sfb-pair --scenario bootstrap-failure --explain',
				'  sfb-pair plan --pool pool1.contoso.com --backup pool2.contoso.com',
				'  sfb-pair run --pool pool1.contoso.com --backup pool2.contoso.com --yes',
				'  sfb-pair run --pool pool1.contoso.com --backup pool2.contoso.com --yes --by-hand fe01.contoso.com   you run Bootstrapper there',
				'  sfb-pair run --pool pool1.contoso.com --backup pool2.contoso.com --yes --resume --restart-held   restart the servers held at Bootstrapper exit 3010 (failover, restart, failback)',
				'  sfb-pair status --all                      every pool: paired, steady, and what to do next',
				'  sfb-pair drill --pool pool1.contoso.com    fail the pool over to its backup and back (type "failover" to confirm)',
				'  sfb-pair doctor --pool pool1.contoso.com --backup pool2.contoso.com   the read-only pre-flight (exit 0 with warnings)',
				'',
				'Settings (sfb-pair config list) preset these options; a flag beats an environment variable, which beats a setting.',
				'Every start probes the farm and continues from the first step not done; every action counts only once its probe says so.',
				'Exit codes: 0 done, 1 failed, 2 bad usage or input, 3 waiting on the operator, 130 cancelled.',
			].join('\n'),
		)
		.enablePositionalOptions()
		.allowExcessArguments(true)
		.exitOverride()
		.action(async (flags: CommonFlags & PacingFlags & { resume?: boolean; fresh?: boolean; parallel?: number | 'domain'; cuSideBySide?: boolean; explain?: boolean; ascii?: boolean; operator?: string; screenReader?: boolean }, command: Command) => {
			if (command.args.length > 0) command.error(`error: unknown command '${command.args[0]}'`, { exitCode: EXIT.usage });
			// Loaded only here: Ink is most of the start-up time, and the plain commands never draw a frame.
			const { wizardCommand } = await import('./commands/wizard.js');
			const options = environmentOptions(flags);
			exitWith(
				wizardCommand({ kind: wantsLab(options) ? 'lab' : 'live', open: () => openEnvironment(options) }, options.stateDir, {
					resume: Boolean(flags.resume),
					fresh: Boolean(flags.fresh),
					perPool: flags.parallel ?? 1,
					...(flags.cuSideBySide ? { cumulativeUpdateSideBySide: true } : {}),
					explain: Boolean(flags.explain),
					pacing: pacingFrom(flags),
					ascii: asciiChoice(command, flags.ascii),
					screenReader: Boolean(flags.screenReader),
					notes: [...settings.notes, ...originNote(originsOf(command, settings))],
					...(flags.operator ? { operator: flags.operator } : {}),
				}),
			);
		});

	withCommonOptions(program.command('pools'))
		.description('list the Front End pools with site, edition, version, servers and pairing state (a published pair is probed: complete or unfinished)')
		.option('--json', 'print JSON')
		.exitOverride()
		.action((flags: CommonFlags & { json?: boolean }) =>
			exitWith(withEnvironment(flags, async (environment) => (await import('./commands/pools.js')).poolsCommand(environment, Boolean(flags.json), write, terminalWidth()))),
		);

	withVoiceOptions(withCommonOptions(program.command('plan')))
		.description('show the procedure for a pair, every command and where it runs, and what the farm shows already done; changes nothing')
		.requiredOption('--pool <fqdn>', 'the pool to protect')
		.requiredOption('--backup <fqdn>', 'its backup pool')
		.option('--json', 'print JSON')
		.option('--cu-side-by-side', 'the Cumulative Update schedule with both pools at once (default: one pool after the other)')
		.addOption(new Option('--cu-minutes <n>', "one server's Cumulative Update (failover, installer, failback) in minutes, for the wall-time estimate (the lab: its scenario's)").argParser(cuMinutes))
		.exitOverride()
		.action((flags: CommonFlags & VoiceFlags & { pool: string; backup: string; json?: boolean; cuMinutes?: number; cuSideBySide?: boolean }) =>
			exitWith(
				withEnvironment(flags, async (environment, options) =>
					(await import('./commands/plan.js')).planCommand(
						environment,
						{ pool: flags.pool, backup: flags.backup, voice: voiceFrom(flags) },
						Boolean(flags.json),
						write,
						terminalWidth(),
						cumulativeUpdatePerServerMs(flags.cuMinutes, options.labScenario),
						flags.cuSideBySide ? 'side-by-side' : 'one-after-another',
					),
				),
			),
		);

	withCommonOptions(program.command('status'))
		.usage('--pool <fqdn> | --all [options]')
		.summary("a pool's pairing step by step with the evidence (--pool), or every pool's disaster-recovery readiness (--all)")
		.description(
			"each step of a pool's pairing, per server, as the farm shows it with the evidence (--pool); or the disaster-recovery readiness of every Front End pool, one line a pool (--all). Exit 0 only when everything is done and steady, 3 while work remains, 1 when something failed or could not be told",
		)
		.option('--pool <fqdn>', 'the pool, in detail')
		.option('--all', 'every Front End pool: paired with what, the sync both ways, LYNCBACKUP per server, the Central Management store and its standby, rule warnings, what to do next')
		.option('--json', 'print JSON')
		.option('--ascii', 'print with ASCII characters only (also SFB_PAIR_ASCII=1)')
		.option('--no-ascii', 'print with Unicode, whatever SFB_PAIR_ASCII or the settings say')
		.exitOverride()
		.action((flags: CommonFlags & { pool?: string; all?: boolean; json?: boolean; ascii?: boolean }, command: Command) => {
			if (flags.all && flags.pool !== undefined) return exitWith(Promise.reject(new UsageError('--all and --pool cannot be used together: --all shows every pool, --pool one pool in detail')));
			if (!flags.all && flags.pool === undefined) command.error('error: status needs --pool <fqdn> (one pool in detail) or --all (every pool)', { exitCode: EXIT.usage });
			const ascii = asciiChoice(command, flags.ascii) ?? !supportsUnicode();
			const print = ascii && !flags.json ? (text: string) => write(toAscii(text)) : write;
			const pool = flags.pool;
			return exitWith(
				withEnvironment(flags, async (environment) =>
					pool === undefined
						? (await import('./commands/status-all.js')).statusAllCommand(environment, Boolean(flags.json), print, terminalWidth())
						: (await import('./commands/status.js')).statusCommand(environment, pool, Boolean(flags.json), print),
				),
			);
		});

	withCommonOptions(program.command('doctor'))
		.description(
			'the read-only pre-flight: the account, WinRM to every Front End (timed), the Kerberos double hop, SMB to the partner\'s file store, pool health, the same CU, OS and platform, no Lync Server 2010, replication. Exit 0 when nothing blocks (warnings allowed), 1 when a check blocks',
		)
		.option('--pool <fqdn>', 'the pool to protect (with --backup); without both, every Front End pool is checked')
		.option('--backup <fqdn>', 'its backup pool (with --pool)')
		.option('--json', 'print JSON')
		.option('--verbose', 'list the checks that passed too (otherwise counted on one line)')
		.option('--capture <file>', 'live only: also write the shape (property names and types, no values) of every cmdlet output sfb-pair reads, readable by you alone')
		.addOption(cuInstallerOption())
		.option('--ascii', 'print with ASCII characters only (also SFB_PAIR_ASCII=1)')
		.option('--no-ascii', 'print with Unicode, whatever SFB_PAIR_ASCII or the settings say')
		.exitOverride()
		.action((flags: CommonFlags & { pool?: string; backup?: string; json?: boolean; verbose?: boolean; capture?: string; ascii?: boolean }, command: Command) => {
			if ((flags.pool === undefined) !== (flags.backup === undefined)) {
				return exitWith(Promise.reject(new UsageError('doctor checks a pair with --pool and --backup together, or every pool with neither')));
			}
			const ascii = asciiChoice(command, flags.ascii) ?? !supportsUnicode();
			const print = ascii && !flags.json ? (text: string) => write(toAscii(text)) : write;
			return exitWith(
				(async () => {
					const capture = flags.capture === undefined ? undefined : (await import('../session/capture-file.js')).checkCapturePath(flags.capture);
					return withEnvironment(flags, async (environment) =>
						(await import('./commands/doctor.js')).doctorCommand(
							environment,
							{ json: Boolean(flags.json), verbose: Boolean(flags.verbose), ...(flags.pool === undefined ? {} : { pool: flags.pool }), ...(flags.backup === undefined ? {} : { backup: flags.backup }), ...(capture === undefined ? {} : { capture }) },
							print,
							terminalWidth(),
						),
					);
				})(),
			);
		});

	withCommonOptions(program.command('drill'))
		.description(
			'the disaster-recovery drill of a paired pool: its Central Management store (where it hosts it) and its users failed over to the backup pool and back, each step verified by a probe, then a wait until the pair is steady again. Refused, changing nothing, while the pair is not steady both ways. At a terminal you type "failover" to confirm; a script needs --yes --drill',
		)
		.requiredOption('--pool <fqdn>', 'the pool to fail over (its backup is the pool it is paired with)')
		.option('--planned', 'a planned failover of a pool still up (no -DisasterMode): its latest changes are exported first')
		.option('--yes', 'with --drill: confirm without asking')
		.option('--drill', 'with --yes: yes, fail the pool over (a failover is not done by a stray --yes)')
		.option('--explain', 'print beside each step why it exists and its source')
		.option('--no-explain', 'no explanations, whatever the settings say')
		.exitOverride()
		.action((flags: CommonFlags & { pool: string; planned?: boolean; yes?: boolean; drill?: boolean; explain?: boolean }) =>
			exitWith(
				withEnvironment(
					flags,
					async (environment, options, signal) =>
						(await import('./commands/drill.js')).drillCommand(
							environment,
							options.stateDir,
							{
								pool: flags.pool,
								planned: Boolean(flags.planned),
								yes: Boolean(flags.yes),
								drill: Boolean(flags.drill),
								explain: Boolean(flags.explain),
								...(process.stdin.isTTY ? { ask: (await import('./ask-line.js')).askLine } : {}),
								...(terminalWidth() === undefined ? {} : { width: terminalWidth() }),
								...(options.labScenario ? { scenario: options.labScenario } : {}),
							},
							write,
							signal,
						),
					{ stopsOnSignal: true },
				),
			),
		);

	withPacingOptions(withVoiceOptions(withCommonOptions(program.command('run'))))
		.description("the whole procedure without prompts, as plain timestamped lines (needs --yes); a new session first runs doctor's checks for the pair and stops, changing nothing, when one blocks")
		.requiredOption('--pool <fqdn>', 'the pool to protect')
		.requiredOption('--backup <fqdn>', 'its backup pool')
		.option('--yes', 'confirm the change: publish the pairing without asking')
		.option('--resume', 'continue the unfinished session for this pair')
		.option('--fresh', 'archive the unfinished session for this pair and start over')
		.addOption(new Option('--parallel <n|domain>', 'servers at once inside each pool during Bootstrapper (default 1), or domain: one upgrade domain at a time per pool').argParser(parallel))
		.option('--cu-side-by-side', 'patch both pools at once during the Cumulative Update, each one upgrade domain at a time (default: one pool after the other, as each backs the other up)')
		.option('--cu-reapplied', 'you have re-applied the Cumulative Update on every server yourself (live farms); each server\'s versions are checked')
		.option('--by-hand <servers>', 'Front Ends (comma-separated) where you run Bootstrapper and the Backup Service start yourself (remoting cannot: a double hop refused): their commands are printed, the run stops (exit 3) once the others finish, and --resume verifies them on the farm')
		.option('--restart-held', 'a Front End held at Bootstrapper exit 3010 is restarted by sfb-pair: failed over (its users move to the pool\'s other servers; their calls drop for a moment), Restart-Computer, waited for, failed back, Bootstrapper again; without it the run stops there (exit 3)')
		.addOption(cuInstallerOption())
		.option('--explain', 'print beside each step why it exists')
		.option('--no-explain', 'no explanations, whatever the settings say')
		.addOption(operatorOption())
		.exitOverride()
		.action(
			(
				flags: CommonFlags &
					VoiceFlags &
					PacingFlags & { pool: string; backup: string; yes?: boolean; resume?: boolean; fresh?: boolean; parallel?: number | 'domain'; cuSideBySide?: boolean; cuReapplied?: boolean; byHand?: string; restartHeld?: boolean; explain?: boolean; operator?: string },
			) =>
				exitWith(
					withEnvironment(flags, async (environment, options, signal) =>
						(await import('./commands/run.js')).runCommand(
							environment,
							options.stateDir,
							{
								pool: flags.pool,
								backup: flags.backup,
								voice: voiceFrom(flags),
								...(voiceNoteFrom(flags) ? { voiceNote: voiceNoteFrom(flags) } : {}),
								yes: Boolean(flags.yes),
								resume: Boolean(flags.resume),
								fresh: Boolean(flags.fresh),
								perPool: flags.parallel ?? 1,
								...(flags.cuSideBySide ? { cumulativeUpdateSideBySide: true } : {}),
								cumulativeUpdateReapplied: Boolean(flags.cuReapplied),
								...(flags.byHand === undefined ? {} : { byHand: flags.byHand.split(',').map((server) => server.trim()) }),
								...(flags.restartHeld ? { restartHeld: true } : {}),
								retries: 1,
								explain: Boolean(flags.explain),
								pacing: pacingFrom(flags),
								...(options.labScenario ? { scenario: options.labScenario } : {}),
								...(flags.operator ? { operator: flags.operator } : {}),
							},
							write,
							signal,
						),
						{ stopsOnSignal: true },
					),
				),
		);

	withCommonOptions(program.command('unpair'))
		.description(
			'the way back: clear the backup association of a pool and its partner (cmdlets, or guided in Topology Builder where it holds the Central Management store), publish, Bootstrapper on every Front End of both pools, Remove-CsUserStoreBackupData on both, the standby Central Management store gone. Asks for the typed word unpair, or --yes --unpair; each step is done when the farm says so; run again to resume. Refuses (exit 3, nothing changed) while a pool of the pair is failed over or the store is active on the partner',
		)
		.requiredOption('--pool <fqdn>', 'the pool to unpair (its partner is read from the topology)')
		.option('--yes', 'with --unpair: change the farm without asking')
		.option('--unpair', 'with --yes: the confirmation word, given on the command line')
		.option('--topology-builder', 'the pairing was published with Topology Builder: undo it there, guided (always so where a pool holds the Central Management store)')
		.option('--explain', 'print beside each step why it exists and the source')
		.option('--no-explain', 'no explanations, whatever the settings say')
		.addOption(operatorOption())
		.exitOverride()
		.action((flags: CommonFlags & { pool: string; yes?: boolean; unpair?: boolean; topologyBuilder?: boolean; explain?: boolean; operator?: string }) =>
			exitWith(
				withEnvironment(
					flags,
					async (environment, options, signal) =>
						(await import('./commands/unpair.js')).unpairCommand(
							environment,
							options.stateDir,
							{
								pool: flags.pool,
								yes: Boolean(flags.yes),
								unpair: Boolean(flags.unpair),
								topologyBuilder: Boolean(flags.topologyBuilder),
								explain: Boolean(flags.explain),
								...(flags.operator ? { operator: flags.operator } : {}),
								...(options.labScenario ? { scenario: options.labScenario } : {}),
							},
							write,
							signal,
							(await import('./ask-line.js')).terminalAsk(signal),
							terminalWidth(),
						),
					{ stopsOnSignal: true },
				),
			),
		);

	program
		.command('scenarios')
		.description('list the built-in lab scenarios')
		.exitOverride()
		.action(() =>
			exitWith(
				(async () => {
					const { listScenarios } = await import('../environments/lab/scenario.js');
					for (const scenario of listScenarios()) write(`${scenario.name.padEnd(28)} ${scenario.description}`);
					return EXIT.done;
				})(),
			),
		);

	const config = program.command('config').description(`show and change the settings kept in ${settings.file}`).exitOverride();
	config.command('list').description('every setting, its value and where the value comes from').exitOverride().action(() => exitWith(Promise.resolve(configList(settings, process.env, write))));
	config.command('get <key>').description('the value of a setting').exitOverride().action((key: string) => exitWith(Promise.resolve().then(() => configGet(settings, process.env, key, write))));
	config
		.command('set <key> <value>')
		.description('change a setting (durations: 30, 5m, 1h or hh:mm:ss; switches: on or off)')
		.exitOverride()
		.action((key: string, value: string) => exitWith(configSet(settings, key, value, write)));
	config.command('unset <key>').description('back to the default').exitOverride().action((key: string) => exitWith(configUnset(settings, key, write)));
	config.command('path').description('where the settings file is').exitOverride().action(() => exitWith(Promise.resolve().then(() => (write(settings.file), EXIT.done))));

	const everyCommand = [program, ...program.commands, ...config.commands];
	program.hook('preAction', (root, action) => carryOptionsBeforeCommand(root, action));
	applySettings(everyCommand, settings);
	describeOrigins(everyCommand, settings);
	for (const command of everyCommand) {
		const name = command === program ? 'sfb-pair' : `sfb-pair ${command.parent && command.parent !== program ? `${command.parent.name()} ` : ''}${command.name()}`;
		command.showHelpAfterError(`Usage: ${name} ${command.usage()}\n(${name} --help lists every option)`);
	}
	return program;
}

/**
 * `sfb-pair --state-dir X run …`: with positional options the flags before the command are the wizard's, and the
 * command would silently go on with its own defaults (another state folder, the live farm). Those it has too are carried
 * over unless given again after it; one it does not have is refused.
 */
function carryOptionsBeforeCommand(root: Command, action: Command): void {
	if (action === root) return;
	for (const option of root.options) {
		const key = option.attributeName();
		if (root.getOptionValueSource(key) !== 'cli') continue;
		if (!action.options.some((own) => own.attributeName() === key)) {
			action.error(`error: ${option.long ?? option.flags} is not an option of 'sfb-pair ${action.name()}'`, { exitCode: EXIT.usage });
		}
		if (action.getOptionValueSource(key) !== 'cli') action.setOptionValueWithSource(key, root.getOptionValue(key), 'cli');
	}
}

/** flag > SFB_PAIR_ASCII > setting; undefined leaves it to what the terminal can show. */
function asciiChoice(command: Command, flag: boolean | undefined): boolean | undefined {
	if (command.getOptionValueSource('ascii') === 'cli') return flag;
	if (process.env.SFB_PAIR_ASCII) return true;
	return flag;
}

function originNote(origins: string[]): string[] {
	return origins.length === 0 ? [] : [`not the default: ${origins.join(', ')}`];
}

export async function main(argv: string[]): Promise<number> {
	// React and Ink load later (only the wizard draws); without this they run their slow development build.
	process.env.NODE_ENV ??= 'production';
	applyColorPreference(process.env, argv);
	const settings = readSettings(settingsPath());
	for (const note of settings.notes) stderrLine(`sfb-pair: note: ${note}`);
	let pending: Promise<number> | undefined;
	const program = buildProgram((code) => {
		pending = code;
	}, settings);
	try {
		await program.parseAsync(argv, { from: 'user' });
		return output.finish(pending ? await pending : EXIT.done);
	} catch (error) {
		if (error instanceof CommanderError) {
			if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.done;
			return EXIT.usage;
		}
		return output.finish(await reportError(error));
	}
}
