import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EnvironmentError } from '../../source/environments/port.js';
import { powershellLiteral } from '../../source/environments/powershell/literal.js';
import { createPowerShellEnvironment, type PowerShellEnvironment } from '../../source/environments/powershell/powershell-environment.js';
import { PowerShellSession } from '../../source/environments/powershell/session.js';
import { describeWithPwsh } from './pwsh-available.js';
import { createStandInFarm, STAND_IN_MODULES, type StandInFarm } from './stand-in.js';

/** Code that creates `sentinel` if it is ever executed, wrapped in every way of escaping a quoted value. */
function injections(sentinel: string): string[] {
	const create = (open: string, close: string) => `New-Item -ItemType File -Path ${open}${sentinel}${close}`;
	return [
		`$(${create("'", "'")})`,
		`'; ${create("'", "'")}; '`,
		`"; ${create('"', '"')}; "`,
		`\u2019; ${create('\u2018', '\u2019')}; \u2018`,
		`\u201B); ${create('\u201A', '\u201B')}; (\u201A`,
		`\u201C$(${create("'", "'")})\u201D`,
		`\u201E; ${create('\u201C', '\u201D')}; \u201F`,
		`\`'; ${create("'", "'")}; #`,
		`'\n${create("'", "'")}\n'`,
		`'\r\n${create("'", "'")} #`,
		`@(${create("'", "'")})`,
		`\${env:PATH}; & { ${create("'", "'")} }`,
		`')))); ${create("'", "'")}; ((((('`,
		`'+(${create("'", "'")})+'`,
		`#>'; ${create("'", "'")}; <#'`,
	];
}

const fragments = [
	"'", "''", '"', '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E', '\u201F', '`', '``', '$', '$(', '${',
	')', '}', ';', '|', '&', '&&', '||', '@', '#', '<#', '#>', '\n', '\r', '\r\n', '\t', '\0', '\\', '\u00A0', '\u2028', '\uFEFF',
	'é', 'Zoë Ångström', '日本語', 'العربية', '\u{1F600}',
];

function hostileValues(sentinel: string): fc.Arbitrary<string> {
	const piece = fc.oneof(
		fc.constantFrom(...fragments),
		fc.constantFrom(...injections(sentinel)),
		fc.string({ unit: 'binary', maxLength: 6 }),
	);
	return fc.oneof(fc.array(piece, { maxLength: 14 }).map((pieces) => pieces.join('')), fc.string({ unit: 'binary' }));
}

describeWithPwsh('values reach PowerShell as data, never as code', (pwsh) => {
	let dir: string;
	let sentinel: string;
	let session: PowerShellSession;
	let farm: StandInFarm;
	let environment: PowerShellEnvironment;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(tmpdir(), 'sfb-quoting-'));
		sentinel = path.join(dir, 'executed');
		farm = createStandInFarm();
		process.env.SFB_STANDIN_STATE = farm.statePath;
		[session, environment] = await Promise.all([
			PowerShellSession.start({ executable: pwsh, timeoutMs: 30_000 }).then((started) => started.session),
			createPowerShellEnvironment({ executable: pwsh, stateDir: path.join(farm.dir, 'state'), modulePath: STAND_IN_MODULES }),
		]);
	});

	afterAll(async () => {
		await Promise.all([session?.dispose(), environment?.dispose()]);
		farm?.remove();
		rmSync(dir, { recursive: true, force: true });
	});

	it('round-trips every hostile value exactly through the literal and executes none of it', async () => {
		await fc.assert(
			fc.asyncProperty(hostileValues(sentinel), async (value) => {
				const echoed = await session.run(powershellLiteral(value), { action: 'echo', timeoutMs: 30_000 });
				expect(echoed).toBe(value);
				expect(existsSync(sentinel)).toBe(false);
			}),
			{ numRuns: 250 },
		);
	}, 120_000);

	it('round-trips a very long value of nothing but quotes and subexpressions', async () => {
		const value = `'\u2018\u2019\u201A\u201B"$(\`;\n`.repeat(20_000);
		expect(await session.run(powershellLiteral(value), { action: 'echo', timeoutMs: 30_000 })).toBe(value);
	});

	it('hands a hostile server name to New-PSSession exactly as given, through the adapter', async () => {
		await fc.assert(
			// A server name is never empty (the topology reader refuses one), and New-PSSession refuses it before anything else.
			fc.asyncProperty(hostileValues(sentinel).filter((value) => value !== ''), async (server) => {
				const error = await environment.readService(server, 'RTCSRV').catch((caught: unknown) => caught);
				expect(error).toBeInstanceOf(EnvironmentError);
				expect((error as EnvironmentError).kind).toBe('unreachable');
				const calls = farm.read().calls.filter((call) => call.cmdlet === 'New-PSSession');
				// The stand-in's log keeps a one-name list as that name.
				expect(calls.at(-1)?.parameters).toEqual({ ComputerName: server, ErrorAction: 'Stop' });
				expect(existsSync(sentinel)).toBe(false);
			}),
			{ numRuns: 40 },
		);
	}, 120_000);
});
