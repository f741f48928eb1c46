import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChangeRecord, readChangeRecord, type ChangeRecordOptions } from '../../../source/session/change-record.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const recordModule = pathToFileURL(path.join(projectRoot, 'source/session/change-record.ts')).href;
const posix = process.platform !== 'win32';
const sessionId = '2026-11-26T07-12-00-pool1-pool2';

let root: string;
let dir: string;

beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-record-'));
	dir = path.join(root, 'state', 'records');
});

afterEach(() => {
	fs.rmSync(root, { recursive: true, force: true });
});

function options(overrides: Partial<ChangeRecordOptions> = {}): ChangeRecordOptions {
	return {
		dir,
		sessionId,
		title: 'Pair pool1.contoso.com with pool2.contoso.com',
		environment: 'LAB · scenario default',
		pair: { pool: 'pool1.contoso.com', backup: 'pool2.contoso.com' },
		at: '2026-11-26T07:12:00.000Z',
		...overrides,
	};
}

const bootstrap = {
	command: "& 'C:\\Program Files\\Skype for Business Server 2019\\Deployment\\Bootstrapper.exe'",
	target: 'fe01.contoso.com',
	startedAt: '2026-11-26T07:20:00.000Z',
	endedAt: '2026-11-26T07:21:12.000Z',
	outcome: 'succeeded' as const,
	exitCode: 0,
	tail: ['Installing Backup Service...', 'Bootstrapper completed.'],
};

describe('openChangeRecord', () => {
	it('creates both files, private, named by the session id, with the session header first', () => {
		const record = openChangeRecord(options());
		expect(record.markdownPath).toBe(path.join(path.resolve(dir), `${sessionId}.md`));
		expect(record.jsonlPath).toBe(path.join(path.resolve(dir), `${sessionId}.jsonl`));
		expect(readChangeRecord(record.jsonlPath)).toEqual([
			{
				type: 'session',
				sessionId,
				title: 'Pair pool1.contoso.com with pool2.contoso.com',
				environment: 'LAB · scenario default',
				pair: { pool: 'pool1.contoso.com', backup: 'pool2.contoso.com' },
				at: '2026-11-26T07:12:00.000Z',
			},
		]);
		record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		expect(markdown).toContain('# Pair pool1.contoso.com with pool2.contoso.com');
		expect(markdown).toContain('- Environment: LAB · scenario default');
		expect(markdown).toContain('- Pair: pool1.contoso.com ↔ pool2.contoso.com');
		expect(markdown).toContain(`- Session: \`${sessionId}\``);
		expect(markdown).toContain('- Started: 2026-11-26T07:12:00.000Z');
		if (posix) {
			expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
			expect(fs.statSync(record.jsonlPath).mode & 0o777).toBe(0o600);
			expect(fs.statSync(record.markdownPath).mode & 0o777).toBe(0o600);
		}
	});

	it('appends one line per call, in order, and shows each in the Markdown', () => {
		const record = openChangeRecord(options());
		record.decision({ what: 'backup pool', choice: 'pool2.contoso.com', reason: 'same version, other site', at: '2026-11-26T07:13:00.000Z' });
		record.snapshot('/state/snapshots/topology-2026-11-26T07-14-00.xml', '2026-11-26T07:14:00.000Z');
		record.command(bootstrap);
		record.command({ ...bootstrap, target: 'fe02.contoso.com', outcome: 'failed', exitCode: 1, tail: ['Error: access denied'] });
		record.note('fe02 retried after fixing the share permissions', '2026-11-26T07:30:00.000Z');

		const lines = fs.readFileSync(record.jsonlPath, 'utf8').split('\n');
		expect(lines).toHaveLength(7);
		expect(lines[6]).toBe('');
		expect(readChangeRecord(record.jsonlPath).map((entry) => entry.type)).toEqual([
			'session', 'decision', 'snapshot', 'command', 'command', 'note',
		]);
		expect(readChangeRecord(record.jsonlPath)[3]).toEqual({ type: 'command', ...bootstrap });

		record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		expect(markdown).toContain('- Commands: 1 succeeded, 1 failed');
		expect(markdown).toContain('### 1. Decision: backup pool\n\n- Choice: pool2.contoso.com\n- Reason: same version, other site');
		expect(markdown).toContain('### 2. Topology snapshot saved\n\n- File: `/state/snapshots/topology-2026-11-26T07-14-00.xml`');
		expect(markdown).toContain(
			[
				'### 3. Command on fe01.contoso.com: succeeded (exit code 0)',
				'',
				'- Started: 2026-11-26T07:20:00.000Z',
				'- Ended: 2026-11-26T07:21:12.000Z (1 min 12 s)',
				'',
				'```powershell',
				bootstrap.command,
				'```',
				'',
				'Output (last 2 lines):',
				'',
				'```text',
				'Installing Backup Service...',
				'Bootstrapper completed.',
				'```',
			].join('\n'),
		);
		expect(markdown).toContain('### 4. Command on fe02.contoso.com: FAILED (exit code 1)');
		expect(markdown).toContain('### 5. Note\n\n- At: 2026-11-26T07:30:00.000Z\n\n```text\nfe02 retried after fixing the share permissions\n```');
	});

	it('appends to an existing record when reopened on resume, never truncating it', () => {
		const first = openChangeRecord(options());
		first.command(bootstrap);
		const before = fs.readFileSync(first.jsonlPath, 'utf8');

		const resumed = openChangeRecord(options({ at: '2026-11-26T08:00:00.000Z', environment: 'LIVE · pwsh 7.6' }));
		resumed.command({ ...bootstrap, target: 'fe02.contoso.com' });

		expect(fs.readFileSync(resumed.jsonlPath, 'utf8').startsWith(before)).toBe(true);
		expect(readChangeRecord(resumed.jsonlPath).map((entry) => entry.type)).toEqual(['session', 'command', 'resumed', 'command']);
		resumed.flush();
		const markdown = fs.readFileSync(resumed.markdownPath, 'utf8');
		expect(markdown).toContain('- Started: 2026-11-26T07:12:00.000Z');
		expect(markdown).toContain('- Resumed: once');
		expect(markdown).toContain('### 2. Session resumed\n\n- At: 2026-11-26T08:00:00.000Z\n- Environment: LIVE · pwsh 7.6');
		expect(markdown).toContain('- Commands: 2 succeeded');
	});

	it('ignores a line torn by a kill, and keeps the next entry whole after reopening', () => {
		const record = openChangeRecord(options());
		record.command(bootstrap);
		fs.appendFileSync(record.jsonlPath, '{"type":"command","command":"Bootstrapper.exe","tar');
		expect(readChangeRecord(record.jsonlPath).map((entry) => entry.type)).toEqual(['session', 'command']);

		const resumed = openChangeRecord(options({ at: '2026-11-26T08:00:00.000Z' }));
		resumed.note('resumed after the jump box rebooted', '2026-11-26T08:00:01.000Z');
		expect(readChangeRecord(resumed.jsonlPath)).toEqual([
			expect.objectContaining({ type: 'session' }),
			expect.objectContaining({ type: 'command', target: 'fe01.contoso.com' }),
			{ type: 'resumed', environment: 'LAB · scenario default', at: '2026-11-26T08:00:00.000Z' },
			{ type: 'note', text: 'resumed after the jump box rebooted', at: '2026-11-26T08:00:01.000Z' },
		]);
		expect(fs.readFileSync(resumed.jsonlPath, 'utf8')).toContain('"tar\n');
	});

	it('has every entry on disk as soon as the call returns, even if the process is then killed', async () => {
		const code = `
			import { openChangeRecord } from ${JSON.stringify(recordModule)};
			const record = openChangeRecord({ dir: ${JSON.stringify(dir)}, sessionId: ${JSON.stringify(sessionId)}, title: 't', environment: 'LAB' });
			for (let index = 1; index <= 3; index += 1) {
				record.note('entry ' + index, new Date().toISOString());
			}
			process.stdout.write('written\\n');
			setInterval(() => {}, 60_000);
		`;
		const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: projectRoot });
		try {
			await new Promise<void>((resolve, reject) => {
				let errors = '';
				child.stderr.on('data', (chunk: Buffer) => {
					errors += chunk.toString();
				});
				child.stdout.on('data', (chunk: Buffer) => {
					if (chunk.toString().includes('written')) {
						resolve();
					}
				});
				child.on('exit', () => reject(new Error(`writer exited early: ${errors}`)));
			});
		} finally {
			child.kill('SIGKILL');
		}
		await new Promise((resolve) => child.once('exit', resolve));
		const notes = readChangeRecord(path.join(dir, `${sessionId}.jsonl`)).flatMap((entry) => (entry.type === 'note' ? [entry.text] : []));
		expect(notes).toEqual(['entry 1', 'entry 2', 'entry 3']);
	});

	it('never records credentials, in commands, output or notes', () => {
		const record = openChangeRecord(options());
		record.command({
			...bootstrap,
			command: "Invoke-Command -ComputerName fe01 -Credential (New-Object PSCredential('CONTOSO\\admin', (ConvertTo-SecureString 'Winter2026!' -AsPlainText -Force))) -ScriptBlock { Bootstrapper.exe }",
			tail: ['Connecting to https://svc:Winter2026!@files.contoso.com/', 'Password=Winter2026!;'],
		});
		record.note('used -Password "Winter2026!" for the service account', '2026-11-26T07:30:00.000Z');
		record.decision({ what: 'credentials', choice: "password: 'Winter2026!'", at: '2026-11-26T07:31:00.000Z' });
		for (const file of [record.jsonlPath, record.markdownPath]) {
			const text = fs.readFileSync(file, 'utf8');
			expect(text).not.toContain('Winter2026');
			expect(text).toContain('[REDACTED]');
		}
		expect(readChangeRecord(record.jsonlPath)[1]).toMatchObject({
			command: 'Invoke-Command -ComputerName fe01 -Credential [REDACTED] -ScriptBlock { Bootstrapper.exe }',
		});
	});

	it('stores output without terminal control sequences, and a secret split by one cannot slip through', () => {
		const record = openChangeRecord(options());
		record.command({
			...bootstrap,
			tail: ['\u001b[2J\u001b[32mdone\u001b[0m', 'ok\rFAKE PROMPT>', '\u001b]0;pwned\u0007title', 'Pass\u001b[0mword=hunter2'],
		});
		const entry = readChangeRecord(record.jsonlPath)[1];
		expect(entry).toMatchObject({ tail: ['done', 'ok FAKE PROMPT>', 'title', 'Password=[REDACTED]'] });
		record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		for (const control of ['\u001b', '\u0007', '\r']) {
			expect(markdown).not.toContain(control);
		}
	});

	it('keeps output that contains code fences inside its code block', () => {
		const record = openChangeRecord(options());
		record.command({ ...bootstrap, tail: ['```', '# Not a heading', '````'] });
		record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		expect(markdown).toContain('`````text\n```\n# Not a heading\n````\n`````');
	});

	it('refuses a session id that is not a plain file name', () => {
		expect(() => openChangeRecord(options({ sessionId: '../../etc/passwd' }))).toThrow(
			'cannot name a change record "../../etc/passwd": use letters, digits, ".", "_" and "-" only',
		);
	});

	it('names the folder in one line when it cannot be created', () => {
		const blocker = path.join(root, 'file');
		fs.writeFileSync(blocker, '');
		const unusable = path.join(blocker, 'records');
		expect(() => openChangeRecord(options({ dir: unusable }))).toThrow(
			`cannot use ${unusable}: part of the path is a file, not a folder`,
		);
	});
});

describe('readChangeRecord', () => {
	it('says in one line when there is no record', () => {
		const missing = path.join(root, 'none.jsonl');
		expect(() => readChangeRecord(missing)).toThrow(`cannot use ${missing}: it does not exist`);
	});
});

describe('the Markdown beside the JSON Lines', () => {
	it('catches up with the commands on flush, and at once with any other entry', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-record-flush-'));
		try {
			const record = openChangeRecord({ dir, sessionId: 'flush-test', title: 'Pair a with b', environment: 'LAB' });
			const command = { command: 'Start-CsWindowsService -Name LYNCBACKUP', target: 'fe01', startedAt: '2026-11-26T07:00:00.000Z', endedAt: '2026-11-26T07:00:01.000Z', outcome: 'succeeded' as const };
			record.command(command);
			expect(readChangeRecord(record.jsonlPath).filter((entry) => entry.type === 'command')).toHaveLength(1);
			expect(fs.readFileSync(record.markdownPath, 'utf8')).not.toContain('Start-CsWindowsService');
			record.flush();
			expect(fs.readFileSync(record.markdownPath, 'utf8')).toContain('Start-CsWindowsService');
			record.command({ ...command, target: 'fe02' });
			record.note('a note', '2026-11-26T07:00:02.000Z');
			expect(fs.readFileSync(record.markdownPath, 'utf8')).toContain('fe02');
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
