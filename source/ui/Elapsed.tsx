import { Box, Text } from 'ink';
import { elapsedParts, formatElapsed } from './format.js';

/**
 * An elapsed time that ticks every second, drawn as its hours, minutes and seconds in texts of their own. Ink
 * 6.8 keeps the size of every distinct text it has laid out for the life of the process (its measure-text and
 * wrap-text caches never shrink): a whole line with a ticking time in it is a new text every second, and a
 * working day of step 8 grew the wizard's heap by megabytes (npm run bench, working day). Its pieces come
 * from fewer than 150 texts however long the work runs. It takes its own place in a row: the texts around it
 * end before it and start after it.
 */
export function Elapsed({ ms, color }: { ms: number; color?: string | undefined }) {
	return (
		<Box flexShrink={0} aria-label={formatElapsed(ms)}>
			{elapsedParts(ms).map((part, index) => (
				<Text key={index} {...(color ? { color } : {})}>
					{part}
				</Text>
			))}
		</Box>
	);
}
