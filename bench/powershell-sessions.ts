/**
 * How should the live environment run Bootstrapper.exe on several servers at once?
 *   A. one PowerShell session per server in flight (what PowerShellEnvironment does), or
 *   B. one session that starts `Invoke-Command -AsJob` per server and polls `Receive-Job`.
 * Measured on a real pwsh against the stand-in SkypeForBusiness module (test/pwsh/modules), whose
 * Bootstrapper.exe prints six lines 100 ms apart. Run: npx tsx bench/powershell-sessions.ts
 * (The per-command round trip and the start of the live environment are figures of `npm run bench`.)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createPowerShellEnvironment } from '../source/environments/powershell/powershell-environment.js';
import { powershellLiteral } from '../source/environments/powershell/literal.js';
import { arrayLiteral, remoteBootstrapperBlock } from '../source/environments/powershell/scripts.js';
import { PowerShellSession } from '../source/environments/powershell/session.js';
import { locatePwsh } from '../test/pwsh/pwsh-available.js';
import { BOOTSTRAPPER_ON_D, createStandInFarm, STAND_IN_MODULES, standInServer } from '../test/pwsh/stand-in.js';

const pwsh = locatePwsh();
if (pwsh === undefined) {
	console.error('pwsh not found: install it with dotnet tool install --global PowerShell --version 7.6.9');
	process.exit(1);
}

const LINE_DELAY_MS = 100;
const SERVER_COUNTS = [1, 2, 4, 6];
const servers = Array.from({ length: Math.max(...SERVER_COUNTS) }, (_, index) => `fe${String(index + 1).padStart(2, '0')}.contoso.com`);

const farm = createStandInFarm((state) => {
	state.servers = Object.fromEntries(
		servers.map((server) => [server, standInServer({ bootstrapper: { exitCodes: [0], runs: 0, lineDelayMs: LINE_DELAY_MS, failureLines: [] } })]),
	);
});
process.env.SFB_STANDIN_STATE = farm.statePath;

const rows: [string, string][] = [];
const record = (label: string, milliseconds: number) => {
	rows.push([label, `${Math.round(milliseconds)} ms`]);
	console.error(`${label}: ${Math.round(milliseconds)} ms`);
};
const time = async (work: () => Promise<unknown>) => {
	const started = performance.now();
	await work();
	return performance.now() - started;
};
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || '?';

try {
	const startSession = () => PowerShellSession.start({ executable: pwsh, modulePath: STAND_IN_MODULES, timeoutMs: 120_000 });

	// Start cost: process start, session helpers, Import-Module of the stand-in.
	const starts: number[] = [];
	for (let run = 0; run < 3; run++) {
		let session: PowerShellSession | undefined;
		starts.push(await time(async () => ({ session } = await startSession())));
		await session?.dispose();
	}
	record('start one session (pwsh + module import), mean of 3', mean(starts));

	const { session } = await startSession();

	// B. One session, remoting jobs: Invoke-Command -AsJob per server, Receive-Job polled every 100 ms.
	const jobsScript = (targets: string[]) => String.raw`$remote = ${remoteBootstrapperBlock}
$jobs = @(foreach ($server in ${arrayLiteral(targets)}) { Invoke-Command -ComputerName $server -ScriptBlock $remote -ArgumentList ${powershellLiteral(BOOTSTRAPPER_ON_D)} -AsJob })
$exitCodes = @{}
while ($true) {
	foreach ($job in $jobs) {
		foreach ($item in @(Receive-Job -Job $job)) {
			if ($item.Kind -eq 'line') { Write-SfbPairEvent -Payload @{ kind = 'line'; server = $job.Name; text = [string]$item.Text } }
			else { $exitCodes[$job.Name] = $item.Code }
		}
	}
	if (@($jobs | Where-Object { $_.State -eq 'Running' -or $_.State -eq 'NotStarted' }).Count -eq 0 -and @($jobs | Where-Object { $_.HasMoreData }).Count -eq 0) { break }
	Start-Sleep -Milliseconds 100
}
$jobs | Remove-Job -Force
$exitCodes`;

	const runJobs = async (count: number) => {
		const targets = servers.slice(0, count);
		const firstLine = new Map<string, number>();
		const started = performance.now();
		await session.run(jobsScript(targets), {
			action: 'jobs',
			timeoutMs: 120_000,
			onEvent: (payload) => {
				const server = (payload as { server: string }).server;
				if (!firstLine.has(server)) firstLine.set(server, performance.now() - started);
			},
		});
		return { total: performance.now() - started, firstLine: mean([...firstLine.values()]) };
	};

	// A. One session per server in flight, as the environment does. A new environment has one session, so the
	// first run starts count - 1 more (cold); the second reuses them all (warm).
	const runSessions = async (count: number) => {
		const environment = await createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES });
		const once = async () => {
			const started = performance.now();
			const firstLine: number[] = [];
			await Promise.all(
				servers.slice(0, count).map((server) => {
					let seen = false;
					return environment.runBootstrapper(server, {
						onLine: () => {
							if (!seen) firstLine.push(performance.now() - started);
							seen = true;
						},
					});
				}),
			);
			return { total: performance.now() - started, firstLine: mean(firstLine) };
		};
		try {
			return { cold: await once(), warm: await once() };
		} finally {
			await environment.dispose();
		}
	};

	const report = (label: string, result: { total: number; firstLine: number }) => {
		record(label, result.total);
		rows[rows.length - 1]![1] += ` (first line ${Math.round(result.firstLine)} ms)`;
	};
	for (const count of SERVER_COUNTS) {
		const sessions = await runSessions(count);
		const jobsFirst = await runJobs(count);
		const jobsAgain = await runJobs(count);
		report(`${count} server(s): sessions, starting ${count - 1} new`, sessions.cold);
		report(`${count} server(s): sessions, all reused`, sessions.warm);
		report(`${count} server(s): one session + jobs, first use`, jobsFirst);
		report(`${count} server(s): one session + jobs, again`, jobsAgain);
	}
	await session.dispose();

	const width = Math.max(...rows.map(([label]) => label.length));
	console.log(`PowerShell sessions on ${process.platform}, ${cpus} CPU(s), pwsh ${pwsh}; one Bootstrapper run prints for ${6 * LINE_DELAY_MS} ms\n`);
	console.log(`${'measure'.padEnd(width)}  result`);
	console.log(`${'-'.repeat(width)}  ------`);
	for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
} finally {
	farm.remove();
}
