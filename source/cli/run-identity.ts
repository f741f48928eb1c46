import os from 'node:os';
import { InvalidArgumentError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import type { RunIdentity } from '../session/change-record.js';
import { sanitizeLine } from '../text/sanitize.js';

export const LONGEST_NAME = 128;

/** A person's name or account as the change ticket should show it, on one line: `--operator` and the `operator` setting. */
export function checkOperatorName(value: string): { ok: true; value: string } | { ok: false; reason: string } {
	const name = value.trim();
	if (name === '' || name.length > LONGEST_NAME || sanitizeLine(name) !== name) {
		return { ok: false, reason: `give a name or account of 1 to ${LONGEST_NAME} printable characters, e.g. --operator 'CONTOSO\\alice'` };
	}
	return { ok: true, value: name };
}

/** `--operator NAME`, read by commander. */
export function operatorName(value: string): string {
	const checked = checkOperatorName(value);
	if (!checked.ok) throw new InvalidArgumentError(checked.reason);
	return checked.value;
}

/** The account sfb-pair runs under: `DOMAIN\user` on Windows, as the change ticket's readers know it. */
function osAccount(): string {
	let user: string | undefined;
	try {
		user = os.userInfo().username;
	} catch {
		// No entry for this uid (a container): the environment may still say.
	}
	user ||= process.env.USERNAME ?? process.env.USER ?? process.env.LOGNAME;
	if (!user) return process.getuid ? `uid ${process.getuid()}` : 'unknown account';
	const domain = process.platform === 'win32' ? process.env.USERDOMAIN : undefined;
	return domain ? `${domain}\\${user}` : user;
}

/** Who runs this session, where, and with what, for the change record's header. */
export function runIdentity(operator: string | undefined, mode: string): RunIdentity {
	return {
		operator: operator ?? osAccount(),
		host: os.hostname(),
		tool: `sfb-pair ${packageJson.version} (Node ${process.version})`,
		mode,
	};
}
