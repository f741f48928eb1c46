import { describe, expect, it } from 'vitest';
import { assessPicture, describePicture, pictureItems, summariseRemaining } from '../../../source/procedure/picture.js';
import { notDone, unknown } from '../../../source/sfb/observation.js';
import { DONE, NOT_DONE, picture, seen, UNKNOWN } from '../../helpers/picture.js';

const fe1 = 'fe1.contoso.com';
const fe2 = 'fe2.contoso.com';

describe('the picture of a pair', () => {
	it('is complete only when the pairing, every server phase and the sync both ways are done', () => {
		expect(assessPicture(picture([seen(fe1, 'a.contoso.com'), seen(fe2, 'b.contoso.com')]))).toEqual({ state: 'complete', remaining: [], unknown: [], failed: [] });
	});

	it('counts a server phase only once the one before it is done there: the CU before Bootstrapper ran again is undone by it', () => {
		const items = pictureItems(picture([seen(fe1, 'a.contoso.com', { bootstrapper: NOT_DONE })], { sync: [NOT_DONE, NOT_DONE] }));
		expect(items.filter((item) => item.subject === fe1).map((item) => [item.step, item.observation.state])).toEqual([
			['deployment', 'done'],
			['bootstrapper', 'not-done'],
		]);
	});

	it('leaves out the phases of a server that is not deployed: deploying it is what remains there', () => {
		const assessment = assessPicture(picture([seen(fe1, 'a.contoso.com', { deployment: notDone('RTCSRV is not installed') })]));
		expect(assessment).toMatchObject({ state: 'unfinished', remaining: [`${fe1}: deployed: RTCSRV is not installed`] });
	});

	it('ranks failed above unknown above unfinished, as a status exit code needs', () => {
		const broken = notDone('Stopped: Event 4007', { broken: true });
		expect(assessPicture(picture([seen(fe1, 'a', { bootstrapper: NOT_DONE }), seen(fe2, 'b', { deployment: UNKNOWN })])).state).toBe('unknown');
		expect(assessPicture(picture([seen(fe1, 'a', { 'backup-service': broken }), seen(fe2, 'b', { deployment: UNKNOWN })])).state).toBe('failed');
		expect(assessPicture(picture([seen(fe1, 'a', { 'cumulative-update': NOT_DONE })])).state).toBe('unfinished');
	});

	it('sums up what is left per step in one line', () => {
		const left = picture([seen(fe1, 'a', { bootstrapper: NOT_DONE }), seen(fe2, 'b', { 'cumulative-update': UNKNOWN })], { sync: [NOT_DONE, DONE] });
		expect(summariseRemaining(left)).toBe('Bootstrapper on 1, CU re-apply on 1, sync on 1 (1 could not be told)');
	});

	it('shows each server on a line, and names what could not be told with why', () => {
		const lines = describePicture(picture([seen(fe1, 'a.contoso.com'), seen(fe2, 'b.contoso.com', { deployment: UNKNOWN })], { sync: [NOT_DONE, NOT_DONE] }));
		expect(lines).toEqual([
			'the farm now: a.contoso.com ↔ b.contoso.com',
			'  pairing: a.contoso.com → b.contoso.com done; b.contoso.com → a.contoso.com done',
			`  ${fe1}: deployed done, Bootstrapper done, CU re-apply done, LYNCBACKUP done`,
			`  ${fe2}: deployed unknown (unreachable), Bootstrapper done, CU re-apply done, LYNCBACKUP done`,
			'  sync: a.contoso.com not done; b.contoso.com not done',
			`  ${fe2}: deployed: read: WinRM failed`,
		]);
	});

	it('before the pair is published shows only whether each server is deployed', () => {
		const lines = describePicture(picture([seen(fe1, 'a.contoso.com')], { pairing: [NOT_DONE, NOT_DONE], sync: [NOT_DONE, NOT_DONE] }));
		expect(lines[2]).toBe(`  ${fe1}: deployed done`);
	});

	it('keeps what a server said on one line, without escape sequences', () => {
		const hostile = unknown('unexpected-output', 'fe said \u001b[2J\nstep 10 Sync: done');
		const lines = describePicture(picture([seen(fe1, 'a', { bootstrapper: hostile })]));
		expect(lines.at(-1)).toBe(`  ${fe1}: Backup Service installed (Bootstrapper): fe said  step 10 Sync: done`);
	});
});
