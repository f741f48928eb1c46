import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuardedJob, GuardedQuestion, GuardedResult, GuardedRunEvent, LoggedLine } from '../../source/procedure/guarded-run.js';
import { GuardedRun } from '../../source/ui/guarded-run/GuardedRun.js';
import { KEYS, waitForFrame } from '../helpers/frames.js';
import { frameOf, renderComponent, type Rendered } from '../helpers/render.js';

/** A job the test drives: it records the run's hooks and ends when told to. */
function fakeJob(planLength = 3) {
	let report: ((event: GuardedRunEvent) => void) | undefined;
	let ask: ((question: GuardedQuestion) => Promise<string>) | undefined;
	let signal: AbortSignal | undefined;
	let end: ((result: GuardedResult) => void) | undefined;
	const job: GuardedJob = {
		title: 'Drill: fail A over to B and back.',
		planLines: Array.from({ length: planLength }, (_, index) => `  ${index + 1}. plan line ${index + 1}`),
		word: 'failover',
		steps: [
			{ id: 'over', title: 'Fail over A' },
			{ id: 'back', title: 'Fail back A' },
		],
		run: vi.fn((r, a, s) => {
			report = r;
			ask = a;
			signal = s;
			return new Promise<GuardedResult>((resolve) => {
				end = resolve;
			});
		}),
		close: vi.fn(),
	};
	return {
		job,
		report: (event: GuardedRunEvent) => report!(event),
		ask: (question: GuardedQuestion) => ask!(question),
		signal: () => signal,
		end: (result: GuardedResult) => end!(result),
	};
}

const done: GuardedResult = { outcome: 'done', exitCode: 0, headline: 'Drill done: A over to B and back', details: [], files: [{ label: 'Drill record', path: '/state/records/drill-a.md' }] };

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

function show(job: GuardedJob, options: { rows?: number; columns?: number; signal?: AbortSignal; onDone?: (result: GuardedResult | undefined) => void } = {}) {
	const onDone = options.onDone ?? vi.fn();
	const log = { lines: [] as LoggedLine[] };
	const onLog = (lines: LoggedLine[]) => {
		log.lines = lines;
	};
	rendered = renderComponent(<GuardedRun job={job} rows={options.rows ?? 20} columns={options.columns ?? 80} signal={options.signal ?? new AbortController().signal} onDone={onDone} onLog={onLog} />, {
		columns: options.columns ?? 80,
	});
	/** The scrollback the screen hands its caller, as text. */
	const logText = () => log.lines.map((line) => line.text + (line.elapsedMs === undefined ? '' : ` (${Math.floor(line.elapsedMs / 1000)} s)`));
	return { rendered, onDone, logText };
}

describe('GuardedRun: plan → typed word → live steps → result', () => {
	it('shows the plan and asks for the word; a wrong word runs nothing and says so; the word starts the job', async () => {
		const fake = fakeJob();
		const { rendered } = show(fake.job);
		const frame = await waitForFrame(rendered, 'Type failover and press Enter');
		expect(frame).toContain('Drill: fail A over to B and back.');
		expect(frame).toContain('3. plan line 3');
		rendered.stdin.write('Failover\r');
		await waitForFrame(rendered, /only the word failover, in lower case, goes ahead \(you\s+typed "Failover"\)/);
		expect(fake.job.run).not.toHaveBeenCalled();
		rendered.stdin.write('failover\r');
		await waitForFrame(rendered, 'Fail over A');
		expect(fake.job.run).toHaveBeenCalledTimes(1);
	});

	it('cuts a plan taller than the rows and shows it whole on Tab', async () => {
		const fake = fakeJob(40);
		const { rendered } = show(fake.job, { rows: 12 });
		const frame = await waitForFrame(rendered, /more lines: Tab shows the whole plan/);
		expect(frame).not.toContain('plan line 40');
		expect(frame.split('\n').length).toBeLessThanOrEqual(12);
		rendered.stdin.write('\t');
		await waitForFrame(rendered, '(nothing has changed yet)');
		rendered.stdin.write('G');
		await waitForFrame(rendered, 'plan line 40');
	});

	it('Esc before the word changes nothing: the job is let go and the screen is done without a result', async () => {
		const fake = fakeJob();
		const { rendered, onDone } = show(fake.job);
		await waitForFrame(rendered, 'Type failover');
		rendered.stdin.write(KEYS.escape);
		await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith(undefined));
		expect(fake.job.close).toHaveBeenCalled();
		expect(fake.job.run).not.toHaveBeenCalled();
	});

	it('draws the running step with its latest line and the steps to come, writes finished ones above, then the result', async () => {
		const fake = fakeJob();
		const { rendered, onDone, logText } = show(fake.job);
		await waitForFrame(rendered, 'Type failover');
		rendered.stdin.write('failover\r');
		await vi.waitFor(() => expect(fake.job.run).toHaveBeenCalled());
		fake.report({ type: 'step-started', id: 'over', at: Date.now() });
		fake.report({ type: 'step-line', text: 'Routing groups of A are now served by B.' });
		const live = await waitForFrame(rendered, 'Routing groups of A');
		expect(live).toMatch(/^\S Fail over A 0:00$/m);
		expect(live).toMatch(/^· Fail back A$/m);
		fake.report({ type: 'step-finished', id: 'over', status: 'done', evidence: ['5 users of A: 0 on A, 5 on B'], at: Date.now() });
		await vi.waitFor(() => expect(logText()).toContain('Fail over A: done (0 s)'));
		expect(logText()).toContain('  5 users of A: 0 on A, 5 on B');
		await waitForFrame(rendered, /^✓ Fail over A: done 0:00$/m);
		fake.end(done);
		await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith(done));
		expect(logText().slice(-3)).toEqual(['Drill done: A over to B and back', 'Drill record:', '/state/records/drill-a.md']);
	});

	it('asks a question in the middle of the run and hands the choice back to the job', async () => {
		const fake = fakeJob();
		const { rendered } = show(fake.job);
		await waitForFrame(rendered, 'Type failover');
		rendered.stdin.write('failover\r');
		await vi.waitFor(() => expect(fake.job.run).toHaveBeenCalled());
		const answer = fake.ask({
			title: 'In Topology Builder:',
			lines: ['1. Download the topology.'],
			options: [
				{ label: 'Published: check the farm', value: 'published' },
				{ label: 'Stop here', value: 'stop' },
			],
		});
		await waitForFrame(rendered, '1. Download the topology.');
		rendered.stdin.write(KEYS.down);
		await waitForFrame(rendered, /❯ +Stop here/);
		rendered.stdin.write(KEYS.enter);
		await expect(answer).resolves.toBe('stop');
		await vi.waitFor(() => expect(frameOf(rendered!)).not.toContain('In Topology Builder'));
	});

	it('a cancel while a question is up answers it "stop" and takes the question away: nobody is left waiting on it', async () => {
		const cancel = new AbortController();
		const fake = fakeJob();
		const { rendered } = show(fake.job, { signal: cancel.signal });
		await waitForFrame(rendered, 'Type failover');
		rendered.stdin.write('failover\r');
		await vi.waitFor(() => expect(fake.job.run).toHaveBeenCalled());
		const answer = fake.ask({ title: 'In Topology Builder:', lines: ['1. Download the topology.'], options: [{ label: 'Published: check the farm', value: 'published' }] });
		await waitForFrame(rendered, '1. Download the topology.');
		cancel.abort();
		await expect(answer).resolves.toBe('stop');
		await vi.waitFor(() => expect(frameOf(rendered)).not.toContain('In Topology Builder'));
		// Asked once the run is cancelled, it is answered at once.
		await expect(fake.ask({ title: 'Again?', lines: [], options: [{ label: 'Yes', value: 'yes' }] })).resolves.toBe('stop');
	});

	it('a cancel before the word declines; during the run it reaches the job, which ends where the farm is', async () => {
		const before = new AbortController();
		const first = fakeJob();
		const declined = show(first.job, { signal: before.signal });
		await waitForFrame(declined.rendered, 'Type failover');
		before.abort();
		await vi.waitFor(() => expect(declined.onDone).toHaveBeenCalledWith(undefined));
		expect(first.job.run).not.toHaveBeenCalled();
		declined.rendered.unmount();

		const during = new AbortController();
		const second = fakeJob();
		const running = show(second.job, { signal: during.signal });
		const { logText } = running;
		await waitForFrame(running.rendered, 'Type failover');
		running.rendered.stdin.write('failover\r');
		await vi.waitFor(() => expect(second.job.run).toHaveBeenCalled());
		during.abort();
		expect(second.signal()?.aborted).toBe(true);
		second.end({ outcome: 'cancelled', exitCode: 130, headline: 'Cancelled: the farm is where the last step left it', details: ['To continue from where the farm is: sfb-pair drill --pool A'], files: [] });
		await vi.waitFor(() => expect(running.onDone).toHaveBeenCalledWith(expect.objectContaining({ exitCode: 130 })));
		expect(logText()).toContain('To continue from where the farm is: sfb-pair drill --pool A');
	});
});
