import { describe, expect, it } from 'vitest';
import type { ProcedureEvent } from '../../source/procedure/events.js';
import type { ServerFailure } from '../../source/procedure/operator.js';
import { reduce } from '../../source/procedure/reducer.js';
import { initialState, type ProcedureState } from '../../source/procedure/state.js';
import type { NewEvent } from '../../source/session/session.js';
import type { FrontEndPool } from '../../source/sfb/model.js';
import { LoggedLineView } from '../../source/ui/guarded-run/LoggedLineView.js';
import { BackupPicker } from '../../source/ui/prompts/BackupPicker.js';
import { FailurePrompt } from '../../source/ui/prompts/FailurePrompt.js';
import { ScrollbackLine } from '../../source/ui/ScrollbackLine.js';
import { VoiceForm } from '../../source/ui/prompts/VoiceForm.js';
import { DEFAULT_VOICE } from '../../source/sfb/voice-resiliency.js';
import { Summary } from '../../source/ui/Summary.js';
import { waitForFrame } from '../helpers/frames.js';
import { frameOf, renderComponent } from '../helpers/render.js';

const COLUMNS = 60;
const RECORD = '/tmp/uip-x/records/2026-12-01T04-26-14-033Z-drill-pool-redmond.contoso.com.md';

/** A line that starts with one space and then text: what Ink's own wrapping leaves where a line filled the width. */
const STRAY = /^ \S/;

function paired(): ProcedureState {
	const start = Date.parse('2026-12-01T04:25:48Z');
	const events: NewEvent[] = [
		{ type: 'servers-planned', servers: [{ fqdn: 'red-fe01.contoso.com', pool: 'pool-redmond.contoso.com' }] },
		{ type: 'task-started', phase: 'bootstrapper', server: 'red-fe01.contoso.com' },
		{ type: 'task-succeeded', phase: 'bootstrapper', server: 'red-fe01.contoso.com', exitCode: 0 },
		{ type: 'procedure-ended', outcome: 'done', reason: 'pool-redmond.contoso.com and pool-dublin.contoso.com are paired and their Backup Service is in steady state both ways' },
	];
	return events.reduce((state, event, index) => reduce(state, { ...event, at: start + index * 4000 } as ProcedureEvent), initialState('s', { kind: 'lab', description: 'LAB' }, start));
}

describe('at 60 columns, text breaks under its indent and never starts a line with a stray space', () => {
	it('the summary: the headline under its text past the mark, the record path cut at the width and going on under the indent', () => {
		const view = renderComponent(<Summary state={paired()} rows={24} columns={COLUMNS} recordPath={RECORD} />, { columns: COLUMNS });
		const lines = frameOf(view).split('\n');
		view.unmount();
		expect(lines.filter((line) => STRAY.test(line))).toEqual([]);
		expect(lines[0]).toMatch(/^✓ Done: pool-redmond\.contoso\.com and pool-dublin\.contoso\.com$/);
		expect(lines[1]).toMatch(/^ {2}are paired/);
		const label = lines.findIndex((line) => line.startsWith('Change record: /tmp/'));
		expect(label).toBeGreaterThan(0);
		const pieces = lines.slice(label + 1).filter((line) => line.trim() !== '');
		expect(pieces.length).toBeGreaterThan(0);
		for (const piece of pieces) expect(piece).toMatch(/^ {2}\S/);
		expect(lines[label]!.length).toBe(COLUMNS);
		expect([lines[label]!.slice('Change record: '.length), ...pieces.map((piece) => piece.slice(2).trimEnd())].join('')).toBe(RECORD);
	});

	it("the drill's or unpair's record path in the scrollback: cut at the width, each piece under the indent", () => {
		const view = renderComponent(<LoggedLineView line={{ id: 0, text: RECORD, tone: 'plain', verbatim: true }} columns={COLUMNS} />, { columns: COLUMNS });
		const lines = frameOf(view).split('\n').map((line) => line.trimEnd());
		view.unmount();
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines) {
			expect(line).toMatch(/^ {2}\S/);
			expect(line.length).toBeLessThanOrEqual(COLUMNS);
		}
		expect(lines.map((line) => line.slice(2)).join('')).toBe(RECORD);
	});

	it("a failed server's 1603 message, inside the prompt's border", () => {
		const failure: ServerFailure = {
			phase: 'bootstrapper',
			server: 'dub-fe02.contoso.com',
			pool: 'pool-dublin.contoso.com',
			message:
				'Bootstrapper exited with 1603: Error: An error occurred: "Microsoft.Rtc.Management.Deployment.DeploymentException" "Installing LyncBackupService.msi failed. For more information, see the log file "C:\\Users\\Administrator\\AppData\\Local\\Temp\\LyncBackupService-[2026_12_01][04_30_28].log"."',
			attempts: 1,
			lines: [],
			otherFailures: [],
		};
		const view = renderComponent(<FailurePrompt failure={failure} kind="lab" onAnswer={() => undefined} />, { columns: COLUMNS });
		const inside = frameOf(view)
			.split('\n')
			.filter((line) => line.startsWith('│'))
			.map((line) => line.slice(2));
		view.unmount();
		const message = inside.slice(inside.findIndex((line) => line.startsWith('Bootstrapper exited')), inside.findIndex((line) => line.includes('Retry')));
		expect(message.length).toBeGreaterThan(2);
		expect(message.filter((line) => line.startsWith(' '))).toEqual([]);
	});
});

describe('at 60 columns, a pair\'s warning in the backup picker', () => {
	it('breaks under the text past its mark, with no stray space', async () => {
		const pool = (fqdn: string): FrontEndPool => ({ fqdn, site: 'Redmond', edition: 'Enterprise', version: 'Lync Server 2013', servers: ['fe1'], hostsCentralManagementStore: false });
		// Sized so that the first line of the warning fills the 60 columns exactly.
		const warning = `${'w'.repeat(54)} and another line follows`;
		const view = renderComponent(
			<BackupPicker pool={pool('a.contoso.com')} candidates={[{ pool: pool('b.contoso.com'), assessment: { allowed: true, refusals: [], warnings: [warning] } }]} rows={20} onAnswer={() => undefined} />,
			{ columns: COLUMNS },
		);
		await waitForFrame(view, 'b.contoso.com');
		view.stdin.write('\r');
		const lines = (await waitForFrame(view, 'Please read')).split('\n');
		view.unmount();
		const at = lines.findIndex((line) => line.includes('w'.repeat(54)));
		expect(lines.slice(at, at + 2).map((line) => line.trimEnd())).toEqual([`! ${'w'.repeat(54)} and`, '  another line follows']);
	});
});

describe('the voice step\'s note', () => {
	it('at 57 columns (its first line then fills the width), no line starts with the space it broke at', async () => {
		const view = renderComponent(<VoiceForm current={DEFAULT_VOICE} onAnswer={() => undefined} />, { columns: 57 });
		const lines = (await waitForFrame(view, 'backup pool')).split('\n');
		view.unmount();
		expect(lines.filter((line) => STRAY.test(line))).toEqual([]);
		expect(lines).toContain('Pool failover itself always stays manual');
	});
});

describe("the wizard's scrollback", () => {
	it('breaks a long line between words without starting a line with a space; a command to copy stays whole', () => {
		const text =
			"dub-fe02.contoso.com: Bootstrapper WAITING ON YOU (by hand): to be run on dub-fe02.contoso.com by hand (not done yet: Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName 'dub-fe02.contoso.com': LYNCBACKUP is not installed): run the command printed above";
		const view = renderComponent(<ScrollbackLine line={{ id: 0, text }} columns={80} />, { columns: 80 });
		const lines = frameOf(view).split('\n');
		view.unmount();
		// At 80 columns the third line ends with "installed):" on the 80th column.
		expect(lines.filter((line) => STRAY.test(line))).toEqual([]);
		expect(lines.map((line) => line.trimEnd()).join(' ')).toBe(text);

		const command = `& ${'x'.repeat(120)}`;
		const verbatim = renderComponent(<ScrollbackLine line={{ id: 1, text: command, verbatim: true }} columns={80} />, { columns: 80 });
		expect(frameOf(verbatim)).toContain(command);
		verbatim.unmount();
	});
});
