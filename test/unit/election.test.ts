import { metallbOwner, metallbPreference } from '../../src/election/index.ts';

const nodes = ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'];

describe('metallb rule', () => {
  // Computed in Go: sort by sha256(node + "#" + net.ParseIP(ip).String()), bytes.Compare, lowest first.
  test.each([
    ['192.0.2.10', ['node-d', 'node-c', 'node-b', 'node-a', 'node-e']],
    ['192.0.2.201', ['node-b', 'node-a', 'node-c', 'node-d', 'node-e']],
    ['2001:db8::201', ['node-b', 'node-e', 'node-d', 'node-c', 'node-a']],
    ['198.51.100.7', ['node-d', 'node-a', 'node-e', 'node-b', 'node-c']],
  ])('preference for %s matches the Go computation', (ip, expected) => {
    expect(metallbPreference(nodes, ip)).toEqual(expected);
  });

  test('the owner is the first candidate still present; the order of the input does not matter', () => {
    expect(metallbOwner([...nodes].reverse(), '192.0.2.10')).toBe('node-d');
    expect(metallbOwner(['node-a', 'node-b', 'node-c', 'node-e'], '192.0.2.10')).toBe('node-c');
    expect(metallbOwner([], '192.0.2.10')).toBeUndefined();
  });
});
