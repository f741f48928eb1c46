import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectOneLineRefusal, labArgs as lab, sfbPair, STACK_FRAME } from '../helpers/cli.js';
import { temporaryFolders } from '../helpers/folders.js';
import { describeWithPwsh } from '../pwsh/pwsh-available.js';

/**
 * Every kind of bad input an operator can give the built CLI: each is refused in one line that says why,
 * with the documented exit code, never a stack trace; text from files never reaches the terminal or the
 * change record as control characters.
 */

const FABRIKAM_TOPOLOGY = path.join(import.meta.dirname, '..', 'fixtures', 'topology', 'fabrikam-2019.xml');

/** ESC and every other C0 control but the line feed, DEL, the C1 controls (U+009B is a one-character CSI). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ESC_OR_C0 = /[\u0000-\u0009\u000b-\u001f]/;

/**
 * Text that would act on a terminal: clear the screen, retitle the window, move up a line and print a fake
 * prompt, a hyperlink, a full reset, an 8-bit CSI, a bell and a backspace; and quotes and `$(...)`, which
 * must stay inert text.
 */
const HOSTILE =
	`"q' $(touch PWNED) \u001b[2J\u001b]0;pwned-title\u0007\u001b[1A\rsfb-pair> type publish ` +
	`\u009b2J \u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\ \u001bc \u0007\u0008`;

const folders = temporaryFolders('sfb-pair-bad-input-');
const temporaryFolder = () => folders.make();

beforeAll(() => {
	expect(readdirSync(path.dirname(CLI)), 'dist/cli.js is missing: run npm run build first').toContain('cli.js');
});
afterAll(() => folders.removeAll());

type Outcome = ReturnType<typeof sfbPair>;

function expectNoControlCharacters(text: string, where: string): void {
	const found = CONTROL_CHARACTER.exec(text);
	expect(found, `${where} holds U+${found?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} at ${found?.index}: ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 40))}`).toBeNull();
}

/**
 * Each command ended as expected (0 unless `statuses` says otherwise) and printed nothing a terminal acts on (its
 * `--json` output: no ESC or other C0).
 */
function expectEveryCommandClean(outcomes: Record<string, Outcome>, statuses: Record<string, number> = {}): void {
	for (const [command, outcome] of Object.entries(outcomes)) {
		expect(outcome.status, `${command}: ${outcome.stderr}`).toBe(statuses[command] ?? 0);
		if (command.endsWith('--json')) {
			expect(outcome.stdout).not.toMatch(ESC_OR_C0);
		} else {
			expectNoControlCharacters(outcome.stdout, `${command} stdout`);
		}
		expectNoControlCharacters(outcome.stderr, `${command} stderr`);
	}
}

/** Every Markdown file under `records/`: the change record and, after a lab run, the training debrief. */
function recordMarkdown(stateDir: string): { name: string; text: string }[] {
	const folder = path.join(stateDir, 'records');
	return readdirSync(folder)
		.filter((name) => name.endsWith('.md'))
		.map((name) => ({ name, text: readFileSync(path.join(folder, name), 'utf8') }));
}


describe('unknown flags and values', () => {
	it.each([
		['pools --bogus', 'pools', ['--bogus'], /unknown option '--bogus'/],
		['plan --frobnicate', 'plan', ['--pool', 'pool-redmond.contoso.com', '--backup', 'pool-dublin.contoso.com', '--frobnicate'], /unknown option '--frobnicate'/],
		['pools --time-scale fast', 'pools', ['--time-scale', 'fast'], /--time-scale.*'fast'.*not a number/],
		['run --parallel two', 'run', ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes', '--parallel', 'two'], /--parallel.*'two'.*not a whole number, nor domain/],
		['run --parallel domains', 'run', ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes', '--parallel', 'domains'], /--parallel.*'domains'.*not a whole number, nor domain/],
		['status without --pool or --all', 'status', [], /status needs --pool <fqdn> \(one pool in detail\) or --all \(every pool\)/],
		['run --operator with an escape', 'run', ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes', '--operator', 'eve\u001b[2J'], /--operator.*1 to 128 printable characters/],
		['run --operator empty', 'run', ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes', '--operator', ' '], /--operator.*1 to 128 printable characters/],
	])('%s exits 2 with the reason and the usage of the command, no stack trace', (_label, command, args, reason) => {
		const outcome = sfbPair([command, ...args, '--lab', '--state-dir', temporaryFolder()]);
		expect(outcome.status, outcome.stderr).toBe(2);
		expect(outcome.stderr).toMatch(reason);
		expect(outcome.stderr, 'a usage line of the command, not only a pointer to --help').toMatch(new RegExp(`^Usage: sfb-pair ${command} \\S`, 'm'));
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
		expect(outcome.stdout).toBe('');
	});

	it('a flag given before the command counts for it (the state folder is not silently the default); one it lacks is refused, exit 2', () => {
		const stateDir = temporaryFolder();
		const carried = sfbPair(['--state-dir', stateDir, '--lab', 'pools']);
		expect(carried.status, carried.stderr).toBe(0);
		expect(readdirSync(stateDir)).toContain('lab');
		const refused = sfbPair(['--resume', 'pools', '--lab', '--state-dir', temporaryFolder()]);
		expect(refused.status, refused.stderr).toBe(2);
		expect(refused.stderr).toMatch(/--resume is not an option of 'sfb-pair pools'/);
		expect(refused.stderr).not.toMatch(STACK_FRAME);
	});

	it('an unknown command is named as one, with the usage of sfb-pair, exit 2', () => {
		const outcome = sfbPair(['frobnicate', '--lab', '--state-dir', temporaryFolder()]);
		expect(outcome.status, outcome.stderr).toBe(2);
		expect(outcome.stderr).toMatch(/unknown command 'frobnicate'/);
		expect(outcome.stderr).toMatch(/^Usage: sfb-pair \S/m);
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
	});
});

describe('unknown pool', () => {
	const defaultPools = [
		'pool-redmond.contoso.com',
		'pool-dublin.contoso.com',
		'se-redmond.contoso.com',
		'se-dublin.contoso.com',
		'pool-redmond-b.contoso.com',
		'pool-dublin-b.contoso.com',
	];

	it.each([
		['plan', ['plan', '--pool', 'pool-nowhere.contoso.com', '--backup', 'pool-dublin.contoso.com']],
		['status', ['status', '--pool', 'pool-nowhere.contoso.com']],
		['run', ['run', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-nowhere.contoso.com', '--yes']],
	])('%s names the unknown pool and lists the valid ones, exit 2', (_command, args) => {
		const line = expectOneLineRefusal(sfbPair([...args, ...lab(temporaryFolder())]), 2, /pool-nowhere\.contoso\.com is not a Front End pool/);
		for (const pool of defaultPools) expect(line).toContain(pool);
	});
});

describe('a pool that became paired meanwhile', () => {
	/** Three pools any two of which Microsoft supports as a pair. */
	const threePools = {
		name: 'three-pools',
		description: 'Three Enterprise pools, any two of which can pair',
		seed: 7,
		sites: [
			{ id: '1', name: 'Redmond' },
			{ id: '2', name: 'Dublin' },
			{ id: '3', name: 'Sydney' },
		],
		pools: ['redmond', 'dublin', 'sydney'].map((site, index) => ({
			fqdn: `pool-${site}.contoso.com`,
			site: `${site[0]?.toUpperCase()}${site.slice(1)}`,
			edition: 'Enterprise',
			version: 'Skype for Business Server 2015',
			servers: [`${site}-fe01.contoso.com`, `${site}-fe02.contoso.com`],
			platform: 'physical',
			operatingSystem: 'Windows Server 2016',
			// Sydney holds the store: the pair of this test is written with the cmdlets.
			hostsCentralManagementStore: index === 2,
		})),
	};
	const farm = (stateDir: string) => JSON.parse(readFileSync(path.join(stateDir, 'lab', 'three-pools.farm.json'), 'utf8')) as { pairingWrites: number; pairings: Record<string, { backup: string }> };

	it('plan and run refuse a pair whose pool another run has paired since, naming the partner, exit 2', () => {
		const folder = temporaryFolder();
		const scenario = path.join(folder, 'three-pools.json');
		writeFileSync(scenario, JSON.stringify(threePools));
		const stateDir = path.join(folder, 'state');
		const args = (...rest: string[]) => [...rest, '--scenario', scenario, '--state-dir', stateDir, '--time-scale', '2000'];

		expect(sfbPair(args('plan', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-sydney.contoso.com')).status).toBe(0);
		const other = sfbPair(args('run', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-dublin.contoso.com', '--yes'));
		expect(other.status, other.stdout + other.stderr).toBe(0);
		const writes = farm(stateDir).pairingWrites;

		expectOneLineRefusal(
			sfbPair(args('plan', '--pool', 'pool-redmond.contoso.com', '--backup', 'pool-sydney.contoso.com')),
			2,
			/pool-redmond\.contoso\.com is already paired with pool-dublin\.contoso\.com/,
		);
		expectOneLineRefusal(
			sfbPair(args('run', '--pool', 'pool-sydney.contoso.com', '--backup', 'pool-dublin.contoso.com', '--yes')),
			2,
			/pool-dublin\.contoso\.com is already paired with pool-redmond\.contoso\.com/,
		);
		expect(farm(stateDir).pairingWrites, 'a refused run changes nothing').toBe(writes);
		expect(farm(stateDir).pairings['pool-sydney.contoso.com']).toBeUndefined();
	});
});

describe('voice intervals', () => {
	const pair = ['--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com'];
	it.each([
		['plan', '--failover-interval', 'soon', /--failover-interval: "soon" is not an interval/],
		['run', '--failover-interval', 'soon', /--failover-interval: "soon" is not an interval/],
		['plan', '--failback-interval', '10', /--failback-interval: .*at least 30 seconds/],
		['run', '--failback-interval', '10', /--failback-interval: .*at least 30 seconds/],
	])('%s %s %s exits 2 with the reason', (command, flag, value, reason) => {
		const stateDir = temporaryFolder();
		const confirm = command === 'run' ? ['--yes'] : [];
		expectOneLineRefusal(sfbPair([command, ...pair, ...confirm, flag, value, ...lab(stateDir)]), 2, reason);
		expect(readdirSync(stateDir), 'nothing recorded for a refused request').not.toContain('records');
	});
});

describe('hostile text in a topology document', () => {
	const xmlText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');
	/**
	 * What of the hostile text XML 1.0 can carry: ESC, BEL and the other C0 controls cannot stand in a well-formed
	 * document, even as character references, but the C1 controls (the one-character CSI among them), CR,
	 * quotes and `$(...)` can.
	 */
	// eslint-disable-next-line no-control-regex -- removing what XML forbids
	const HOSTILE_IN_XML = HOSTILE.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
	/** The Amsterdam site renamed to the hostile text XML can carry, raw and as character references. */
	function hostileTopology(folder: string, fileName: string): string {
		const xml = readFileSync(FABRIKAM_TOPOLOGY, 'utf8').replace(
			'<Name>Amsterdam</Name>',
			`<Name>Amsterdam ${xmlText(HOSTILE_IN_XML)} &#x9b;2J&#133;&#x202E;</Name>`,
		);
		const file = path.join(folder, fileName);
		writeFileSync(file, xml);
		return file;
	}

	it('reaches the output of every command and the change record only as printable text', () => {
		const folder = temporaryFolder();
		const topology = hostileTopology(folder, 'fabrikam \u001b]0;file-title\u0007.xml');
		const stateDir = path.join(folder, 'state');
		const args = (...rest: string[]) => [...rest, '--topology', topology, '--state-dir', stateDir, '--time-scale', '2000'];
		const pair = ['--pool', 'ams-pool.fabrikam.com', '--backup', 'rtm-pool.fabrikam.com'];

		const pools = sfbPair(args('pools'));
		expect(pools.status, pools.stderr).toBe(0);
		expect(pools.stdout, 'the site name is shown, made harmless').toContain('$(touch PWNED)');
		const outcomes = {
			pools,
			'pools --json': sfbPair(args('pools', '--json')),
			plan: sfbPair(args('plan', ...pair)),
			run: sfbPair(args('run', ...pair, '--yes')),
			status: sfbPair(args('status', '--pool', 'ams-pool.fabrikam.com')),
		};
		// ams-pool holds the Central Management store: run prints the Topology Builder steps and waits for the operator.
		expectEveryCommandClean(outcomes, { run: 3, status: 3 });
		expect(outcomes.run.stdout).toContain('Right-click ams-pool.fabrikam.com, then Edit Properties.');
		const records = recordMarkdown(stateDir);
		expect(records.length).toBeGreaterThan(0);
		for (const record of records) expectNoControlCharacters(record.text, `records/${record.name}`);
	});

	it('a pool FQDN or server name that is not a host name is refused in one clean line naming the element, exit 2', () => {
		const folder = temporaryFolder();
		const fixture = readFileSync(FABRIKAM_TOPOLOGY, 'utf8');
		const hostileName = `ams-pool${xmlText(HOSTILE_IN_XML)}.fabrikam.com`;
		for (const [name, original, refusal] of [
			['pool.xml', 'ams-pool.fabrikam.com', /pool\.xml has <Cluster Fqdn="ams-pool\\"q' \$\(touch PWNED\).*"> at line 21, column 5: not a host name/],
			['server.xml', 'ams-fe01.fabrikam.com', /server\.xml has <Machine Fqdn="ams-pool\\"q' \$\(touch PWNED\).*"> at line 23, column 7: not a host name/],
		] as const) {
			const file = path.join(folder, name);
			writeFileSync(file, fixture.replaceAll(original, hostileName));
			const outcome = sfbPair(['pools', '--topology', file, '--state-dir', path.join(folder, 'state')]);
			expectOneLineRefusal(outcome, 2, refusal);
			expectNoControlCharacters(outcome.stderr, `stderr for ${name}`);
		}
	});

	it('ESC and BEL, raw or as character references, make the document ill-formed: refused in one clean line, exit 2', () => {
		const folder = temporaryFolder();
		const fixture = readFileSync(FABRIKAM_TOPOLOGY, 'utf8');
		for (const [name, text, refusal] of [
			['raw.xml', xmlText(HOSTILE), /raw\.xml is not well-formed XML: line 8, column \d+: disallowed character/],
			['reference.xml', '&#27;[2J&#x1b;]0;title&#7;', /reference\.xml is not well-formed XML: line 8, column \d+: malformed character entity/],
		] as const) {
			const file = path.join(folder, name);
			writeFileSync(file, fixture.replace('<Name>Amsterdam</Name>', `<Name>Amsterdam ${text}</Name>`));
			const outcome = sfbPair(['pools', '--topology', file, '--state-dir', path.join(folder, 'state')]);
			expectOneLineRefusal(outcome, 2, refusal);
			expectNoControlCharacters(outcome.stderr, `stderr for ${name}`);
		}
	});
});

describe('hostile text in a scenario file', () => {
	const hostileScenario = {
		name: 'hostile',
		description: `Scenario ${HOSTILE}`,
		seed: 3,
		signature: `signature ${HOSTILE}`,
		sites: [
			{ id: '1', name: `Redmond ${HOSTILE}` },
			{ id: '2', name: `Dublin ${HOSTILE}` },
		],
		pools: [
			{
				fqdn: 'pool-a.contoso.com',
				site: `Redmond ${HOSTILE}`,
				edition: 'Enterprise',
				version: 'Skype for Business Server 2015',
				servers: ['a-fe01.contoso.com', 'a-fe02.contoso.com'],
				platform: 'physical',
				operatingSystem: `Windows ${HOSTILE}`,
			},
			{
				fqdn: 'pool-b.contoso.com',
				site: `Dublin ${HOSTILE}`,
				edition: 'Enterprise',
				version: 'Skype for Business Server 2015',
				servers: ['b-fe01.contoso.com', 'b-fe02.contoso.com'],
				platform: 'physical',
				operatingSystem: `Windows ${HOSTILE}`,
			},
		],
		otherClusters: [{ fqdn: 'dir.contoso.com', site: `Dublin ${HOSTILE}`, roles: [`Director ${HOSTILE}`] }],
		faults: [{ type: 'bootstrapper-exit', server: 'b-fe02.contoso.com', exitCode: 1603 }],
	};

	it('reaches the output of every command and the change record only as printable text', () => {
		const folder = temporaryFolder();
		const scenario = path.join(folder, 'hostile.json');
		writeFileSync(scenario, JSON.stringify(hostileScenario));
		const stateDir = path.join(folder, 'state');
		const args = (...rest: string[]) => [...rest, '--scenario', scenario, '--state-dir', stateDir, '--time-scale', '2000'];
		const pair = ['--pool', 'pool-a.contoso.com', '--backup', 'pool-b.contoso.com'];

		const outcomes = {
			pools: sfbPair(args('pools')),
			'pools --json': sfbPair(args('pools', '--json')),
			plan: sfbPair(args('plan', ...pair)),
			run: sfbPair(args('run', ...pair, '--yes')),
			status: sfbPair(args('status', '--pool', 'pool-a.contoso.com')),
		};
		expect(outcomes.pools.stdout, 'the site name is shown, made harmless').toContain('$(touch PWNED)');
		expectEveryCommandClean(outcomes);
		const records = recordMarkdown(stateDir);
		expect(records.map((record) => record.name).some((name) => name.endsWith('.debrief.md')), 'a lab run writes its debrief').toBe(true);
		for (const record of records) expectNoControlCharacters(record.text, `records/${record.name}`);
	});

	it('a pool FQDN that is not a host name is refused in one clean line, exit 2', () => {
		const folder = temporaryFolder();
		const scenario = path.join(folder, 'hostile-fqdn.json');
		const [first, second] = hostileScenario.pools;
		writeFileSync(scenario, JSON.stringify({ ...hostileScenario, pools: [{ ...first, fqdn: `pool-a${HOSTILE}.contoso.com` }, second] }));
		const outcome = sfbPair(['pools', '--scenario', scenario, '--state-dir', path.join(folder, 'state')]);
		expectOneLineRefusal(outcome, 2, /hostile-fqdn\.json: pools\[0\]\.fqdn must be a host name/);
		expectNoControlCharacters(outcome.stderr, 'stderr');
	});

	it('a file that is not JSON is refused in one clean line, though the parser quotes it, exit 2', () => {
		const folder = temporaryFolder();
		const scenario = path.join(folder, 'not-json.json');
		writeFileSync(scenario, `${HOSTILE} {`);
		const outcome = sfbPair(['pools', '--scenario', scenario, '--state-dir', path.join(folder, 'state')]);
		expectOneLineRefusal(outcome, 2, /not-json\.json: not valid JSON/);
		expectNoControlCharacters(outcome.stderr, 'stderr');
	});
});

describe('topology documents too big or too deep', () => {
	it('refuses a document over 20 MB with its size, exit 2', () => {
		const folder = temporaryFolder();
		const file = path.join(folder, 'huge.xml');
		const padding = `<!--${'x'.repeat(21 * 1024 * 1024)}-->`;
		writeFileSync(file, readFileSync(FABRIKAM_TOPOLOGY, 'utf8').replace('<Sites>', `${padding}<Sites>`));
		expectOneLineRefusal(sfbPair(['pools', '--topology', file, '--state-dir', path.join(folder, 'state')]), 2, /huge\.xml is 2\d\.\d MB, over the 20 MB limit/);
	});

	it('refuses a file far over 20 MB by its size, without reading it, exit 2', () => {
		const folder = temporaryFolder();
		const file = path.join(folder, 'enormous.xml');
		// Sparse, and beyond the 2 GiB a Node buffer holds: reading it would fail with another reason.
		const handle = openSync(file, 'w');
		ftruncateSync(handle, 3 * 1024 * 1024 * 1024);
		closeSync(handle);
		expectOneLineRefusal(sfbPair(['pools', '--topology', file, '--state-dir', path.join(folder, 'state')]), 2, /enormous\.xml is 3072 MB, over the 20 MB limit/);
	});

	it('refuses elements nested deeper than 64 levels, exit 2', () => {
		const folder = temporaryFolder();
		const file = path.join(folder, 'deep.xml');
		const depth = 70;
		const nested = `${'<Extra>'.repeat(depth)}${'</Extra>'.repeat(depth)}`;
		writeFileSync(file, readFileSync(FABRIKAM_TOPOLOGY, 'utf8').replace('<Sites>', `${nested}<Sites>`));
		expectOneLineRefusal(sfbPair(['pools', '--topology', file, '--state-dir', path.join(folder, 'state')]), 2, /deep\.xml nests elements deeper than 64 levels/);
	});
});

function damageFarm(stateDir: string, damage: (text: string) => string): string {
	const farmFile = path.join(stateDir, 'lab', 'default.farm.json');
	const damaged = damage(readFileSync(farmFile, 'utf8'));
	writeFileSync(farmFile, damaged);
	return damaged;
}

describe('a state folder that cannot be used', () => {
	/** Root ignores file modes, so a path through a regular file is what makes a folder impossible here. */
	it.each([
		['a regular file', (file: string) => file],
		['a path under a regular file', (file: string) => path.join(file, 'sub')],
	])('--state-dir naming %s: one line that says so, exit 2, for every command', (_kind, stateDirFor) => {
		const file = path.join(temporaryFolder(), 'not-a-folder');
		writeFileSync(file, 'a file\n');
		const stateDir = stateDirFor(file);
		for (const args of [
			['pools'],
			['plan', '--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com'],
			['status', '--pool', 'se-redmond.contoso.com'],
			['run', '--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes'],
			['drill', '--pool', 'pool-redmond-b.contoso.com', '--yes', '--drill'],
		]) {
			expectOneLineRefusal(sfbPair([...args, ...lab(stateDir)]), 2, new RegExp(`${file.replaceAll('/', '\\/')}.*(not a folder|not a directory)`, 'i'));
		}
		expect(readFileSync(file, 'utf8')).toBe('a file\n');
	});

	it.each([
		['cut short', (text: string) => text.slice(0, 100)],
		['of another format version', (text: string) => text.replace('"version": 1', '"version": 99')],
		['empty', () => ''],
		['with a field of the wrong type', (text: string) => text.replace('"pairings": {', '"pairings": "none", "was": {')],
		['keeping a time scale out of bounds', (text: string) => text.replace(/\n\}\n$/, ',\n\t"timeScale": 1e308\n}\n')],
	])('a lab farm file %s is moved aside and named, exit 2; the next command starts afresh', (_kind, damage) => {
		const stateDir = temporaryFolder();
		expect(sfbPair(['pools', ...lab(stateDir)]).status).toBe(0);
		const damaged = damageFarm(stateDir, damage);
		const line = expectOneLineRefusal(sfbPair(['pools', ...lab(stateDir)]), 2, /default\.farm\.json could not be read .*it is kept as \S+default\.farm\.corrupt-[^ ]+\.json: run the command again/);
		expect(readFileSync(/kept as (\S+\.json):/.exec(line)?.[1] ?? '', 'utf8'), 'the damaged file is kept as it was').toBe(damaged);
		expect(sfbPair(['pools', ...lab(stateDir)]).status).toBe(0);
	});

	it('run on a damaged lab farm: refused the same way, and the pair is not left locked', () => {
		const stateDir = temporaryFolder();
		const run = ['run', '--pool', 'se-redmond.contoso.com', '--backup', 'se-dublin.contoso.com', '--yes', ...lab(stateDir)];
		expect(sfbPair(['pools', ...lab(stateDir)]).status).toBe(0);
		damageFarm(stateDir, (text) => text.replace('"servers": {', '"servers": 7, "was": {'));
		expectOneLineRefusal(sfbPair(run), 2, /could not be read \(it is not a farm file: servers must be object\)/);
		expect(readdirSync(stateDir).filter((name) => name.endsWith('.lock')), 'no lock left behind').toEqual([]);
		const again = sfbPair(run);
		expect(again.status, again.stderr).toBe(0);
	});

	it('a folder in place of the lab farm file: cannot use it, exit 2', () => {
		const stateDir = temporaryFolder();
		mkdirSync(path.join(stateDir, 'lab', 'default.farm.json'), { recursive: true });
		expectOneLineRefusal(sfbPair(['pools', ...lab(stateDir)]), 2, /^sfb-pair: cannot use \S+default\.farm\.json: it is a folder, not a file$/);
	});
});

describe('PowerShell that cannot be used', () => {
	it('a --powershell that does not exist: one line that names it and suggests --lab, exit non-zero', () => {
		const outcome = sfbPair(['pools', '--live', '--powershell', '/nonexistent/pwsh', '--state-dir', temporaryFolder()]);
		expect(outcome.status).not.toBe(0);
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
		const lines = outcome.stderr.trimEnd().split('\n');
		expect(lines, outcome.stderr).toHaveLength(1);
		expect(lines[0]).toContain('/nonexistent/pwsh');
		expect(lines[0]).toContain('--lab');
	});
});

describeWithPwsh('PowerShell without the SkypeForBusiness module', (pwsh) => {
	it('--live: one line that suggests --lab, exit non-zero', () => {
		const emptyModules = temporaryFolder();
		mkdirSync(path.join(emptyModules, 'modules'));
		const outcome = sfbPair(['pools', '--live', '--powershell', pwsh, '--state-dir', emptyModules], { PSModulePath: path.join(emptyModules, 'modules') });
		expect(outcome.status).not.toBe(0);
		expect(outcome.stderr).not.toMatch(STACK_FRAME);
		const lines = outcome.stderr.trimEnd().split('\n');
		expect(lines, outcome.stderr).toHaveLength(1);
		expect(lines[0]).toMatch(/SkypeForBusiness/);
		expect(lines[0]).toContain('--lab');
	}, 60_000);
});
