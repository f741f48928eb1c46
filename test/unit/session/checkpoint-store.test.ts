import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openCheckpointStore, type LoadResult } from '../../../source/session/checkpoint-store.js';

interface WizardState {
	step: string;
	servers: Record<string, 'pending' | 'done' | 'failed'>;
	startedAt: string;
}

const schema = {
	type: 'object',
	properties: {
		step: { type: 'string' },
		servers: { type: 'object', additionalProperties: { enum: ['pending', 'done', 'failed'] } },
		startedAt: { type: 'string' },
	},
	required: ['step', 'servers', 'startedAt'],
	additionalProperties: false,
};

const sample: WizardState = {
	step: 'bootstrap',
	servers: { 'fe01.contoso.com': 'done', 'fe02.contoso.com': 'pending' },
	startedAt: '2026-11-26T07:12:00.000Z',
};

const posix = process.platform !== 'win32';
let root: string;
let stateDir: string;

beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-checkpoint-'));
	stateDir = path.join(root, 'state', 'sessions');
});

afterEach(() => {
	vi.useRealTimers();
	fs.rmSync(root, { recursive: true, force: true });
});

function open(version = 2, migrate?: (fromVersion: number, data: unknown) => unknown) {
	return openCheckpointStore<WizardState>({ stateDir, key: 'pool1-pool2', schema, version, migrate });
}

function writeRaw(contents: string | Buffer): string {
	const file = path.join(stateDir, 'pool1-pool2.json');
	fs.mkdirSync(stateDir, { recursive: true });
	fs.writeFileSync(file, contents);
	return file;
}

function expectMovedAside(result: LoadResult<WizardState>, original: string | Buffer) {
	if (result.status !== 'moved-aside') {
		throw new Error(`expected moved-aside, got ${result.status}`);
	}
	expect(path.basename(result.movedTo)).toMatch(/^pool1-pool2\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?\.json$/);
	expect(path.dirname(result.movedTo)).toBe(path.resolve(stateDir));
	expect(fs.readFileSync(result.movedTo)).toEqual(Buffer.from(original));
	expect(fs.existsSync(path.join(stateDir, 'pool1-pool2.json'))).toBe(false);
	expect(result.reason).not.toContain('\n');
	return result;
}

describe('openCheckpointStore', () => {
	it('reports no checkpoint in a new state dir, which it creates for its owner only', () => {
		const store = open();
		expect(store.load()).toEqual({ status: 'none' });
		expect(store.path).toBe(path.join(path.resolve(stateDir), 'pool1-pool2.json'));
		if (posix) {
			expect(fs.statSync(stateDir).mode & 0o777).toBe(0o700);
		}
	});

	it('saves and loads the same state back in a fresh store', async () => {
		const before = Date.now();
		await open().save(sample);
		const onDisk = JSON.parse(fs.readFileSync(path.join(stateDir, 'pool1-pool2.json'), 'utf8'));
		expect(onDisk).toMatchObject({ version: 2, state: sample });

		const result = open().load();
		expect(result).toMatchObject({ status: 'ok', state: sample });
		if (result.status === 'ok') {
			expect(Date.parse(result.savedAt)).toBeGreaterThanOrEqual(before - 1000);
		}
	});

	it('writes the checkpoint readable by its owner only, on the first save and after later ones', async () => {
		const store = open();
		await store.save(sample);
		await store.save({ ...sample, step: 'services' });
		if (posix) {
			expect(fs.statSync(store.path).mode & 0o777).toBe(0o600);
		}
		expect(fs.readdirSync(stateDir)).toEqual(['pool1-pool2.json']);
	});

	it('saves a frozen state as it is', async () => {
		const store = open();
		const frozen = Object.freeze({ ...sample, servers: Object.freeze({ ...sample.servers }) });
		await store.save(frozen);
		expect(frozen).toEqual(sample);
		expect(store.load()).toEqual({ status: 'ok', state: sample, savedAt: expect.any(String) });
	});

	it('keeps every save: the last one wins', async () => {
		const store = open();
		store.load();
		for (const step of ['pools', 'voice', 'publish', 'bootstrap']) {
			await store.save({ ...sample, step });
		}
		expect(open().load()).toMatchObject({ status: 'ok', state: { step: 'bootstrap' } });
	});

	it('moves a file that is not JSON aside with its bytes intact, then starts clean', async () => {
		const garbage = Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x7b]);
		writeRaw(garbage);
		const store = open();
		const result = expectMovedAside(store.load(), garbage);
		expect(result.reason).toMatch(/^the checkpoint is not valid JSON/);
		await store.save(sample);
		expect(open().load()).toMatchObject({ status: 'ok', state: sample });
		expect(fs.readFileSync(result.movedTo)).toEqual(garbage);
	});

	it('moves a truncated checkpoint aside and says it was cut off', async () => {
		await open().save(sample);
		const full = fs.readFileSync(path.join(stateDir, 'pool1-pool2.json'));
		const truncated = full.subarray(0, Math.floor(full.length / 2));
		writeRaw(truncated);
		const result = expectMovedAside(open().load(), truncated);
		expect(result.reason).toContain('cut off');
	});

	it('moves an empty file aside', () => {
		writeRaw('');
		const result = expectMovedAside(open().load(), '');
		expect(result.reason).toBe('the checkpoint is empty (it was probably cut off while being written)');
	});

	it('moves a current-version checkpoint whose state breaks the schema aside and names the field', () => {
		const invalid = JSON.stringify({ version: 2, savedAt: '2026-11-26T07:12:00.000Z', state: { ...sample, step: 7 } });
		writeRaw(invalid);
		const result = expectMovedAside(open().load(), invalid);
		expect(result.reason).toBe('the checkpoint does not match the checkpoint format: state/step must be string');
	});

	it.each([
		['a JSON array', '[1,2,3]', 'the document must be object'],
		['an object without a version', '{"hello":"world"}', 'has no format version'],
		['a version that is not a number', '{"version":"2","savedAt":"x","state":{}}', 'version must be integer'],
		['a document without its state', '{"version":2,"savedAt":"2026-11-26T07:12:00.000Z"}', 'is incomplete'],
	])('moves %s aside', (_name, contents, reason) => {
		writeRaw(contents);
		expect(expectMovedAside(open().load(), contents).reason).toContain(reason);
	});

	it('refuses a checkpoint from a newer program, keeping it for that program', () => {
		const newer = JSON.stringify({ version: 3, savedAt: '2026-11-26T07:12:00.000Z', state: { anything: true } });
		writeRaw(newer);
		const result = expectMovedAside(open().load(), newer);
		expect(result.reason).toBe('the checkpoint was written by a newer sfb-pair (format 3; this one reads up to format 2)');
	});

	it('migrates an older checkpoint, keeps its saved time and writes it back in the current format', () => {
		const savedAt = '2026-11-25T22:00:00.000Z';
		writeRaw(JSON.stringify({ version: 1, savedAt, state: { stage: 'bootstrap', done: ['fe01.contoso.com'] } }));
		const migrate = vi.fn((fromVersion: number, data: unknown) => {
			const old = data as { stage: string; done: string[] };
			return {
				step: old.stage,
				servers: Object.fromEntries(old.done.map((server) => [server, 'done'])),
				startedAt: savedAt,
			};
		});
		const result = open(2, migrate).load();
		expect(migrate).toHaveBeenCalledWith(1, { stage: 'bootstrap', done: ['fe01.contoso.com'] });
		expect(result).toEqual({
			status: 'ok',
			savedAt,
			state: { step: 'bootstrap', servers: { 'fe01.contoso.com': 'done' }, startedAt: savedAt },
		});
		expect(JSON.parse(fs.readFileSync(path.join(stateDir, 'pool1-pool2.json'), 'utf8'))).toMatchObject({ version: 2, savedAt });
		expect(open().load()).toMatchObject({ status: 'ok', state: { step: 'bootstrap' } });
	});

	it('moves an older checkpoint aside when there is no migration for it', () => {
		const old = JSON.stringify({ version: 1, savedAt: '2026-11-25T22:00:00.000Z', state: { stage: 'x' } });
		writeRaw(old);
		expect(expectMovedAside(open().load(), old).reason).toBe(
			'the checkpoint is format 1, which this program (format 2) cannot read',
		);
	});

	it('moves an older checkpoint aside, unchanged, when its migration fails or produces an invalid state', () => {
		const old = JSON.stringify({ version: 1, savedAt: '2026-11-25T22:00:00.000Z', state: { stage: 'x' } });
		writeRaw(old);
		const failing = open(2, () => {
			throw new Error('stage "x" is unknown');
		});
		expect(expectMovedAside(failing.load(), old).reason).toBe(
			'the checkpoint could not be migrated from format 1 to 2: stage "x" is unknown',
		);

		writeRaw(old);
		const careless = open(2, (_from, data) => data);
		expect(expectMovedAside(careless.load(), old).reason).toMatch(
			/^the checkpoint was migrated from format 1 but does not match format 2: state must have required property/,
		);
	});

	it('never overwrites an earlier moved-aside file, even within the same millisecond', () => {
		vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-26T07:12:00.000Z') });
		writeRaw('first');
		const first = open().load();
		writeRaw('second');
		const second = open().load();
		expect(first).toMatchObject({ status: 'moved-aside', movedTo: expect.stringMatching(/corrupt-2026-11-26T07-12-00-000Z\.json$/) });
		expect(second).toMatchObject({ status: 'moved-aside', movedTo: expect.stringMatching(/corrupt-2026-11-26T07-12-00-000Z-2\.json$/) });
		expectMovedAside(first, 'first');
		expectMovedAside(second, 'second');
	});

	it('keeps an unreadable file aside when saving without loading first', async () => {
		writeRaw('{"version": 2, "sav');
		await open().save(sample);
		const kept = fs.readdirSync(stateDir).filter((name) => name.includes('.corrupt-'));
		expect(kept).toHaveLength(1);
		expect(fs.readFileSync(path.join(stateDir, kept[0] ?? ''), 'utf8')).toBe('{"version": 2, "sav');
		expect(open().load()).toMatchObject({ status: 'ok', state: sample });
	});

	it('archives the checkpoint under a new name and then has none', async () => {
		const store = open();
		await store.save(sample);
		const archived = store.archive();
		expect(path.basename(archived)).toMatch(/^pool1-pool2\.archived-.+Z\.json$/);
		expect(JSON.parse(fs.readFileSync(archived, 'utf8'))).toMatchObject({ version: 2, state: sample });
		expect(store.load()).toEqual({ status: 'none' });
		expect(() => store.archive()).toThrow(`there is no checkpoint to archive at ${store.path}`);
	});

	it('refuses to save a state that breaks the schema, leaving the last good checkpoint', async () => {
		const store = open();
		await store.save(sample);
		await expect(store.save({ ...sample, servers: { fe01: 'exploded' } } as unknown as WizardState)).rejects.toThrow(
			/^cannot save the checkpoint: the state does not match its schema: state\/servers\/fe01 must be equal to one of the allowed values$/,
		);
		expect(open().load()).toMatchObject({ status: 'ok', state: sample });
	});

	it('installs no signal handlers of its own: Ctrl+C reaches the program, and a write in flight is not deleted', () => {
		const script = [
			"const { openCheckpointStore } = await import('./source/session/checkpoint-store.ts');",
			`const store = openCheckpointStore({ stateDir: ${JSON.stringify(stateDir)}, key: 'k', schema: {}, version: 1 });`,
			"await store.save({});",
			"console.log(JSON.stringify(['SIGINT', 'SIGTERM', 'SIGHUP'].map((name) => process.listenerCount(name))));",
		].join('\n');
		const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.resolve(import.meta.dirname, '../../..'), encoding: 'utf8' });
		expect(child.stderr).toBe('');
		expect(child.stdout.trim()).toBe('[0,0,0]');
	});

	it('names the directory in one line when the state dir cannot be used', () => {
		const blocker = path.join(root, 'not-a-folder');
		fs.writeFileSync(blocker, '');
		const unusable = path.join(blocker, 'state');
		expect(() => openCheckpointStore({ stateDir: unusable, key: 'k', schema, version: 1 })).toThrow(
			`cannot use ${unusable}: ${blocker}: it is a file, not a folder`,
		);
	});

	it('rejects a key that is not a plain file name', () => {
		expect(() => openCheckpointStore({ stateDir, key: '../escape', schema, version: 1 })).toThrow(
			'cannot keep a checkpoint named "../escape": use letters, digits, ".", "_" and "-" only',
		);
	});
});
