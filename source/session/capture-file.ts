import fs from 'node:fs';
import path from 'node:path';
import type { CmdletShape } from '../environments/port.js';
import type { FrontEndPool } from '../sfb/model.js';
import { describeFsError, FileProblem, kindOf, replaceFile } from './private-fs.js';
import { redactSecrets } from './redact.js';

/**
 * `doctor --capture FILE`: the shapes of the cmdlet outputs a real farm returned, for the stand-in module to be checked
 * against. It holds names and types, never a value; the farm's own names (pools, servers) become placeholders, so the
 * file can be attached to a ticket or sent to whoever maintains the tool.
 */

/**
 * Refuses, before anything is read from the farm, a path that is not a regular file to (re)write: a folder, a named
 * pipe, a device, a socket, a symbolic link (it would write wherever the link points), or a path whose folder is missing.
 */
export function checkCapturePath(file: string): string {
	const absolute = path.resolve(file);
	if (file.trim() === '') throw new FileProblem(file, 'it is empty', { as: 'capture file' });
	const stats = lstat(absolute, file);
	if (stats !== undefined && !stats.isFile()) throw new FileProblem(file, kindOf(stats), { as: 'capture file' });
	const folder = lstat(path.dirname(absolute), file);
	if (folder === undefined) throw new FileProblem(file, `its folder ${path.dirname(absolute)} does not exist`, { as: 'capture file' });
	if (!fs.statSync(path.dirname(absolute)).isDirectory()) throw new FileProblem(file, `${path.dirname(absolute)} is not a folder`, { as: 'capture file' });
	return absolute;
}

function lstat(target: string, named: string): fs.Stats | undefined {
	try {
		return fs.lstatSync(target, { throwIfNoEntry: false });
	} catch (error) {
		throw new FileProblem(named, describeFsError(error), { cause: error, as: 'capture file' });
	}
}

/** Writes the capture readable by its owner only (0600), whole or not at all. */
export async function writeCapture(file: string, capture: { tool: string; environment: string; capturedAt: string; pools: FrontEndPool[]; shapes: CmdletShape[] }): Promise<void> {
	const placeholders = namesToPlaceholders(capture.pools);
	const document = {
		tool: capture.tool,
		capturedAt: capture.capturedAt,
		environment: capture.environment,
		note: 'The shape of each cmdlet output sfb-pair reads: type and property names and types, never a value. Pool and server names are replaced by placeholders.',
		shapes: capture.shapes.map((entry) => ({ command: placeholders(entry.command), shape: entry.shape })),
	};
	const text = redactSecrets(placeholders(`${JSON.stringify(document, null, '\t')}\n`));
	try {
		await replaceFile(file, text);
	} catch (error) {
		throw new FileProblem(file, describeFsError(error), { cause: error, as: 'capture file' });
	}
}

/** pool01.contoso.com → pool1, its servers → pool1-fe1, pool1-fe2…, file store hosts → pool1-fs; longest names first. */
function namesToPlaceholders(pools: FrontEndPool[]): (text: string) => string {
	const names: [string, string][] = [];
	pools.forEach((pool, index) => {
		const label = `pool${index + 1}`;
		names.push([pool.fqdn, label]);
		pool.servers.forEach((server, serverIndex) => names.push([server, `${label}-fe${serverIndex + 1}`]));
		const store = pool.fileStore ? /^\\\\([^\\]+)/.exec(pool.fileStore)?.[1] : undefined;
		if (store) names.push([store, `${label}-fs`]);
	});
	names.sort((a, b) => b[0].length - a[0].length);
	return (text) => names.reduce((result, [name, label]) => result.replace(new RegExp(escapeRegExp(name), 'gi'), label), text);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
