import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKUP, DEFAULT_POOL, publishDefaultPair, requireTmux, SCREENS, TmuxTerminal } from '../helpers/tmux.js';

/**
 * The wizard for people who cannot or will not see colour, whose terminal cannot show Unicode, whose window
 * is narrow, or who resize it: checked in a real terminal (tmux), with the escape sequences it receives.
 */

const POOL = DEFAULT_POOL;
const BACKUP = DEFAULT_BACKUP;
const POOL_PICKER = SCREENS.poolPicker;
const RUNNING_SERVER = SCREENS.runningServer;

/** SGR sequences that set a colour: 30–37, 38;…, 39, 40–47, 48;…, 49, 90–97, 100–107. */
// eslint-disable-next-line no-control-regex -- escape sequences are what is looked for
const COLOUR_SGR = /\u001b\[(?:\d+;)*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;\d+)*m/;
// eslint-disable-next-line no-control-regex -- escape sequences are what is looked for
const ANY_SGR = /\u001b\[[0-9;]*m/;

const terminals: TmuxTerminal[] = [];
const folders: string[] = [];

function temporaryFolder(): string {
	const folder = mkdtempSync(path.join(tmpdir(), 'sfb-pair-a11y-'));
	folders.push(folder);
	return folder;
}

async function startTerminal(...parameters: Parameters<typeof TmuxTerminal.start>): Promise<TmuxTerminal> {
	const terminal = await TmuxTerminal.start(...parameters);
	terminals.push(terminal);
	return terminal;
}

beforeAll(() => requireTmux());
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

describe.sequential('colour', () => {
	it('FORCE_COLOR=1 colours the wizard (the LAB badge, the step rail)', async () => {
		const terminal = await startTerminal(['--lab'], { colors: true });
		await terminal.waitFor(POOL_PICKER);
		expect(await terminal.screenWithEscapes()).toMatch(COLOUR_SGR);
	});

	it('--no-color wins over FORCE_COLOR=1: no colour codes', async () => {
		const terminal = await startTerminal(['--lab', '--no-color'], { colors: true });
		await terminal.waitFor(POOL_PICKER);
		expect(await terminal.screenWithEscapes()).not.toMatch(COLOUR_SGR);
	});

	it('NO_COLOR=1 in a colour terminal: no colour codes, and state still shown by words and symbols', async () => {
		const terminal = await startTerminal(['--lab'], { env: { NO_COLOR: '1', FORCE_COLOR: undefined } });
		const screen = await terminal.waitFor(POOL_PICKER);
		const drawn = await terminal.screenWithEscapes();
		expect(drawn).not.toMatch(COLOUR_SGR);
		expect(drawn, 'no bold, dim or inverse either: NO_COLOR asks for plain text').not.toMatch(ANY_SGR);
		expect(screen).toMatch(/^ LAB /m);
		expect(screen).toMatch(/^❯ +pool-redmond\.contoso\.com/m);
	});
});

describe.sequential('ASCII', () => {
	/** Every character a terminal without Unicode can show: printable ASCII. */
	const nonAscii = (screen: string) => [...new Set(screen.match(/[^\n\u0020-\u007e]/g) ?? [])];

	it('SFB_PAIR_ASCII=1: the pool picker and the Bootstrapper panels are drawn in ASCII only', async () => {
		const terminal = await startTerminal(['--lab', '--time-scale', '50'], { env: { SFB_PAIR_ASCII: '1' } });
		const picker = await terminal.waitFor(POOL_PICKER);
		expect(picker).toMatch(/^> +pool-redmond\.contoso\.com/m);
		expect(nonAscii(picker), picker).toEqual([]);

		await publishDefaultPair(terminal);
		const panels = await terminal.waitFor(RUNNING_SERVER, 20_000);
		expect(panels).toContain(`${POOL} <-> ${BACKUP}`);
		expect(nonAscii(panels), panels).toEqual([]);
	}, 60_000);
});

describe.sequential('narrow and resized terminals', () => {
	/** Pool FQDNs as long as real ones get, to see them whole in 60 columns. */
	const longNames = ['pool-frankfurt-primary.emea.corp.contoso.com', 'pool-amsterdam-secondary.emea.corp.contoso.com', 'se-branch-office-rotterdam.emea.corp.contoso.com'];

	it('at 60×24 the pool picker shows every pool FQDN in full', async () => {
		const scenario = path.join(temporaryFolder(), 'long-names.json');
		writeFileSync(
			scenario,
			JSON.stringify({
				name: 'long-names',
				description: 'Pools with long FQDNs',
				seed: 5,
				sites: [
					{ id: '1', name: 'Frankfurt' },
					{ id: '2', name: 'Amsterdam' },
				],
				pools: longNames.map((fqdn, index) => ({
					fqdn,
					site: index === 0 ? 'Frankfurt' : 'Amsterdam',
					edition: index === 2 ? 'Standard' : 'Enterprise',
					version: 'Skype for Business Server 2019',
					servers: index === 2 ? [fqdn] : [1, 2].map((number) => `fe0${number}-${fqdn}`),
					hostsCentralManagementStore: index === 0,
				})),
			}),
		);
		const terminal = await startTerminal(['--scenario', scenario], { columns: 60, rows: 24 });
		const picker = await terminal.waitFor(POOL_PICKER);
		for (const fqdn of longNames) expect(picker, picker).toMatch(new RegExp(`^\\S? +${fqdn.replaceAll('.', '\\.')}(?: |$)`, 'm'));
		expect(picker.split('\n').every((line) => line.length <= 60)).toBe(true);
	});

	/** One header line, whole, and no stale copy of it or of the farm line left by an earlier width. */
	const expectOneHeader = (screen: string, columns: number) => {
		const lines = screen.split('\n');
		const headers = lines.filter((line) => line.startsWith(' LAB '));
		expect(headers, screen).toHaveLength(1);
		expect(headers[0], `the header fits ${columns} columns on one line:\n${screen}`).toMatch(/\? keys {2}q quit$/);
		expect(lines.filter((line) => line.includes('? keys')), screen).toHaveLength(1);
		expect(lines.filter((line) => line.startsWith('LAB · scenario default')), screen).toHaveLength(1);
	};

	it('while the Bootstrapper panels run, resizing the window keeps the header on one line', async () => {
		const terminal = await startTerminal(['--lab', '--time-scale', '20'], { columns: 100, rows: 30 });
		await publishDefaultPair(terminal);
		expectOneHeader(await terminal.waitFor(RUNNING_SERVER, 20_000), 100);
		for (const [columns, rows] of [
			[60, 24],
			[120, 30],
			[48, 20],
			[80, 24],
		] as const) {
			await terminal.resize(columns, rows);
			const screen = await terminal.waitFor(
				(text) => RUNNING_SERVER.test(text) && text.split('\n').some((line) => line.startsWith(' LAB ') && line.trimEnd().length <= columns && line.endsWith('q quit')),
				10_000,
			);
			expectOneHeader(screen, columns);
		}
	}, 60_000);
});
