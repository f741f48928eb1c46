import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path, { delimiter } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { powershellLiteral as q } from '../../source/environments/powershell/literal.js';
import { bootstrapperFromServicePath } from '../../source/sfb/bootstrapper.js';
import { bootstrapperOnServerCommand } from '../../source/sfb/commands.js';
import { describeWithPwsh } from './pwsh-available.js';
import { BOOTSTRAPPER_ON_D, createStandInFarm, POOL_A, POOL_B, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const [onD, unquoted, noPath, elsewhere, hostile, foundRemotely] = [...POOL_A.servers, ...POOL_B.servers] as [string, string, string, string, string, string];
const CUSTOM_FOLDER = 'E:\\SfB\\Skype for Business Server 2019';
const FOUND_REMOTELY = "F:\\Lync's\\Deployment\\Bootstrapper.exe";

/**
 * The Bootstrapper command printed for an operator to paste on a server done by hand, run there (the stand-in's
 * remote side: its Win32_Service, its Test-Path, its Bootstrapper.exe). It must find Bootstrapper.exe where the remote
 * run does, from RTCSRV's install path, and refuse a path that does not fit without running anything.
 */
describeWithPwsh('the Bootstrapper command an operator pastes on a server done by hand', (pwsh) => {
	let farm: StandInFarm;
	let sentinel: string;
	let output: Record<string, string[]>;

	beforeAll(() => {
		farm = createStandInFarm((state) => {
			state.servers[unquoted]!.bootstrapperPath = `${CUSTOM_FOLDER}\\Deployment\\Bootstrapper.exe`;
			state.servers[unquoted]!.frontEndServicePath = `${CUSTOM_FOLDER}\\Server\\Core\\RTCSrv.exe -service`;
			state.servers[noPath]!.frontEndServicePath = '';
			state.servers[elsewhere]!.frontEndServicePath = 'C:\\Tools\\RTCSrv.exe';
			state.servers[foundRemotely]!.bootstrapperPath = FOUND_REMOTELY;
			// The path named as it was found, not read again there.
			state.servers[foundRemotely]!.frontEndServicePath = '';
		});
		sentinel = path.join(farm.dir, 'executed');
		farm.update((state) => {
			state.servers[hostile]!.frontEndServicePath = `"C:\\x'; $(New-Item -ItemType File -Path '${sentinel}')\\Server\\Core\\RTCSrv.exe"`;
		});
		const servers = [onD, unquoted, noPath, elsewhere, hostile, foundRemotely];
		const script = `
$ErrorActionPreference = 'Continue'
Import-Module SkypeForBusiness
$module = Get-Module SkypeForBusiness
$lines = [ordered]@{}
${servers.map((server) => `$lines[${q(server)}] = @(& $module { param($computer, $text) Invoke-StandInRemote -Computer $computer -ScriptText $text 2>&1 } ${q(server)} ${q(bootstrapperOnServerCommand(server === foundRemotely ? FOUND_REMOTELY : undefined))} | ForEach-Object { [string]$_ })`).join('\n')}
$lines | ConvertTo-Json -Depth 3`;
		const env = { ...process.env, SFB_STANDIN_STATE: farm.statePath, PSModulePath: [STAND_IN_MODULES, process.env.PSModulePath ?? ''].join(delimiter) };
		const file = path.join(farm.dir, 'by-hand.ps1');
		writeFileSync(file, script);
		const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-File', file], { env, encoding: 'utf8' });
		if (run.status !== 0) throw new Error(`pwsh failed: ${run.stderr}`);
		output = JSON.parse(run.stdout) as Record<string, string[]>;
	});
	afterAll(() => farm?.remove());

	const runs = (server: string) => farm.read().servers[server]!.bootstrapper.runs;

	it("runs Bootstrapper.exe from the Deployment folder beside RTCSRV's install folder, quoted or with arguments, and says its exit code", () => {
		expect(runs(onD)).toBe(1);
		expect(output[onD]?.at(-1)).toBe('Bootstrapper.exe exited with 0');
		expect(runs(unquoted)).toBe(1);
		expect(output[unquoted]).toContain('Bootstrapper completed successfully.');
		// The same folder the remote run derives from the same PathName.
		expect(bootstrapperFromServicePath(farm.read().servers[unquoted]!.frontEndServicePath)).toEqual({ path: `${CUSTOM_FOLDER}\\Deployment\\Bootstrapper.exe` });
		expect(bootstrapperFromServicePath(`"${BOOTSTRAPPER_ON_D.replace(/\\Deployment\\Bootstrapper\.exe$/, '\\Server\\Core\\RTCSrv.exe')}"`)).toEqual({ path: BOOTSTRAPPER_ON_D });
	});

	it('refuses, naming the install path it read, when RTCSRV has none or it is not <install folder>\\Server\\Core, and runs nothing', () => {
		expect(runs(noPath)).toBe(0);
		expect(output[noPath]?.join('\n')).toMatch(/RTCSRV's install path '' is not <install folder>\\Server\\Core\\<program>\.exe/);
		expect(runs(elsewhere)).toBe(0);
		expect(output[elsewhere]?.join('\n')).toContain("RTCSRV's install path 'C:\\Tools\\RTCSrv.exe' is not");
	});

	it('names the path a remote run of this session found on that server (live-failures.test.ts), and that runs there', () => {
		expect(bootstrapperOnServerCommand(FOUND_REMOTELY)).toBe(`& 'F:\\Lync''s\\Deployment\\Bootstrapper.exe'; "Bootstrapper.exe exited with $LASTEXITCODE"`);
		expect(runs(foundRemotely)).toBe(1);
		expect(output[foundRemotely]?.at(-1)).toBe('Bootstrapper.exe exited with 0');
	});

	it("reads a hostile install path as data: nothing in it runs", () => {
		expect(runs(hostile)).toBe(0);
		expect(output[hostile]?.join('\n')).toContain("RTCSRV's install path '\"C:\\x'; $(New-Item");
		expect(existsSync(sentinel)).toBe(false);
	});
});
