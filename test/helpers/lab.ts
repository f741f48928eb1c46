import { autoOperator } from '../../source/cli/auto-operator.js';
import { driveProcedure, type DriveOptions } from '../../source/cli/procedure-driver.js';
import type { LabEnvironment } from '../../source/environments/lab/lab-environment.js';
import { loadScenario, parseScenario, type Scenario } from '../../source/environments/lab/scenario.js';
import type { Operator } from '../../source/procedure/operator.js';
import type { RunIdentity } from '../../source/session/change-record.js';
import { findSessions } from '../../source/session/session-files.js';
import { DEFAULT_VOICE } from '../../source/sfb/voice-resiliency.js';
import { DEFAULT_BACKUP, DEFAULT_POOL } from './pools.js';

/** Who a test's change record says ran it. */
export const testIdentity = (mode = 'run --yes'): RunIdentity => ({ operator: 'CONTOSO\\alice', host: 'JUMP01', tool: 'sfb-pair test', mode });

/** The default farm under another name, with the test's faults. */
export async function defaultScenarioWith(name: string, faults: unknown[]): Promise<Scenario> {
	const base = await loadScenario('default');
	return parseScenario({ ...base, name, faults }, `${name}.json`);
}

type DriveChoices = Omit<DriveOptions, 'resume' | 'perPool' | 'signal' | 'identity' | 'onSession'> & Partial<Pick<DriveOptions, 'perPool' | 'signal' | 'identity' | 'onSession'>>;

/**
 * The procedure as `run --yes` drives it, one server of a pool at a time unless told otherwise; it goes on with the
 * unfinished session in the state folder when there is one, as a second run does.
 */
export function driveResuming(options: DriveChoices) {
	const resume = findSessions(options.stateDir).unfinished[0];
	return driveProcedure({
		perPool: 1,
		signal: new AbortController().signal,
		identity: testIdentity(),
		onSession: () => undefined,
		...options,
		...(resume ? { resume } : {}),
	});
}

/** `run --yes` on the default pair: the recommended voice settings, a failed server retried once, unless told otherwise. */
export const defaultPairOperator = (choices: Partial<Parameters<typeof autoOperator>[0]> = {}): Operator =>
	autoOperator({ pool: DEFAULT_POOL, backup: DEFAULT_BACKUP, voice: DEFAULT_VOICE, retries: 1, ...choices });

/** A call the lab farm was asked to make, and when it started and ended (performance.now()). */
export interface LabCall<What extends string> {
	server: string;
	what: What;
	startedAt: number;
	endedAt?: number;
}

type ServerAction = 'failOver' | 'failBack' | 'restart' | 'reapplyCumulativeUpdate' | 'runBootstrapper';

/** Records every call of these actions on the lab's servers, named as the test names them, in the order they start. */
export function recordCalls<What extends string>(environment: LabEnvironment, names: Partial<Record<ServerAction, What>>): LabCall<What>[] {
	const calls: LabCall<What>[] = [];
	for (const [action, what] of Object.entries(names) as [ServerAction, What][]) {
		const original = environment[action].bind(environment) as (server: string, options?: object) => Promise<unknown>;
		environment[action] = (async (server: string, options?: object) => {
			const call: LabCall<What> = { server, what, startedAt: performance.now() };
			calls.push(call);
			try {
				return await original(server, options);
			} finally {
				call.endedAt = performance.now();
			}
		}) as LabEnvironment[typeof action];
	}
	return calls;
}
