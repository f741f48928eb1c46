import type { ProcedureState } from './state.js';

/** Said when the operator cancels while the topology is being enabled: the tool waits, then stops. */
export const PUBLISH_WAIT_NOTICE =
	'Waiting for the publish (Set-CsRegistrar, Enable-CsTopology) to finish before stopping: stopped half way it would leave the topology half enabled.';

/** Said when the operator cancels while the unpair's cmdlet path clears the association and enables the topology. */
export const UNPAIR_WAIT_NOTICE =
	"Waiting for the unpair's publish (Set-CsRegistrar -BackupRegistrar $null, Enable-CsTopology) to finish before stopping: stopped half way it would leave one pool still naming the other as its backup.";

/** Whether the pairing write has started and not yet been seen to end. */
export function publishUnderWay(state: ProcedureState): boolean {
	return state.publish.writeStartedAt !== undefined && !state.publish.written;
}
