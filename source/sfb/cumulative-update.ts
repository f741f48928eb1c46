import { done, notDone, unknown, type Observation } from './observation.js';

/** One installed Skype for Business Server component and its version on one server. */
export interface ComponentVersion {
	/** e.g. "Skype for Business Server 2015, Core Components" */
	name: string;
	/** e.g. "6.0.9319.534" */
	version: string;
}

/**
 * Component names as `Get-CsServerPatchVersion` (ComponentName) and the installed products (DisplayName) give them:
 * "Skype for Business Server 2015, Core Components" is seen in Microsoft's own scripts; for the Backup Service a field
 * report shows "Microsoft Lync Server 2013, Backup Service" on a 2015 server (OfficeDocs-SkypeForBusiness issue 3011).
 * Matched on the part after the product, so either spelling counts [unverified beyond those two].
 */
const CORE_COMPONENTS = /core components/i;
const BACKUP_SERVICE = /backup service/i;

function parseVersion(text: string): number[] | undefined {
	const match = /^\s*(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(text);
	return match ? match.slice(1).map((part) => Number(part ?? 0)) : undefined;
}

function compareVersions(left: number[], right: number[]): number {
	for (let index = 0; index < Math.max(left.length, right.length); index++) {
		const difference = (left[index] ?? 0) - (right[index] ?? 0);
		if (difference !== 0) return difference;
	}
	return 0;
}

/**
 * Is the Cumulative Update re-applied to the Backup Service? Bootstrapper installs it from the original media, so
 * until the CU is applied again its version stays behind the Core Components' (sfb-facts.md §5). Done when the
 * Backup Service is at least at the Core Components' version.
 */
export function judgeCumulativeUpdate(components: ComponentVersion[], source: string): Observation {
	const listed = components.map((component) => `${component.name} ${component.version}`).join('; ') || 'nothing';
	const core = components.filter((component) => CORE_COMPONENTS.test(component.name));
	const backup = components.filter((component) => BACKUP_SERVICE.test(component.name));
	if (core.length === 0) return unknown('unexpected-output', `${source} names no Core Components (it listed ${listed})`);
	const coreVersions = core.map((component) => parseVersion(component.version));
	if (coreVersions.some((version) => version === undefined)) return unknown('unexpected-output', `${source}: Core Components version not readable (${listed})`);
	const coreVersion = (coreVersions as number[][]).sort(compareVersions).at(-1)!;
	const coreText = coreVersion.join('.');
	if (backup.length === 0) return notDone(`${source}: no Backup Service installed (Core Components ${coreText})`);
	const backupVersions = backup.map((component) => parseVersion(component.version));
	if (backupVersions.some((version) => version === undefined)) return unknown('unexpected-output', `${source}: Backup Service version not readable (${listed})`);
	const backupVersion = (backupVersions as number[][]).sort(compareVersions)[0]!;
	const backupText = backupVersion.join('.');
	if (compareVersions(backupVersion, coreVersion) >= 0) {
		return done(`${source}: Backup Service ${backupText}, Core Components ${coreText}`, backupText);
	}
	return notDone(`${source}: Backup Service ${backupText} is behind Core Components ${coreText} (the Cumulative Update was not re-applied after Bootstrapper)`, {
		value: backupText,
	});
}

/** The server's Core Components version (the level its Cumulative Update brought it to), or undefined when unreadable. */
export function coreComponentsVersion(components: ComponentVersion[]): string | undefined {
	const versions = components.filter((component) => CORE_COMPONENTS.test(component.name)).map((component) => parseVersion(component.version));
	if (versions.length === 0 || versions.some((version) => version === undefined)) return undefined;
	return (versions as number[][]).sort(compareVersions).at(-1)!.join('.');
}
