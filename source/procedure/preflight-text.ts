import { wrapWords } from '../text/wrap.js';
import { sanitizeLine } from '../text/sanitize.js';
import { CHECK_TITLES, checksToAct, type Check, type CheckStatus } from './preflight.js';

export const STATUS_WORDS: Record<CheckStatus, string> = { ok: 'ok', warning: 'WARNING', blocking: 'BLOCKING' };

/** One check as the wizard shows it: state, check and subject on a line, then its evidence and what to do, wrapped to `width`. */
export function checkLines(check: Check, width: number): string[] {
	const wrap = (text: string, indent: string) => wrapWords(sanitizeLine(text), Math.max(10, width - indent.length), '  ').map((line) => indent + line);
	return [
		...wrap(`${STATUS_WORDS[check.status]} · ${CHECK_TITLES[check.id]} · ${check.subject}`, ''),
		...wrap(check.evidence, '  '),
		...(check.action === '' ? [] : wrap(`do: ${check.action}`, '  ')),
	];
}

/** Every check, those to act on first (blocking before warning), then the ok ones: the pre-flight's whole text. */
export function allCheckLines(checks: readonly Check[], width: number): string[] {
	const toAct = checksToAct(checks);
	return [...toAct, ...checks.filter((check) => check.status === 'ok')].flatMap((check) => checkLines(check, width));
}
