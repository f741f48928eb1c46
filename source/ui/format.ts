/** m:ss, or h:mm:ss past an hour. */
export function formatElapsed(ms: number): string {
	return elapsedParts(ms).join('');
}

/** formatElapsed in pieces, each from a small set whatever the duration: `1:`, `05:`, `09`. */
export function elapsedParts(ms: number): string[] {
	const total = Math.max(0, Math.floor(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = String(total % 60).padStart(2, '0');
	return hours > 0 ? [`${hours}:`, `${String(minutes).padStart(2, '0')}:`, seconds] : [`${minutes}:`, seconds];
}

/** The host part of an FQDN, where space is short. */
export function shortName(fqdn: string): string {
	return fqdn.split('.')[0] ?? fqdn;
}
