/**
 * The Cumulative Update installer as a live run uses it (`--cu-installer`): SkypeServerUpdateInstaller.exe on a share
 * every Front End reads, run on each server in silent mode (sfb-facts.md §8: `/silentmode`).
 */

export const INSTALLER_SILENT_SWITCH = '/silentmode';

/**
 * The installer's success is 0, or 3010 (Windows Installer's "restart required") as for Bootstrapper: Microsoft
 * documents no exit codes for SkypeServerUpdateInstaller.exe [unverified].
 */
export const INSTALLER_REBOOT_REQUIRED = 3010;

/** Longer than any path Windows opens without the \\?\ prefix (MAX_PATH 260): a longer one is a mistake. */
const LONGEST_PATH = 260;
/** Characters no Windows file, folder, server or share name may hold; and control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the purpose
const FORBIDDEN = /[<>:"/|?*\u0000-\u001F\u007F]/;
const EXAMPLE = '\\\\fs01.contoso.com\\updates\\SkypeServerUpdateInstaller.exe';

export type InstallerPathCheck = { ok: true; value: string } | { ok: false; reason: string };

/**
 * `--cu-installer PATH`: a UNC path (\\server\share\...\file.exe), because each Front End runs it from its own session
 * and a drive letter or a local path on the jump box means nothing there.
 */
export function checkInstallerPath(text: string): InstallerPathCheck {
	const value = text.trim();
	const refuse = (why: string): InstallerPathCheck => ({ ok: false, reason: `${why}: give the installer on a share every Front End can read, e.g. ${EXAMPLE}` });
	if (value === '') return refuse('the installer path is empty');
	if (value.length > LONGEST_PATH) return refuse(`the installer path is ${value.length} characters long, more than Windows opens (${LONGEST_PATH})`);
	if (/^\\\\[?.]\\/.test(value)) return refuse(`"${shown(value)}" is a device path (\\\\?\\ or \\\\.\\), not a share`);
	if (!value.startsWith('\\\\')) return refuse(`"${shown(value)}" is not a UNC path (\\\\server\\share\\...): each Front End runs the installer from its own session, where the jump box's drives and folders are not`);
	const parts = value.slice(2).split('\\');
	if (parts.length < 3 || parts.some((part) => part === '')) return refuse(`"${shown(value)}" does not name a server, a share and the installer file (\\\\server\\share\\file.exe)`);
	const bad = parts.find((part) => FORBIDDEN.test(part) || /^\.{1,2}$/.test(part));
	if (bad !== undefined) return refuse(`"${shown(value)}" holds a name Windows does not allow ("${shown(bad)}")`);
	if (!/\.exe$/i.test(parts.at(-1)!)) return refuse(`"${shown(value)}" does not name an .exe: give the installer itself, not its folder`);
	return { ok: true, value };
}

/** A path as said back in a reason: control characters shown as escapes, so a bad one cannot move the cursor. */
function shown(text: string): string {
	// eslint-disable-next-line no-control-regex -- escaping control characters is the purpose
	return text.replace(/[\u0000-\u001F\u007F]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
