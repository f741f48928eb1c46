import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineRefusal, labArgs, sfbPair } from '../helpers/cli.js';
import { temporaryFolders } from '../helpers/folders.js';

/** The built `sfb-pair drill`: the confirmation a script must give, and a drill on the lab's steady pair to its record. */
const folders = temporaryFolders('sfb-pair-drill-e2e-');
afterAll(() => folders.removeAll());
const A = 'pool-redmond-b.contoso.com';

describe('sfb-pair drill (built)', () => {
	it('without a terminal and without --yes --drill: one line, exit 2, nothing changed', () => {
		const stateDir = folders.make();
		expectOneLineRefusal(sfbPair(['drill', '--pool', A, ...labArgs(stateDir, '--scenario', 'drill')]), 2, /add --yes --drill/);
		expectOneLineRefusal(sfbPair(['drill', '--pool', A, '--yes', ...labArgs(stateDir, '--scenario', 'drill')]), 2, /--yes and --drill go together/);
	});

	it('--yes --drill on the steady pair: exit 0, and the record is where the last line says', () => {
		const run = sfbPair(['drill', '--pool', A, '--yes', '--drill', '--explain', ...labArgs(folders.make(), '--scenario', 'drill')]);
		expect(run.status, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/^LAB · scenario drill/);
		expect(run.stdout).toMatch(/why: the Central Management store must be functional when the pool's users are failed over/);
		expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^drill record: .*records\/.*-drill-pool-redmond-b\.contoso\.com\.md$/);
	});
});
