import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../port.js';

export interface ExecutableChoice {
	/** What the operator named (or the platform default), for messages. */
	requested: string;
	/** Where it was found. */
	path: string;
}

/** Windows PowerShell 5.1 on Windows, where the SkypeForBusiness module lives; PowerShell 7 elsewhere. */
export function defaultExecutable(platform: NodeJS.Platform = process.platform): string {
	return platform === 'win32' ? 'powershell.exe' : 'pwsh';
}

/**
 * The PowerShell to run: the option (`--powershell PATH`) wins, then NODE_POWERSHELL, then the platform
 * default. It is looked up before node-powershell is constructed, which would otherwise reject a promise
 * nobody can catch. A missing default means no SkypeForBusiness module either (kind 'module-missing', so the
 * wizard can offer the lab); a missing executable the operator named is their mistake to fix (kind 'failed').
 */
export function resolvePowerShellExecutable(
	option: string | undefined,
	env: NodeJS.ProcessEnv = process.env,
	platform: NodeJS.Platform = process.platform,
): ExecutableChoice {
	const fromEnvironment = env.NODE_POWERSHELL === '' ? undefined : env.NODE_POWERSHELL;
	const requested = option ?? fromEnvironment ?? defaultExecutable(platform);
	const found = locateExecutable(requested, env, platform);
	if (found !== undefined) return { requested, path: found };

	if (option !== undefined) {
		throw new EnvironmentError('failed', `PowerShell not found: --powershell ${requested} is not an executable file or a command on PATH; or use --lab for the simulated farm`);
	}
	if (fromEnvironment !== undefined) {
		throw new EnvironmentError('failed', `PowerShell not found: NODE_POWERSHELL=${requested} is not an executable file or a command on PATH; or use --lab for the simulated farm`);
	}
	throw new EnvironmentError(
		'module-missing',
		`${requested} is not on PATH, so there is no SkypeForBusiness module to use: install PowerShell, pass --powershell PATH, or use --lab`,
	);
}

/** A path (anything with a separator) must be an executable file; a bare name is searched on PATH. */
export function locateExecutable(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
	const candidatesFor = (base: string) => {
		if (platform !== 'win32' || path.extname(base) !== '') return [base];
		const extensions = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
		return [base, ...extensions.map((extension) => base + extension.toLowerCase())];
	};
	if (name.includes('/') || name.includes('\\')) {
		return candidatesFor(path.resolve(name)).find((candidate) => isExecutableFile(candidate, platform));
	}
	const directories = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
	for (const directory of directories) {
		const found = candidatesFor(path.join(directory, name)).find((candidate) => isExecutableFile(candidate, platform));
		if (found !== undefined) return found;
	}
	return undefined;
}

function isExecutableFile(candidate: string, platform: NodeJS.Platform): boolean {
	try {
		if (!statSync(candidate).isFile()) return false;
		if (platform !== 'win32') accessSync(candidate, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}
