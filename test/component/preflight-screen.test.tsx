import stringWidth from 'string-width';
import { describe, expect, it, vi } from 'vitest';
import { countChecks, type Check } from '../../source/procedure/preflight.js';
import { PREFLIGHT_ACCOUNT, type PreflightProgress } from '../../source/procedure/state.js';
import { PreflightPanel } from '../../source/ui/PreflightPanel.js';
import { PreflightReview } from '../../source/ui/prompts/PreflightReview.js';
import { KEYS, plain, press, waitForFrame } from '../helpers/frames.js';
import { renderComponent as render } from '../helpers/render.js';

const ok = (index: number): Check => ({ id: 'winrm', subject: `fe${index}.contoso.com`, status: 'ok', evidence: 'a session opened and answered in 80 ms', action: '' });
const warning: Check = {
	id: 'double-hop',
	subject: 'fe1.contoso.com',
	status: 'warning',
	evidence: "Get-ChildItem -LiteralPath '\\\\fs1\\share' in its remote session: Access is denied",
	action: 'Bootstrapper run remotely may not reach AD or the file store: allow delegation, or run Bootstrapper on fe1.contoso.com yourself',
};
const blocking: Check = {
	id: 'smb',
	subject: 'fe2.contoso.com',
	status: 'blocking',
	evidence: "Test-NetConnection -ComputerName 'fs2.contoso.com' -Port 445 in its remote session: closed",
	action: 'allow TCP 445 from fe2.contoso.com to fs2.contoso.com (firewall, IPsec)',
};
const report = (checks: Check[]) => ({ checks, counts: countChecks(checks) });
const oks = Array.from({ length: 27 }, (_, index) => ok(index + 1));

describe('the pre-flight panel while the doctor reads', () => {
	it('shows the reads still running first, then those back, one failed read marked, with the count', () => {
		const preflight: PreflightProgress = {
			pool: 'pool-a.contoso.com',
			backup: 'pool-b.contoso.com',
			startedAt: 0,
			subjects: [PREFLIGHT_ACCOUNT, 'fe1.contoso.com', 'fe2.contoso.com', 'fe3.contoso.com'],
			read: { [PREFLIGHT_ACCOUNT]: true, 'fe2.contoso.com': false },
		};
		const view = render(<PreflightPanel preflight={preflight} rows={10} now={4000} />);
		const lines = plain(view.lastFrame()).split('\n');
		expect(lines[0]).toBe('Pre-flight · 2 of 4 read · 0:04');
		expect(lines.slice(1, 3).map((line) => line.slice(2))).toEqual(['fe1.contoso.com', 'fe3.contoso.com']);
		expect(lines.slice(3)).toEqual(['✓ the account', '✗ fe2.contoso.com · not all of it could be read']);
		view.unmount();
	});
});

describe('the pre-flight result', () => {
	it('lists blocking before warning, each with its evidence and what to do, counts the ok ones, and offers no way past a blocking check', async () => {
		const onAnswer = vi.fn();
		const view = render(<PreflightReview report={report([...oks.slice(0, 3), warning, ...oks.slice(3), blocking])} rows={30} onAnswer={onAnswer} />, { columns: 80 });
		const frame = await waitForFrame(view, 'Check again');
		const lines = frame.split('\n');
		expect(lines[0]).toBe('✗ Pre-flight: 1 blocking, 1 warning, 27 ok · pairing would fail or break a rule');
		expect(lines[1]).toBe('BLOCKING · SMB to partner file store · fe2.contoso.com');
		expect(frame).toContain('  do: allow TCP 445 from fe2.contoso.com to fs2.contoso.com (firewall, IPsec)');
		expect(frame.indexOf('WARNING · Kerberos double hop · fe1.contoso.com')).toBeGreaterThan(frame.indexOf('BLOCKING'));
		expect(frame).toContain('27 checks ok · Tab every check');
		expect(frame).not.toContain('WinRM');
		expect(frame).not.toContain('Continue anyway');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('recheck'));
		view.unmount();
	});

	it('asks for an explicit "continue anyway" past warnings; Tab lists every check, the ok ones too', async () => {
		const onAnswer = vi.fn();
		const view = render(<PreflightReview report={report([...oks, warning])} rows={20} onAnswer={onAnswer} />, { columns: 80 });
		await waitForFrame(view, 'Continue anyway: I have read the warning');
		await press(view.stdin, '\t');
		const all = await waitForFrame(view, 'Pre-flight: every check');
		expect(all).toContain('ok · WinRM · fe1.contoso.com');
		await press(view.stdin, KEYS.escape);
		await waitForFrame(view, 'Continue anyway');
		await press(view.stdin, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('continue'));
		view.unmount();
	});

	it('offers to go on with the servers whose double hop was refused done by hand', async () => {
		const onAnswer = vi.fn();
		const view = render(<PreflightReview report={report([...oks, warning])} rows={20} onAnswer={onAnswer} />, { columns: 100 });
		await waitForFrame(view, 'Continue; I run Bootstrapper myself on fe1.contoso.com (double hop refused)');
		await press(view.stdin, KEYS.down, KEYS.enter);
		await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('continue-by-hand'));
		view.unmount();
	});

	it('keeps to a 60-column, 24-row terminal: no line wider, the options in view, the checks it cannot show counted', async () => {
		const many = Array.from({ length: 6 }, (_, index) => ({ ...blocking, subject: `fe${index}.contoso.com` }));
		const view = render(<PreflightReview report={report([...oks, ...many])} rows={16} onAnswer={() => undefined} />, { columns: 60, rows: 24 });
		const frame = await waitForFrame(view, 'Quit: nothing has been changed');
		const lines = frame.split('\n');
		for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(60);
		expect(lines.length).toBeLessThanOrEqual(16);
		expect(frame).toMatch(/and \d more to act on · 27 checks ok/);
		view.unmount();

		// One check longer than the rows left: its first lines, and Tab for the rest.
		const tight = render(<PreflightReview report={report([...oks, warning])} rows={9} onAnswer={() => undefined} />, { columns: 40, rows: 24 });
		const tightFrame = await waitForFrame(tight, 'Quit: nothing has been changed');
		expect(tightFrame.split('\n').length).toBeLessThanOrEqual(9);
		expect(tightFrame).toContain('… (Tab shows it whole)');
		tight.unmount();
	});
});
