import chalk from 'chalk';

/** chalk honours --no-color and FORCE_COLOR itself; NO_COLOR (no-color.org) it leaves to us. */
export function applyColorPreference(env: NodeJS.ProcessEnv, argv: string[]): void {
	const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
	if (argv.includes('--no-color') || (env.NO_COLOR !== undefined && env.NO_COLOR !== '' && !forced)) chalk.level = 0;
}
