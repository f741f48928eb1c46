import { Box, Text } from 'ink';

export function HelpOverlay() {
	return (
		<Box flexDirection="column" borderStyle="round" paddingX={1}>
			<Text bold>Keys</Text>
			<Text>↑ ↓ (or k j)  move; 1–9 choose the line with that number</Text>
			<Text>Enter        choose, confirm</Text>
			<Text>Esc          go back (never back across a published change)</Text>
			<Text>Tab          at step 6: the whole plan, every command</Text>
			<Text>o            while servers work: a server's whole output</Text>
			<Text>PgUp PgDn    scroll a plan or an output; Esc closes it</Text>
			<Text>e            explain mode: why each step exists</Text>
			<Text>?            this help (any key closes it)</Text>
			<Text>q            leave; the session is saved and resumes where it stands</Text>
			<Text>Ctrl+C       stop now: running commands are stopped, the session stays resumable</Text>
		</Box>
	);
}
