import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EnvironmentError } from '../../source/environments/port.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import type { PairingRequest } from '../../source/sfb/model.js';
import { renderTopologyDocument } from '../../source/sfb/topology-writer.js';
import { describeWithPwsh } from './pwsh-available.js';
import { BOOTSTRAPPER_ON_D, createStandInFarm, POOL_A, POOL_B, SITES, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

const [fe01, fe02, fe03] = POOL_A.servers as [string, string, string];
const [dub01, dub02, dub03] = POOL_B.servers as [string, string, string];
const request: PairingRequest = {
	pool: POOL_A.fqdn,
	backup: POOL_B.fqdn,
	voice: { automaticFailover: false, failoverSeconds: 90, failbackSeconds: 86_400 },
};

async function failure(promise: Promise<unknown>): Promise<EnvironmentError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(EnvironmentError);
	return error as EnvironmentError;
}

/**
 * Whether the process is gone, allowing it a few seconds to finish dying after its signal. An orphan nobody
 * reaps stays a zombie (state Z in /proc), which has ended all the same.
 */
async function processEnds(pid: number): Promise<boolean> {
	const alive = () => {
		const stat = `/proc/${pid}/stat`;
		if (existsSync('/proc/self/stat')) return existsSync(stat) && !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	for (let attempt = 0; attempt < 50 && alive(); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
	return !alive();
}

describeWithPwsh('live environment failures, each as an error an administrator can act on', (pwsh) => {
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;
	const open = (options: { timeoutMs?: number } = {}) =>
		createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES, ...options });

	beforeAll(async () => {
		farm = createStandInFarm((state) => {
			state.servers[fe02]!.reachable = false;
			state.servers[fe03]!.remotingAccessDenied = true;
			state.servers[dub01]!.bootstrapper = {
				exitCodes: [1, 0],
				runs: 0,
				lineDelayMs: 5,
				failureLines: [
					'Bootstrapper.exe version 6.0.9319.0',
					'Checking prerequisites...',
					'Another Lync Server product with version 6.0.9319.0 is already installed.',
				],
			};
			state.servers[dub02]!.bootstrapper.exitCodes = [3010];
			// A custom install folder: found from the Front End service's install path, on no drive a guess would try.
			state.servers[dub02]!.drives = ['C:', 'E:'];
			state.servers[dub02]!.bootstrapperPath = 'E:\\SfB\\Skype for Business Server 2019\\Deployment\\Bootstrapper.exe';
			state.servers[dub03]!.bootstrapperPath = null;
			state.servers[dub03]!.frontEndServicePath = '';
			state.backupRegistrarShape = 'object';
			state.relationshipShape = 'string';
		});
		process.env.SFB_STANDIN_STATE = farm.statePath;
		environment = await open();
	});

	afterAll(async () => {
		await environment?.dispose();
		farm?.remove();
	});

	it('accepts the other plausible shapes of BackupRegistrar and Get-CsPoolBackupRelationship', async () => {
		const before = farm.read().calls.length;
		await environment.writePairing(request);
		expect(await environment.readPairing(POOL_A.fqdn)).toBe(POOL_B.fqdn);
		expect((await environment.readInventory()).pairings).toEqual({ [POOL_A.fqdn]: POOL_B.fqdn, [POOL_B.fqdn]: POOL_A.fqdn });
		expect(farm.read().registrars[POOL_A.fqdn]).toMatchObject({ enableAutomaticFailover: false });
		// Automatic failover off: the detection intervals mean nothing, so none is sent.
		const writes = farm
			.read()
			.calls.slice(before)
			.filter((call) => call.cmdlet === 'Set-CsRegistrar');
		expect(writes.map((call) => Object.keys(call.parameters).sort())).toEqual([
			['BackupRegistrar', 'Confirm', 'EnableAutomaticFailover', 'Identity'],
			['BackupRegistrar', 'Confirm', 'EnableAutomaticFailover', 'Identity'],
		]);
	});

	it('refuses a read-back it cannot recognise, with the raw output attached', async () => {
		farm.update((state) => {
			state.relationshipShape = 'unrecognised';
		});
		const error = await failure(environment.readPairing(POOL_A.fqdn));
		expect(error.kind).toBe('unexpected-output');
		expect(error.message).toBe(`Get-CsPoolBackupRelationship -PoolFqdn '${POOL_A.fqdn}' returned no recognisable backup pool`);
		expect(error.rawOutput).toContain('Pair-7');
		farm.update((state) => {
			state.relationshipShape = 'string';
		});
	});

	it('refuses a published topology that names one pool twice in different case, naming both spellings', async () => {
		const twice = { ...POOL_B, fqdn: POOL_A.fqdn.toUpperCase() };
		writeFileSync(path.join(farm.dir, 'case-twice.xml'), renderTopologyDocument({ signature: farm.read().signature, sites: SITES, pools: [POOL_A, twice] }));
		farm.update((state) => {
			state.topologyFile = 'case-twice.xml';
		});
		const error = await failure(environment.readInventory());
		farm.update((state) => {
			state.topologyFile = 'topology.xml';
		});
		expect(error.kind).toBe('unexpected-output');
		expect(error.message).toBe(
			`The published topology names one Front End pool twice, as ${POOL_A.fqdn} and ${twice.fqdn} (host names ignore case): correct it in Topology Builder before pairing`,
		);
	});

	it('reports a pool whose servers lack the Front End service as not deployed, and one with a server that cannot be asked as unknown', async () => {
		farm.update((state) => {
			delete state.servers[dub01]!.services.RTCSRV;
		});
		expect((await environment.readInventory()).deployed).toEqual({ [POOL_A.fqdn]: null, [POOL_B.fqdn]: false });
		farm.update((state) => {
			state.servers[dub01]!.services.RTCSRV = 'Running';
		});
		expect((await environment.readInventory()).deployed).toEqual({ [POOL_A.fqdn]: null, [POOL_B.fqdn]: true });
		const cannotTell = await failure(environment.readService(fe02, 'RTCSRV'));
		expect(cannotTell.kind).toBe('unreachable');
	});

	it('renders the command in an error message through the same quoting as the script, so a hostile name reads as data', async () => {
		const hostile = "pool01.contoso.com'; New-Item -Path x; '";
		const error = await failure(environment.readPairing(hostile));
		const quoted = "'pool01.contoso.com''; New-Item -Path x; '''";
		expect(error.message).toBe(
			`Get-CsService -Identity 'Registrar:pool01.contoso.com''; New-Item -Path x; '''; Get-CsPoolBackupRelationship -PoolFqdn ${quoted} failed: Cannot get service "Registrar:${hostile}" because it does not exist.`,
		);
		const status = await failure(environment.readBackupStatus(hostile));
		expect(status.message).toBe(`Get-CsBackupServiceStatus -PoolFqdn ${quoted} failed: Pool "${hostile}" has no backup pool.`);
	});

	it('names RTCUniversalServerAdmins when Get-CsBackupServiceStatus is denied', async () => {
		farm.update((state) => {
			state.deniedCmdlets = ['Get-CsBackupServiceStatus'];
		});
		const error = await failure(environment.readBackupStatus(POOL_A.fqdn));
		expect(error.kind).toBe('access-denied');
		expect(error.message).toBe('Access denied running Get-CsBackupServiceStatus: run sfb-pair as a member of RTCUniversalServerAdmins');
	});

	it('names Domain Admins and Grant-CsSetupPermission when Enable-CsTopology is denied', async () => {
		farm.update((state) => {
			state.deniedCmdlets = ['Enable-CsTopology'];
		});
		const error = await failure(environment.writePairing(request));
		expect(error.kind).toBe('access-denied');
		expect(error.message).toMatch(/^Access denied running Enable-CsTopology: .*Domain Admins.*Grant-CsSetupPermission/);
		farm.update((state) => {
			state.deniedCmdlets = [];
		});
	});

	it('reports a server WinRM cannot reach, for Bootstrapper and for its services alike: both go through its remote session', async () => {
		const bootstrap = await failure(environment.runBootstrapper(fe02));
		expect(bootstrap.kind).toBe('unreachable');
		expect(bootstrap.message).toBe(
			`${fe02} cannot be reached over PowerShell remoting (WinRM): check the name, the network and that WinRM (TCP 5985) is allowed, then retry this server`,
		);
		const service = await failure(environment.readService(fe02, 'LYNCBACKUP'));
		expect(service.kind).toBe('unreachable');
		expect(service.message).toBe(bootstrap.message);
		expect(environment.bootstrapperFound(fe02), 'nothing found there: the command done by hand finds it on the server').toBeUndefined();
	});

	it('reports a refused remote session as access denied, naming what the account needs', async () => {
		const error = await failure(environment.runBootstrapper(fe03));
		expect(error.kind).toBe('access-denied');
		expect(error.message).toBe(
			`Access denied opening a remote PowerShell session on ${fe03}: run as a member of RTCUniversalServerAdmins who is a local Administrator on ${fe03}`,
		);
	});

	it('fails Bootstrapper with its exit code and last lines, and succeeds when retried', async () => {
		const lines: string[] = [];
		const error = await failure(environment.runBootstrapper(dub01, { onLine: (line) => lines.push(line) }));
		expect(error.kind).toBe('failed');
		expect(error.message).toBe(`Bootstrapper.exe on ${dub01} exited with code 1: Another Lync Server product with version 6.0.9319.0 is already installed.`);
		expect(error.rawOutput?.split('\n')).toEqual(lines);
		expect(lines).toHaveLength(3);
		// Where it was found is what the command done by hand on that server names.
		expect(environment.bootstrapperFound(dub01)).toBe(BOOTSTRAPPER_ON_D);

		expect(await environment.runBootstrapper(dub01)).toMatchObject({ exitCode: 0, rebootRequired: false });
	});

	it("finds Bootstrapper in a custom install folder from the Front End service's install path, and reports exit code 3010 as a reboot to do", async () => {
		expect(await environment.runBootstrapper(dub02)).toMatchObject({ exitCode: 3010, rebootRequired: true });
	});

	it("says why when the Front End service's install path cannot be read, and runs nothing on a guess", async () => {
		const runs = farm.read().servers[dub03]!.bootstrapper.runs;
		const error = await failure(environment.runBootstrapper(dub03));
		expect(error.kind).toBe('failed');
		expect(error.message).toBe(`Bootstrapper.exe cannot be located on ${dub03}: the Front End service (RTCSRV) has no install path in Win32_Service's PathName`);
		expect(farm.read().servers[dub03]!.bootstrapper.runs).toBe(runs);
		expect(environment.bootstrapperFound(dub03)).toBeUndefined();
	});

	it('stops a Bootstrapper run when the operator cancels, and carries on in the same session', async () => {
		farm.update((state) => {
			state.servers[fe01]!.bootstrapper.lineDelayMs = 400;
		});
		const controller = new AbortController();
		const lines: string[] = [];
		const run = environment.runBootstrapper(fe01, {
			signal: controller.signal,
			onLine: (line) => {
				lines.push(line);
				controller.abort();
			},
		});
		await expect(run).rejects.toMatchObject({ name: 'AbortError' });
		expect(lines).toHaveLength(1);
		expect(await environment.readService(fe01, 'RTCSRV')).toEqual({ state: 'Running' });
	});

	it('reports a service that is not installed as NotInstalled', async () => {
		expect(await environment.readService(dub03, 'LYNCBACKUP')).toEqual({ state: 'NotInstalled' });
	});

	it('times out a command, closes that session and runs the next command in a fresh one', async () => {
		const impatient = await open({ timeoutMs: 6_000 });
		try {
			farm.update((state) => {
				state.slowCmdlets = { 'Invoke-CsBackupServiceSync': 60_000 };
			});
			const error = await failure(impatient.startBackupSync(POOL_A.fqdn));
			expect(error.kind).toBe('timeout');
			expect(error.message).toBe(
				`Invoke-CsBackupServiceSync -PoolFqdn '${POOL_A.fqdn}' did not finish within 6 s: that PowerShell session was closed and the next command starts a fresh one`,
			);
			const hung = farm.read().calls.findLast((call) => call.cmdlet === 'Invoke-CsBackupServiceSync')?.pid;
			expect(hung).toBeTypeOf('number');
			expect(await processEnds(hung as number)).toBe(true);
			farm.update((state) => {
				state.slowCmdlets = {};
			});
			expect((await impatient.readInventory()).pools).toHaveLength(2);
		} finally {
			await impatient.dispose();
		}
	});

	it('names a cmdlet the module does not have, and never takes its absence for "not installed" or "no relationship"', async () => {
		farm.update((state) => {
			state.missingCmdlets = ['Get-CsPoolBackupRelationship', 'Get-CsWindowsService'];
		});
		const older = await open();
		try {
			const error = await failure(older.readPairing(POOL_A.fqdn));
			expect(error.kind).toBe('cmdlet-missing');
			expect(error.message).toMatch(/^Get-CsPoolBackupRelationship is not available in the SkypeForBusiness module: /);
			expect((await failure(older.readService(dub01, 'LYNCBACKUP'))).kind).toBe('cmdlet-missing');
		} finally {
			await older.dispose();
			farm.update((state) => {
				state.missingCmdlets = [];
			});
		}
	});

	it('suggests --lab when PowerShell has no SkypeForBusiness module', async () => {
		const error = await failure(createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state') }));
		expect(error.kind).toBe('module-missing');
		expect(error.message).toMatch(/^Neither the SkypeForBusiness nor the Lync module is installed for .*pwsh: .*--lab/);
	});

	it('reports a PowerShell executable that does not exist in one line, without crashing', async () => {
		const missing = path.join(farm.dir, 'no-such-pwsh');
		const error = await failure(createPowerShellEnvironment({ executable: missing, stateDir: path.join(farm.dir, 'state') }));
		expect(error.kind).toBe('failed');
		expect(error.message).toBe(`PowerShell not found: --powershell ${missing} is not an executable file or a command on PATH; or use --lab for the simulated farm`);
	});
});
