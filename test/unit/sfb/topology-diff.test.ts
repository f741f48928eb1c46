import { describe, expect, it } from 'vitest';
import { describeTopologyChange, diffTopologies } from '../../../source/sfb/topology-diff.js';
import { TopologyReadError } from '../../../source/sfb/topology-reader.js';
import { renderTopologyDocument } from '../../../source/sfb/topology-writer.js';
import { frontEndPool } from '../../helpers/pools.js';

const sites = [
	{ id: '1', name: 'Redmond' },
	{ id: '2', name: 'Dublin' },
];
const pools = [frontEndPool('red.contoso.com', { hostsCentralManagementStore: true }), frontEndPool('dub.contoso.com', { site: 'Dublin' })];

describe('the difference between two topology documents', () => {
	it('names the standby store the publish defined, the new signature, and the elements added, concisely', () => {
		const before = renderTopologyDocument({ signature: 'sig-1', sites, pools });
		const after = renderTopologyDocument({ signature: 'sig-2', sites, pools, standbyStorePool: 'dub.contoso.com' });
		const change = diffTopologies(before, after);
		expect(change.signature).toEqual({ before: 'sig-1', after: 'sig-2' });
		expect(change.storesAdded).toEqual(['dub-sql.contoso.com']);
		expect(change.storesRemoved).toEqual([]);
		expect(change.removed).toEqual([]);
		expect(change.added).toEqual([{ path: expect.stringMatching(/^Services > Service\[[^\]]*\]$/), inside: 6 }]);
		const lines = describeTopologyChange(change);
		expect(lines.slice(0, 2)).toEqual(['~ Signature sig-1 → sig-2', '+ Central Management store (CentralMgmtStore) on dub-sql.contoso.com: the standby store']);
		expect(lines).toHaveLength(3);
	});

	it('says so when nothing changed (blanks between elements are no change), and shows removals', () => {
		const document = renderTopologyDocument({ signature: 'sig-1', sites, pools });
		expect(describeTopologyChange(diffTopologies(document, document))).toEqual(['no difference: the document published now is the one saved before']);
		expect(describeTopologyChange(diffTopologies(document, document.replace(/\n\s*/g, '')))).toEqual(['no difference: the document published now is the one saved before']);
		const change = diffTopologies(document, renderTopologyDocument({ signature: 'sig-1', sites, pools: [pools[0]!] }));
		expect(change.removed.map((element) => element.path).join('\n')).toContain('Fqdn=dub.contoso.com');
		expect(describeTopologyChange(change, 1).at(-1)).toMatch(/^- … and \d+ more elements? removed$/);
	});

	it('refuses a document that is not a topology the way the reader does, naming which one', () => {
		const document = renderTopologyDocument({ signature: 'sig-1', sites, pools });
		expect(() => diffTopologies(document, '<!DOCTYPE x [<!ENTITY a "b">]><Topology/>')).toThrow(TopologyReadError);
		expect(() => diffTopologies(document, 'not xml')).toThrow(/the topology after/);
	});
});
