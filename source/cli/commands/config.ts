import { SETTINGS, settingNamed, type SettingDefinition } from '../../settings/keys.js';
import type { LoadedSettings } from '../../settings/settings-file.js';
import { EXIT, UsageError } from '../exit-codes.js';

/** `sfb-pair config list | get KEY | set KEY VALUE | unset KEY | path`, in the spirit of `npm config` and `git config`. */

function settingOrRefuse(key: string): SettingDefinition {
	const setting = settingNamed(key);
	if (!setting) throw new UsageError(`"${key}" is not a setting; the settings are: ${SETTINGS.map((each) => each.key).join(', ')}`);
	return setting;
}

function refuseReadOnly(loaded: LoadedSettings): void {
	if (loaded.readOnly) throw new UsageError(`${loaded.readOnly}: the settings were not changed`);
}

/** The value in force outside any command line, and where it comes from. */
function effective(setting: SettingDefinition, loaded: LoadedSettings, env: NodeJS.ProcessEnv): { text: string; from: string } {
	const fromEnv = setting.env ? env[setting.env] : undefined;
	if (fromEnv) return { text: fromEnv, from: setting.env! };
	const stored = loaded.values[setting.key];
	if (stored !== undefined) return { text: setting.show(stored), from: 'settings file' };
	return { text: setting.defaultText, from: 'default' };
}

export function configList(loaded: LoadedSettings, env: NodeJS.ProcessEnv, write: (line: string) => void): number {
	const width = Math.max(...SETTINGS.map((setting) => setting.key.length));
	for (const setting of SETTINGS) {
		const { text, from } = effective(setting, loaded, env);
		write(`${setting.key.padEnd(width)}  ${text}  (${from})`);
	}
	write(`settings file: ${loaded.file}`);
	return EXIT.done;
}

export function configGet(loaded: LoadedSettings, env: NodeJS.ProcessEnv, key: string, write: (line: string) => void): number {
	write(effective(settingOrRefuse(key), loaded, env).text);
	return EXIT.done;
}

export async function configSet(loaded: LoadedSettings, key: string, text: string, write: (line: string) => void): Promise<number> {
	const setting = settingOrRefuse(key);
	const parsed = setting.parse(text);
	if (!parsed.ok) throw new UsageError(`${key}: ${parsed.reason}`);
	const { writeSettings } = await import('../../settings/store.js');
	refuseReadOnly(loaded);
	await writeSettings(loaded, (values) => {
		values[key] = parsed.value;
	});
	write(`${key} = ${setting.show(parsed.value)}`);
	return EXIT.done;
}

export async function configUnset(loaded: LoadedSettings, key: string, write: (line: string) => void): Promise<number> {
	const setting = settingOrRefuse(key);
	if (loaded.values[key] === undefined) {
		write(`${key} is not set (default: ${setting.defaultText})`);
		return EXIT.done;
	}
	const { writeSettings } = await import('../../settings/store.js');
	refuseReadOnly(loaded);
	await writeSettings(loaded, (values) => {
		delete values[key];
	});
	write(`${key} unset (default: ${setting.defaultText})`);
	return EXIT.done;
}
