// Preloaded with --import: writes the process's peak resident set size (kB) to $SFB_PAIR_BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
	if (process.env.SFB_PAIR_BENCH_RSS_FILE) writeFileSync(process.env.SFB_PAIR_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
