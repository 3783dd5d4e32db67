import { selectInterfaces, type InterfaceState } from '../../src/dataplane/index.ts';

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
