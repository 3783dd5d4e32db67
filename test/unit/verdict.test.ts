import fc from 'fast-check';
import { arpRequest, encodeArp, gratuitousArpReply } from '../../src/arp/index.ts';
import type { ArpPacket } from '../../src/arp/index.ts';
import { VERDICT_REASONS, decideFrame } from '../../src/dataplane/verdict.ts';
import type { Verdict, VerdictContext } from '../../src/dataplane/verdict.ts';
import { parseIpv4, parseIpv6, parseMac } from '../../src/ether/index.ts';
import {
  encodeNdp,
  icmpv6Checksum,
  neighborSolicitation,
  unsolicitedNeighborAdvertisement,
} from '../../src/ndp/index.ts';
import type { NdpPacket } from '../../src/ndp/index.ts';

const myMac = parseMac('02:00:00:00:00:01');
const peerMac = parseMac('02:00:00:00:00:02');
const otherMac = parseMac('02:00:00:00:00:99');
const vip4 = parseIpv4('192.0.2.10');
const peer4 = parseIpv4('192.0.2.20');
const vip6 = parseIpv6('2001:db8::10');
const peer6 = parseIpv6('2001:db8::20');
const unspecified = parseIpv6('::');

const ctx: VerdictContext = {
  mac: myMac,
  vlanTagged: false,
  owns4: (ip) => ip.equals(vip4),
  owns6: (ip) => ip.equals(vip6),
};

const arp = (change: Partial<ArpPacket> = {}) =>
  encodeArp({ ...arpRequest(peerMac, peer4, vip4), ...change });
const ns = (change: Partial<NdpPacket> = {}) =>
  encodeNdp({
    ...neighborSolicitation({ mac: peerMac, source: peer6, target: vip6 }),
    ...change,
  } as NdpPacket);
const dadNs = () => ns({ ipSrc: unspecified, options: [] });
/** Edits a frame, then rewrites the ICMPv6 checksum unless told not to. */
const edit = (frame: Buffer, change: (f: Buffer) => void, fixChecksum = true) => {
  const copy = Buffer.from(frame);
  change(copy);
  if (fixChecksum) {
    const icmp = copy.subarray(54, 54 + copy.readUInt16BE(18));
    icmp.writeUInt16BE(0, 2);
    icmp.writeUInt16BE(icmpv6Checksum(copy.subarray(22, 38), copy.subarray(38, 54), icmp), 2);
  }
  return copy;
};

/** The expected NA, written out by hand; the checksum is filled in by an independent computation. */
function expectedNa(ethDst: string, ipDst: string, flags: string): string {
  const icmp = Buffer.from(
    '8800' + '0000' + flags + '20010db8000000000000000000000010' + '0201020000000001',
    'hex',
  );
  const src = Buffer.from('20010db8000000000000000000000010', 'hex');
  const dst = Buffer.from(ipDst, 'hex');
  const pseudo = Buffer.concat([src, dst, Buffer.from('000000200000003a', 'hex'), icmp]);
  let sum = 0;
  for (let i = 0; i < pseudo.length; i += 2) sum += pseudo.readUInt16BE(i);
  icmp.writeUInt16BE(0xffff - (((sum - 1) % 0xffff) + 1), 2);
  return (
    ethDst +
    '020000000001' +
    '86dd' +
    '60000000' +
    '0020' +
    '3aff' +
    src.toString('hex') +
    ipDst +
    icmp.toString('hex')
  );
}

const arpHeader = '0001080006040002';
const arpReplyHex = (senderIpHex: string) =>
  '020000000002' +
  '020000000001' +
  '0806' +
  arpHeader +
  '020000000001c000020a' +
  '020000000002' +
  senderIpHex;
const peer6Hex = '20010db8000000000000000000000020';

type Case = [name: string, frame: Buffer, expected: Verdict, context?: Partial<VerdictContext>];
const ignore = (reason: Verdict['reason']): Verdict => ({ verdict: 'ignore', reason });
const conflict: Verdict = { verdict: 'conflict', reason: 'conflict' };
const reply = (reason: Verdict['reason'], hex: string): Verdict => ({
  verdict: 'reply',
  reason,
  reply: Buffer.from(hex, 'hex'),
});

const cases: Case[] = [
  ['a tag stripped by the kernel', arp(), ignore('vlan-tagged'), { vlanTagged: true }],
  ['13 bytes', arp().subarray(0, 13), ignore('truncated')],
  ['an in-line 802.1Q tag', edit(arp(), (f) => f.writeUInt16BE(0x8100, 12), false), ignore('vlan-tagged')],
  ['an in-line 802.1ad tag', edit(arp(), (f) => f.writeUInt16BE(0x88a8, 12), false), ignore('vlan-tagged')],
  ['our own frame', arp({ ethSrc: myMac }), ignore('own-frame')],
  ['IPv4', edit(arp(), (f) => f.writeUInt16BE(0x0800, 12), false), ignore('unsupported-ethertype')],
  // ARP
  ['a 41-byte ARP frame', arp().subarray(0, 41), ignore('truncated')],
  ['ARP with htype 6', edit(arp(), (f) => (f[15] = 6), false), ignore('bad-header')],
  ['ARP with plen 16', edit(arp(), (f) => (f[19] = 16), false), ignore('bad-header')],
  ['a gratuitous reply from another host', encodeArp(gratuitousArpReply(peerMac, vip4)), conflict],
  ['a request from another host with our IP', arp({ senderIp: vip4, targetIp: peer4 }), conflict],
  ['op 3 from another host with our IP', arp({ op: 3, senderIp: vip4, ethDst: otherMac }), conflict],
  ['an ARP reply', arp({ op: 2 }), ignore('not-request')],
  ['op 3', arp({ op: 3 }), ignore('bad-op')],
  ['a request unicast to another MAC', arp({ ethDst: otherMac }), ignore('wrong-destination')],
  ['a request for an IP not owned', arp({ targetIp: parseIpv4('192.0.2.99') }), ignore('not-owned')],
  ['a broadcast request', arp(), reply('arp-request', arpReplyHex('c0000214'))],
  ['a request unicast to us', arp({ ethDst: myMac }), reply('arp-request', arpReplyHex('c0000214'))],
  [
    'a padded request',
    Buffer.concat([arp(), Buffer.alloc(18)]),
    reply('arp-request', arpReplyHex('c0000214')),
  ],
  ['an RFC 5227 probe', arp({ senderIp: parseIpv4('0.0.0.0') }), reply('arp-probe', arpReplyHex('00000000'))],
  // NDP
  ['a 39-byte IPv6 header', ns().subarray(0, 53), ignore('truncated')],
  ['IP version 4', edit(ns(), (f) => (f[14] = 0x40), false), ignore('bad-header')],
  ['next header 17', edit(ns(), (f) => (f[20] = 17), false), ignore('not-ndp')],
  ['a payload length past the end', ns().subarray(0, 85), ignore('truncated')],
  ['a 2-byte ICMPv6 message', edit(ns(), (f) => f.writeUInt16BE(2, 18), false), ignore('truncated')],
  ['ICMPv6 echo request', edit(ns(), (f) => (f[54] = 128), false), ignore('not-ndp')],
  ['hop limit 64', edit(ns(), (f) => (f[21] = 64)), ignore('bad-hop-limit')],
  [
    'a wrong checksum',
    edit(ns(), (f) => f.writeUInt8(f.readUInt8(57) ^ 0x10, 57), false),
    ignore('bad-checksum'),
  ],
  ['code 1', edit(ns(), (f) => (f[55] = 1)), ignore('bad-code')],
  ['a 20-byte NS', edit(ns(), (f) => f.writeUInt16BE(20, 18)), ignore('truncated')],
  ['a multicast target', edit(ns(), (f) => (f[62] = 0xff)), ignore('multicast-target')],
  ['an option of length 0', edit(ns(), (f) => (f[79] = 0)), ignore('bad-option')],
  [
    'an NA from another host for our IP',
    encodeNdp(unsolicitedNeighborAdvertisement(peerMac, vip6)),
    conflict,
  ],
  [
    'an NA for another IP',
    encodeNdp(unsolicitedNeighborAdvertisement(peerMac, peer6)),
    ignore('not-request'),
  ],
  ['a DAD probe with a source link-layer option', ns({ ipSrc: unspecified }), ignore('dad-with-sllao')],
  ['an NS unicast to another MAC', ns({ ethDst: otherMac }), ignore('wrong-destination')],
  ['an NS for an IP not owned', ns({ target: peer6 }), ignore('not-owned')],
  ['an NS to all nodes', ns({ ipDst: parseIpv6('ff02::1') }), ignore('bad-destination')],
  [
    'a DAD probe unicast to the target',
    ns({ ipSrc: unspecified, options: [], ipDst: vip6 }),
    ignore('bad-destination'),
  ],
  [
    'an NS to the solicited-node group',
    ns(),
    reply('ns-multicast', expectedNa('020000000002', peer6Hex, '60000000')),
  ],
  [
    'an NS whose link-layer option differs from its source MAC',
    ns({ ethSrc: otherMac }),
    reply('ns-multicast', expectedNa('020000000002', peer6Hex, '60000000')),
  ],
  [
    'an NS without a link-layer option',
    ns({ options: [] }),
    reply('ns-multicast', expectedNa('020000000002', peer6Hex, '60000000')),
  ],
  [
    'a unicast NS (unreachability probe)',
    ns({ ethDst: myMac, ipDst: vip6 }),
    reply('ns-unicast', expectedNa('020000000002', peer6Hex, '60000000')),
  ],
  [
    'a DAD probe',
    dadNs(),
    reply('ns-dad', expectedNa('333300000001', 'ff020000000000000000000000000001', '20000000')),
  ],
  [
    'a padded NS',
    Buffer.concat([ns(), Buffer.alloc(10, 0xee)]),
    reply('ns-multicast', expectedNa('020000000002', peer6Hex, '60000000')),
  ],
];

/** Frames with two defects: the earlier check in docs/verdict.md must win. */
const orderCases: Case[] = [
  ['tagged by the kernel and 13 bytes', arp().subarray(0, 13), ignore('vlan-tagged'), { vlanTagged: true }],
  [
    'in-line tag from our own MAC',
    edit(arp({ ethSrc: myMac }), (f) => f.writeUInt16BE(0x8100, 12), false),
    ignore('vlan-tagged'),
  ],
  [
    'own frame of an unsupported type',
    edit(arp({ ethSrc: myMac }), (f) => f.writeUInt16BE(0x0800, 12), false),
    ignore('own-frame'),
  ],
  [
    'bad ARP header claiming our IP',
    edit(arp({ senderIp: vip4 }), (f) => (f[15] = 6), false),
    ignore('bad-header'),
  ],
  ['ARP reply to another MAC', arp({ op: 2, ethDst: otherMac }), ignore('not-request')],
  [
    'ARP to another MAC for an IP not owned',
    arp({ ethDst: otherMac, targetIp: peer4 }),
    ignore('wrong-destination'),
  ],
  [
    'IPv4 header with next header 17',
    edit(ns(), (f) => ((f[14] = 0x40), (f[20] = 17)), false),
    ignore('bad-header'),
  ],
  [
    'next header 17 and a short payload',
    edit(ns(), (f) => ((f[20] = 17), f.writeUInt16BE(200, 18)), false),
    ignore('not-ndp'),
  ],
  [
    'a short payload and hop limit 64',
    edit(ns(), (f) => ((f[21] = 64), f.writeUInt16BE(200, 18)), false),
    ignore('truncated'),
  ],
  [
    'echo request with hop limit 64',
    edit(ns(), (f) => ((f[54] = 128), (f[21] = 64)), false),
    ignore('not-ndp'),
  ],
  ['hop limit 64 and a wrong checksum', edit(ns(), (f) => (f[21] = 64), false), ignore('bad-hop-limit')],
  ['a wrong checksum and code 1', edit(ns(), (f) => (f[55] = 1), false), ignore('bad-checksum')],
  ['code 1 and 20 bytes', edit(ns(), (f) => ((f[55] = 1), f.writeUInt16BE(20, 18))), ignore('bad-code')],
  [
    'a multicast target and a bad option',
    edit(ns(), (f) => ((f[62] = 0xff), (f[79] = 0))),
    ignore('multicast-target'),
  ],
  [
    'a bad option for a target not owned',
    edit(ns({ target: peer6 }), (f) => (f[79] = 0)),
    ignore('bad-option'),
  ],
  ['DAD with SLLAO to another MAC', ns({ ipSrc: unspecified, ethDst: otherMac }), ignore('dad-with-sllao')],
  [
    'to another MAC for a target not owned',
    ns({ ethDst: otherMac, target: peer6 }),
    ignore('wrong-destination'),
  ],
  [
    'to all nodes for a target not owned',
    ns({ ipDst: parseIpv6('ff02::1'), target: peer6 }),
    ignore('not-owned'),
  ],
];

describe('decideFrame, case by case', () => {
  const rows = [...cases, ...orderCases].map(
    ([name, frame, expected, context]) => [name, frame, expected, context ?? {}] as const,
  );

  it.each(rows)('%s', (_name, frame, expected, context) => {
    const verdict = decideFrame(frame, { ...ctx, ...context });
    expect(verdict).toEqual(expected);
    if (verdict.reply) expect(verdict.reply.toString('hex')).toBe(expected.reply?.toString('hex'));
  });

  it('covers every reason', () => {
    const seen = new Set(cases.map(([, , expected]) => expected.reason));
    expect([...VERDICT_REASONS].filter((reason) => !seen.has(reason))).toEqual([]);
  });

  it('checks ownership of the sender before the op and the destination', () => {
    const owns4 = jest.fn(() => true);
    expect(decideFrame(arp({ op: 7, ethDst: otherMac }), { ...ctx, owns4 })).toEqual(conflict);
    expect(owns4).toHaveBeenCalledWith(peer4);
  });
});

const bytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));
const randomContext: fc.Arbitrary<VerdictContext> = fc.record({
  mac: fc.oneof(fc.constant(myMac), bytes(6)),
  vlanTagged: fc.boolean(),
  owns4: fc.func(fc.boolean()),
  owns6: fc.func(fc.boolean()),
});
const validFrame = fc.oneof(
  fc.constantFrom(...cases.map(([, frame]) => frame)),
  fc
    .record({ mac: bytes(6), src: bytes(4), target: bytes(4) })
    .map(({ mac, src, target }) => encodeArp(arpRequest(mac, src, target))),
  fc
    .record({ mac: bytes(6), source: fc.oneof(bytes(16), fc.constant(unspecified)), target: bytes(16) })
    .map((spec) =>
      encodeNdp(
        neighborSolicitation({
          ...spec,
          target: Buffer.concat([Buffer.from([0x20]), spec.target.subarray(1)]),
        }),
      ),
    ),
);
const mutated = fc
  .tuple(validFrame, fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), fc.uint8Array({ maxLength: 16 }))
  .map(([frame, flips, cut, extra]) => {
    const copy = Buffer.from(frame);
    for (const bit of flips) {
      const at = Math.floor(bit / 8) % copy.length;
      copy[at] = (copy[at] ?? 0) ^ (1 << (bit % 8));
    }
    return Buffer.concat([copy.subarray(0, copy.length - (cut % 8)), extra]);
  });

function checkShape(verdict: Verdict): void {
  expect(VERDICT_REASONS).toContain(verdict.reason);
  expect(verdict.reply !== undefined).toBe(verdict.verdict === 'reply');
  if (verdict.verdict === 'conflict') expect(verdict.reason).toBe('conflict');
  if (verdict.reply) expect([42, 86]).toContain(verdict.reply.length);
}

describe('decideFrame properties', () => {
  it('is total on random bytes and random IPv6 or ARP payloads', () => {
    const typed = fc
      .tuple(bytes(12), fc.constantFrom(0x0806, 0x86dd), fc.uint8Array({ maxLength: 100 }))
      .map(([macs, type, rest]) => Buffer.concat([macs, Buffer.from([type >> 8, type & 0xff]), rest]));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)),
          typed,
        ),
        randomContext,
        (frame, c) => checkShape(decideFrame(frame, c)),
      ),
      { numRuns: 3000 },
    );
  });

  it('is total on mutated valid frames', () => {
    fc.assert(
      fc.property(mutated, randomContext, (frame, c) => checkShape(decideFrame(frame, c))),
      { numRuns: 3000 },
    );
  });

  it('answers every solicitation for an owned target from another host', () => {
    const solicitation = fc.record({
      mac: bytes(6).filter((mac) => !mac.equals(myMac)),
      source: bytes(16).filter((ip) => ip.some((b) => b !== 0)),
      target: bytes(16).filter((ip) => ip[0] !== 0xff),
    });
    fc.assert(
      fc.property(solicitation, (spec) => {
        const verdict = decideFrame(encodeNdp(neighborSolicitation(spec)), {
          ...ctx,
          owns6: (ip) => ip.equals(spec.target),
        });
        expect(verdict.reason).toBe('ns-multicast');
        expect(verdict.reply?.subarray(0, 6)).toEqual(spec.mac);
      }),
    );
  });
});
