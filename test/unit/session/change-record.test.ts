import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openChangeRecord, readChangeRecord, type ChangeRecordOptions } from '../../../source/session/change-record.js';
import { CheckpointFailure } from '../../../source/session/checkpoint-queue.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const recordModule = pathToFileURL(path.join(projectRoot, 'source/session/change-record.ts')).href;
const posix = process.platform !== 'win32';
const sessionId = '2026-11-26T07-12-00';
/** The files carry the pair: `<session>--<pool host>--<backup host>`. */
const fileName = `${sessionId}--pool1--pool2`;

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
	it('creates both files, private, named by the session and the pair, with the session header first', async () => {
		const record = openChangeRecord(options());
		expect(record.markdownPath).toBe(path.join(path.resolve(dir), `${fileName}.md`));
		expect(record.jsonlPath).toBe(path.join(path.resolve(dir), `${fileName}.jsonl`));
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
		await record.flush();
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

	it('appends one line per call, in order, and shows each in the Markdown', async () => {
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

		await record.flush();
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

	it('appends to an existing record when reopened on resume, never truncating it', async () => {
		const first = openChangeRecord(options());
		first.command(bootstrap);
		await first.flush();
		const before = fs.readFileSync(first.jsonlPath, 'utf8');

		const resumed = openChangeRecord(options({ at: '2026-11-26T08:00:00.000Z', environment: 'LIVE · pwsh 7.6' }));
		resumed.command({ ...bootstrap, target: 'fe02.contoso.com' });

		expect(fs.readFileSync(resumed.jsonlPath, 'utf8').startsWith(before)).toBe(true);
		expect(readChangeRecord(resumed.jsonlPath).map((entry) => entry.type)).toEqual(['session', 'command', 'resumed', 'command']);
		await resumed.flush();
		const markdown = fs.readFileSync(resumed.markdownPath, 'utf8');
		expect(markdown).toContain('- Started: 2026-11-26T07:12:00.000Z');
		expect(markdown).toContain('- Resumed: once');
		expect(markdown).toContain('### 2. Session resumed\n\n- At: 2026-11-26T08:00:00.000Z\n- Environment: LIVE · pwsh 7.6');
		expect(markdown).toContain('- Commands: 2 succeeded');
	});

	it('ignores a line torn by a kill, and keeps the next entry whole after reopening', async () => {
		const record = openChangeRecord(options());
		record.command(bootstrap);
		await record.flush();
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
		await resumed.flush();
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

	it('never records credentials, in commands, output or notes', async () => {
		const record = openChangeRecord(options());
		record.command({
			...bootstrap,
			command: "Invoke-Command -ComputerName fe01 -Credential (New-Object PSCredential('CONTOSO\\admin', (ConvertTo-SecureString 'Winter2026!' -AsPlainText -Force))) -ScriptBlock { Bootstrapper.exe }",
			tail: ['Connecting to https://svc:Winter2026!@files.contoso.com/', 'Password=Winter2026!;'],
		});
		record.note('used -Password "Winter2026!" for the service account', '2026-11-26T07:30:00.000Z');
		record.decision({ what: 'credentials', choice: "password: 'Winter2026!'", at: '2026-11-26T07:31:00.000Z' });
		await record.flush();
		for (const file of [record.jsonlPath, record.markdownPath]) {
			const text = fs.readFileSync(file, 'utf8');
			expect(text).not.toContain('Winter2026');
			expect(text).toContain('[REDACTED]');
		}
		expect(readChangeRecord(record.jsonlPath)[1]).toMatchObject({
			command: 'Invoke-Command -ComputerName fe01 -Credential [REDACTED] -ScriptBlock { Bootstrapper.exe }',
		});
	});

	it('stores output without terminal control sequences, and a secret split by one cannot slip through', async () => {
		const record = openChangeRecord(options());
		record.command({
			...bootstrap,
			tail: ['\u001b[2J\u001b[32mdone\u001b[0m', 'ok\rFAKE PROMPT>', '\u001b]0;pwned\u0007title', 'Pass\u001b[0mword=hunter2'],
		});
		const entry = readChangeRecord(record.jsonlPath)[1];
		expect(entry).toMatchObject({ tail: ['done', 'ok FAKE PROMPT>', 'title', 'Password=[REDACTED]'] });
		await record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		for (const control of ['\u001b', '\u0007', '\r']) {
			expect(markdown).not.toContain(control);
		}
	});

	it('keeps output that contains code fences inside its code block', async () => {
		const record = openChangeRecord(options());
		record.command({ ...bootstrap, tail: ['```', '# Not a heading', '````'] });
		await record.flush();
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
			`cannot use ${unusable}: ${blocker}: it is a file, not a folder`,
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
	it('catches up with the commands on flush, and soon after any other entry', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-record-flush-'));
		try {
			const record = openChangeRecord({ dir, sessionId: 'flush-test', title: 'Pair a with b', environment: 'LAB' });
			const command = { command: 'Start-CsWindowsService -Name LYNCBACKUP', target: 'fe01', startedAt: '2026-11-26T07:00:00.000Z', endedAt: '2026-11-26T07:00:01.000Z', outcome: 'succeeded' as const };
			await record.written();
			await new Promise((resolve) => setTimeout(resolve, 50));
			record.command(command);
			expect(readChangeRecord(record.jsonlPath).filter((entry) => entry.type === 'command')).toHaveLength(1);
			await record.written();
			expect(fs.readFileSync(record.markdownPath, 'utf8')).not.toContain('Start-CsWindowsService');
			await record.flush();
			expect(fs.readFileSync(record.markdownPath, 'utf8')).toContain('Start-CsWindowsService');
			record.command({ ...command, target: 'fe02' });
			record.note('a note', '2026-11-26T07:00:02.000Z');
			await vi.waitFor(() => expect(fs.readFileSync(record.markdownPath, 'utf8')).toContain('fe02'));
			await record.flush();
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

const identity = { operator: 'CONTOSO\\alice', host: 'JUMP01', tool: 'sfb-pair 1.2.3 (Node v20.20.2)', mode: 'wizard' };

describe('the change record as evidence for a change ticket', () => {
	it('heads the Markdown with who, where, with what, when it started and ended, and the outcome', async () => {
		const record = openChangeRecord(options({ identity }));
		record.ended('done', 'pool1.contoso.com and pool2.contoso.com are paired', '2026-11-26T08:40:00.000Z');
		await record.flush();
		const header = fs.readFileSync(record.markdownPath, 'utf8').split('## ')[0]!;
		expect(header).toContain('- Pair: pool1.contoso.com ↔ pool2.contoso.com');
		expect(header).toContain('- Outcome: **done**: pool1.contoso.com and pool2.contoso.com are paired');
		expect(header).toContain('- Operator: CONTOSO\\\\alice');
		expect(header).toContain('- Host: JUMP01');
		expect(header).toContain('- Tool: sfb-pair 1.2.3 (Node v20.20.2)');
		expect(header).toContain('- Mode: wizard');
		expect(header).toContain('- Started: 2026-11-26T07:12:00.000Z');
		expect(header).toContain('- Ended: 2026-11-26T08:40:00.000Z');
		expect(readChangeRecord(record.jsonlPath)[0]).toMatchObject({ type: 'session', ...identity });
	});

	it('says the end is not recorded when the last run did not end, and lists every run with who resumed it', async () => {
		const first = openChangeRecord(options({ identity }));
		first.ended('needs-operator', 'dub-fe02 needs attention', '2026-11-26T07:50:00.000Z');
		await first.flush();
		const resumed = openChangeRecord(options({ identity: { ...identity, operator: 'CONTOSO\\bob', host: 'JUMP02' }, at: '2026-11-26T09:00:00.000Z' }));
		await resumed.flush();
		const markdown = fs.readFileSync(resumed.markdownPath, 'utf8');
		expect(markdown).toContain('- Outcome: not recorded');
		expect(markdown).toMatch(/- Ended: not recorded: the last run is still going, or ended without saying so/);
		expect(markdown).toContain('- Operator: CONTOSO\\\\alice; CONTOSO\\\\bob');
		expect(markdown).toContain('| 1 | 2026-11-26T07:12:00.000Z | CONTOSO\\\\alice | JUMP01 | sfb-pair 1.2.3 (Node v20.20.2) | 2026-11-26T07:50:00.000Z | waiting on the operator |');
		expect(markdown).toContain('| 2 | 2026-11-26T09:00:00.000Z | CONTOSO\\\\bob | JUMP02 | sfb-pair 1.2.3 (Node v20.20.2) | – | not recorded |');
	});

	it('keeps a status poll per change, says which polls in between were the same, and explains what is normal', async () => {
		const record = openChangeRecord(options());
		const status = {
			pool: 'pool2.contoso.com',
			command: "Get-CsBackupServiceStatus -PoolFqdn 'pool2.contoso.com'",
			modules: [{ identity: 'CentralMgmt.CMSMaster', exportStatus: 'NotInitialized', importStatus: 'NormalState' }],
			verdict: 'steady' as const,
			explanations: ['CentralMgmt.CMSMaster NotInitialized is normal here: pool2.contoso.com does not host the Central Management store'],
		};
		record.status({ ...status, poll: 1, at: '2026-11-26T08:00:00.000Z' });
		record.status({ ...status, poll: 5, concluded: 'steady', at: '2026-11-26T08:02:00.000Z' });
		await record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		expect(markdown).toContain('### 1. Backup Service status of pool2.contoso.com, poll 1\n');
		expect(markdown).toContain('### 2. Backup Service status of pool2.contoso.com, poll 5 (polls 2–4 unchanged)');
		expect(markdown).toContain('- steady state holds: the watch ends here');
		expect(markdown).toContain('- Note: CentralMgmt.CMSMaster NotInitialized is normal here: pool2.contoso.com does not host the Central Management store');
		expect(markdown).toContain('CentralMgmt.CMSMaster  NotInitialized  NormalState');
		expect(markdown).toContain('- Backup Service status: 2 polls recorded');
	});

	it('draws every attempt on every server as a Mermaid gantt chart, failures marked critical', async () => {
		const record = openChangeRecord(options());
		record.command({ ...bootstrap, phase: 'bootstrapper', outcome: 'failed', exitCode: 1, endedAt: '2026-11-26T07:20:30.000Z' });
		record.command({ ...bootstrap, phase: 'bootstrapper', startedAt: '2026-11-26T07:21:00.000Z', endedAt: '2026-11-26T07:23:00.000Z' });
		record.command({ ...bootstrap, target: 'fe02.contoso.com', phase: 'backup-service', startedAt: '2026-11-26T07:30:00.000Z', endedAt: '2026-11-26T07:30:00.000Z' });
		await record.flush();
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		expect(markdown).toContain(
			[
				'## Timeline',
				'',
				'```mermaid',
				'gantt',
				'    title Bootstrapper and LYNCBACKUP on each server (UTC)',
				'    dateFormat YYYY-MM-DD HH:mm:ss',
				'    axisFormat %H:%M',
				'    section fe01.contoso.com',
				'    Bootstrapper (failed) :crit, 2026-11-26 07:20:00, 2026-11-26 07:20:30',
				'    Bootstrapper :done, 2026-11-26 07:21:00, 2026-11-26 07:23:00',
				'    section fe02.contoso.com',
				'    LYNCBACKUP :done, 2026-11-26 07:30:00, 2026-11-26 07:30:01',
				'```',
			].join('\n'),
		);
	});

	it('writes the entries of one turn of the event loop at once and syncs them with one fsync (a Ctrl+C with 24 servers running)', async () => {
		const record = openChangeRecord(options());
		await record.flush();
		const probe = await fs.promises.open(record.jsonlPath, 'r');
		const handleSync = vi.spyOn(Object.getPrototypeOf(probe) as { sync(): Promise<void> }, 'sync');
		await probe.close();
		const fsyncSync = vi.spyOn(fs, 'fsyncSync');
		const fsync = vi.spyOn(fs, 'fsync');
		try {
			for (let server = 1; server <= 24; server++) {
				record.command({ ...bootstrap, target: `fe${server}.contoso.com`, phase: 'bootstrapper', outcome: 'interrupted' });
			}
			expect(readChangeRecord(record.jsonlPath).filter((entry) => entry.type === 'command'), 'every entry is in the file when the call returns').toHaveLength(24);
			await record.written();
			expect(handleSync.mock.calls.length + fsyncSync.mock.calls.length + fsync.mock.calls.length).toBe(1);
		} finally {
			handleSync.mockRestore();
			fsyncSync.mockRestore();
			fsync.mockRestore();
		}
	});

	it('names the file in one line when the disk is full, and stops taking entries', async () => {
		const record = openChangeRecord(options());
		await record.flush();
		const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
		const writeSync = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
			throw full;
		});
		try {
			expect(() => record.command(bootstrap), 'the caller is not the one to deal with it').not.toThrow();
			record.note('after the failure', '2026-11-26T07:30:00.000Z');
		} finally {
			writeSync.mockRestore();
		}
		await expect(record.written()).rejects.toThrow(`cannot use ${record.jsonlPath}: the disk is full`);
		await expect(record.written()).rejects.toBeInstanceOf(CheckpointFailure);
		expect((await record.written().catch((error: Error) => error.message)) as string).not.toContain('\n');
		expect(fs.readFileSync(record.jsonlPath, 'utf8')).not.toContain('after the failure');
	});

	it('names the file when it cannot be synced either', async () => {
		const record = openChangeRecord(options());
		await record.flush();
		const failingSync = vi.spyOn(fs, 'fsync').mockImplementation(((_descriptor: number, done: (error: NodeJS.ErrnoException | null) => void) => {
			done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
		}) as typeof fs.fsync);
		try {
			record.note('lost on a power cut', '2026-11-26T07:30:00.000Z');
			await expect(record.written()).rejects.toThrow(`cannot use ${record.jsonlPath}: an input/output error (a failing disk or a lost network share)`);
		} finally {
			failingSync.mockRestore();
		}
	});

	it('writes a record deleted while the session runs again from memory, says so in it, and tells the operator', async () => {
		const gaps: string[] = [];
		const record = openChangeRecord(options({ onGap: (text) => gaps.push(text) }));
		record.command({ ...bootstrap, phase: 'bootstrapper' });
		await record.flush();
		fs.rmSync(record.jsonlPath);
		fs.rmSync(record.markdownPath);
		record.command({ ...bootstrap, target: 'fe02.contoso.com', phase: 'bootstrapper' });
		await record.flush();

		expect(readChangeRecord(record.jsonlPath).map((entry) => entry.type)).toEqual(['session', 'command', 'gap', 'command']);
		expect(gaps).toEqual([`The change record ${record.jsonlPath} was deleted or replaced while the session ran: it was written again from this session's memory, nothing missing.`]);
		const markdown = fs.readFileSync(record.markdownPath, 'utf8');
		expect(markdown).toContain('- **Incomplete: The change record');
		expect(markdown).toContain('Command on fe01.contoso.com');
		expect(markdown).toContain('Command on fe02.contoso.com');
	});

	it('makes the folder again when the whole records folder is deleted while the session runs', async () => {
		const gaps: string[] = [];
		const record = openChangeRecord(options({ onGap: (text) => gaps.push(text) }));
		record.command({ ...bootstrap, phase: 'bootstrapper' });
		await record.flush();
		fs.rmSync(dir, { recursive: true });
		record.note('after the folder went', '2026-11-26T07:40:00.000Z');
		await record.flush();
		expect(readChangeRecord(record.jsonlPath).map((entry) => entry.type)).toEqual(['session', 'command', 'gap', 'note']);
		expect(gaps).toHaveLength(1);
		if (posix) expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
	});

	it('on a resume whose record was deleted, starts again with a first entry saying the earlier part is missing', async () => {
		const gaps: string[] = [];
		const record = openChangeRecord(
			options({
				at: '2026-11-26T09:00:00.000Z',
				resumedFrom: { since: '2026-11-26T07:12:00.000Z', remembered: ['step 6 Publish done (written and read back)'] },
				onGap: (text) => gaps.push(text),
			}),
		);
		await record.flush();
		const [session, gap] = readChangeRecord(record.jsonlPath);
		expect(session).toMatchObject({ type: 'session', at: '2026-11-26T09:00:00.000Z' });
		expect(gap).toEqual({
			type: 'gap',
			text: `The change record of this session was not found when it resumed (${record.jsonlPath}): what happened from 2026-11-26T07:12:00.000Z until this resume is missing from it. The checkpoint remembers: step 6 Publish done (written and read back).`,
			at: '2026-11-26T09:00:00.000Z',
		});
		expect(gaps).toHaveLength(1);
		expect(gaps[0]).toContain('the part before is missing');
		expect(fs.readFileSync(record.markdownPath, 'utf8')).toContain('- **Incomplete: The change record of this session was not found when it resumed');
	});

	it('finds a session\'s record whatever pair it was named with, and one named by the session alone (before pairs named files)', async () => {
		const legacy = path.join(dir, `${sessionId}.jsonl`);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(legacy, `${JSON.stringify({ type: 'session', sessionId, title: 't', environment: 'LAB', at: '2026-11-26T07:12:00.000Z' })}\n`);
		const reopened = openChangeRecord(options());
		expect(reopened.jsonlPath).toBe(legacy);
		expect(readChangeRecord(legacy).map((entry) => entry.type)).toEqual(['session', 'resumed']);
		await reopened.flush();
	});

	it('takes the new pair\'s names when the pair changes', async () => {
		const record = openChangeRecord(options());
		record.note('before', '2026-11-26T07:13:00.000Z');
		await record.movePair({ pool: 'pool1.contoso.com', backup: 'pool3.contoso.com' });
		record.note('after', '2026-11-26T07:14:00.000Z');
		await record.flush();
		expect(path.basename(record.jsonlPath)).toBe(`${sessionId}--pool1--pool3.jsonl`);
		expect(fs.readdirSync(dir).sort()).toEqual([`${sessionId}--pool1--pool3.jsonl`, `${sessionId}--pool1--pool3.md`]);
		expect(readChangeRecord(record.jsonlPath).flatMap((entry) => (entry.type === 'note' ? [entry.text] : []))).toEqual(['before', 'after']);
		expect(fs.readFileSync(record.markdownPath, 'utf8')).toContain('- Pair: pool1.contoso.com ↔ pool3.contoso.com');
	});
});
