import path from 'node:path';
import { createPowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { PowerShellSession } from '../../source/environments/powershell/session.js';
import { locatePwsh } from '../../test/pwsh/pwsh-available.js';
import { createStandInFarm, STAND_IN_MODULES, standInServer } from '../../test/pwsh/stand-in.js';
import { figure, median, type Figure } from '../support/measure.js';

const COMMAND = "Get-CsWindowsService -Name 'RTCSRV' -ComputerName 'fe01.contoso.com' | ForEach-Object { [string]$_.Status }";

const time = async (work: () => Promise<unknown>) => {
	const started = performance.now();
	await work();
	return performance.now() - started;
};

/** On a real pwsh with the stand-in SkypeForBusiness module: a reused session against a fresh pwsh per command. */
export async function powershellRoundTrip(options: { reused: number; fresh: number; starts: number }): Promise<Figure[]> {
	const pwsh = locatePwsh();
	if (pwsh === undefined) return [];
	const farm = createStandInFarm((state) => {
		state.servers = { 'fe01.contoso.com': standInServer({}) };
	});
	process.env.SFB_STANDIN_STATE = farm.statePath;
	const startSession = () => PowerShellSession.start({ executable: pwsh, modulePath: STAND_IN_MODULES, timeoutMs: 120_000 });
	try {
		const environmentStarts: number[] = [];
		for (let run = 0; run < options.starts; run++) {
			let dispose: (() => Promise<void>) | undefined;
			environmentStarts.push(
				await time(async () => {
					const environment = await createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES });
					dispose = () => environment.dispose();
				}),
			);
			await dispose?.();
		}

		const { session } = await startSession();
		const reused: number[] = [];
		try {
			await session.run(COMMAND, { action: 'warm-up', timeoutMs: 60_000 });
			for (let run = 0; run < options.reused; run++) reused.push(await time(() => session.run(COMMAND, { action: 'reused', timeoutMs: 60_000 })));
		} finally {
			await session.dispose();
		}
		const fresh: number[] = [];
		for (let run = 0; run < options.fresh; run++) {
			fresh.push(
				await time(async () => {
					const started = await startSession();
					await started.session.run(COMMAND, { action: 'fresh', timeoutMs: 60_000 });
					await started.session.dispose();
				}),
			);
		}
		const perCommand = median(reused);
		const speedUp = fresh.map((value) => value / perCommand);
		return [
			figure('powershell.environment-start', 'start the live environment (pwsh + stand-in module)', 'ms', environmentStarts),
			figure('powershell.reused', 'one command, reused session', 'ms', reused),
			figure('powershell.fresh', 'one command, fresh pwsh', 'ms', fresh),
			figure('powershell.speed-up', 'fresh pwsh / reused session, per command', 'ratio', speedUp, { limit: 10, comparison: '>=' }, `pwsh ${pwsh}`),
		];
	} finally {
		farm.remove();
	}
}
