import type { ProductVersion } from './model.js';

/** Deployment folders per product version that can be paired (sfb-facts.md §4), for the lab and for display: the live side reads the real one from the Front End service. */
export const BOOTSTRAPPER_FOLDERS: Record<Exclude<ProductVersion, 'unknown' | 'Lync Server 2010'>, string> = {
	'Skype for Business Server 2019': 'Program Files\\Skype for Business Server 2019\\Deployment',
	'Skype for Business Server 2015': 'Program Files\\Skype for Business Server 2015\\Deployment',
	'Lync Server 2013': 'Program Files\\Microsoft Lync Server 2013\\Deployment',
};

export function bootstrapperPathForDisplay(version: ProductVersion): string {
	const folder = version === 'unknown' || version === 'Lync Server 2010' ? BOOTSTRAPPER_FOLDERS['Skype for Business Server 2015'] : BOOTSTRAPPER_FOLDERS[version];
	return `<drive>:\\${folder}\\Bootstrapper.exe`;
}

/** Exit codes Bootstrapper ends with on success; 3010 asks for a reboot (sfb-facts.md §4). */
export const BOOTSTRAPPER_REBOOT_REQUIRED = 3010;

export function isBootstrapperSuccess(exitCode: number): boolean {
	return exitCode === 0 || exitCode === BOOTSTRAPPER_REBOOT_REQUIRED;
}

export type BootstrapperLocation = { path: string } | { reason: string };

/**
 * Bootstrapper.exe from the Front End service's image path (Win32_Service RTCSRV `PathName`): the install folder is
 * what comes before `\Server\Core\` in it, and Bootstrapper is in its `Deployment` folder (sfb-facts.md §8). The
 * `Server\Core` layout of the service's folder is [unverified] beyond the product's default paths; a path without it
 * is refused with its reason, never guessed from.
 */
export function bootstrapperFromServicePath(pathName: string | null | undefined): BootstrapperLocation {
	const text = (pathName ?? '').trim();
	if (text === '') return { reason: "the Front End service (RTCSRV) has no install path in Win32_Service's PathName" };
	// A quoted image path, then its arguments; an unquoted one ends at ".exe".
	const image = text.startsWith('"') ? text.slice(1, text.indexOf('"', 1) > 0 ? text.indexOf('"', 1) : undefined) : (/^.*?\.exe\b/i.exec(text)?.[0] ?? text);
	const marker = /\\Server\\Core\\[^\\]+$/i.exec(image);
	if (!/^([A-Za-z]:|\\\\[^\\]+\\[^\\]+)\\/.test(image) || marker === null) {
		return { reason: `the Front End service's install path ${image} is not <install folder>\\Server\\Core\\<program>, so its install folder cannot be told` };
	}
	return { path: `${image.slice(0, marker.index)}\\Deployment\\Bootstrapper.exe` };
}
