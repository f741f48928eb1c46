import path from 'node:path';
import { readBoundedFileSync } from '../session/bounded-read.js';
import { FileProblem, keepAside } from '../session/private-fs.js';
import { parseJsonText } from '../text/json-text.js';
import { defaultStateDir } from '../cli/state-dir.js';
import { schemaProblem, SETTINGS, SETTINGS_FORMAT, settingNamed, type SettingValue } from './keys.js';

/**
 * The settings file, read at every start without conf: a few hundred bytes read and checked by hand cost
 * nothing before the first frame, and conf (with atomically's signal handlers) is loaded only by
 * `sfb-pair config` to write (store.ts).
 *
 * The file carries a `format` number, and older formats are brought up to date here by `MIGRATIONS`, each
 * naming the sfb-pair version that introduced it. conf has migrations keyed by the package version, but its
 * author says he "cannot provide support for this feature. It has some known bugs"; and they would run only
 * inside conf, which the start-up read does not load. A format number changes only when a stored value
 * changes meaning, not at every release, so most releases need no migration at all.
 */

export interface Migration {
	/** The format this migration produces, from the format just below it. */
	to: number;
	/** The sfb-pair version that introduced the format, for the reader of this table. */
	since: string;
	up(settings: Record<string, unknown>): Record<string, unknown>;
}

/** Format 1 (sfb-pair 0.1.0) is the first; a change of a stored value's meaning adds `{ to: 2, since, up }` here. */
export const MIGRATIONS: readonly Migration[] = [];

export interface LoadedSettings {
	file: string;
	values: Record<string, SettingValue>;
	/** One line each, for stderr and the wizard's header: a file set aside, a newer file left alone. */
	notes: string[];
	/** Why `config set` must not write the file (it was written by a newer sfb-pair, or cannot be used). */
	readOnly?: string;
	/** The format the file was in, when it was older than this program's and migrated in memory. */
	migratedFrom?: number;
}

const MAX_SETTINGS_BYTES = 1024 * 1024;

/** `settings.json` in the OS config folder (not the state folder, which a setting may move). */
export function settingsPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
	return path.join(defaultStateDir(env, platform), 'settings.json');
}

/** `current` and `migrations` are this program's; a test may give others to read a file as a later format would. */
export function readSettings(file: string, { current = SETTINGS_FORMAT, migrations = MIGRATIONS }: { current?: number; migrations?: readonly Migration[] } = {}): LoadedSettings {
	let bytes: Buffer | undefined;
	try {
		bytes = readBoundedFileSync(file, { maxBytes: MAX_SETTINGS_BYTES, what: 'a settings file' });
	} catch (error) {
		if (!(error instanceof FileProblem)) throw error;
		if (error.reason.startsWith('it is a symbolic link') || error.reason.includes('over the')) return setAside(file, error.reason.replace(/^it /, ''));
		return { file, values: {}, notes: [`${error.message}; sfb-pair starts with the default settings`], readOnly: error.message };
	}
	if (bytes === undefined) return { file, values: {}, notes: [] };
	const json = parseJsonText(bytes.toString('utf8'));
	if (!json.ok) return setAside(file, json.reason);
	if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) return setAside(file, 'is not a JSON object');
	let stored = json.value as Record<string, unknown>;
	const format = stored.format ?? 1;
	if (!Number.isInteger(format) || (format as number) < 1) return setAside(file, `has format ${JSON.stringify(format)}, which is not a format number`);
	if ((format as number) > current) {
		const reason = `the settings file ${file} was written by a newer sfb-pair (format ${String(format)}; this one reads up to format ${current})`;
		return { file, values: {}, notes: [`${reason}: sfb-pair starts with the default settings and leaves the file as it is`], readOnly: reason };
	}
	for (const migration of migrations.filter((each) => each.to > (format as number) && each.to <= current)) {
		try {
			stored = migration.up(stored);
		} catch (error) {
			return setAside(file, `could not be brought from format ${migration.to - 1} to ${migration.to}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	const values: Record<string, SettingValue> = {};
	for (const [key, value] of Object.entries(stored)) {
		if (key === 'format') continue;
		const setting = settingNamed(key);
		if (!setting) return setAside(file, `names "${key}", which is not a setting (the settings are ${SETTINGS.map((each) => each.key).join(', ')})`);
		const problem = schemaProblem(setting, value);
		if (problem) return setAside(file, `holds ${key} = ${JSON.stringify(value)}, which ${problem}`);
		values[key] = value as SettingValue;
	}
	return { file, values, notes: [], ...((format as number) < current ? { migratedFrom: format as number } : {}) };
}

/** A file that fails validation is kept beside, named like a damaged session file, and the defaults apply. */
function setAside(file: string, reason: string): LoadedSettings {
	let target: string;
	try {
		target = keepAside(file, 'corrupt');
	} catch (error) {
		const problem = `the settings file ${file} is not valid (it ${reason}) and ${error instanceof FileProblem ? error.reason : String(error)}`;
		return { file, values: {}, notes: [`${problem}; sfb-pair starts with the default settings`], readOnly: problem };
	}
	return { file, values: {}, notes: [`the settings file ${file} is not valid (it ${reason}): it is kept as ${target}, and sfb-pair starts with the default settings`] };
}
