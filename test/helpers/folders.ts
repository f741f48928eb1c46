import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** Temporary folders, removed by `removeAll` (call it in afterAll). */
export function temporaryFolders(prefix: string) {
	const folders: string[] = [];
	return {
		make(): string {
			const folder = mkdtempSync(path.join(tmpdir(), prefix));
			folders.push(folder);
			return folder;
		},
		removeAll(): void {
			for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
		},
	};
}

/** The state folder of the test that is running; `renew` gives it an empty one in the middle of a test. */
export interface StateDirOfTest {
	(): string;
	renew(): string;
}

/**
 * A new empty state folder for each test of the file (or of the describe it is called in), removed after the test
 * together with any `renew` made. Call it at the top level of the file or of a describe, never inside a test.
 */
export function useTemporaryStateDir(prefix: string): StateDirOfTest {
	const folders = temporaryFolders(prefix);
	let current: string | undefined;
	beforeEach(() => {
		current = folders.make();
	});
	afterEach(() => {
		folders.removeAll();
		current = undefined;
	});
	const stateDir = () => {
		if (current === undefined) throw new Error(`the ${prefix}… state folder exists only while a test runs`);
		return current;
	};
	return Object.assign(stateDir, {
		renew(): string {
			current = folders.make();
			return current;
		},
	});
}
