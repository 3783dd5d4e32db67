import {
  ExcludeL2Error,
  interfaceExcluded,
  parseExcludeL2,
  peersFromPods,
  speakerPod,
} from '../../../src/k8s/index.ts';

describe('peersFromPods', () => {
  test('pod IPs on the memberlist port, sorted and unique; pods without IP or being deleted skipped', () => {
    const pods = [
      { metadata: { name: 's-b' }, spec: { nodeName: 'b' }, status: { podIP: '192.0.2.12' } },
      { metadata: { name: 's-a' }, spec: { nodeName: 'a' }, status: { podIP: '192.0.2.11' } },
      { metadata: { name: 's-c' }, spec: { nodeName: 'c' }, status: {} },
      {
        metadata: { name: 's-d', deletionTimestamp: '2026-01-01T00:00:00Z' },
        status: { podIP: '192.0.2.14' },
      },
      { metadata: { name: 's-e' }, status: { podIP: '2001:db8::15' } },
      { metadata: { name: 's-a2' }, status: { podIP: '192.0.2.11' } },
    ].map(speakerPod);
    expect(pods[0]).toEqual({ name: 's-b', nodeName: 'b', ip: '192.0.2.12', terminating: false });
    expect(peersFromPods(pods, 7946)).toEqual(['192.0.2.11:7946', '192.0.2.12:7946', '[2001:db8::15]:7946']);
  });
});

describe('parseExcludeL2', () => {
  const configMap = (text: unknown) => ({
    metadata: { name: 'metallb-excludel2' },
    data: { 'excludel2.yaml': text },
  });

  test("MetalLB's patterns match anywhere in a name unless anchored", () => {
    const patterns = parseExcludeL2(
      configMap('announcedInterfacesToExclude: ["^docker.*", "^lo$", "vlan"]\n'),
    );
    expect(patterns.map((p) => p.source)).toEqual(['^docker.*', '^lo$', 'vlan']);
    expect(interfaceExcluded(patterns, 'docker0')).toBe(true);
    expect(interfaceExcluded(patterns, 'lo')).toBe(true);
    expect(interfaceExcluded(patterns, 'lo2')).toBe(false);
    expect(interfaceExcluded(patterns, 'eth0.vlan10')).toBe(true);
    expect(interfaceExcluded(patterns, 'eth0')).toBe(false);
  });

  test('no ConfigMap, no key or an empty document excludes nothing', () => {
    expect(parseExcludeL2(undefined)).toEqual([]);
    expect(parseExcludeL2({ metadata: { name: 'metallb-excludel2' } })).toEqual([]);
    expect(parseExcludeL2(configMap(''))).toEqual([]);
    expect(parseExcludeL2(configMap('other: 1\n'))).toEqual([]);
  });

  test.each([
    ['announcedInterfacesToExclude: "eth0"', 'is not a list'],
    ['announcedInterfacesToExclude: [1]', 'not a string'],
    ['announcedInterfacesToExclude: ["("]', 'does not compile'],
    ['announcedInterfacesToExclude: [', 'not valid YAML'],
  ])('%j is refused: %s', (text, problem) => {
    expect(() => parseExcludeL2(configMap(text))).toThrow(ExcludeL2Error);
    expect(() => parseExcludeL2(configMap(text))).toThrow(problem);
  });
});
