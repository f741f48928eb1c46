import path from 'node:path';
import { checkDuration, checkNumber, formatDuration, PACING, PARALLEL, type Bounds, type Checked } from '../text/bounded-values.js';
import { checkOperatorName, LONGEST_NAME } from '../cli/run-identity.js';
import { FAILOVER_FLOOR_SECONDS } from '../sfb/voice-resiliency.js';
import { checkInstallerPath } from '../sfb/update-installer.js';

/**
 * Every setting `sfb-pair config` knows, in one table. Adding a setting is adding an entry here: its name
 * (the flag it presets, without the dashes), the JSON Schema its stored value must match (conf checks it on
 * every write, and the start-up reader checks the same schema), how `config set` reads what is typed, how
 * the value is said back, and the command-line option it presets. Flags beat environment variables, which
 * beat settings, which beat the built-in defaults.
 */

export type SettingValue = string | number | boolean;

export interface SettingDefinition {
	key: string;
	summary: string;
	/** The built-in default, as `config list` says it. */
	defaultText: string;
	schema: { type: 'string' | 'integer' | 'number' | 'boolean'; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; pattern?: string };
	/** What `config set KEY VALUE` was given, as the value to store. */
	parse(text: string): { ok: true; value: SettingValue } | { ok: false; reason: string };
	show(value: SettingValue): string;
	/** The commander attribute of the option the setting presets, and the value that option takes. */
	option: { attribute: string; from(value: SettingValue): unknown };
	/** An environment variable that also sets it, and so beats the setting. */
	env?: string;
	/** What a value that misses the schema's pattern is not (default: printable characters only). */
	patternReason?: string;
}

const fromChecked = (checked: Checked) => (checked.ok ? { ok: true as const, value: checked.value } : checked);

function duration(key: string, summary: string, bounds: Bounds, defaultSeconds: number, attribute: string, optionTakesText = false): SettingDefinition {
	return {
		key,
		summary,
		defaultText: formatDuration(defaultSeconds),
		schema: { type: 'integer', minimum: bounds.min, maximum: bounds.max },
		parse: (text) => fromChecked(checkDuration(text, bounds)),
		show: (value) => formatDuration(Number(value)),
		option: { attribute, from: (value) => (optionTakesText ? String(value) : value) },
	};
}

const truth: Record<string, boolean> = { true: true, on: true, yes: true, '1': true, false: false, off: false, no: false, '0': false };

function flag(key: string, summary: string, defaultValue: boolean, attribute: string, env?: string): SettingDefinition {
	return {
		key,
		summary,
		defaultText: defaultValue ? 'on' : 'off',
		schema: { type: 'boolean' },
		parse: (text) => {
			const value = truth[text.trim().toLowerCase()];
			return value === undefined ? { ok: false, reason: `"${text}" is not on or off (also true/false, yes/no, 1/0)` } : { ok: true, value };
		},
		show: (value) => (value ? 'on' : 'off'),
		option: { attribute, from: (value) => value },
		...(env ? { env } : {}),
	};
}

function absolutePath(key: string, summary: string, defaultText: string, attribute: string, env: string): SettingDefinition {
	return {
		key,
		summary,
		defaultText,
		schema: { type: 'string', minLength: 1 },
		parse: (text) => (path.isAbsolute(text.trim()) ? { ok: true, value: text.trim() } : { ok: false, reason: `"${text}" is not an absolute path: a setting is read from any folder` }),
		show: String,
		option: { attribute, from: (value) => value },
		env,
	};
}

export const SETTINGS: readonly SettingDefinition[] = [
	absolutePath('state-dir', 'where sessions, the lab farm, snapshots and records are kept', 'the OS config folder', 'stateDir', 'SFB_PAIR_STATE_DIR'),
	absolutePath('powershell', 'the PowerShell for --live', 'powershell.exe on Windows, pwsh elsewhere', 'powershell', 'NODE_POWERSHELL'),
	{
		key: 'parallel',
		summary: 'servers at once inside each pool during Bootstrapper',
		defaultText: '1',
		schema: { type: 'integer', minimum: PARALLEL.min, maximum: PARALLEL.max },
		parse: (text) => fromChecked(checkNumber(text, PARALLEL, { integer: true })),
		show: String,
		option: { attribute: 'parallel', from: (value) => value },
	},
	flag('automatic-failover', 'automatic failover and failback for Voice', true, 'automaticFailover'),
	duration('failover-interval', 'voice failover detection interval', { min: FAILOVER_FLOOR_SECONDS, max: 86_400 }, 300, 'failoverInterval', true),
	duration('failback-interval', 'voice failback detection interval', { min: 30, max: 86_400 }, 600, 'failbackInterval', true),
	duration('sync-poll', 'time between two Backup Service status polls', PACING.syncPoll, 30, 'syncPoll'),
	duration('sync-timeout', 'how long to wait for steady state before asking', PACING.syncTimeout, 30 * 60, 'syncTimeout'),
	duration('service-settle', 'how long LYNCBACKUP must stay Running after a start', PACING.serviceSettle, 60, 'serviceSettle'),
	{
		key: 'cu-installer',
		summary: 'live: SkypeServerUpdateInstaller.exe on a share every Front End can read; the Cumulative Update step runs it itself',
		defaultText: 'none: the operator re-applies the CU by hand',
		// A UNC path (\\server\share\...): a hand-edited file is held to what `config set` takes.
		schema: { type: 'string', minLength: 1, maxLength: 260, pattern: '^\\\\\\\\[^\\\\]+\\\\[^\\\\]+\\\\.+\\.[eE][xX][eE]$' },
		parse: checkInstallerPath,
		show: String,
		option: { attribute: 'cuInstaller', from: (value) => value },
		patternReason: 'must be a UNC path to the installer (\\\\server\\share\\...\\file.exe)',
	},
	flag('explain', 'explain beside each step why it exists', false, 'explain'),
	flag('ascii', 'draw with ASCII characters only', false, 'ascii', 'SFB_PAIR_ASCII'),
	{
		key: 'operator',
		summary: 'who makes the change, as the change record names them',
		defaultText: 'the OS account',
		// No control characters, bidirectional marks or line separators: a hand-edited file is held to what `config set` takes.
		schema: { type: 'string', minLength: 1, maxLength: LONGEST_NAME, pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]+$' },
		parse: checkOperatorName,
		show: String,
		option: { attribute: 'operator', from: (value) => value },
	},
];

export function settingNamed(key: string): SettingDefinition | undefined {
	return SETTINGS.find((setting) => setting.key === key);
}

/** Why `value` does not match the setting's schema, or undefined when it does: the subset of JSON Schema the table uses. */
export function schemaProblem(setting: SettingDefinition, value: unknown): string | undefined {
	const { type, minimum, maximum, minLength, maxLength, pattern } = setting.schema;
	const typeOk =
		type === 'integer' ? Number.isInteger(value) : type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === type;
	if (!typeOk) return `must be ${type === 'integer' ? 'an integer' : `a ${type}`}`;
	if (minimum !== undefined && (value as number) < minimum) return `must be >= ${minimum}`;
	if (maximum !== undefined && (value as number) > maximum) return `must be <= ${maximum}`;
	if (minLength !== undefined && (value as string).length < minLength) return `must not be empty`;
	if (maxLength !== undefined && (value as string).length > maxLength) return `must be at most ${maxLength} characters`;
	if (pattern !== undefined && !new RegExp(pattern, 'u').test(value as string)) return setting.patternReason ?? 'must hold printable characters only';
	return undefined;
}

/** The settings file's format. Raised when a stored value changes meaning; each raise adds a migration (settings-file.ts). */
export const SETTINGS_FORMAT = 1;

/** The schema conf is given: the format, and each setting by its key; nothing else is allowed. */
export function settingsSchema(): Record<string, object> {
	return {
		format: { type: 'integer', minimum: 1, maximum: SETTINGS_FORMAT },
		...Object.fromEntries(SETTINGS.map((setting) => [setting.key, setting.schema])),
	};
}
