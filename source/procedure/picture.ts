import type { BackupModuleStatus } from '../sfb/backup-status.js';
import { stateWord, type Observation } from '../sfb/observation.js';
import { sanitizeLine } from '../text/sanitize.js';
import { PHASE_NAMES, SERVER_PHASES, type ServerPhase } from './state.js';

/** One server as the farm shows it: deployed, and each server phase's work done or not, with the evidence. */
export type ServerPicture = { fqdn: string; pool: string; deployment: Observation } & Record<ServerPhase, Observation>;

export interface PairingPicture {
	pool: string;
	partner: string;
	observation: Observation;
}

export interface DirectionPicture {
	pool: string;
	observation: Observation;
	modules: BackupModuleStatus[];
}

/**
 * The pair as the farm shows it at one moment: the pairing both ways, every server of both pools, the sync both
 * ways. Taken at every start and checkpointed, so a resume, another machine or a lost session file all continue
 * from what is really there.
 */
export interface PairPicture {
	pool: string;
	backup: string;
	at: number;
	pairing: PairingPicture[];
	servers: ServerPicture[];
	sync: DirectionPicture[];
}

/** What each server phase's probe checks, in words. */
export const PHASE_OUTCOMES: Record<ServerPhase, string> = {
	bootstrapper: 'Backup Service installed (Bootstrapper)',
	'cumulative-update': 'Cumulative Update re-applied to the Backup Service',
	'backup-service': 'LYNCBACKUP running',
};

export type PictureStep = 'pairing' | 'deployment' | ServerPhase | 'sync';

export interface PictureItem {
	step: PictureStep;
	/** The server, or the pool (a direction of the pairing or the sync). */
	subject: string;
	what: string;
	observation: Observation;
}

export function isPairedBothWays(picture: PairPicture): boolean {
	return picture.pairing.length === 2 && picture.pairing.every((entry) => entry.observation.state === 'done');
}

/**
 * Everything the pair needs, in the procedure's order. A server phase counts only once the one before it is done
 * there: a CU re-applied before Bootstrapper ran again is undone by it, and the service start comes after the CU.
 */
export function pictureItems(picture: PairPicture): PictureItem[] {
	const items: PictureItem[] = picture.pairing.map((entry) => ({
		step: 'pairing' as const,
		subject: entry.pool,
		what: `pairing with ${entry.partner}`,
		observation: entry.observation,
	}));
	for (const server of picture.servers) {
		items.push({ step: 'deployment', subject: server.fqdn, what: 'deployed', observation: server.deployment });
		if (server.deployment.state === 'not-done') continue;
		for (const phase of SERVER_PHASES) {
			items.push({ step: phase, subject: server.fqdn, what: PHASE_OUTCOMES[phase], observation: server[phase] });
			if (server[phase].state !== 'done') break;
		}
	}
	for (const direction of picture.sync) items.push({ step: 'sync', subject: direction.pool, what: 'sync in steady state', observation: direction.observation });
	return items;
}

export type PairState = 'complete' | 'unfinished' | 'unknown' | 'failed';

export interface PairAssessment {
	state: PairState;
	/** Not done yet, one line each: "red-fe02.contoso.com: LYNCBACKUP running (Stopped)". */
	remaining: string[];
	/** Could not tell, with why. */
	unknown: string[];
	/** Not done because something is wrong. */
	failed: string[];
}

const line = (item: PictureItem) => `${item.subject}: ${item.what}: ${sanitizeLine(item.observation.evidence)}`;

/** Complete only when everything is done; failed before unknown before unfinished, as a status exit code needs. */
export function assessPicture(picture: PairPicture): PairAssessment {
	const items = pictureItems(picture);
	const remaining = items.filter((item) => item.observation.state === 'not-done' && !item.observation.broken).map(line);
	const unknown = items.filter((item) => item.observation.state === 'unknown').map(line);
	const failed = items.filter((item) => item.observation.state === 'not-done' && item.observation.broken).map(line);
	const state: PairState = failed.length > 0 ? 'failed' : unknown.length > 0 ? 'unknown' : remaining.length > 0 ? 'unfinished' : 'complete';
	return { state, remaining, unknown, failed };
}

const STEP_WORDS: Record<PictureStep, string> = { pairing: 'pairing', deployment: 'deployment', ...PHASE_NAMES, sync: 'sync' };

/** What is left, counted per step, in one short line: "Bootstrapper on 4, CU re-apply on 6, sync on 2 (1 unknown)". */
export function summariseRemaining(picture: PairPicture): string {
	const open = pictureItems(picture).filter((item) => item.observation.state !== 'done');
	const counts = new Map<PictureStep, number>();
	for (const item of open) counts.set(item.step, (counts.get(item.step) ?? 0) + 1);
	const unknown = open.filter((item) => item.observation.state === 'unknown').length;
	const parts = [...counts].map(([step, count]) => `${STEP_WORDS[step]} on ${count}`);
	return `${parts.join(', ') || 'nothing'}${unknown > 0 ? ` (${unknown} could not be told)` : ''}`;
}

const mark = (observation: Observation) => (observation.state === 'done' ? 'done' : stateWord(observation));

/** The picture in a few lines, for the plain output, the wizard's log and the change record. */
export function describePicture(picture: PairPicture): string[] {
	const lines = [`the farm now: ${picture.pool} ↔ ${picture.backup}`];
	lines.push(`  pairing: ${picture.pairing.map((entry) => `${entry.pool} → ${entry.partner} ${mark(entry.observation)}`).join('; ')}`);
	const paired = isPairedBothWays(picture);
	for (const server of picture.servers) {
		const cells = [`deployed ${mark(server.deployment)}`];
		if (paired && server.deployment.state !== 'not-done') {
			for (const phase of SERVER_PHASES) cells.push(`${PHASE_NAMES[phase]} ${mark(server[phase])}`);
		}
		lines.push(`  ${server.fqdn}: ${cells.join(', ')}`);
	}
	if (picture.sync.length > 0) lines.push(`  sync: ${picture.sync.map((direction) => `${direction.pool} ${mark(direction.observation)}`).join('; ')}`);
	const { unknown, failed } = assessPicture(picture);
	for (const item of [...failed, ...unknown]) lines.push(`  ${item}`);
	return lines.map((text) => sanitizeLine(text));
}
