import type { ProductVersion } from './model.js';

/** Deployment folders per product version that can be paired (sfb-facts.md §4); the install drive is probed per server. */
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
