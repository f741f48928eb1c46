import stringWidth from 'string-width';
import { sanitizeLine } from '../text/sanitize.js';

/** A plain, left-aligned table for line output; every cell is stripped of control characters. */
export function table(headers: string[], rows: string[][]): string {
	const clean = rows.map((row) => row.map((cell) => sanitizeLine(cell)));
	const widths = headers.map((header, column) => Math.max(stringWidth(header), ...clean.map((row) => stringWidth(row[column] ?? ''))));
	const line = (cells: string[]) =>
		cells
			.map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - stringWidth(cell))))
			.join('  ');
	return [line(headers), ...clean.map(line)].join('\n');
}
