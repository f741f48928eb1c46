import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../source/environments/port.js';
import { defaultExecutable, resolvePowerShellExecutable } from '../../../source/environments/powershell/executable.js';

describe.skipIf(process.platform === 'win32')('choosing the PowerShell executable', () => {
	let dir: string;
	let bin: string;
	let custom: string;

	beforeAll(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'sfb-exe-'));
		bin = path.join(dir, 'bin');
		mkdirSync(bin);
		for (const name of ['pwsh', 'pwsh-preview']) {
			writeFileSync(path.join(bin, name), '#!/bin/sh\n');
			chmodSync(path.join(bin, name), 0o755);
		}
		custom = path.join(dir, 'custom-pwsh');
		writeFileSync(custom, '#!/bin/sh\n');
		chmodSync(custom, 0o755);
		writeFileSync(path.join(dir, 'not-executable'), 'text');
	});

	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	const resolve = (option: string | undefined, env: NodeJS.ProcessEnv) =>
		resolvePowerShellExecutable(option, { PATH: bin, ...env }, 'linux');
	const refusal = (option: string | undefined, env: NodeJS.ProcessEnv): EnvironmentError => {
		try {
			resolve(option, env);
		} catch (error) {
			expect(error).toBeInstanceOf(EnvironmentError);
			return error as EnvironmentError;
		}
		throw new Error('expected a refusal');
	};

	it('defaults to powershell.exe on Windows and pwsh elsewhere', () => {
		expect(defaultExecutable('win32')).toBe('powershell.exe');
		expect(defaultExecutable('linux')).toBe('pwsh');
		expect(defaultExecutable('darwin')).toBe('pwsh');
	});

	it('finds the default on PATH', () => {
		expect(resolve(undefined, {})).toEqual({ requested: 'pwsh', path: path.join(bin, 'pwsh') });
	});

	it('prefers the option over NODE_POWERSHELL, and NODE_POWERSHELL over the default', () => {
		expect(resolve(custom, { NODE_POWERSHELL: 'pwsh-preview' }).path).toBe(custom);
		expect(resolve(undefined, { NODE_POWERSHELL: 'pwsh-preview' }).path).toBe(path.join(bin, 'pwsh-preview'));
	});

	it('refuses a named executable that is missing or not executable, saying where the name came from', () => {
		expect(refusal(path.join(dir, 'nope'), {}).message).toBe(`PowerShell not found: --powershell ${path.join(dir, 'nope')} is not an executable file or a command on PATH; or use --lab for the simulated farm`);
		expect(refusal(path.join(dir, 'not-executable'), {}).kind).toBe('failed');
		expect(refusal(undefined, { NODE_POWERSHELL: 'powershell-9' }).message).toBe(
			'PowerShell not found: NODE_POWERSHELL=powershell-9 is not an executable file or a command on PATH; or use --lab for the simulated farm',
		);
	});

	it('treats a missing default as no SkypeForBusiness module, suggesting --lab', () => {
		const error = refusal(undefined, { PATH: path.join(dir, 'empty') });
		expect(error.kind).toBe('module-missing');
		expect(error.message).toBe('pwsh is not on PATH, so there is no SkypeForBusiness module to use: install PowerShell, pass --powershell PATH, or use --lab');
	});
});
