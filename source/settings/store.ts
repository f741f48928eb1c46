import { chmodSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDirectory, privateFileMode, replaceFileSync } from '../session/private-fs.js';
import { SETTINGS_FORMAT, settingsSchema, type SettingValue } from './keys.js';
import type { LoadedSettings } from './settings-file.js';

/**
 * Writes the settings with conf, which checks every write against the schema (keys.ts) and replaces the file
 * atomically. Imported only by `sfb-pair config`: conf writes through atomically, whose import hooks SIGINT,
 * SIGTERM and SIGHUP (via when-exit) and raises the signal again after its own clean-up. Loaded into the wizard
 * or `run`, that would turn a cancel (exit 130, session resumable, a record entry) into a death by signal.
 */
export async function writeSettings(loaded: LoadedSettings, change: (values: Record<string, SettingValue>) => void): Promise<void> {
	const { default: Conf } = await import('conf');
	ensurePrivateDirectory(path.dirname(loaded.file), 'settings folder');
	// conf checks the file it finds against today's schema: an older format goes in as the reader migrated it.
	if (loaded.migratedFrom !== undefined) replaceFileSync(loaded.file, `${JSON.stringify({ format: SETTINGS_FORMAT, ...loaded.values }, null, '\t')}\n`);
	const store = new Conf<Record<string, unknown>>({
		cwd: path.dirname(loaded.file),
		configName: path.basename(loaded.file, '.json'),
		schema: settingsSchema(),
		rootSchema: { additionalProperties: false },
		accessPropertiesByDotNotation: false,
		clearInvalidConfig: false,
		configFileMode: privateFileMode,
	});
	const values = { ...loaded.values };
	change(values);
	// The whole store at once: an older format was migrated in memory by the reader, and is written as the current one.
	store.store = { format: SETTINGS_FORMAT, ...values };
	// The mode conf gives is narrowed by the umask, never widened to 0600 exactly.
	chmodSync(store.path, privateFileMode);
}
