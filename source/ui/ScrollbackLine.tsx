import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { wrapWords } from '../text/wrap.js';
import type { LogLine } from './wizard-store.js';

/**
 * One line of the wizard's scrollback. A command to copy is left whole for the terminal to fold; any other line is
 * broken between words here, as Ink's own wrap would, but never starting a line with the space it broke at.
 */
export function ScrollbackLine({ line, columns }: { line: LogLine; columns: number }) {
	if (line.verbatim) {
		return (
			<Box width={stringWidth(line.text) + 2} flexShrink={0}>
				<Text>{`  ${line.text}`}</Text>
			</Box>
		);
	}
	return <Text {...(line.color ? { color: line.color } : {})}>{wrapWords(line.text, Math.max(10, columns)).join('\n')}</Text>;
}
