/** The procedure's steps, in order, numbered as Microsoft's article numbers them. */
export const STEP_IDS = [
	'pools-defined',
	'choose-pool',
	'choose-backup',
	'voice',
	'publish',
	'deployment',
	'bootstrapper',
	'cumulative-update',
	'backup-service',
	'sync',
] as const;

export type StepId = (typeof STEP_IDS)[number];

export interface StepDefinition {
	id: StepId;
	/** The number in Microsoft's procedure; the Cumulative Update step is ours and has none. */
	label: string;
	title: string;
	guidance: string;
	/** Why the step exists and what goes wrong without it: shown in explain mode. */
	why: string;
	/** Where that comes from, named so a trainee can read it. */
	source: string;
}

export const STEPS: Record<StepId, StepDefinition> = {
	'pools-defined': {
		id: 'pools-defined',
		label: '1',
		title: 'Pools defined',
		guidance: 'Reads the published topology and finds the Front End pools that could be paired.',
		why: 'Only Front End pools can back each other up, and both must already exist in the topology.',
		source: 'Microsoft Learn: Front End pool disaster recovery in Skype for Business Server',
	},
	'choose-pool': {
		id: 'choose-pool',
		label: '2',
		title: 'Pool',
		guidance: 'Choose the first pool. Pools that already have a backup are not offered.',
		why: 'Pairing is one to one: a pool already paired cannot take a second partner, so Topology Builder hides it too.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 4',
	},
	'choose-backup': {
		id: 'choose-backup',
		label: '3–4',
		title: 'Backup pool',
		guidance: 'Choose the pool that will back it up. Pairs Microsoft does not support are refused with the reason.',
		why: 'Topology Builder will not stop an unsupported pair (different editions, physical with virtual); the failure shows only during a disaster.',
		source: 'Microsoft Learn: Front End pool disaster recovery in Skype for Business Server',
	},
	voice: {
		id: 'voice',
		label: '5',
		title: 'Voice resiliency',
		guidance: 'Automatic failover and failback for Voice, with the detection intervals. Pool failover itself stays manual.',
		why: 'These intervals decide how soon phones register with the backup when their pool stops answering; under 90 s, failover is raised to 90 s.',
		source: 'Topology Builder help: Front End general settings; Microsoft Learn: Deploy paired Front End pools for disaster recovery, note',
	},
	publish: {
		id: 'publish',
		label: '6',
		title: 'Confirm and publish',
		guidance: 'Shows exactly what will change and which commands will run. Nothing is written until you confirm.',
		why: 'Publishing changes the Central Management store for the whole farm; a snapshot is saved first so it can be rolled back.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 6; Set-CsRegistrar reference',
	},
	deployment: {
		id: 'deployment',
		label: '7',
		title: 'Deployment check',
		guidance: 'Pools never deployed need nothing more: deploying them completes the pairing. Deployed pools need steps 8–10.',
		why: 'Servers already running only learn of their new role when Bootstrapper runs on them again.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 7',
	},
	bootstrapper: {
		id: 'bootstrapper',
		label: '8',
		title: 'Bootstrapper',
		guidance: 'Runs Bootstrapper.exe on every Front End of both pools, which installs the Backup Service.',
		why: 'Without it the Backup Service is never installed and nothing is replicated between the pools.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 8',
	},
	'cumulative-update': {
		id: 'cumulative-update',
		label: 'CU',
		title: 'Cumulative Update',
		guidance: 'Re-applies the Cumulative Update, because Bootstrapper installs the Backup Service from the original media.',
		why: 'Skipped, the Backup Service crashes at start with Event 4007 (System.NullReferenceException).',
		source: 'Microsoft support: LyncBackupService.exe crashes with pool pairing (Event 4007)',
	},
	'backup-service': {
		id: 'backup-service',
		label: '9',
		title: 'Backup Service',
		guidance: 'Starts LYNCBACKUP on every server and checks that it stays Running.',
		why: 'The service that copies user and conference data between the pools does not start by itself after Bootstrapper.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 9',
	},
	sync: {
		id: 'sync',
		label: '10',
		title: 'Sync',
		guidance: 'Forces a sync both ways, then polls the Backup Service until both directions hold steady state.',
		why: 'Until both directions are steady, a failover would lose the users and meetings not yet copied.',
		source: 'Microsoft Learn: Deploy paired Front End pools for disaster recovery, step 10; Microsoft Learn: Configuring and monitoring the Backup Service',
	},
};

export function stepIndex(step: StepId): number {
	return STEP_IDS.indexOf(step);
}
