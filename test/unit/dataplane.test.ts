import { Dataplane, type InterfaceState } from '../../src/dataplane/index.ts';
import type { NativePort } from '../../src/dataplane/index.ts';
import { ManualClock } from './dataplane/manual-clock.ts';

interface FakeResponder {
  ifname: string;
  addresses: Set<string>;
  memberships: string[];
  sent: Buffer[];
  mac: string;
  closed: boolean;
  onConflict: (frame: Buffer) => void;
}

function fakeNative(): { native: NativePort; responders: FakeResponder[]; groups: string[] } {
  const responders: FakeResponder[] = [];
  const groups: string[] = [];
  const native: NativePort = {
    openResponder(ifname, onConflict) {
      const r: FakeResponder = {
        ifname,
        addresses: new Set(),
        memberships: [],
        sent: [],
        mac: '',
        closed: false,
        onConflict,
      };
      responders.push(r);
      return {
        ifindex: 2,
        addAddress: (ip) => r.addresses.add(ip.toString('hex')),
        removeAddress: (ip) => r.addresses.delete(ip.toString('hex')),
        setMac: (mac) => (r.mac = mac.toString('hex')),
        send: (frame) => r.sent.push(frame),
        addMembership: (mac) => r.memberships.push(mac.toString('hex')),
        dropMembership: (mac) => r.memberships.splice(r.memberships.indexOf(mac.toString('hex')), 1),
        counters: () => ({ received: 0 }),
        addressCounters: () =>
          [...r.addresses].map((ip) => ({ ip: Buffer.from(ip, 'hex'), requests: 1, responses: 1 })),
        close: () => (r.closed = true),
      };
    },
    openGroupMemberships: () => ({
      join: (_ifindex, group) => groups.push(group.toString('hex')),
      leave: (_ifindex, group) => groups.splice(groups.indexOf(group.toString('hex')), 1),
      close: () => undefined,
    }),
  };
  return { native, responders, groups };
}

const eth0: InterfaceState = {
  name: 'eth0',
  mac: '02:00:00:00:00:01',
  up: true,
  broadcast: true,
  noArp: false,
  loopback: false,
  enslaved: false,
  cidrs: ['192.0.2.10/24', '2001:db8::10/64'],
};

const silentLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

function setup(interfaces: InterfaceState[] = [eth0], failAdds = 0) {
  const clock = new ManualClock();
  const fake = fakeNative();
  let adds = 0;
  const openResponder = fake.native.openResponder;
  fake.native.openResponder = (ifname, onConflict) => {
    const responder = openResponder(ifname, onConflict);
    const addAddress = responder.addAddress.bind(responder);
    responder.addAddress = (ip) => {
      if ((adds += 1) <= failAdds) throw new Error('ENOMEM');
      addAddress(ip);
    };
    return responder;
  };
  let current = interfaces;
  const announced: string[] = [];
  const dataplane = new Dataplane(
    {
      native: fake.native,
      readInterfaces: () => current,
      clock,
      logger: silentLogger,
      events: {
        announced: (ip, ifname, kind) => announced.push(`${kind} ${ip} ${ifname}`),
        conflict: () => undefined,
      },
    },
    { announceScheduleMs: [0, 500, 1000, 2000], interfaceRefreshMs: 1000, conflictReannounceMs: 10_000 },
  );
  return {
    clock,
    ...fake,
    dataplane,
    announced,
    setInterfaces: (next: InterfaceState[]) => (current = next),
  };
}

const web4 = { ip: '192.0.2.201', interfaces: undefined, service: 'default/web' };
const web6 = { ip: '2001:db8::201', interfaces: undefined, service: 'default/web' };

describe('Dataplane', () => {
  test('answers a gained IPv4 address and announces it four times over 2 s, as request and reply', () => {
    const { dataplane, responders, clock, announced } = setup();
    dataplane.apply([web4]);
    expect(responders[0]?.addresses).toEqual(new Set(['c00002c9']));
    clock.advance(2000);
    expect(announced.filter((a) => a === 'gain 192.0.2.201 eth0')).toHaveLength(4);
    expect(responders[0]?.sent).toHaveLength(8);
    dataplane.close();
  });

  test('per-address counters are reported by IP text', () => {
    const { dataplane } = setup();
    dataplane.apply([web4, web6]);
    expect(dataplane.addressCounters().sort((a, b) => a.ip.localeCompare(b.ip))).toEqual([
      { ip: '192.0.2.201', requestsReceived: 1, responsesSent: 1 },
      { ip: '2001:db8::201', requestsReceived: 1, responsesSent: 1 },
    ]);
    dataplane.close();
  });

  test('reannounce sends the gain schedule again for every answered address', () => {
    const { dataplane, clock, announced } = setup();
    dataplane.apply([web4, web6]);
    clock.advance(3000);
    dataplane.reannounce();
    clock.advance(3000);
    expect(announced.filter((a) => a.startsWith('rejoin'))).toHaveLength(8);
    dataplane.close();
  });

  test('a resync with the same addresses sends nothing', () => {
    const { dataplane, responders, clock } = setup();
    dataplane.apply([web4]);
    clock.advance(5000);
    const before = responders[0]?.sent.length;
    dataplane.apply([{ ...web4 }]);
    clock.advance(5000);
    expect(responders[0]?.sent.length).toBe(before);
    dataplane.close();
  });

  test('IPv6: joins the solicited-node group at link and IP layer, leaves it when the address goes', () => {
    const { dataplane, responders, groups } = setup();
    dataplane.apply([web6]);
    expect(responders[0]?.memberships).toEqual(['3333ff000201']);
    expect(groups).toEqual(['ff0200000000000000000001ff000201']);
    dataplane.apply([]);
    expect(groups).toEqual([]);
    expect(responders[0]?.closed).toBe(true);
  });

  test('losing an address stops answering at once and cancels its pending announcements', () => {
    const { dataplane, responders, clock } = setup();
    dataplane.apply([web4]);
    const sentAtGain = responders[0]?.sent.length;
    dataplane.apply([]);
    expect(responders[0]?.addresses.size).toBe(0);
    clock.advance(3000);
    expect(responders[0]?.sent.length).toBe(sentAtGain);
  });

  test('a MAC change (new active bond slave) is followed within a refresh and re-announced', () => {
    const { dataplane, responders, clock, announced, setInterfaces } = setup();
    dataplane.apply([web4]);
    clock.advance(3000);
    setInterfaces([{ ...eth0, mac: '02:00:00:00:00:02' }]);
    clock.advance(1000);
    expect(responders[0]?.mac).toBe('020000000002');
    clock.advance(2000);
    expect(announced.filter((a) => a.startsWith('mac-change'))).toHaveLength(4);
    dataplane.close();
  });

  test('an interface appearing later gets the address when it matches', () => {
    const { dataplane, responders, clock, setInterfaces } = setup([]);
    dataplane.apply([web4]);
    expect(responders).toHaveLength(0);
    setInterfaces([eth0]);
    clock.advance(1000);
    expect(responders[0]?.addresses.size).toBe(1);
    dataplane.close();
  });

  test('conflicts are answered by one re-announcement per period', () => {
    const { dataplane, responders, clock, announced } = setup();
    dataplane.apply([web4]);
    clock.advance(3000);
    const claim = Buffer.from(
      'ffffffffffff0200000000990806000108000604000202000000009' + '9c00002c9000000000000c00002c9',
      'hex',
    );
    responders[0]?.onConflict(claim);
    responders[0]?.onConflict(claim);
    clock.advance(1);
    expect(announced.filter((a) => a.startsWith('conflict'))).toHaveLength(1);
    clock.advance(10_000);
    responders[0]?.onConflict(claim);
    clock.advance(1);
    expect(announced.filter((a) => a.startsWith('conflict'))).toHaveLength(2);
    dataplane.close();
  });

  test('announcements wait in the pacer: one timer for all of them, none once sent', () => {
    const { dataplane, clock, announced } = setup();
    const idle = clock.pending;
    dataplane.apply([web4, web6, { ...web4, ip: '192.0.2.202' }]);
    expect(clock.pending).toBeLessThanOrEqual(idle + 1);
    clock.advance(2500);
    expect(announced.filter((a) => a.startsWith('gain'))).toHaveLength(12);
    expect(clock.pending).toBe(idle);
    dataplane.close();
  });

  test('a failed bind is retried on the next refresh though no interface changed', () => {
    const { dataplane, responders, clock } = setup([eth0], 1);
    dataplane.apply([web4]);
    expect(responders[0]?.addresses.size).toBe(0);
    clock.advance(1000);
    expect(responders[0]?.addresses.size).toBe(1);
    dataplane.close();
  });

  test('stopAnswering closes every responder at once; close then the group socket, no group left one by one', () => {
    const fake = fakeNative();
    let groupsClosed = false;
    let leaves = 0;
    const openGroups = fake.native.openGroupMemberships;
    fake.native.openGroupMemberships = () => {
      const groups = openGroups();
      return {
        join: groups.join,
        leave: (ifindex, group) => {
          leaves += 1;
          groups.leave(ifindex, group);
        },
        close: () => (groupsClosed = true),
      };
    };
    const clock = new ManualClock();
    const dataplane = new Dataplane(
      { native: fake.native, readInterfaces: () => [eth0], clock, logger: silentLogger },
      { announceScheduleMs: [0], interfaceRefreshMs: 1000, conflictReannounceMs: 10_000 },
    );
    dataplane.apply([web4, web6, { ...web6, ip: '2001:db8::202' }]);
    dataplane.stopAnswering();
    expect(fake.responders.map((r) => r.closed)).toEqual([true]);
    expect(dataplane.bindings()).toEqual([]);
    expect(groupsClosed).toBe(false);
    expect(dataplane.apply([web4])).toBe(0);
    dataplane.close();
    expect(groupsClosed).toBe(true);
    expect(leaves).toBe(0);
  });
});
