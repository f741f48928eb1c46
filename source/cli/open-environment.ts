import { existsSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Environment } from '../environments/port.js';
import type { Scenario } from '../environments/lab/scenario.js';
import { readBoundedFileSync } from '../session/bounded-read.js';
import { ensurePrivateDirectory, FileProblem } from '../session/private-fs.js';
import { UsageError } from './exit-codes.js';

export interface EnvironmentOptions {
	lab?: boolean;
	live?: boolean;
	scenario?: string;
	topology?: string;
	stateDir: string;
	powershell?: string;
	timeScale?: number;
	/** `--cu-installer`: the live side runs the Cumulative Update itself with this installer. */
	cuInstaller?: string;
}

const MODULE_NAMES = ['SkypeForBusiness', 'Lync'];
const WINDOWS_MODULE_FOLDERS = [
	'C:\\Program Files\\Common Files\\Skype for Business Server 2019\\Modules',
	'C:\\Program Files\\Common Files\\Skype for Business Server 2015\\Modules',
	'C:\\Program Files\\Common Files\\Microsoft Lync Server 2013\\Modules',
];

/** Looks for the module on disk instead of starting PowerShell, so choosing the lab costs nothing. */
export function skypeModuleInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
	const folders = [...(env.PSModulePath ?? '').split(delimiter).filter(Boolean), ...(process.platform === 'win32' ? WINDOWS_MODULE_FOLDERS : [])];
	return folders.some((folder) => MODULE_NAMES.some((name) => existsSync(join(folder, name))));
}

export function wantsLab(options: EnvironmentOptions): boolean {
	if (options.lab && options.live) throw new UsageError('--lab and --live cannot be used together');
	if (options.live && (options.scenario || options.topology || options.timeScale)) {
		throw new UsageError('--scenario, --topology and --time-scale are for the lab farm: they cannot be used with --live');
	}
	if (options.lab || options.scenario || options.topology) return true;
	if (options.live) return false;
	return !skypeModuleInstalled();
}

/**
 * The lab's modules (scenarios, their schema, the topology reader and their parsers) load only when a farm is
 * opened: the wizard draws its first frame before that, and `--help` or `config` never need them.
 */
export async function labScenario(options: EnvironmentOptions): Promise<Scenario> {
	const { loadScenario, loadTopologyOverlay, scenarioFromTopology } = await import('../environments/lab/scenario.js');
	if (options.topology) {
		const { decodeTopologyBytes, MAX_TOPOLOGY_BYTES, readTopologyDocument, refuseOversizedFile } = await import('../sfb/topology-reader.js');
		// Twice the document limit on disk: a UTF-16 document takes two bytes a character.
		const topology = options.topology;
		const bytes = readBoundedFileSync(topology, {
			maxBytes: 2 * MAX_TOPOLOGY_BYTES,
			what: 'a topology document',
			followSymlinks: true,
			tooLarge: (size) => {
				refuseOversizedFile(size, basename(topology));
				return new FileProblem(topology, 'it is too large for a topology document');
			},
		});
		if (bytes === undefined) throw new FileProblem(topology, 'it does not exist');
		const document = readTopologyDocument(decodeTopologyBytes(bytes), basename(options.topology));
		if (!options.scenario) return scenarioFromTopology(document, {}, basename(options.topology));
		const overlay = await loadTopologyOverlay(options.scenario);
		return scenarioFromTopology(document, overlay, basename(options.topology), basename(options.scenario));
	}
	return loadScenario(options.scenario ?? 'default');
}

export interface OpenedEnvironment {
	environment: Environment;
	/** The lab scenario, for a training run's debrief; absent on a live farm. */
	scenario?: Scenario;
	/** What the operator should be told about the farm as it was opened, one line each. */
	notices: string[];
}

export async function openEnvironment(options: EnvironmentOptions): Promise<OpenedEnvironment> {
	ensurePrivateDirectory(options.stateDir, 'state folder');
	if (wantsLab(options)) {
		const scenario = await labScenario(options);
		const { openLabEnvironment } = await import('../environments/lab/lab-environment.js');
		const environment = await openLabEnvironment({ stateDir: options.stateDir, scenario, ...(options.timeScale ? { timeScale: options.timeScale } : {}) });
		const installerNote = options.cuInstaller ? ['--cu-installer is for a live farm: the lab runs its own simulated installer'] : [];
		return { environment, scenario, notices: [...environment.notices, ...installerNote] };
	}
	// Loaded only for a live farm: node-powershell and its output schemas are of no use to the lab.
	const { createPowerShellEnvironment } = await import('../environments/powershell/powershell-environment.js');
	const environment = await createPowerShellEnvironment({
		stateDir: options.stateDir,
		...(options.powershell ? { executable: options.powershell } : {}),
		...(options.cuInstaller ? { cuInstaller: options.cuInstaller } : {}),
	});
	return { environment, notices: [] };
}
