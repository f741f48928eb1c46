import { Help, type Command, type Option } from 'commander';
import { SETTINGS, type SettingDefinition } from '../settings/keys.js';
import type { LoadedSettings } from '../settings/settings-file.js';

/**
 * Settings meet the command line through commander's own precedence: a setting presets its option with the
 * source "config", which the command line beats. A setting whose environment variable is set is left out, so
 * the variable beats it. Help and the wizard's header say where a value that is not the default came from.
 */

const envValue = (setting: SettingDefinition, env: NodeJS.ProcessEnv) => (setting.env && env[setting.env] ? env[setting.env] : undefined);

const optionOf = (command: Command, setting: SettingDefinition): Option | undefined =>
	command.options.find((option) => option.attributeName() === setting.option.attribute && !option.negate);

export function applySettings(commands: Command[], loaded: LoadedSettings, env: NodeJS.ProcessEnv = process.env): void {
	for (const command of commands) {
		for (const setting of SETTINGS) {
			const value = loaded.values[setting.key];
			if (value === undefined || envValue(setting, env) !== undefined || !optionOf(command, setting)) continue;
			command.setOptionValueWithSource(setting.option.attribute, setting.option.from(value), 'config');
		}
	}
}

/** "parallel 4 (settings file)", "state-dir /srv/sfb (SFB_PAIR_STATE_DIR)", "sync-poll 10 s (--sync-poll)": every value not at its default. */
export function originsOf(command: Command, loaded: LoadedSettings, env: NodeJS.ProcessEnv = process.env): string[] {
	const origins: string[] = [];
	for (const setting of SETTINGS) {
		const option = optionOf(command, setting);
		if (!option) continue;
		const source = command.getOptionValueSource(setting.option.attribute);
		const fromEnv = envValue(setting, env);
		if (source === 'cli') continue;
		if (fromEnv !== undefined) origins.push(`${setting.key} ${fromEnv} (${setting.env})`);
		else if (source === 'config' && loaded.values[setting.key] !== undefined) origins.push(`${setting.key} ${setting.show(loaded.values[setting.key]!)} (settings file)`);
	}
	return origins;
}

/** `--help` names, beside each option a setting or a variable has changed, the value it now has and where from. */
export function describeOrigins(commands: Command[], loaded: LoadedSettings, env: NodeJS.ProcessEnv = process.env): void {
	const plain = new Help();
	for (const command of commands) {
		command.configureHelp({
			optionDescription(option) {
				const base = plain.optionDescription(option);
				const setting = SETTINGS.find((each) => each.option.attribute === option.attributeName() && !option.negate);
				if (!setting) return base;
				const fromEnv = envValue(setting, env);
				if (fromEnv !== undefined) return `${base} [now ${fromEnv}, from ${setting.env}]`;
				const stored = loaded.values[setting.key];
				return stored === undefined ? base : `${base} [now ${setting.show(stored)}, from the settings file ${loaded.file}]`;
			},
		});
	}
}
