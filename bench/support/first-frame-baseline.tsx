// The baseline for the time to first frame: Ink and React, one line, nothing else.
import { render, Text } from 'ink';

render(<Text>LAB · one line</Text>, { exitOnCtrlC: true });
setInterval(() => undefined, 1000);
