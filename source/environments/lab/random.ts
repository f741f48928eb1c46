/** mulberry32: a small, fast 32-bit PRNG; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = state;
		mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A generator for one decision, derived from the scenario seed and the decision's names
 * (e.g. seed, "bootstrapper", server, run number). Keyed rather than drawn from one stream, so a value does
 * not depend on the order calls happen to arrive in, and a restarted process makes the same choices.
 */
export function seededRandom(seed: number, ...keys: (string | number)[]): () => number {
	return mulberry32(hashKeys(seed, keys));
}

/** FNV-1a over the seed and keys. */
function hashKeys(seed: number, keys: (string | number)[]): number {
	let hash = 0x811c9dc5 ^ (seed >>> 0);
	for (const character of `${keys.join('\u0000')}`) {
		hash ^= character.codePointAt(0) ?? 0;
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** `base` varied by up to ±`fraction` of itself. */
export function jitter(random: () => number, base: number, fraction: number): number {
	return base * (1 + (random() * 2 - 1) * fraction);
}

/** A GUID-shaped string, as a topology Signature attribute looks. */
export function seededGuid(random: () => number): string {
	const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
