/** `\\fs01.contoso.com\share` → `fs01.contoso.com`. */
export function hostOfShare(unc: string): string | undefined {
	return /^\\\\([^\\]+)\\/.exec(unc)?.[1];
}
