import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../source/cli/main.js';
import { originsOf } from '../../../source/cli/settings-options.js';
import { schemaProblem, SETTINGS, settingsSchema, type SettingValue } from '../../../source/settings/keys.js';
import { readSettings, type LoadedSettings } from '../../../source/settings/settings-file.js';
import { writeSettings } from '../../../source/settings/store.js';

let folder: string;
let file: string;
beforeEach(() => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-settings-'));
	file = path.join(folder, 'sfb-pair', 'settings.json');
	fs.mkdirSync(path.dirname(file));
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

/** A value for each setting that is not its default, as `config set` would be given it, and what it presets. */
const EXAMPLES: Record<string, { text: string; stored: SettingValue; option: unknown; flag: string[]; flagValue: unknown; refused?: string }> = {
	'state-dir': { text: '/srv/sfb-pair', stored: '/srv/sfb-pair', option: '/srv/sfb-pair', flag: ['--state-dir', '/tmp/other'], flagValue: '/tmp/other' },
	powershell: { text: '/opt/microsoft/powershell/7/pwsh', stored: '/opt/microsoft/powershell/7/pwsh', option: '/opt/microsoft/powershell/7/pwsh', flag: ['--powershell', 'pwsh-preview'], flagValue: 'pwsh-preview' },
	parallel: { text: '4', stored: 4, option: 4, flag: ['--parallel', '2'], flagValue: 2 },
	'automatic-failover': { text: 'off', stored: false, option: false, flag: ['--automatic-failover'], flagValue: true },
	'failover-interval': { text: '10m', stored: 600, option: '600', flag: ['--failover-interval', '120'], flagValue: '120' },
	'failback-interval': { text: '00:20:00', stored: 1200, option: '1200', flag: ['--failback-interval', '900'], flagValue: '900' },
	'sync-poll': { text: '2m', stored: 120, option: 120, flag: ['--sync-poll', '10'], flagValue: 10 },
	'sync-timeout': { text: '2h', stored: 7200, option: 7200, flag: ['--sync-timeout', '5m'], flagValue: 300 },
	'service-settle': { text: '90', stored: 90, option: 90, flag: ['--service-settle', '30'], flagValue: 30 },
	explain: { text: 'on', stored: true, option: true, flag: ['--no-explain'], flagValue: false },
	ascii: { text: 'yes', stored: true, option: true, flag: ['--no-ascii'], flagValue: false },
	'cu-installer': {
		text: ' \\\\fs01\\updates\\SkypeServerUpdateInstaller.exe ',
		stored: '\\\\fs01\\updates\\SkypeServerUpdateInstaller.exe',
		option: '\\\\fs01\\updates\\SkypeServerUpdateInstaller.exe',
		flag: ['--cu-installer', '\\\\fs02\\cu\\SkypeServerUpdateInstaller.exe'],
		flagValue: '\\\\fs02\\cu\\SkypeServerUpdateInstaller.exe',
		refused: 'C:\\updates\\SkypeServerUpdateInstaller.exe',
	},
	operator: { text: ' CONTOSO\\alice ', stored: 'CONTOSO\\alice', option: 'CONTOSO\\alice', flag: ['--operator', 'CONTOSO\\bob'], flagValue: 'CONTOSO\\bob', refused: 'alice\u001B[2J' },
};

/** The command a setting's flag belongs to: the wizard has no voice options, `run` has no --ascii. */
const commandFor = (key: string) => (key === 'ascii' ? [] : ['run', '--pool', 'a', '--backup', 'b', '--yes']);

function loaded(values: Record<string, SettingValue>): LoadedSettings {
	return { file, values, notes: [] };
}

/** The command as commander leaves it after reading `argv`, without running its action. */
function parsed(settings: LoadedSettings, argv: string[]) {
	const program = buildProgram(() => undefined, settings);
	const [name] = argv;
	const command = program.commands.find((each) => each.name() === name) ?? program;
	command.parseOptions(command === program ? argv : argv.slice(1));
	return command;
}

describe('every setting', () => {
	it('holds a hand-edited operator name to what config set takes: printable, one line, 128 characters at most', () => {
		const operator = SETTINGS.find((setting) => setting.key === 'operator')!;
		for (const hostile of ['alice\u001B[2J', 'alice\u2028bob', '\u202Eecila', 'a'.repeat(129), '']) {
			expect(schemaProblem(operator, hostile), JSON.stringify(hostile)).toBeDefined();
			expect(operator.parse(hostile).ok, JSON.stringify(hostile)).toBe(false);
		}
		expect(schemaProblem(operator, 'Ælfrida Ó Briain (CONTOSO\\ae)')).toBeUndefined();
	});

	it('holds a hand-edited cu-installer to a UNC path to an .exe, and says so', () => {
		const installer = SETTINGS.find((setting) => setting.key === 'cu-installer')!;
		for (const bad of ['C:\\updates\\SkypeServerUpdateInstaller.exe', '\\\\fs01\\SkypeServerUpdateInstaller.exe', '\\\\fs01\\updates\\CU15']) {
			expect(schemaProblem(installer, bad), bad).toBe('must be a UNC path to the installer (\\\\server\\share\\...\\file.exe)');
		}
	});

	it('has an example here, so each one is tested', () => {
		expect(Object.keys(EXAMPLES).sort()).toEqual(SETTINGS.map((setting) => setting.key).sort());
	});

	it.each(SETTINGS.map((setting) => [setting.key, setting] as const))('%s: config set reads it, the schema takes it, and it presets its option, which its flag beats', (key, setting) => {
		const example = EXAMPLES[key]!;
		expect(setting.parse(example.text)).toEqual({ ok: true, value: example.stored });
		expect(schemaProblem(setting, example.stored)).toBeUndefined();
		expect(setting.parse(example.refused ?? '  nonsense  ').ok, 'nonsense is refused with a reason').toBe(false);

		const withSetting = parsed(loaded({ [key]: example.stored }), commandFor(key));
		expect(withSetting.getOptionValue(setting.option.attribute)).toEqual(example.option);
		expect(withSetting.getOptionValueSource(setting.option.attribute)).toBe('config');
		expect(originsOf(withSetting, loaded({ [key]: example.stored }), {})).toEqual([expect.stringMatching(new RegExp(`^${key} .+ \\(settings file\\)$`))]);

		const withFlag = parsed(loaded({ [key]: example.stored }), [...commandFor(key), ...example.flag]);
		expect(withFlag.getOptionValue(setting.option.attribute)).toEqual(example.flagValue);
		expect(withFlag.getOptionValueSource(setting.option.attribute)).toBe('cli');
	});

	it.each(SETTINGS.filter((setting) => setting.env).map((setting) => [setting.key, setting.env!] as const))(
		'%s: the environment variable %s beats the setting, and the flag beats both',
		(key, variable) => {
			const saved = process.env[variable];
			process.env[variable] = key === 'ascii' ? '1' : '/from/the/environment';
			try {
				const settings = loaded({ [key]: EXAMPLES[key]!.stored });
				const command = parsed(settings, commandFor(key));
				const setting = SETTINGS.find((each) => each.key === key)!;
				expect(command.getOptionValueSource(setting.option.attribute), 'the setting is not applied under the variable').not.toBe('config');
				expect(originsOf(command, settings)).toEqual([`${key} ${process.env[variable]} (${variable})`]);
				const flagged = parsed(settings, [...commandFor(key), ...EXAMPLES[key]!.flag]);
				expect(flagged.getOptionValueSource(setting.option.attribute)).toBe('cli');
			} finally {
				if (saved === undefined) delete process.env[variable];
				else process.env[variable] = saved;
			}
		},
	);

	it('the start-up check and the schema conf validates with agree on any value', () => {
		const ajv = new Ajv();
		const schema = settingsSchema();
		fc.assert(
			fc.property(fc.constantFrom(...SETTINGS), fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.double(), fc.boolean(), fc.string(), fc.constant(null)), (setting, value) => {
				const valid = ajv.validate(schema[setting.key]!, value);
				expect(schemaProblem(setting, value) === undefined).toBe(valid);
			}),
		);
	});
});

describe('the settings file', () => {
	it('absent: no values, nothing said', () => {
		expect(readSettings(file)).toEqual({ file, values: {}, notes: [] });
	});

	it('written by conf: private, with its format, read back as it was set', async () => {
		const umask = process.umask(0o000);
		try {
			await writeSettings(readSettings(file), (values) => {
				values.parallel = 3;
				values['sync-poll'] = 120;
			});
		} finally {
			process.umask(umask);
		}
		expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ format: 1, parallel: 3, 'sync-poll': 120 });
		expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
		expect(readSettings(file).values).toEqual({ parallel: 3, 'sync-poll': 120 });
	});

	it('conf refuses to write a value the schema does not allow', async () => {
		await expect(writeSettings(readSettings(file), (values) => void (values.parallel = 1000))).rejects.toThrow(/Config schema violation: `parallel` must be <= 64/);
		expect(fs.existsSync(file)).toBe(false);
	});

	it.each([
		['not JSON', '{ "parallel": 4,', /is not valid JSON/],
		['a value of the wrong type', '{ "format": 1, "parallel": "four" }', /holds parallel = "four", which must be an integer/],
		['a value out of bounds', '{ "format": 1, "sync-poll": 999999 }', /holds sync-poll = 999999, which must be <= 3600/],
		['an unknown key', '{ "format": 1, "paralel": 4 }', /names "paralel", which is not a setting/],
		['not an object', '[1, 2]', /is not a JSON object/],
	])('%s: kept aside and named, and the defaults apply', (_kind, text, reason) => {
		fs.writeFileSync(file, text);
		const result = readSettings(file);
		expect(result.values).toEqual({});
		expect(result.notes).toEqual([expect.stringMatching(/^the settings file \S+settings\.json is not valid \(it .*\): it is kept as \S+settings\.corrupt-\S+\.json, and sfb-pair starts with the default settings$/)]);
		expect(result.notes[0]).toMatch(reason);
		const keptAs = /kept as (\S+\.json),/.exec(result.notes[0] ?? '')?.[1] ?? '';
		expect(fs.readFileSync(keptAs, 'utf8')).toBe(text);
		expect(fs.existsSync(file)).toBe(false);
	});

	it('a file from a newer sfb-pair is left as it is and not written', () => {
		fs.writeFileSync(file, '{ "format": 7, "parallel": 4, "colour": "teal" }');
		const result = readSettings(file);
		expect(result.values).toEqual({});
		expect(result.readOnly).toMatch(/written by a newer sfb-pair \(format 7; this one reads up to format 1\)/);
		expect(fs.readFileSync(file, 'utf8')).toContain('teal');
	});

	it('a file of an older format is migrated, step by step, in memory, and conf writes it as the current format', async () => {
		// Read as a later sfb-pair would: format 3, whose migrations renamed a key and then changed its unit.
		const migrations = [
			{ to: 2, since: '0.2.0', up: ({ poll, ...rest }: Record<string, unknown>) => ({ ...rest, 'sync-poll-minutes': poll }) },
			{ to: 3, since: '0.3.0', up: ({ 'sync-poll-minutes': minutes, ...rest }: Record<string, unknown>) => ({ ...rest, 'sync-poll': Number(minutes) * 60 }) },
		];
		fs.writeFileSync(file, '{ "format": 1, "poll": 2, "parallel": 2 }');
		const result = readSettings(file, { current: 3, migrations });
		expect(result).toMatchObject({ values: { 'sync-poll': 120, parallel: 2 }, migratedFrom: 1, notes: [] });
		expect(JSON.parse(fs.readFileSync(file, 'utf8')), 'reading changes nothing on disk').toEqual({ format: 1, poll: 2, parallel: 2 });

		fs.writeFileSync(file, '{ "format": 1, "parallel": 2 }');
		await writeSettings({ ...readSettings(file), migratedFrom: 1 }, (values) => void (values.explain = true));
		expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ format: 1, parallel: 2, explain: true });
	});

	it('a migration that fails keeps the file aside with the reason', () => {
		fs.writeFileSync(file, '{ "format": 1 }');
		const result = readSettings(file, { current: 2, migrations: [{ to: 2, since: '0.2.0', up: () => { throw new Error('no way'); } }] });
		expect(result.notes[0]).toMatch(/could not be brought from format 1 to 2: no way/);
	});

	it('a link or a folder in its place: not followed, and the defaults apply', () => {
		fs.writeFileSync(path.join(folder, 'elsewhere'), '{ "parallel": 4 }');
		fs.symlinkSync(path.join(folder, 'elsewhere'), file);
		expect(readSettings(file)).toMatchObject({ values: {}, notes: [expect.stringMatching(/is a symbolic link/)] });
		fs.mkdirSync(file);
		expect(readSettings(file)).toMatchObject({ values: {}, notes: [expect.stringMatching(/cannot use \S+settings\.json: it is a folder, not a file; sfb-pair starts with the default settings/)] });
	});
});
