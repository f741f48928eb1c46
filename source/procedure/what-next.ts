/**
 * What the wizard offers once a pairing is done: prove the failover (a drill in disaster mode, the training default, or
 * a planned one), undo the pairing, or leave. Pure.
 */

export type NextAction = 'drill-disaster' | 'drill-planned' | 'unpair' | 'leave';

export interface NextChoice {
	value: NextAction;
	label: string;
	detail: string;
}

/** The choices for a paired pair, the drill in disaster mode first (the training default). */
export function nextChoices(pool: string, backup: string): NextChoice[] {
	return [
		{ value: 'drill-disaster', label: `Run the failover drill on ${pool} now`, detail: '-DisasterMode, the training default: as if the pool were down, then back' },
		{ value: 'drill-planned', label: `Run a planned failover drill on ${pool}`, detail: 'no -DisasterMode: the pool is up and exports its latest changes first' },
		{ value: 'unpair', label: `Unpair ${pool} and its backup`, detail: `the way back from ${backup}: association cleared, Bootstrapper, backup data removed` },
		{ value: 'leave', label: 'Leave', detail: 'later, the same from the command line: sfb-pair drill, sfb-pair unpair' },
	];
}

/** The command that continues a drill or an unpair the wizard left unfinished. */
export function continueCommand(action: Exclude<NextAction, 'leave'>, pool: string): string {
	if (action === 'unpair') return `sfb-pair unpair --pool ${pool}`;
	return `sfb-pair drill --pool ${pool}${action === 'drill-planned' ? ' --planned' : ''}`;
}
