/**
 * The one way a value reaches PowerShell: as a single-quoted literal. Inside single quotes PowerShell
 * expands nothing; the only special characters are the quotes themselves, and PowerShell treats the
 * typographic single quotes U+2018–U+201B as quotes too, so each of them is doubled like `'`.
 */
export function powershellLiteral(value: string): string {
	return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote)}'`;
}
