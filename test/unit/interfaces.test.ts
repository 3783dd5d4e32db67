import { InterfaceSelector, selectInterfaces, type InterfaceState } from '../../src/dataplane/index.ts';

function iface(name: string, cidrs: string[], extra: Partial<InterfaceState> = {}): InterfaceState {
  return {
    name,
    mac: '02:00:00:00:00:01',
    up: true,
    broadcast: true,
    noArp: false,
    loopback: false,
    enslaved: false,
    cidrs,
    ...extra,
  };
}

const interfaces = [
  iface('lo', ['127.0.0.1/8'], { loopback: true, broadcast: false }),
  iface('eth0', ['192.0.2.10/24', '2001:db8::10/64']),
  iface('eth1', ['198.51.100.10/24']),
  iface('veth1234', ['192.0.2.99/24']),
  iface('eth2', [], { up: false }),
  iface('eth3', [], { enslaved: true }),
  iface('eth4', [], { noArp: true }),
];

describe('selectInterfaces', () => {
  test('the interfaces an L2Advertisement names, when usable', () => {
    expect(selectInterfaces('192.0.2.201', ['eth1', 'eth2', 'veth1234'], interfaces)).toEqual([
      'eth1',
      'veth1234',
    ]);
  });
  test('else the usable interfaces whose subnets contain the IP, excluded names left out', () => {
    expect(selectInterfaces('192.0.2.201', undefined, interfaces)).toEqual(['eth0']);
    expect(selectInterfaces('2001:db8::201', undefined, interfaces)).toEqual(['eth0']);
    expect(selectInterfaces('198.51.100.7', [], interfaces)).toEqual(['eth1']);
  });
  test('else every usable interface that no exclusion names', () => {
    expect(selectInterfaces('203.0.113.5', undefined, interfaces)).toEqual(['eth0', 'eth1']);
  });
});

describe('InterfaceSelector', () => {
  test('answers as selectInterfaces, equal answers share one array', () => {
    const selector = new InterfaceSelector(interfaces);
    const ips = ['192.0.2.201', '192.0.2.202', '198.51.100.7', '2001:db8::5', '203.0.113.5'];
    for (const ip of ips)
      expect(selector.select(ip, undefined)).toEqual(selectInterfaces(ip, undefined, interfaces));
    expect(selector.select('192.0.2.201', ['eth1'])).toEqual(['eth1']);
    expect(selector.select('192.0.2.201', undefined)).toBe(selector.select('2001:db8::5', undefined));
  });

  test('an answer not asked for in two sweeps is forgotten (memory follows the applied addresses)', () => {
    const selector = new InterfaceSelector(interfaces);
    selector.select('192.0.2.201', undefined);
    selector.select('192.0.2.202', ['eth1']);
    expect(selector.remembered).toBe(2);
    selector.sweep();
    selector.select('192.0.2.201', undefined);
    selector.sweep();
    expect(selector.remembered).toBe(1);
    selector.sweep();
    selector.sweep();
    expect(selector.remembered).toBe(0);
  });
});
