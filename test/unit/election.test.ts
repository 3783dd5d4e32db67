import { decodeNodeMeta, encodeNodeMeta } from '../../src/memberlist/index.ts';
import {
  chooseMode,
  electOwner,
  groupBySharedIp,
  metallbOwner,
  metallbPreference,
  modeChange,
  preference,
  type Candidate,
} from '../../src/election/index.ts';

const nodes = ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'];

function weighted(weights: Record<string, number>): Candidate[] {
  return Object.entries(weights).map(([name, weight]) => ({ name, weight }));
}

const candidateSets: Record<string, Candidate[]> = {
  flat: weighted({ 'node-a': 0, 'node-b': 0, 'node-c': 0, 'node-d': 0, 'node-e': 0 }),
  equal: weighted({ 'node-a': 10, 'node-b': 10, 'node-c': 10, 'node-d': 10, 'node-e': 10 }),
  edge: weighted({ 'node-a': 0, 'node-b': 100, 'node-c': 100, 'node-d': 50, 'node-e': 0 }),
  tiers: weighted({
    'edge-1.example.com': 110,
    'edge-2.example.com': 110,
    'edge-3.example.com': 110,
    'zone-a-1': 60,
    'zone-a-2': 60,
    'worker-1': 0,
    'worker-2': 0,
    'worker-3': 0,
  }),
};

describe('metallb rule', () => {
  // Computed in Go (throwaway program, go1.x): score = summed weights; sort.Slice by score descending,
  // then bytes.Compare(sha256(node + "#" + net.ParseIP(ip).String())) ascending, as MetalLB's
  // ShouldAnnounce with preferredNodeSelectors. Same candidates, same IPs, printed per set.
  test.each([
    ['flat', '192.0.2.10', ['node-d', 'node-c', 'node-b', 'node-a', 'node-e']],
    ['flat', '192.0.2.201', ['node-b', 'node-a', 'node-c', 'node-d', 'node-e']],
    ['flat', '2001:db8::201', ['node-b', 'node-e', 'node-d', 'node-c', 'node-a']],
    ['flat', '198.51.100.7', ['node-d', 'node-a', 'node-e', 'node-b', 'node-c']],
    ['equal', '192.0.2.10', ['node-d', 'node-c', 'node-b', 'node-a', 'node-e']],
    ['equal', '192.0.2.201', ['node-b', 'node-a', 'node-c', 'node-d', 'node-e']],
    ['equal', '2001:db8::201', ['node-b', 'node-e', 'node-d', 'node-c', 'node-a']],
    ['equal', '198.51.100.7', ['node-d', 'node-a', 'node-e', 'node-b', 'node-c']],
    ['edge', '192.0.2.10', ['node-c', 'node-b', 'node-d', 'node-a', 'node-e']],
    ['edge', '192.0.2.201', ['node-b', 'node-c', 'node-d', 'node-a', 'node-e']],
    ['edge', '2001:db8::201', ['node-b', 'node-c', 'node-d', 'node-e', 'node-a']],
    ['edge', '198.51.100.7', ['node-b', 'node-c', 'node-d', 'node-a', 'node-e']],
    [
      'tiers',
      '192.0.2.10',
      [
        'edge-2.example.com',
        'edge-3.example.com',
        'edge-1.example.com',
        'zone-a-1',
        'zone-a-2',
        'worker-2',
        'worker-3',
        'worker-1',
      ],
    ],
    [
      'tiers',
      '192.0.2.201',
      [
        'edge-1.example.com',
        'edge-3.example.com',
        'edge-2.example.com',
        'zone-a-2',
        'zone-a-1',
        'worker-1',
        'worker-2',
        'worker-3',
      ],
    ],
    [
      'tiers',
      '2001:db8::201',
      [
        'edge-3.example.com',
        'edge-2.example.com',
        'edge-1.example.com',
        'zone-a-1',
        'zone-a-2',
        'worker-2',
        'worker-3',
        'worker-1',
      ],
    ],
    [
      'tiers',
      '198.51.100.7',
      [
        'edge-2.example.com',
        'edge-1.example.com',
        'edge-3.example.com',
        'zone-a-1',
        'zone-a-2',
        'worker-1',
        'worker-3',
        'worker-2',
      ],
    ],
  ])('%s preference for %s matches the Go computation', (set, ip, expected) => {
    const candidates = candidateSets[set] ?? [];
    expect(preference('metallb', candidates, ip)).toEqual(expected);
    expect(metallbPreference([...candidates].reverse(), ip)).toEqual(expected);
  });

  test('bare names rank as weight 0, as MetalLB without preferredNodeSelectors', () => {
    expect(metallbPreference(nodes, '192.0.2.10')).toEqual(
      preference('metallb', candidateSets.flat ?? [], '192.0.2.10'),
    );
  });

  test('the owner is the first candidate still present; the order of the input does not matter', () => {
    expect(metallbOwner([...nodes].reverse(), '192.0.2.10')).toBe('node-d');
    expect(metallbOwner(['node-a', 'node-b', 'node-c', 'node-e'], '192.0.2.10')).toBe('node-c');
    expect(metallbOwner([], '192.0.2.10')).toBeUndefined();
  });

  test('an ineligible candidate is skipped as if MetalLB had filtered it out first', () => {
    const edge = candidateSets.edge ?? [];
    expect(electOwner('metallb', edge, '192.0.2.10')).toBe('node-c');
    expect(electOwner('metallb', edge, '192.0.2.10', (name) => name !== 'node-c')).toBe('node-b');
    expect(electOwner('metallb', edge, '192.0.2.10', (name) => name === 'node-e')).toBe('node-e');
    expect(electOwner('metallb', edge, '192.0.2.10', () => false)).toBeUndefined();
    expect(electOwner('metallb', [], '192.0.2.10')).toBeUndefined();
  });
});

describe('auto mode', () => {
  const ring = decodeNodeMeta(encodeNodeMeta({ version: '0.1.0', election: 'ring' }));
  const asksMetallb = decodeNodeMeta(encodeNodeMeta({ version: '0.1.0', election: 'metallb' }));
  const metallbSpeaker = decodeNodeMeta(Buffer.alloc(0));

  test('ring while every member is an l2speaker asking for ring', () => {
    const members = nodes.map((name) => ({ name, meta: ring }));
    expect(chooseMode('auto', members)).toBe('ring');
    expect(chooseMode('auto', [])).toBe('ring');
  });

  test('metallb as soon as one member is a MetalLB speaker or asks for metallb', () => {
    const members = nodes.map((name) => ({ name, meta: ring }));
    expect(chooseMode('auto', [...members, { name: 'node-f', meta: metallbSpeaker }])).toBe('metallb');
    expect(chooseMode('auto', [...members, { name: 'node-f', meta: asksMetallb }])).toBe('metallb');
  });

  test('an explicit mode is obeyed whatever the members say', () => {
    expect(chooseMode('ring', [{ name: 'node-a', meta: metallbSpeaker }])).toBe('ring');
    expect(chooseMode('metallb', [{ name: 'node-a', meta: ring }])).toBe('metallb');
  });

  test('a switch is reported once, with both modes; the first choice and a steady mode are not', () => {
    expect(modeChange('ring', 'metallb')).toEqual({ from: 'ring', to: 'metallb' });
    expect(modeChange('metallb', 'ring')).toEqual({ from: 'metallb', to: 'ring' });
    expect(modeChange('ring', 'ring')).toBeUndefined();
    expect(modeChange(undefined, 'metallb')).toBeUndefined();
  });
});

describe('services sharing an IP', () => {
  test('are grouped by their first IP in first-seen order; services without an IP are left out', () => {
    const web = { name: 'web', ips: ['192.0.2.10', '2001:db8::10'] };
    const dns = { name: 'dns', ips: ['192.0.2.11'] };
    const webUdp = { name: 'web-udp', ips: ['192.0.2.10', '2001:db8::10'] };
    const pending = { name: 'pending', ips: [] };
    const groups = groupBySharedIp([web, dns, pending, webUdp]);
    expect([...groups.entries()]).toEqual([
      ['192.0.2.10', [web, webUdp]],
      ['192.0.2.11', [dns]],
    ]);
  });
});
