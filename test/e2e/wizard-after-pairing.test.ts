import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKUP, DEFAULT_POOL, publishDefaultPair, requireTmux, SCREENS, TmuxTerminal } from '../helpers/tmux.js';

/** Fast: the pairing, the drill and the unpair are simulated work, scaled down. */
const SCALE = '1000';
const POOL = DEFAULT_POOL;
const BACKUP = DEFAULT_BACKUP;

const terminals: TmuxTerminal[] = [];
beforeAll(() => requireTmux());
afterEach(async () => {
	for (const terminal of terminals.splice(0)) await terminal.dispose();
});

const pairingOf = (stateDir: string, pool: string): { backup: string } | undefined =>
	(JSON.parse(readFileSync(path.join(stateDir, 'lab', 'default.farm.json'), 'utf8')) as { pairings: Record<string, { backup: string }> }).pairings[pool];

/** The line of the what-next choice the pointer is on. */
const focused = (screen: string) => screen.split('\n').find((line) => line.startsWith('❯')) ?? '';

describe('the wizard after a pairing: drill and unpair', () => {
	it('walks pair → drill (failover, failback) → unpair on the lab, each confirmed by its typed word', async () => {
		const terminal = await TmuxTerminal.start(['--lab', '--time-scale', SCALE]);
		terminals.push(terminal);
		await publishDefaultPair(terminal);
		await terminal.waitFor('Run the update installer', 20_000);
		await terminal.keys('Enter');

		const next = await terminal.waitFor(SCREENS.whatNext, 30_000);
		expect(focused(next)).toContain(`Run the failover drill on ${POOL} now`);
		expect(next).toContain(`Unpair ${POOL} and its backup`);
		await terminal.keys('Enter');

		const plan = await terminal.waitFor(/Type\s+failover\s+and\s+press\s+Enter/);
		expect(plan).toContain(`Drill: fail ${POOL} over to ${BACKUP} and back`);
		expect(plan).toContain(`Invoke-CsPoolFailOver -PoolFqdn '${POOL}' -DisasterMode`);
		// A wrong word changes nothing and asks again; the right one, typed in one write with Enter, goes ahead.
		await terminal.literal('failovr\r');
		await terminal.waitFor(/only the word failover/);
		expect(pairingOf(terminal.stateDir, POOL)?.backup).toBe(BACKUP);
		await terminal.literal('failover\r');

		const drilled = await terminal.waitForHistory(/Drill done: .*\n(?:.*\n)*What next\?/, 30_000);
		expect(drilled).toMatch(new RegExp(`✓ Fail over ${POOL}: done`));
		expect(drilled.replace(/\s+/g, ' ')).toContain(`5 users of ${POOL}: 0 on ${POOL}, 5 on ${BACKUP}`);
		expect(drilled).toMatch(new RegExp(`✓ Fail back ${POOL}: done`));
		expect(drilled).toContain('✓ The pair is steady both ways again: done');
		const records = readdirSync(path.join(terminal.stateDir, 'records'));
		const drillRecord = records.find((name) => name.endsWith(`-drill-${POOL}.md`));
		expect(drillRecord, records.join(', ')).toBeDefined();
		// On lines of its own under the indent, cut only at the width: never from the terminal's first column.
		expect(drilled.replace(/\n {2}/g, '')).toContain(drillRecord);
		const recordLines = drilled.slice(drilled.lastIndexOf('Drill record')).split('\n').slice(1);
		const pathLines = recordLines.slice(0, recordLines.findIndex((line) => line.trim() === '' || line.includes('What next?')));
		expect(pathLines.length, recordLines.join('\n')).toBeGreaterThan(0);
		for (const line of pathLines) expect(line).toMatch(/^ {2}\S/);
		expect(readFileSync(path.join(terminal.stateDir, 'records', drillRecord!), 'utf8')).toContain('Outcome: done (exit 0)');

		// Back at the choice: down to the unpair, both keys in one write.
		await terminal.keysTogether('Down', 'Down');
		await terminal.waitFor((screen) => screen.includes(SCREENS.whatNext) && focused(screen).includes(`Unpair ${POOL}`));
		await terminal.keys('Enter');
		const unpairPlan = await terminal.waitFor(/Type\s+unpair\s+and\s+press\s+Enter/);
		expect(unpairPlan).toContain(`Unpair ${POOL} and ${BACKUP}`);
		await terminal.literal('unpair\r');

		expect(await terminal.exitCode(30_000)).toBe(0);
		// Lines wrapped by the wizard read as one.
		const unpaired = (await terminal.history()).replace(/\s+/g, ' ');
		expect(unpaired).toMatch(/✓ Clear the backup association and publish: done/);
		expect(unpaired).toMatch(/✓ Bootstrapper on every Front End of both pools: done/);
		// Written once, as the wizard ends (not again by its last frame).
		expect(unpaired.split(`✓ Done: ${POOL} and ${BACKUP} are no longer paired`)).toHaveLength(2);
		expect(pairingOf(terminal.stateDir, POOL)).toBeUndefined();
		expect(pairingOf(terminal.stateDir, BACKUP)).toBeUndefined();
	}, 90_000);
});
