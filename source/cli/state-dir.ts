import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS config folder: %APPDATA%\sfb-pair, ~/Library/Application Support/sfb-pair, or $XDG_CONFIG_HOME/sfb-pair. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
	if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'sfb-pair');
	if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'sfb-pair');
	return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sfb-pair');
}
