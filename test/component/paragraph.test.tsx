import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { HandRunPrompt } from '../../source/ui/prompts/HandRunPrompt.js';
import { SyncTimeoutPrompt } from '../../source/ui/prompts/SyncTimeoutPrompt.js';
import { Paragraph } from '../../source/ui/Paragraph.js';
import { plain } from '../helpers/frames.js';
import { frameOf, renderComponent } from '../helpers/render.js';

// ink-testing-library's terminal is 100 columns wide.
describe('a paragraph', () => {
	it('never starts a line with the space it broke at, where a line fills the width exactly (Ink wrapping by itself does)', () => {
		const view = render(<Paragraph>{`${'x'.repeat(95)} abcd efgh`}</Paragraph>);
		expect(plain(view.lastFrame()).split('\n')).toEqual([`${'x'.repeat(95)} abcd`, 'efgh']);
		view.unmount();
	});

	it('keeps a bold word bold across the break, and leaves room for a border', () => {
		const level = chalk.level;
		chalk.level = 1;
		try {
			const view = render(<Paragraph inset={4}>{`${'y'.repeat(83)} type ${chalk.bold('publish now')} to go`}</Paragraph>);
			const lines = (view.lastFrame() ?? '').split('\n');
			expect(lines.map((line) => plain(line))).toEqual([`${'y'.repeat(83)} type publish`, 'now to go']);
			expect(lines[0]).toContain(chalk.bold('publish'));
			expect(lines[1]).toContain(chalk.bold('now'));
			view.unmount();
		} finally {
			chalk.level = level;
		}
	});

	it("the by-hand prompt's guidance reads without a stray space where it wraps, at 60 columns", () => {
		// Sized so that "farm" ends on the 60th column.
		const server = `fe01.${'c'.repeat(8)}.com`;
		const view = renderComponent(<HandRunPrompt request={{ phase: 'bootstrapper', server, pool: 'pool-a', commands: ['Bootstrapper.exe'] }} onAnswer={() => undefined} />, { columns: 60 });
		const lines = frameOf(view).split('\n');
		expect(lines.slice(1, 4)).toEqual(['Run the command printed above (scroll up to it) on', `${server}, in an elevated Management Shell; the farm`, 'then says whether it is done.']);
		view.unmount();
	});

	it('inside a bordered prompt at 60 columns, a guidance line wraps under its own text, not one column off', () => {
		const view = renderComponent(<SyncTimeoutPrompt guidance={[`${'x'.repeat(49)} abcd efgh`]} onAnswer={() => undefined} />, { columns: 60 });
		const lines = frameOf(view).split('\n');
		const at = lines.findIndex((line) => line.includes('x'.repeat(49)));
		expect(lines.slice(at, at + 2).map((line) => line.trimEnd())).toEqual([`│ - ${'x'.repeat(49)} abcd │`, `│   efgh${' '.repeat(51)}│`]);
		view.unmount();
	});
});
