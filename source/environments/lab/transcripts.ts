import type { ProductVersion } from '../../sfb/model.js';
import { BOOTSTRAPPER_FOLDERS, BOOTSTRAPPER_REBOOT_REQUIRED } from '../../sfb/bootstrapper.js';

/** One line of simulated output, `at` a fraction of the run's duration. */
export interface ScriptedLine {
	at: number;
	text: string;
}

export interface Transcript {
	lines: ScriptedLine[];
	exitCode: number;
	/** Fraction of the scenario's full duration this run takes (a run that stops early is shorter). */
	durationFactor: number;
}

export type BootstrapperOutcome =
	| { kind: 'success' }
	| { kind: 'reboot-required' }
	| { kind: 'exit'; exitCode: number }
	| { kind: 'another-version' };

/** Exit code of a Bootstrapper run refused by its prerequisite check; Bootstrapper's codes are undocumented (sfb-facts.md §4). */
export const PREREQUISITE_FAILED_EXIT_CODE = 1;

const TEMP_FOLDER = 'C:\\Users\\Administrator\\AppData\\Local\\Temp';
const BACKUP_SERVICE_LABEL = 'LyncBackupService (Skype for Business Server Backup Service)';

/** RTM build numbers of the products, for the "another version" refusal and the component versions. */
export const rtmBuilds: Record<Exclude<ProductVersion, 'unknown'>, string> = {
	'Lync Server 2010': '4.0.7577.0',
	'Lync Server 2013': '5.0.8308.0',
	'Skype for Business Server 2015': '6.0.9319.0',
	'Skype for Business Server 2019': '7.0.2046.0',
};

/**
 * What Bootstrapper.exe prints on one server, modelled on its deployment log: prerequisite checks, the
 * component installs, Enable-CSReplica and Enable-CSComputer, the reboot check, the exit code (sfb-facts.md §4).
 * The Backup Service is installed only when the topology pairs the server's pool.
 */
export function bootstrapperTranscript(input: {
	server: string;
	version: ProductVersion;
	installsBackupService: boolean;
	outcome: BootstrapperOutcome;
	startedAt: number;
	durationMs: number;
}): Transcript {
	const product = productName(input.version);
	const stamp = (at: number) => logStamp(input.startedAt + at * input.durationMs);
	const report = (command: string, at: number) => `${TEMP_FOLDER}\\${command}-${stamp(at)}.html`;
	const lines: ScriptedLine[] = [
		{ at: 0, text: `Running C:\\${folderOf(input.version)}\\Bootstrapper.exe on ${input.server}` },
		{ at: 0.01, text: 'Checking prerequisites for bootstrapper...' },
		{ at: 0.02, text: 'Checking prerequisite WMIEnabled...prerequisite satisfied.' },
		{ at: 0.03, text: 'Checking prerequisite SupportedOS...prerequisite satisfied.' },
		{ at: 0.04, text: 'Checking prerequisite SupportedOSNoDC...prerequisite satisfied.' },
	];
	const otherVersion = anotherProductVersion(input.version);

	if (input.outcome.kind === 'another-version') {
		lines.push(
			{ at: 0.06, text: 'Checking prerequisite NoOtherVersionInstalled...prerequisite not satisfied.' },
			{ at: 0.07, text: `Another Lync Server product with version ${otherVersion} is already installed.` },
			{ at: 0.08, text: 'Checking prerequisites for bootstrapper...failed' },
			{ at: 0.1, text: `Bootstrapper.exe exited with ${PREREQUISITE_FAILED_EXIT_CODE}` },
		);
		return { lines, exitCode: PREREQUISITE_FAILED_EXIT_CODE, durationFactor: 0.1 };
	}

	lines.push(
		{ at: 0.05, text: 'Checking prerequisite NoOtherVersionInstalled...prerequisite satisfied.' },
		{ at: 0.06, text: 'Checking prerequisite PowerShell...prerequisite satisfied.' },
		{ at: 0.07, text: 'Checking prerequisites for bootstrapper...done' },
		{ at: 0.1, text: 'Installing Microsoft Visual C++ 2013 x64 Minimum Runtime - 12.0.21005...already installed.' },
		{ at: 0.13, text: `Installing ${product}, Core Components(OCSCore.msi)...already installed.` },
		{ at: 0.18, text: `Executing PowerShell command: Enable-CSReplica -Confirm:$false -Verbose -Report "${report('Enable-CSReplica', 0.18)}"` },
		{ at: 0.26, text: `Installing ${product}, Front End Server(Server.msi)...already installed.` },
	);

	const failure = input.outcome.kind === 'exit' ? input.outcome.exitCode : undefined;
	if (input.installsBackupService) {
		lines.push({ at: 0.3, text: `Installing ${BACKUP_SERVICE_LABEL}...` });
		if (failure !== undefined) {
			lines.push(
				{ at: 0.52, text: `Installing ${BACKUP_SERVICE_LABEL}...failure code 1603` },
				{
					at: 0.53,
					text: `Error: An error occurred: "Microsoft.Rtc.Management.Deployment.DeploymentException" "Installing LyncBackupService.msi failed. For more information, see the log file "${TEMP_FOLDER}\\LyncBackupService-${stamp(0.3)}.log"."`,
				},
				{ at: 0.55, text: `Bootstrapper.exe exited with ${failure}` },
			);
			return { lines, exitCode: failure, durationFactor: 0.55 };
		}
		lines.push({ at: 0.55, text: `Installing ${BACKUP_SERVICE_LABEL}...success` });
	}

	lines.push({ at: 0.6, text: `Executing PowerShell command: Enable-CSComputer -Confirm:$false -Verbose -Report "${report('Enable-CSComputer', 0.6)}"` });
	if (failure !== undefined) {
		lines.push(
			{ at: 0.8, text: `Error: Command execution failed: Enable-CSComputer did not complete on ${input.server}. See "${report('Enable-CSComputer', 0.6)}".` },
			{ at: 0.82, text: `Bootstrapper.exe exited with ${failure}` },
		);
		return { lines, exitCode: failure, durationFactor: 0.82 };
	}
	lines.push({ at: 0.9, text: 'Enable-CSComputer...success' }, { at: 0.95, text: 'Checking for pending reboots...' });

	if (input.outcome.kind === 'reboot-required') {
		lines.push(
			{ at: 0.97, text: 'A restart is required to complete the installation. Restart the computer, then run Bootstrapper.exe again.' },
			{ at: 1, text: `Bootstrapper.exe exited with ${BOOTSTRAPPER_REBOOT_REQUIRED}` },
		);
		return { lines, exitCode: BOOTSTRAPPER_REBOOT_REQUIRED, durationFactor: 1 };
	}
	lines.push({ at: 0.97, text: 'No reboot is pending.' }, { at: 1, text: 'Bootstrapper.exe exited with 0' });
	return { lines, exitCode: 0, durationFactor: 1 };
}

/**
 * The transcript with lines the server printed besides, about two thirds of the way through its run: late
 * enough to be in the tail a change record keeps, early enough to stay on screen a while.
 */
export function withServerOutput(transcript: Transcript, output: string[]): Transcript {
	if (output.length === 0) return transcript;
	const after = transcript.lines.findLastIndex((line) => line.at <= transcript.durationFactor * 0.6) + 1;
	const at = transcript.lines[after - 1]?.at ?? 0;
	const injected = output.map((text) => ({ at, text }));
	return { ...transcript, lines: [...transcript.lines.slice(0, after), ...injected, ...transcript.lines.slice(after)] };
}

/**
 * The Cumulative Update installer (SkypeServerUpdateInstaller) re-run on a server: it brings the Backup
 * Service that Bootstrapper installed from RTM binaries up to the server's CU (sfb-facts.md §5).
 */
export function cumulativeUpdateTranscript(input: {
	server: string;
	version: ProductVersion;
	cumulativeUpdate: string;
	backupServiceNeedsUpdate: boolean;
	/** The installer leaves the Backup Service at RTM (the file is held open), and still exits 0. */
	skipsBackupService?: boolean;
	/** The installer fails with this exit code, applying nothing. */
	failsWith?: number;
}): Transcript {
	const product = productName(input.version);
	const lines: ScriptedLine[] = [
		{ at: 0, text: `${product} update installer (SkypeServerUpdateInstaller.exe /silentmode) on ${input.server}` },
		{ at: 0.03, text: 'Checking installed components...' },
	];
	if (input.cumulativeUpdate === 'RTM') {
		lines.push(
			{ at: 0.08, text: `${input.server} runs ${product} RTM: no Cumulative Update to re-apply.` },
			{ at: 0.1, text: 'SkypeServerUpdateInstaller exited with 0' },
		);
		return { lines, exitCode: 0, durationFactor: 0.1 };
	}
	const update = input.cumulativeUpdate;
	lines.push(
		{ at: 0.06, text: `  ${product}, Core Components (OCSCore.msi): ${update}, up to date` },
		{ at: 0.08, text: `  ${product}, Front End Server (Server.msi): ${update}, up to date` },
	);
	if (!input.backupServiceNeedsUpdate) {
		lines.push(
			{ at: 0.1, text: `All installed components are at ${update}: nothing to apply.` },
			{ at: 0.12, text: 'SkypeServerUpdateInstaller exited with 0' },
		);
		return { lines, exitCode: 0, durationFactor: 0.12 };
	}
	lines.push(
		{ at: 0.1, text: `  ${product}, Backup Service (LyncBackupService.msi): RTM, update required` },
		{ at: 0.15, text: `Stopping ${product} services on ${input.server}...done` },
	);
	if (input.failsWith !== undefined) {
		lines.push(
			{ at: 0.2, text: `Applying ${update} to LyncBackupService.msi...` },
			{ at: 0.3, text: `Applying ${update} to LyncBackupService.msi...failed: Fatal error during installation (MSI error ${input.failsWith})` },
			{ at: 0.35, text: `SkypeServerUpdateInstaller exited with ${input.failsWith}` },
		);
		return { lines, exitCode: input.failsWith, durationFactor: 0.35 };
	}
	if (input.skipsBackupService) {
		lines.push(
			{ at: 0.2, text: `Applying ${update} to LyncBackupService.msi...` },
			{ at: 0.3, text: `Applying ${update} to LyncBackupService.msi...skipped: LyncBackupService.exe is in use by another process` },
			{ at: 0.35, text: 'Update installation completed with warnings: 0 updates applied, 1 skipped.' },
			{ at: 0.4, text: 'SkypeServerUpdateInstaller exited with 0' },
		);
		return { lines, exitCode: 0, durationFactor: 0.4 };
	}
	lines.push(
		{ at: 0.2, text: `Applying ${update} to LyncBackupService.msi...` },
		{ at: 0.85, text: `Applying ${update} to LyncBackupService.msi...success` },
		{ at: 0.95, text: 'Update installation completed: 1 update applied. Start the services again (Start-CsWindowsService).' },
		{ at: 1, text: 'SkypeServerUpdateInstaller exited with 0' },
	);
	return { lines, exitCode: 0, durationFactor: 1 };
}

/** What `Invoke-CsComputerFailOver` or `Invoke-CsComputerFailBack` prints on one server, as the lab tells it [unverified wording]. */
export function failoverTranscript(server: string, direction: 'failover' | 'failback'): Transcript {
	const lines: ScriptedLine[] =
		direction === 'failover'
			? [
					{ at: 0.2, text: 'Moving users and draining conferences to the other Front Ends of the pool...' },
					{ at: 1, text: `Services stopped and disabled on ${server}.` },
				]
			: [
					{ at: 0.3, text: `Services enabled and started on ${server}.` },
					{ at: 1, text: `${server} takes users again.` },
				];
	return { lines, exitCode: 0, durationFactor: 1 };
}

export function productName(version: ProductVersion): string {
	return version === 'unknown' ? 'Skype for Business Server' : version;
}

function folderOf(version: ProductVersion): string {
	return BOOTSTRAPPER_FOLDERS[version === 'unknown' || version === 'Lync Server 2010' ? 'Skype for Business Server 2015' : version];
}

/** A version of another product, as the field report's refusal names it. */
function anotherProductVersion(version: ProductVersion): string {
	return version === 'Lync Server 2013' ? rtmBuilds['Skype for Business Server 2015'] : rtmBuilds['Lync Server 2013'];
}

/** Deployment logs are named like Enable-CSComputer-[2024_05_06][09_02_31].html. */
function logStamp(time: number): string {
	const date = new Date(time);
	const pad = (value: number) => String(value).padStart(2, '0');
	return `[${date.getUTCFullYear()}_${pad(date.getUTCMonth() + 1)}_${pad(date.getUTCDate())}][${pad(date.getUTCHours())}_${pad(date.getUTCMinutes())}_${pad(date.getUTCSeconds())}]`;
}
