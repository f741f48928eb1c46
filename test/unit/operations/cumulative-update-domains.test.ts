import { describe, expect, it } from 'vitest';
import { openLabEnvironment, type LabEnvironment } from '../../../source/environments/lab/lab-environment.js';
import { loadScenario, parseScenario } from '../../../source/environments/lab/scenario.js';
import type { Operator } from '../../../source/procedure/operator.js';
import { readChangeRecord } from '../../../source/session/change-record.js';
import { assignUpgradeDomains } from '../../../source/sfb/upgrade-domains.js';
import { useTemporaryStateDir } from '../../helpers/folders.js';
import { defaultPairOperator, driveResuming, recordCalls, type LabCall } from '../../helpers/lab.js';
import { DEFAULT_BACKUP as BACKUP, DEFAULT_POOL as POOL } from '../../helpers/pools.js';

const SCALE = 5000;
const serversOf = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-fe${String(index + 1).padStart(2, '0')}.contoso.com`);
const RED = serversOf('red', 10);
const DUB = serversOf('dub', 4);

type Call = LabCall<'failover' | 'install' | 'failback' | 'bootstrapper'>;

const stateDir = useTemporaryStateDir('sfb-pair-cu-domains-');

/** The default farm with a 10-server and a 4-server pool (so some servers share an upgrade domain), and these faults. */
async function lab(faults: unknown[] = []): Promise<{ environment: LabEnvironment; calls: Call[] }> {
	const base = await loadScenario('default');
	const pools = base.pools.map((pool) => (pool.fqdn === POOL ? { ...pool, servers: RED } : pool.fqdn === BACKUP ? { ...pool, servers: DUB } : pool));
	const scenario = parseScenario({ ...base, name: 'domains', pools, faults }, 'domains.json');
	const environment = await openLabEnvironment({ stateDir: stateDir(), scenario, timeScale: SCALE });
	return { environment, calls: recordCalls(environment, { failOver: 'failover', reapplyCumulativeUpdate: 'install', failBack: 'failback', runBootstrapper: 'bootstrapper' }) };
}

function drive(
	environment: LabEnvironment,
	operator: Operator = defaultPairOperator(),
	signal = new AbortController().signal,
	perPool: number | 'domain' = 1,
	cumulativeUpdateSideBySide = false,
) {
	return driveResuming({ environment, stateDir: stateDir(), operator, perPool, cumulativeUpdateSideBySide, signal });
}

const patchingCalls = (calls: Call[]) => calls.filter((call) => call.what !== 'bootstrapper');
const callsOn = (calls: Call[], server: string) => patchingCalls(calls).filter((call) => call.server === server).map((call) => call.what);

/** Each server's span, first failover to last failback. */
function spans(calls: Call[]) {
	const result = new Map<string, { from: number; to: number }>();
	for (const call of calls) {
		const span = result.get(call.server) ?? { from: call.startedAt, to: call.endedAt ?? Infinity };
		result.set(call.server, { from: Math.min(span.from, call.startedAt), to: Math.max(span.to, call.endedAt ?? Infinity) });
	}
	return result;
}

/** Servers of different upgrade domains of one pool that were being patched at the same moment. */
function domainsOverlapping(calls: Call[], servers: string[]): string[] {
	const domains = assignUpgradeDomains(servers);
	const domainOf = new Map(domains.flatMap((domain) => domain.servers.map((server) => [server, domain.name] as const)));
	const span = spans(calls);
	const found: string[] = [];
	for (const left of servers) {
		for (const right of servers) {
			if (left >= right || domainOf.get(left) === domainOf.get(right)) continue;
			const a = span.get(left);
			const b = span.get(right);
			if (a && b && a.from < b.to && b.from < a.to) found.push(`${left} with ${right}`);
		}
	}
	return found;
}

describe('the Cumulative Update by upgrade domains in the lab', () => {
	it('fails over, installs and fails back each server, domain by domain, one pool after the other', async () => {
		const { environment, calls } = await lab();
		const result = await drive(environment);
		expect(result.outcome).toBe('done');
		for (const server of [...RED, ...DUB]) expect(callsOn(calls, server)).toEqual(['failover', 'install', 'failback']);
		expect(domainsOverlapping(patchingCalls(calls), RED)).toEqual([]);
		expect(domainsOverlapping(patchingCalls(calls), DUB)).toEqual([]);
		// Servers sharing a domain go together: red-fe01 and red-fe09 share UpgradeDomain1.
		const span = spans(patchingCalls(calls));
		expect(span.get('red-fe09.contoso.com')!.from).toBeLessThan(span.get('red-fe01.contoso.com')!.to);
		// By default the partner waits until the pool being patched is done: it is that pool's backup.
		const lastRed = Math.max(...RED.map((server) => span.get(server)!.to));
		expect(Math.min(...DUB.map((server) => span.get(server)!.from))).toBeGreaterThanOrEqual(lastRed);
		expect(Object.values(environment.readFarm().servers).some((server) => server.failedOver)).toBe(false);
		// The session holds the schedule the time left is estimated by: one lane, Redmond's 8 domains then Dublin's 4.
		const lanes = result.session.state.schedules?.['cumulative-update']?.lanes;
		expect(lanes?.map((lane) => lane.map((domain) => domain.pool))).toEqual([[...Array(8).fill(POOL), ...Array(4).fill(BACKUP)]]);
		expect(result.session.state.schedules?.bootstrapper).toBeUndefined();
	});

	it('with --cu-side-by-side the pools are patched at once, each still one domain at a time', async () => {
		const { environment, calls } = await lab();
		const result = await drive(environment, undefined, undefined, 1, true);
		expect(result.outcome).toBe('done');
		expect(domainsOverlapping(patchingCalls(calls), RED)).toEqual([]);
		expect(domainsOverlapping(patchingCalls(calls), DUB)).toEqual([]);
		const span = spans(patchingCalls(calls));
		expect(span.get('dub-fe01.contoso.com')!.from).toBeLessThan(span.get('red-fe01.contoso.com')!.to);
	});

	it('a pool that is not ready waits, says why in the record, and goes on once ready', async () => {
		const { environment, calls } = await lab([{ type: 'server-down', server: 'dub-fe03.contoso.com', attempts: 3 }]);
		const result = await drive(environment);
		expect(result.outcome).toBe('done');
		expect(callsOn(calls, 'dub-fe01.contoso.com')).toEqual(['failover', 'install', 'failback']);
		const notes = readChangeRecord(result.recordPath!.replace(/\.md$/, '.jsonl')).filter((entry) => entry.type === 'note').map((entry) => (entry as { text: string }).text);
		expect(notes.find((text) => text.includes('not ready'))).toMatch(/UpgradeDomain1 of pool-dublin\.contoso\.com waits: not ready for an upgrade, pool-dublin\.contoso\.com: 3 of 4 Front Ends active \(InsufficientActiveFrontEnds\) .*dub-fe03/);
	});

	it('a pool that stays not ready stops the step with the readiness output, touching none of its servers', async () => {
		const { environment, calls } = await lab([{ type: 'server-down', server: 'dub-fe03.contoso.com', attempts: 1000 }]);
		const result = await drive(environment);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toMatch(/^pool-dublin\.contoso\.com is not ready for an upgrade of UpgradeDomain1 \(dub-fe01\.contoso\.com\): .*InsufficientActiveFrontEnds.*; it said \{.*"InactiveFrontEnds":\["dub-fe03\.contoso\.com"\]/);
		expect(DUB.flatMap((server) => callsOn(calls, server))).toEqual([]);
		expect(result.session.state.readiness?.[BACKUP]).toMatchObject({ ready: false });
	});

	it('a failed installer stops that domain: the server is left failed over and says so, the next domain never starts', async () => {
		const failing = RED[1]!;
		const { environment, calls } = await lab([{ type: 'cumulative-update-exit', server: failing, exitCode: 1603, attempts: 100 }]);
		const result = await drive(environment);
		expect(result.outcome).toBe('needs-operator');
		expect(result.reason).toContain(`${failing}: the update installer exited with 1603; ${failing} is left failed over`);
		expect(result.reason).toContain(`Invoke-CsComputerFailBack -ComputerName '${failing}'`);
		expect(environment.readFarm().servers[failing]!.failedOver).toBe(true);
		expect(callsOn(calls, failing)).toEqual(['failover', 'install', 'install']);
		expect(result.session.state.servers[failing]!.tasks['cumulative-update']).toMatchObject({ state: 'failed', stage: 'install' });
		// UpgradeDomain3 onwards and the partner pool are untouched.
		for (const server of [...RED.slice(2, 8), ...DUB]) expect(callsOn(calls, server)).toEqual([]);
	});

	it('resumed mid-domain, re-checks each server on the farm: a server failed over and patched is only failed back', async () => {
		const { environment, calls } = await lab();
		const controller = new AbortController();
		const install = environment.reapplyCumulativeUpdate.bind(environment);
		environment.reapplyCumulativeUpdate = async (server, options) => {
			const outcome = await install(server, options);
			if (server === RED[0]) controller.abort();
			return outcome;
		};
		const first = await drive(environment, undefined, controller.signal);
		expect(first.outcome).toBe('cancelled');
		expect(environment.readFarm().servers[RED[0]!]!.failedOver).toBe(true);
		calls.length = 0;
		const resumed = await drive(environment);
		expect(resumed.outcome).toBe('done');
		expect(callsOn(calls, RED[0]!)).toEqual(['failback']);
		expect(callsOn(calls, RED[2]!)).toEqual(['failover', 'install', 'failback']);
		expect(environment.readFarm().servers[RED[0]!]!.failedOver).toBe(false);
	});
});

describe('Bootstrapper with --parallel domain', () => {
	it('runs one upgrade domain at a time per pool, the servers sharing one together, the pools side by side', async () => {
		const { environment, calls } = await lab();
		const result = await drive(environment, undefined, undefined, 'domain');
		expect(result.outcome).toBe('done');
		const bootstrapper = calls.filter((call) => call.what === 'bootstrapper');
		expect(bootstrapper.map((call) => call.server).sort()).toEqual([...RED, ...DUB].sort());
		expect(domainsOverlapping(bootstrapper, RED)).toEqual([]);
		expect(domainsOverlapping(bootstrapper, DUB)).toEqual([]);
		const span = spans(bootstrapper);
		expect(span.get('red-fe09.contoso.com')!.from).toBeLessThan(span.get('red-fe01.contoso.com')!.to);
		expect(span.get('dub-fe01.contoso.com')!.from).toBeLessThan(span.get('red-fe01.contoso.com')!.to);
		expect(result.session.state.schedules?.bootstrapper?.lanes.map((lane) => lane.length)).toEqual([8, 4]);
	});
});
