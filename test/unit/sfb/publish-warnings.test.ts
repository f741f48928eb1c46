import { describe, expect, it } from 'vitest';
import { publishWarningAdvice, publishWarnings, warningsInReport } from '../../../source/sfb/publish-warnings.js';

const SHARE = 'Could not set file share permissions on \\\\fs01\\share: Access is denied.';

describe("Enable-CsTopology's warnings", () => {
	it('reads the warning lines out of an HTML report, markup and entities gone', () => {
		const report = `<html><body><table><tr><td>Enabling topology: Success</td></tr><tr><td class="warning">Warning: ${SHARE.replace(/\\/g, '&#92;').replace('&#92;', '\\')}</td></tr><tr><td>Warning: the &quot;B&quot; pool &amp; its replica</td></tr></table><script>var warning = 1;</script></body></html>`;
		expect(warningsInReport(report)).toEqual([expect.stringMatching(/^Warning: Could not set file share permissions/), 'Warning: the "B" pool & its replica']);
	});

	it('keeps each warning once when the stream and the report both say it', () => {
		expect(publishWarnings([SHARE], `<p>WARNING: ${SHARE}</p><p>Warning: another one</p>`)).toEqual([SHARE, 'Warning: another one']);
		expect(publishWarnings([], undefined)).toEqual([]);
		expect(publishWarnings(['  ', 'x'.repeat(1000)], undefined)[0]).toHaveLength(400);
	});

	it('says what to do only for a warning known to break the Backup Service', () => {
		expect(publishWarningAdvice([SHARE])).toMatch(/ErrorState.*local Administrator on the file server/);
		expect(publishWarningAdvice(['Warning: something else'])).toBeUndefined();
	});
});
