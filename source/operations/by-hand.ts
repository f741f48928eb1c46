import { iso, type OperationContext } from './context.js';

/** Servers the operator runs the work on themselves from now on, noted in the record with why. */
export function markByHand(context: OperationContext, servers: string[], why: string) {
	const fresh = servers.filter((server) => !(context.session.state.byHand ?? []).includes(server));
	if (fresh.length === 0) return;
	context.session.dispatch({ type: 'by-hand-set', servers: fresh, byHand: true });
	context.recorder?.note(`Done by hand on ${fresh.join(', ')} (${why}): the operator runs Bootstrapper and the Backup Service start there; each is verified by its probe.`, iso(Date.now()));
}
