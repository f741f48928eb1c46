import { BACKUP_SERVICE, type Environment } from '../environments/port.js';
import { CMS_DATABASES_COMMAND, readServiceCommand } from '../sfb/commands.js';
import type { BackEnd } from '../sfb/model.js';
import { done, notDone, unknown, type Observation } from '../sfb/observation.js';
import { asking, probe } from './probes.js';

/**
 * Where one pool of the pair stands between the unpair's before (it names `partner` as its backup) and after (it names
 * none), read by the pairing's own probe: `elsewhere` when it names a third pool, a change that is not this unpair's.
 */
export interface ClearReading {
	pool: string;
	stage: 'paired' | 'cleared' | 'elsewhere' | 'unknown';
	observation: Observation;
}

export async function probeClearing(environment: Environment, pool: string, partner: string): Promise<ClearReading> {
	const observation = await probe(environment, { kind: 'pairing', pool, partner });
	const stage = observation.state === 'unknown' ? 'unknown' : observation.state === 'done' ? 'paired' : observation.broken ? 'elsewhere' : 'cleared';
	return { pool, stage, observation };
}

/** Bootstrapper's work on an unpaired server: the Backup Service is no longer installed there. */
export function probeBackupServiceRemoved(environment: Environment, server: string): Promise<Observation> {
	const command = readServiceCommand(server);
	return asking(command, async () => {
		const status = await environment.readService(server, BACKUP_SERVICE);
		if (status.state === 'NotInstalled') return done(`${command}: ${BACKUP_SERVICE} is not installed`, status.state);
		if (status.state === 'Unknown') return unknown('unexpected-output', `${command}: the state could not be read${status.detail ? ` (${status.detail})` : ''}`);
		return notDone(`${command}: ${status.state}, still installed`, { value: status.state });
	});
}

/**
 * No user data of a former partner kept by `pool`. Where the farm cannot say (no cmdlet reads the backup user store
 * back [unverified]), unknown: never "gone".
 */
export function probeBackupData(environment: Environment, pool: string): Promise<Observation> {
	const command = `backup user data of ${pool}`;
	const unpairing = environment.unpairing;
	if (!unpairing) return Promise.resolve(unknown('cmdlet-missing', `${command}: this environment cannot remove or read backup user data`));
	return asking(command, async () => {
		const reading = await unpairing.readBackupData(pool);
		if (reading.stalePools === undefined) return unknown('unexpected-output', reading.evidence);
		return reading.stalePools.length === 0 ? done(reading.evidence) : notDone(reading.evidence, { value: reading.stalePools.join(', ') });
	});
}

/** The standby store is gone from the topology: no Central Management database on the former partner's back end. */
export function probeStandbyRemoved(environment: Environment, partner: string, partnerBackEnd: BackEnd | undefined): Promise<Observation> {
	return asking(CMS_DATABASES_COMMAND, async () => {
		const databases = await environment.readCentralManagementDatabases();
		const listed = databases.map((each) => each.sqlServer).join(', ') || 'none';
		if (!partnerBackEnd) {
			// Where the topology names no back end for the partner, only a single store (the active one) tells it is gone.
			return databases.length <= 1
				? done(`${CMS_DATABASES_COMMAND}: ${listed} (one store, no standby)`)
				: unknown('unexpected-output', `${CMS_DATABASES_COMMAND}: ${listed}; the back end of ${partner} is not known, so which is the standby cannot be told`);
		}
		const standby = databases.find((each) => each.sqlServer.toLowerCase() === partnerBackEnd.sqlServer.toLowerCase());
		return standby ? notDone(`${CMS_DATABASES_COMMAND}: a store on ${standby.sqlServer} (the standby on ${partner})`) : done(`${CMS_DATABASES_COMMAND}: ${listed}, none on ${partnerBackEnd.sqlServer}`);
	});
}
