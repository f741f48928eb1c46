import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { locateExecutable } from '../../source/environments/powershell/executable.js';

export const INSTALL_HINT = 'pwsh not found: install it with dotnet tool install --global PowerShell --version 7.6.9';

/** pwsh on PATH, else where `dotnet tool install --global` puts it. */
export function locatePwsh(): string | undefined {
	const onPath = locateExecutable('pwsh', process.env, process.platform);
	if (onPath !== undefined) return onPath;
	const dotnetTool = path.join(homedir(), '.dotnet', 'tools', process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
	return existsSync(dotnetTool) ? dotnetTool : undefined;
}

export const pwshPath = locatePwsh();

/**
 * `describe` for suites that need a real pwsh. Without one they fail in CI, where a silently skipped suite
 * would hide the live path; on a developer's machine they are skipped with a line saying how to install it.
 */
export function describeWithPwsh(name: string, suite: (pwsh: string) => void): void {
	const missing = pwshPath === undefined;
	if (missing && process.env.CI) {
		describe(name, () => {
			it('needs pwsh', () => {
				throw new Error(`${INSTALL_HINT} (CI is set, so the live-environment tests must run)`);
			});
		});
		return;
	}
	if (missing) console.warn(`${INSTALL_HINT} (skipping "${name}")`);
	describe.skipIf(missing)(name, () => suite(pwshPath ?? ''));
}
