import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import * as patchingScripts from '../../source/environments/powershell/patching-scripts.js';
import * as preflightScripts from '../../source/environments/powershell/preflight-scripts.js';
import * as scripts from '../../source/environments/powershell/scripts.js';
import { bootstrapperOnServerCommand, startServiceOnServerCommand } from '../../source/sfb/commands.js';
import * as drillScripts from '../../source/environments/powershell/powershell-drill.js';
import { storeFailoverCommand } from '../../source/sfb/drill.js';
import type { FrontEndPool } from '../../source/sfb/model.js';
import type { PairingRequest } from '../../source/sfb/model.js';
import { describeWithPwsh } from './pwsh-available.js';

const checker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'windows-powershell-syntax.ps1');

const hostile = `pool'01\u2019"$(x)\`;\n&& || ?? ${'{'}x${'}'}.contoso.com`;
const paired: PairingRequest = {
	pool: 'pool01.contoso.com',
	backup: 'pool02.contoso.com',
	voice: { automaticFailover: true, failoverSeconds: 300, failbackSeconds: 600 },
};
const hostilePair: PairingRequest = { pool: hostile, backup: `${hostile}2`, voice: { automaticFailover: false, failoverSeconds: 90, failbackSeconds: 86_400 } };
const intervals = { failover: '00:05:00', failback: '00:10:00' };

/** Every script builder with the arguments that exercise each of its branches. */
const samples: Record<string, unknown[][]> = {
	sessionStartScript: [[], ['/opt/modules'], [hostile]],
	readTopologyScript: [[]],
	readInventoryScript: [[]],
	probeFrontEndScript: [[['sea-fe01.contoso.com', 'sea-fe02.contoso.com']], [[]], [[hostile]]],
	readPairingScript: [['pool01.contoso.com'], [hostile]],
	writePairingScript: [[paired, intervals, false], [paired, intervals, true], [hostilePair, { failover: '00:01:30', failback: '1.00:00:00' }, false]],
	publishRunspaceScript: [[]],
	startBootstrapperScript: [['sea-fe01.contoso.com', 'C:\\Program Files\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe', false], [hostile, hostile, true]],
	readFrontEndPathScript: [['sea-fe01.contoso.com'], [hostile]],
	receiveBootstrapperScript: [['sea-fe01.contoso.com', 3], [hostile, 0]],
	stopRemoteJobScript: [[3]],
	closeRemoteSessionsScript: [[]],
	readServiceScript: [['sea-fe01.contoso.com', 'LYNCBACKUP'], ['sea-fe01.contoso.com', 'RTCSRV'], [hostile, hostile], ['sea-fe01.contoso.com', 'LYNCBACKUP', '2026-11-30T20:30:00.1234567Z'], [hostile, hostile, hostile]],
	startServiceScript: [['sea-fe01.contoso.com', 'LYNCBACKUP'], [hostile, hostile]],
	startBackupSyncScript: [['pool01.contoso.com'], [hostile]],
	readBackupStatusScript: [['pool01.contoso.com'], [hostile]],
	readReplicationScript: [['sea-fe01.contoso.com'], [hostile]],
	pushReplicationScript: [['sea-fe01.contoso.com'], [hostile]],
	readComponentVersionsScript: [['sea-fe01.contoso.com'], [hostile]],
	readCmsDatabasesScript: [[]],
	testCmsDatabaseScript: [['sql01.contoso.com'], ['sql01.contoso.com', 'SFBBE'], [hostile, hostile]],
	readAccountScript: [[]],
	readSetupPermissionScript: [['OU=Skype Servers,DC=contoso,DC=com'], [hostile]],
	probeServerScript: [['sea-fe01.contoso.com', '\\\\fs01.contoso.com\\share', 'fs02.contoso.com'], [hostile, undefined, undefined], [hostile, hostile, hostile]],
	readPoolFabricScript: [['pool01.contoso.com'], [hostile]],
	readReadinessScript: [['sea-fe01.contoso.com', 'Get-CsPoolUpgradeReadinessState'], [hostile, 'Get-CsUpgradeDomainInfo']],
	startMoveScript: [['sea-fe01.contoso.com', 'Invoke-CsComputerFailOver'], [hostile, 'Invoke-CsComputerFailBack']],
	startInstallerScript: [['sea-fe01.contoso.com', '\\\\fs01.contoso.com\\updates\\SkypeServerUpdateInstaller.exe', false], [hostile, hostile, true]],
	readFailedOverScript: [['sea-fe01.contoso.com'], [hostile]],
	readBootTimeScript: [['sea-fe01.contoso.com'], [hostile]],
	restartServerScript: [['sea-fe01.contoso.com'], [hostile]],
	probeInstallerScript: [['sea-fe01.contoso.com', '\\\\fs01.contoso.com\\updates\\SkypeServerUpdateInstaller.exe'], [hostile, hostile]],
	readStoreStatusScript: [[]],
	readPoolUsersScript: [['pool01.contoso.com'], [hostile]],
	protectedRunspaceScript: [[scripts.publishRunspaceScript(), ['$true', "'x'"], '$x = 1\n'], [scripts.runspaceBlock('', '\t\t$null'), []]],
	verboseRunspaceScript: [
		[drillScripts.poolFailoverCommand(hostile, true)],
		[drillScripts.poolFailbackCommand(hostile)],
		[storeFailoverCommand({ sqlServer: hostile, instance: hostile })],
	],
	verboseLinesScript: [
		[drillScripts.poolFailoverCommand(hostile, true)],
		[drillScripts.poolFailbackCommand(hostile)],
		[storeFailoverCommand({ sqlServer: hostile, instance: hostile })],
	],
	clearPairingScript: [['pool01.contoso.com', 'pool02.contoso.com'], [hostile, `${hostile}2`]],
	removeBackupDataScript: [['pool01.contoso.com'], [hostile]],
	captureShapesScript: [[[frontEndPool('pool01.contoso.com', ['sea-fe01.contoso.com']), frontEndPool(hostile, [hostile])]], [[frontEndPool('se01.contoso.com', [])]]],
};

function frontEndPool(fqdn: string, servers: string[]): FrontEndPool {
	return { fqdn, site: 'Seattle', edition: 'Enterprise', version: 'Skype for Business Server 2019', servers, hostsCentralManagementStore: false };
}

type Builder = (...args: unknown[]) => string;
const builders = Object.entries({ ...scripts, ...preflightScripts, ...patchingScripts, ...drillScripts }).filter((entry): entry is [string, Builder] => typeof entry[1] === 'function' && entry[0].endsWith('Script') && entry[0] !== 'wrapScript');

/** What the adapter sends: the body, wrapped so it always answers, on the one line that goes to stdin. */
function everyGeneratedScript(): { name: string; text: string }[] {
	return builders.flatMap(([name, build]) =>
		(samples[name] ?? []).flatMap((args, index) => {
			const body = build(...args);
			const script = name === 'sessionStartScript' ? body : scripts.wrapScript(body);
			return [
				{ name: `${name} #${index}`, text: script },
				{ name: `${name} #${index} as sent`, text: scripts.transportLine(script) },
			];
		}),
	);
}

function check(pwsh: string, entries: { name: string; text: string }[]): Record<string, string[]> {
	const dir = mkdtempSync(path.join(tmpdir(), 'sfb-syntax-'));
	try {
		const input = path.join(dir, 'scripts.json');
		writeFileSync(input, JSON.stringify(entries));
		const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-File', checker, '-InputPath', input], { encoding: 'utf8' });
		if (run.status !== 0) throw new Error(`the syntax checker failed: ${run.stderr}`);
		const results = JSON.parse(run.stdout) as { name: string; problems: string[] }[];
		return Object.fromEntries(results.map((result) => [result.name, result.problems]));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** What the operator pastes into the Management Shell on a server done by hand: it must parse there too. */
const handCommands = [
	{ name: 'by hand: Bootstrapper, found from the Front End service', text: bootstrapperOnServerCommand() },
	{ name: 'by hand: the Backup Service start', text: startServiceOnServerCommand() },
];

/** Constructs Windows PowerShell 5.1 lacks: the checker must flag each, or its silence proves nothing. */
const controls: Record<string, string> = {
	coalescing: '$a = $b ?? 1',
	coalescingAssignment: '$a ??= 1',
	nullConditional: '${a}?.Name',
	nullConditionalIndex: '${a}?[0]',
	ternary: '$a = $true ? 1 : 2',
	and: 'Get-Item . && Get-Item .',
	or: 'Get-Item . || Get-Item .',
	parallel: '1..3 | ForEach-Object -Parallel { $_ }',
	parallelAbbreviated: '1..3 | % -Pa { $_ }',
	hashtableJson: "'{}' | ConvertFrom-Json -AsHashtable",
	background: 'Get-Item . &',
	inExpandableString: '"$($a ?? 1)"',
	unterminated: "'open",
};

describeWithPwsh('every script the adapter generates parses as Windows PowerShell 5.1', (pwsh) => {
	const generated = [...everyGeneratedScript(), ...handCommands];
	let problems: Record<string, string[]>;

	beforeAll(() => {
		problems = check(pwsh, [...generated, ...Object.entries(controls).map(([name, text]) => ({ name: `control ${name}`, text }))]);
	});

	it('has sample arguments for every script builder', () => {
		expect(builders.map(([name]) => name).sort()).toEqual(Object.keys(samples).sort());
	});

	it('finds no parse error and no PowerShell 7-only syntax in any of them', () => {
		const found = generated.map(({ name }) => [name, problems[name]]);
		expect(found.filter(([, list]) => list === undefined || list.length > 0)).toEqual([]);
	});

	it('catches each construct 5.1 lacks, as PowerShell itself parses it', () => {
		for (const name of Object.keys(controls)) expect(problems[`control ${name}`], name).not.toEqual([]);
	});
});
