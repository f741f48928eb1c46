import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Most test time is waiting on child processes (pwsh, the built CLI in tmux), not CPU: two files at a time
		// on a 2-core machine (Vitest's default there is one) took the suite from 754 s to 610 s even under load.
		maxWorkers: 2,
		// The OS config folder, where the settings file lives, is a folder of the run's own: a developer's own
		// settings (sfb-pair config set parallel 4) must not change what the tests see.
		env: { FORCE_COLOR: '0', XDG_CONFIG_HOME: path.join(os.tmpdir(), `sfb-pair-test-config-${process.pid}`) },
	},
});
