/**
 * Secrets never reach the change record: a ticket attachment outlives the change and is read by many.
 * Values are cut by reading them the way PowerShell does (quoted strings, parenthesised expressions,
 * bare words), so a password with spaces inside quotes goes entirely.
 */

const redacted = '[REDACTED]';

const singleQuotes = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);
const doubleQuotes = new Set(['"', '\u201c', '\u201d', '\u201e']);
const bareValueEnd = /[\s;|)}&,]/;

/** The index just past the value starting at `start`; `start` itself when there is no value there. */
function endOfValue(text: string, start: number): number {
	const first = text[start];
	if (first === undefined || /\s/.test(first)) {
		return start;
	}
	if (singleQuotes.has(first)) {
		for (let index = start + 1; index < text.length; index += 1) {
			if (singleQuotes.has(text[index] ?? '')) {
				if (singleQuotes.has(text[index + 1] ?? '')) {
					index += 1;
				} else {
					return index + 1;
				}
			}
		}
		return text.length;
	}
	if (doubleQuotes.has(first)) {
		for (let index = start + 1; index < text.length; index += 1) {
			const character = text[index] ?? '';
			if (character === '`') {
				index += 1;
			} else if (doubleQuotes.has(character)) {
				if (doubleQuotes.has(text[index + 1] ?? '')) {
					index += 1;
				} else {
					return index + 1;
				}
			}
		}
		return text.length;
	}
	if (first === '(') {
		let depth = 0;
		for (let index = start; index < text.length; ) {
			const character = text[index] ?? '';
			if (index > start && (singleQuotes.has(character) || doubleQuotes.has(character))) {
				index = endOfValue(text, index);
				continue;
			}
			if (character === '(') {
				depth += 1;
			} else if (character === ')') {
				depth -= 1;
				if (depth === 0) {
					return index + 1;
				}
			}
			index += 1;
		}
		return text.length;
	}
	// `-Name` is the next parameter: the one before was a switch or had its value elsewhere.
	if (first === '-' && /[A-Za-z]/.test(text[start + 1] ?? '')) {
		return start;
	}
	let index = start;
	while (index < text.length && !bareValueEnd.test(text[index] ?? '')) {
		index += 1;
	}
	return index;
}

/** Replaces the value that follows each match of `prefix` (a global regex) with the redaction mark. */
function redactValuesAfter(text: string, prefix: RegExp): string {
	let result = '';
	let copiedUpTo = 0;
	prefix.lastIndex = 0;
	for (let match = prefix.exec(text); match !== null; match = prefix.exec(text)) {
		const valueStart = match.index + match[0].length;
		const valueEnd = endOfValue(text, valueStart);
		if (valueEnd > valueStart) {
			result += text.slice(copiedUpTo, valueStart) + redacted;
			copiedUpTo = valueEnd;
			prefix.lastIndex = valueEnd;
		}
	}
	return result + text.slice(copiedUpTo);
}

/** The index where the value ending just before `end` starts, reading backwards. */
function startOfValueBefore(text: string, end: number): number {
	const last = text[end - 1] ?? '';
	const quotes = singleQuotes.has(last) ? singleQuotes : doubleQuotes.has(last) ? doubleQuotes : undefined;
	let index = end - 1;
	if (quotes === undefined) {
		while (index > 0 && !/[\s;|(=,]/.test(text[index - 1] ?? '')) {
			index -= 1;
		}
		return index;
	}
	for (index -= 1; index >= 0; index -= 1) {
		if (quotes.has(text[index] ?? '')) {
			if (index > 0 && quotes.has(text[index - 1] ?? '')) {
				index -= 1;
			} else {
				return index;
			}
		}
	}
	return 0;
}

/** `'secret' | ConvertTo-SecureString -AsPlainText -Force`: the value piped into the conversion. */
function redactValuesPipedInto(text: string, pipe: RegExp): string {
	let result = '';
	let copiedUpTo = 0;
	pipe.lastIndex = 0;
	for (let match = pipe.exec(text); match !== null; match = pipe.exec(text)) {
		let valueEnd = match.index;
		while (valueEnd > copiedUpTo && /[ \t]/.test(text[valueEnd - 1] ?? '')) {
			valueEnd -= 1;
		}
		const valueStart = Math.max(startOfValueBefore(text, valueEnd), copiedUpTo);
		if (valueEnd > valueStart) {
			result += text.slice(copiedUpTo, valueStart) + redacted;
			copiedUpTo = valueEnd;
		}
	}
	return result + text.slice(copiedUpTo);
}

/** Every argument of each `command` call up to the end of its pipeline element, parameter names kept. */
function redactArgumentsOf(text: string, command: RegExp): string {
	let result = '';
	let copiedUpTo = 0;
	command.lastIndex = 0;
	for (let match = command.exec(text); match !== null; match = command.exec(text)) {
		let index = match.index + match[0].length;
		// `ConvertTo-SecureString : The key is not valid` is an error message, not a call.
		if (/^[ \t]+:[ \t]/.test(text.slice(index, index + 3))) {
			continue;
		}
		for (;;) {
			while (index < text.length && /[ \t]/.test(text[index] ?? '')) {
				index += 1;
			}
			const character = text[index];
			if (character === undefined || /[|;)}\n]/.test(character)) {
				break;
			}
			if (character === '-' && /[A-Za-z]/.test(text[index + 1] ?? '')) {
				while (index < text.length && /[-\w:]/.test(text[index] ?? '')) {
					index += 1;
				}
				continue;
			}
			const valueEnd = endOfValue(text, index);
			if (valueEnd === index) {
				index += 1;
				continue;
			}
			result += text.slice(copiedUpTo, index) + redacted;
			copiedUpTo = valueEnd;
			index = valueEnd;
		}
		command.lastIndex = index;
	}
	return result + text.slice(copiedUpTo);
}

const secretParameter = /(?<=^|[\s(;{|,@])-(?:\w*Password|Credential|Passwd|Pwd|\w*Secret|\w*Token|ApiKey)(?![\w-])(?:[ \t]*:[ \t]*|[ \t]+)/gi;
const secretAssignment =
	/(?<![\w.-])["']?[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key)["']?[ \t]*[=:][ \t]*/gi;
const secureStringConversion = /\bConvertTo-SecureString\b/gi;
const pipeIntoSecureString = /\|[ \t]*ConvertTo-SecureString\b/gi;
const authorizationHeader = /(\bauthorization["']?[ \t]*[=:][ \t]*)(?:(?:basic|bearer|negotiate|ntlm|digest)[ \t]+)?[^\s,;]+/gi;
const urlUserInfo = /((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+):([^\s/@]+)@/gi;
const bareUserInfo = /(?<![\w.%+:/\\-])([\w.%+\\-]+):([^\s/@:]+)@(?=[\w-])/g;
/** `sip:alice@contoso.com` is an address, not a user and password. */
const uriSchemes = new Set(['sip', 'sips', 'tel', 'mailto', 'im', 'pres', 'urn', 'http', 'https', 'ftp', 'ldap', 'xmpp']);

export function redactSecrets(text: string): string {
	let clean = redactValuesPipedInto(text, pipeIntoSecureString);
	clean = redactArgumentsOf(clean, secureStringConversion);
	clean = redactValuesAfter(clean, secretParameter);
	clean = clean.replace(authorizationHeader, `$1${redacted}`);
	clean = redactValuesAfter(clean, secretAssignment);
	clean = clean.replace(urlUserInfo, `$1$2:${redacted}@`);
	return clean.replace(bareUserInfo, (whole, user: string) =>
		uriSchemes.has(user.toLowerCase()) ? whole : `${user}:${redacted}@`,
	);
}
