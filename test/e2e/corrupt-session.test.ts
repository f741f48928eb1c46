import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pairKey, sessionsDir } from '../../source/session/session-files.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const POOL = 'pool-redmond.contoso.com';
const BACKUP = 'pool-dublin.contoso.com';
let stateDir: string;

beforeEach(() => {
	stateDir = mkdtempSync(join(tmpdir(), 'sfb-pair-corrupt-'));
	mkdirSync(sessionsDir(stateDir), { recursive: true });
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

const run = (...extra: string[]) =>
	spawnSync(process.execPath, [CLI, 'run', '--lab', '--pool', POOL, '--backup', BACKUP, '--yes', '--time-scale', '2000', '--state-dir', stateDir, ...extra], {
		encoding: 'utf8',
		timeout: 60_000,
	});

describe.each([
	['truncated', '{"version":1,"savedAt":"2026-11-26T07:00:00.000Z","state":{"sessionId":"x","environ'],
	['garbage', '\u0000\u0001 not json at all \u001b[2J'],
])('a %s session file', (_kind, content) => {
	it('is moved aside and named, never replaced; run exits 2, and the next run starts fresh', () => {
		const file = join(sessionsDir(stateDir), `${pairKey(POOL, BACKUP)}.json`);
		writeFileSync(file, content);

		const refused = run();
		expect(refused.status).toBe(2);
		const movedTo = /it is kept as (\S+?)\.?$/m.exec(refused.stdout)?.[1];
		expect(movedTo, refused.stdout).toBeDefined();
		expect(readFileSync(movedTo!, 'utf8')).toBe(content);
		expect(existsSync(file)).toBe(false);
		expect(refused.stdout).not.toContain('\u001b[2J');

		const fresh = run();
		expect(fresh.status, fresh.stdout + fresh.stderr).toBe(0);
		expect(readFileSync(movedTo!, 'utf8')).toBe(content);
	});
});
