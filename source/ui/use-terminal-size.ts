import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

/** The terminal's size, kept current as the window is resized: the one resize listener of the wizard. */
export function useTerminalSize(): TerminalSize {
	const { stdout } = useStdout();
	const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
