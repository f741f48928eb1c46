import type { ProcedureState } from './state.js';

/** Said when the operator cancels while the topology is being enabled: the tool waits, then stops. */
export const PUBLISH_WAIT_NOTICE =
	'Waiting for the publish (Set-CsRegistrar, Enable-CsTopology) to finish before stopping: stopped half way it would leave the topology half enabled.';

/** Whether the pairing write has started and not yet been seen to end. */
export function publishUnderWay(state: ProcedureState): boolean {
	return state.publish.writeStartedAt !== undefined && !state.publish.written;
}
