import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Environment } from '../environments/port.js';
import { DEFAULT_LAB_TIME_SCALE } from '../environments/lab/clock.js';
import { openLabEnvironment } from '../environments/lab/lab-environment.js';
import { loadScenario, scenarioFromTopology, type Scenario } from '../environments/lab/scenario.js';
import { createPowerShellEnvironment } from '../environments/powershell/powershell-environment.js';
import { decodeTopologyBytes, readTopologyDocument } from '../sfb/topology-reader.js';
import { UsageError } from './exit-codes.js';

export interface EnvironmentOptions {
	lab?: boolean;
	live?: boolean;
	scenario?: string;
	topology?: string;
	stateDir: string;
	powershell?: string;
	timeScale?: number;
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
	if (options.live && (options.scenario || options.topology)) throw new UsageError('--scenario and --topology build a lab farm: they cannot be used with --live');
	if (options.lab || options.scenario || options.topology) return true;
	if (options.live) return false;
	return !skypeModuleInstalled();
}

export async function labScenario(options: EnvironmentOptions): Promise<Scenario> {
	if (options.topology) {
		let bytes: Buffer;
		try {
			bytes = readFileSync(options.topology);
		} catch {
			throw new UsageError(`${options.topology}: cannot read the file`);
		}
		const document = readTopologyDocument(decodeTopologyBytes(bytes), basename(options.topology));
		return scenarioFromTopology(document, {}, basename(options.topology));
	}
	return loadScenario(options.scenario ?? 'default');
}

export async function openEnvironment(options: EnvironmentOptions): Promise<Environment> {
	if (wantsLab(options)) {
		const timeScale = options.timeScale ?? DEFAULT_LAB_TIME_SCALE;
		return openLabEnvironment({ stateDir: options.stateDir, scenario: await labScenario(options), timeScale });
	}
	return createPowerShellEnvironment({ stateDir: options.stateDir, ...(options.powershell ? { executable: options.powershell } : {}) });
}
