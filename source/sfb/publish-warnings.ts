/**
 * What Enable-CsTopology warns about, and what each warning means for the pair. The wording of its warnings and the
 * layout of its -Report file are [unverified]: no public source shows either. Microsoft's reference says only that
 * -Report names "the log file created when the cmdlet runs" (an .html file in its example). The report is read as
 * text: its markup stripped, its lines that say "warning" kept.
 */

/** Enable-CsTopology could not set the permissions on a pool's file store: the classic cause of a Backup Service ErrorState. */
export const FILE_SHARE_PERMISSIONS = /file share permissions?/i;

const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 400;

export function isFileSharePermissionsWarning(warning: string): boolean {
	return FILE_SHARE_PERMISSIONS.test(warning);
}

/** The report's lines that carry a warning, as plain text. */
export function warningsInReport(report: string): string[] {
	const text = report
		.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<(br|\/p|\/div|\/tr|\/li|\/h\d)\b[^>]*>/gi, '\n')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&nbsp;/gi, ' ')
		.replace(/&lt;/gi, '<')
		.replace(/&gt;/gi, '>')
		.replace(/&quot;/gi, '"')
		.replace(/&#39;|&apos;/gi, "'")
		.replace(/&amp;/gi, '&');
	return text
		.split(/\r?\n/)
		.map((line) => line.replace(/\s+/g, ' ').trim())
		.filter((line) => /\bwarning\b/i.test(line) || FILE_SHARE_PERMISSIONS.test(line));
}

/**
 * The warning stream's warnings, then the report's that say something the stream did not, each once and cut to a
 * readable length: the stream and the report usually say the same thing in slightly different words.
 */
export function publishWarnings(streamed: string[], report: string | undefined): string[] {
	const kept: string[] = [];
	const key = (text: string) => text.toLowerCase().replace(/^warning\s*:?\s*/, '').replace(/\s+/g, ' ').trim();
	const known = (text: string) => kept.some((other) => key(other).includes(key(text)) || key(text).includes(key(other)));
	for (const warning of [...streamed, ...(report === undefined ? [] : warningsInReport(report))]) {
		const line = warning.replace(/\s+/g, ' ').trim();
		if (line === '' || key(line) === '' || known(line)) continue;
		kept.push(line.length > MAX_WARNING_CHARS ? `${line.slice(0, MAX_WARNING_CHARS - 1)}…` : line);
		if (kept.length === MAX_WARNINGS) break;
	}
	return kept;
}

/** What the operator should do about the warnings, when one of them is known to break the Backup Service. */
export function publishWarningAdvice(warnings: string[]): string | undefined {
	if (!warnings.some(isFileSharePermissionsWarning)) return undefined;
	return 'Enable-CsTopology could not set the file share permissions: the Backup Service cannot write to the file store and goes to ErrorState. Run Enable-CsTopology again from an account that is a local Administrator on the file server (or grant the RTC groups their rights on the share), then check the share';
}

/** A -Report file's shape for `doctor --capture`: its markup's element names and how many warning lines, never its text. */
export function reportShape(report: string): { type: string; elements: string[]; warningLines: number; characters: number } {
	const elements = [...new Set([...report.matchAll(/<([A-Za-z][A-Za-z0-9:_-]*)/g)].map((match) => match[1]!.toLowerCase()))].sort();
	return { type: elements.length > 0 ? 'markup' : 'text', elements, warningLines: warningsInReport(report).length, characters: report.length };
}
