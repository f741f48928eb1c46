import type { PairPicture, ServerPicture } from '../../source/procedure/picture.js';
import { done, notDone, unknown, type Observation } from '../../source/sfb/observation.js';

export const DONE = done('read: done');
export const NOT_DONE = notDone('read: not done');
export const UNKNOWN = unknown('unreachable', 'read: WinRM failed');

/** A server of a picture: deployed and every phase done, unless the test says otherwise. */
export function seen(fqdn: string, pool: string, phases: Partial<Omit<ServerPicture, 'fqdn' | 'pool'>> = {}): ServerPicture {
	return { fqdn, pool, deployment: DONE, bootstrapper: DONE, 'cumulative-update': DONE, 'backup-service': DONE, ...phases };
}

/** A picture of the pair a.contoso.com ↔ b.contoso.com: paired both ways and steady, unless the test says otherwise. */
export function picture(servers: ServerPicture[], overrides: { pairing?: [Observation, Observation]; sync?: [Observation, Observation] } = {}): PairPicture {
	const [forward, reverse] = overrides.pairing ?? [DONE, DONE];
	const [a, b] = overrides.sync ?? [DONE, DONE];
	return {
		pool: 'a.contoso.com',
		backup: 'b.contoso.com',
		at: 0,
		pairing: [
			{ pool: 'a.contoso.com', partner: 'b.contoso.com', observation: forward },
			{ pool: 'b.contoso.com', partner: 'a.contoso.com', observation: reverse },
		],
		servers,
		sync: [
			{ pool: 'a.contoso.com', observation: a, modules: [] },
			{ pool: 'b.contoso.com', observation: b, modules: [] },
		],
	};
}
