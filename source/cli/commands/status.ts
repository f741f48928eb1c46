import { BACKUP_SERVICE, type Environment } from '../../environments/port.js';
import { observePair } from '../../operations/reconcile.js';
import { assessPicture, type PairState } from '../../procedure/picture.js';
import { PHASE_NAMES, SERVER_PHASES } from '../../procedure/state.js';
import { judgeDirection, type DirectionVerdict } from '../../sfb/backup-status.js';
import { assessPools, findPool, unknownPoolMessage } from '../../sfb/pairing-rules.js';
import { stateWord, type Observation } from '../../sfb/observation.js';
import { sanitizeLine, terminalSafeJson } from '../../text/sanitize.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { table } from '../text-table.js';

/** 0 only when everything is done and steady; 3 while work remains; 1 when something failed or could not be told. */
const EXIT_FOR: Record<PairState | 'unpaired', number> = {
	complete: EXIT.done,
	unfinished: EXIT.waitingOnOperator,
	unpaired: EXIT.waitingOnOperator,
	unknown: EXIT.failed,
	failed: EXIT.failed,
};

const cell = (observation: Observation) => stateWord(observation);

export async function statusCommand(environment: Environment, poolName: string, json: boolean, write: (text: string) => void): Promise<number> {
	const inventory = await environment.readInventory();
	const pool = findPool(inventory, poolName);
	if (!pool) throw new UsageError(unknownPoolMessage(inventory, poolName));
	const partnerName = assessPools(inventory).find((entry) => entry.pool === pool)?.pairedWith;
	const partner = partnerName ? findPool(inventory, partnerName) : undefined;
	if (!partner) {
		if (json) write(terminalSafeJson({ pool: pool.fqdn, pairedWith: null, state: 'unpaired', directions: [], services: [], servers: [], remaining: [] }));
		else {
			write(environment.description);
			write(sanitizeLine(`${pool.fqdn} is not paired: sfb-pair plan --pool ${pool.fqdn} --backup <pool> shows what pairing it takes`));
		}
		return EXIT_FOR.unpaired;
	}

	const picture = await observePair(environment, pool, partner);
	const farm = assessPicture(picture);
	const directions = picture.sync.map((direction) => {
		const from = direction.pool === pool.fqdn ? pool : partner;
		const to = from === pool ? partner : pool;
		const verdict: DirectionVerdict | null = direction.observation.state === 'unknown' ? null : judgeDirection({ pool: from.fqdn, modules: direction.modules }, from.hostsCentralManagementStore);
		return { from: from.fqdn, to: to.fqdn, verdict, error: direction.observation.state === 'unknown' ? direction.observation.evidence : null, modules: direction.modules, observation: direction.observation };
	});
	const services = picture.servers.map((server) => ({
		server: server.fqdn,
		pool: server.pool,
		state: server['backup-service'].value ?? (server['backup-service'].state === 'unknown' ? 'Unknown' : 'NotInstalled'),
		detail: server['backup-service'].state === 'done' ? null : server['backup-service'].evidence,
	}));

	if (json) {
		write(
			terminalSafeJson({
				pool: pool.fqdn,
				pairedWith: partner.fqdn,
				state: farm.state,
				pairing: picture.pairing,
				directions,
				services,
				servers: picture.servers,
				remaining: [...farm.failed, ...farm.unknown, ...farm.remaining],
			}),
		);
		return EXIT_FOR[farm.state];
	}
	write(environment.description);
	const headline = { complete: 'paired, every step done and the sync steady both ways', unfinished: 'paired, unfinished', unknown: 'paired; the farm could not tell everything', failed: 'paired; something failed' }[farm.state];
	write(sanitizeLine(`${pool.fqdn} ↔ ${partner.fqdn}: ${headline}`));
	for (const entry of picture.pairing) write(sanitizeLine(`  pairing ${entry.pool} → ${entry.partner}: ${cell(entry.observation)}: ${entry.observation.evidence}`));
	write('');
	write(
		table(
			['SERVER', 'POOL', 'DEPLOYED', ...SERVER_PHASES.map((phase) => PHASE_NAMES[phase].toUpperCase())],
			picture.servers.map((server) => [server.fqdn, server.pool, cell(server.deployment), ...SERVER_PHASES.map((phase) => cell(server[phase]))]),
		),
	);
	for (const direction of directions) {
		write('');
		const verdict = direction.verdict
			? direction.verdict.state === 'steady'
				? 'steady state'
				: `${direction.verdict.state}: ${direction.verdict.reason}`
			: `unknown: ${direction.error ?? ''}`;
		write(sanitizeLine(`${direction.from} → ${direction.to}: ${verdict}`));
		if (direction.modules.length > 0) {
			write(table(['MODULE', 'EXPORT', 'IMPORT'], direction.modules.map((module) => [module.identity, module.exportStatus, module.importStatus])));
		}
	}
	const evidence = [...farm.failed, ...farm.unknown, ...farm.remaining];
	if (evidence.length > 0) {
		write('');
		write(farm.state === 'unfinished' ? 'What remains (sfb-pair run finishes it):' : 'What the farm says:');
		for (const line of evidence) write(`  - ${sanitizeLine(line)}`);
	}
	write('');
	write(`${BACKUP_SERVICE}: ${services.filter((service) => service.state === 'Running').length} of ${services.length} servers Running`);
	return EXIT_FOR[farm.state];
}
