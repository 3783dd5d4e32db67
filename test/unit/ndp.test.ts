import fc from 'fast-check';
import { EncodeError, parseIpv6, parseMac } from '../../src/ether/index.ts';
import {
  NdpDecodeError,
  decodeNdp,
  encodeNdp,
  icmpv6Checksum,
  linkLayerAddress,
  neighborAdvertisement,
  neighborSolicitation,
  unsolicitedNeighborAdvertisement,
} from '../../src/ndp/index.ts';
import type { NdpOption, NdpPacket } from '../../src/ndp/index.ts';

const bytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));
const mac = bytes(6);
const ipv6 = bytes(16);
const unicastTarget = ipv6.filter((ip) => ip[0] !== 0xff);
const option: fc.Arbitrary<NdpOption> = fc.oneof(
  fc.record({ type: fc.constantFrom(1 as const, 2 as const), mac }),
  fc
    .record({ type: fc.integer({ min: 0, max: 255 }), units: fc.integer({ min: 1, max: 4 }) })
    .filter(({ type, units }) => !((type === 1 || type === 2) && units === 1))
    .chain(({ type, units }) => bytes(8 * units - 2).map((data) => ({ type, data }))),
);
const common = { ethDst: mac, ethSrc: mac, ipSrc: ipv6, ipDst: ipv6, target: unicastTarget };
const options = fc.array(option, { maxLength: 4 });
const ndpPacket: fc.Arbitrary<NdpPacket> = fc.oneof(
  fc.record({ type: fc.constant(135 as const), ...common, options }),
  fc.record({
    type: fc.constant(136 as const),
    ...common,
    options,
    router: fc.boolean(),
    solicited: fc.boolean(),
    override: fc.boolean(),
  }),
);

/** Checksum written independently of the codec: pseudo-header built as bytes, summed, folded with modulo. */
function referenceChecksumOk(frame: Buffer): boolean {
  const payloadLength = frame.readUInt16BE(18);
  const icmp = Buffer.from(frame.subarray(54, 54 + payloadLength));
  const stored = icmp.readUInt16BE(2);
  icmp.writeUInt16BE(0, 2);
  const pseudo = Buffer.alloc(40);
  frame.copy(pseudo, 0, 22, 54);
  pseudo.writeUInt32BE(payloadLength, 32);
  pseudo[39] = 58;
  const all = Buffer.concat([pseudo, icmp, Buffer.alloc(icmp.length % 2)]);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += all.readUInt16BE(i);
  const folded = sum === 0 ? 0 : ((sum - 1) % 0xffff) + 1;
  return stored === 0xffff - folded;
}

function decodeOrTypedError(frame: Buffer): void {
  try {
    decodeNdp(frame);
  } catch (error) {
    expect(error).toBeInstanceOf(NdpDecodeError);
    expect((error as NdpDecodeError).offset).toBeGreaterThanOrEqual(0);
  }
}

/** Rewrites the checksum when the frame still has a whole ICMPv6 header, so mutations reach later checks. */
function fixChecksum(frame: Buffer): Buffer {
  if (frame.length < 58 || frame.readUInt16BE(18) > frame.length - 54 || frame.readUInt16BE(18) < 4)
    return frame;
  const icmp = frame.subarray(54, 54 + frame.readUInt16BE(18));
  icmp.writeUInt16BE(0, 2);
  icmp.writeUInt16BE(icmpv6Checksum(frame.subarray(22, 38), frame.subarray(38, 54), icmp), 2);
  return frame;
}

type Mutation =
  | { kind: 'flip'; bits: number[]; fix: boolean }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; extra: Uint8Array };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    bits: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    fix: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ maxLength: 64 }) }),
);

function mutate(frame: Buffer, m: Mutation): Buffer {
  const copy = Buffer.from(frame);
  if (m.kind === 'truncate') return copy.subarray(0, m.keep % (copy.length + 1));
  if (m.kind === 'extend') return Buffer.concat([copy, Buffer.from(m.extra)]);
  for (const bit of m.bits) {
    const at = Math.floor(bit / 8) % copy.length;
    copy[at] = (copy[at] ?? 0) ^ (1 << (bit % 8));
  }
  return m.fix ? fixChecksum(copy) : copy;
}

describe('NDP codec properties', () => {
  it('decode(encode(p)) equals p, with a checksum that an independent computation accepts', () => {
    fc.assert(
      fc.property(ndpPacket, (packet) => {
        const frame = encodeNdp(packet);
        expect(decodeNdp(frame)).toEqual(packet);
        expect(referenceChecksumOk(frame)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('ignores bytes past the payload length', () => {
    fc.assert(
      fc.property(ndpPacket, fc.uint8Array({ minLength: 1, maxLength: 32 }), (packet, padding) => {
        expect(decodeNdp(Buffer.concat([encodeNdp(packet), padding]))).toEqual(packet);
      }),
    );
  });

  it('throws only NdpDecodeError on random bytes and random IPv6 payloads', () => {
    const ipv6Frame = fc
      .tuple(bytes(12), fc.uint8Array({ maxLength: 120 }))
      .map(([addresses, payload]) => Buffer.concat([addresses, Buffer.from([0x86, 0xdd]), payload]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (raw) => decodeOrTypedError(Buffer.from(raw))),
      {
        numRuns: 1000,
      },
    );
    fc.assert(fc.property(ipv6Frame, decodeOrTypedError), { numRuns: 1000 });
  });

  it('throws only NdpDecodeError on mutated valid frames', () => {
    fc.assert(
      fc.property(ndpPacket, mutation, (packet, m) => decodeOrTypedError(mutate(encodeNdp(packet), m))),
      { numRuns: 3000 },
    );
  });
});

const myMac = parseMac('02:00:00:00:00:01');
const peerMac = parseMac('02:00:00:00:00:02');
const vip = parseIpv6('2001:db8::10');
const peerIp = parseIpv6('2001:db8::20');
const hex = (frame: Buffer) => frame.toString('hex');
const withChecksum = (frame: Buffer) => fixChecksum(Buffer.from(frame));

describe('NDP decode errors', () => {
  const valid = encodeNdp(neighborSolicitation({ mac: peerMac, source: peerIp, target: vip }));
  const edit = (change: (frame: Buffer) => void, fix = true) => {
    const frame = Buffer.from(valid);
    change(frame);
    return fix ? withChecksum(frame) : frame;
  };

  const lengthened = (frame: Buffer) => {
    frame.writeUInt16BE(frame.length - 54, 18);
    return frame;
  };

  it.each<[string, Buffer, string, number]>([
    ['no Ethernet header', valid.subarray(0, 10), 'truncated', 10],
    ['another EtherType', edit((f) => f.writeUInt16BE(0x0800, 12)), 'unsupported-ethertype', 12],
    ['a short IPv6 header', valid.subarray(0, 53), 'truncated', 53],
    ['IP version 4', edit((f) => (f[14] = 0x40)), 'bad-header', 14],
    ['next header 17', edit((f) => (f[20] = 17), false), 'not-ndp', 20],
    ['a payload length past the end', edit((f) => f.writeUInt16BE(33, 18), false), 'truncated', 18],
    ['a 3-byte ICMPv6 message', edit((f) => f.writeUInt16BE(3, 18), false), 'truncated', 18],
    ['ICMPv6 echo request', edit((f) => (f[54] = 128), false), 'not-ndp', 54],
    ['hop limit 64', edit((f) => (f[21] = 64)), 'bad-hop-limit', 21],
    ['a wrong checksum', edit((f) => f.writeUInt8(f.readUInt8(57) ^ 1, 57), false), 'bad-checksum', 56],
    ['code 1', edit((f) => (f[55] = 1)), 'bad-code', 55],
    ['a 20-byte ICMPv6 message', edit((f) => f.writeUInt16BE(20, 18)), 'truncated', 18],
    ['a multicast target', edit((f) => (f[62] = 0xff)), 'multicast-target', 62],
    ['an option of length 0', edit((f) => (f[79] = 0)), 'bad-option', 78],
    ['an option past the payload', edit((f) => (f[79] = 2)), 'bad-option', 78],
    [
      'a lone byte after the options',
      withChecksum(lengthened(Buffer.concat([valid, Buffer.from([5])]))),
      'bad-option',
      86,
    ],
  ])('reports %s', (_name, frame, reason, offset) => {
    expect(() => decodeNdp(frame)).toThrow(
      expect.objectContaining({ name: 'NdpDecodeError', reason, offset }),
    );
  });

  it('accepts 0xffff for a checksum whose value is 0x0000, and 0x0000 itself', () => {
    const ns = neighborSolicitation({ mac: peerMac, source: peerIp, target: vip });
    const word = Buffer.alloc(6);
    ns.options = [{ type: 99, data: word }];
    word.writeUInt16BE(encodeNdp(ns).readUInt16BE(56));
    const frame = encodeNdp(ns);
    expect(frame.readUInt16BE(56)).toBe(0);
    expect(referenceChecksumOk(frame)).toBe(true);
    expect(decodeNdp(frame)).toEqual(ns);
    frame.writeUInt16BE(0xffff, 56);
    expect(decodeNdp(frame)).toEqual(ns);
  });
});

describe('NDP options', () => {
  it('keeps unknown and long options raw, and finds link-layer addresses in either form', () => {
    const ns = neighborSolicitation({ mac: peerMac, source: peerIp, target: vip });
    ns.options = [
      { type: 14, data: Buffer.from('0102030405060708090a0b0c0d0e', 'hex') },
      { type: 1, data: Buffer.concat([myMac, Buffer.alloc(8)]) },
      { type: 1, mac: peerMac },
    ];
    const decoded = decodeNdp(encodeNdp(ns));
    expect(decoded.options).toEqual(ns.options);
    expect(linkLayerAddress(decoded.options, 1)).toEqual(myMac);
    expect(linkLayerAddress(decoded.options, 2)).toBeUndefined();
  });

  it.each<[string, NdpOption]>([
    ['a short MAC', { type: 1, mac: Buffer.alloc(5) }],
    ['data of 7 bytes', { type: 9, data: Buffer.alloc(7) }],
    ['data over 255 units', { type: 9, data: Buffer.alloc(8 * 256 - 2) }],
    ['type 256', { type: 256, data: Buffer.alloc(6) }],
  ])('refuses to encode %s', (_name, bad) => {
    const ns = { ...neighborSolicitation({ mac: peerMac, source: peerIp, target: vip }), options: [bad] };
    expect(() => encodeNdp(ns)).toThrow(EncodeError);
  });

  it('refuses to encode a 15-byte target', () => {
    const ns = {
      ...neighborSolicitation({ mac: peerMac, source: peerIp, target: vip }),
      target: Buffer.alloc(15),
    };
    expect(() => encodeNdp(ns)).toThrow(expect.objectContaining({ field: 'target', protocol: 'ndp' }));
  });
});

describe('NDP builders, byte for byte', () => {
  const ipv6Header = (payloadLength: string, src: string, dst: string) =>
    '60000000' + payloadLength + '3a' + 'ff' + src + dst;
  const vipHex = '20010db8000000000000000000000010';
  const peerHex = '20010db8000000000000000000000020';
  const allNodes = 'ff020000000000000000000000000001';
  const solicitedVip = 'ff0200000000000000000001ff000010';
  const checksumOf = (frame: Buffer) => frame.subarray(56, 58).toString('hex');

  it('builds an unsolicited NA: all nodes, S=0, O=1, target link-layer option', () => {
    const frame = encodeNdp(unsolicitedNeighborAdvertisement(myMac, vip));
    expect(hex(frame)).toBe(
      '333300000001' +
        '020000000001' +
        '86dd' +
        ipv6Header('0020', vipHex, allNodes) +
        '8800' +
        checksumOf(frame) +
        '20000000' +
        vipHex +
        '0201' +
        '020000000001',
    );
    expect(referenceChecksumOk(frame)).toBe(true);
  });

  it('builds a multicast NS with a source link-layer option', () => {
    const frame = encodeNdp(neighborSolicitation({ mac: peerMac, source: peerIp, target: vip }));
    expect(hex(frame)).toBe(
      '3333ff000010' +
        '020000000002' +
        '86dd' +
        ipv6Header('0020', peerHex, solicitedVip) +
        '8700' +
        checksumOf(frame) +
        '00000000' +
        vipHex +
        '0101' +
        '020000000002',
    );
    expect(referenceChecksumOk(frame)).toBe(true);
  });

  it('answers an NS at the MAC of its source link-layer option, S=1, O=1', () => {
    const ns = neighborSolicitation({ mac: peerMac, source: peerIp, target: vip, unicastTo: myMac });
    ns.ethSrc = parseMac('02:00:00:00:00:99');
    const frame = encodeNdp(neighborAdvertisement(ns, myMac));
    expect(hex(frame)).toBe(
      '020000000002' +
        '020000000001' +
        '86dd' +
        ipv6Header('0020', vipHex, peerHex) +
        '8800' +
        checksumOf(frame) +
        '60000000' +
        vipHex +
        '0201' +
        '020000000001',
    );
    expect(referenceChecksumOk(frame)).toBe(true);
  });

  it('answers an NS without that option at its Ethernet source', () => {
    const ns = { ...neighborSolicitation({ mac: peerMac, source: peerIp, target: vip }), options: [] };
    expect(neighborAdvertisement(ns, myMac).ethDst).toEqual(peerMac);
  });

  it('answers a DAD probe to all nodes with S=0', () => {
    const ns = neighborSolicitation({ mac: peerMac, source: Buffer.alloc(16), target: vip });
    expect(ns.options).toEqual([]);
    const frame = encodeNdp(neighborAdvertisement(ns, myMac));
    expect(hex(frame)).toBe(
      '333300000001' +
        '020000000001' +
        '86dd' +
        ipv6Header('0020', vipHex, allNodes) +
        '8800' +
        checksumOf(frame) +
        '20000000' +
        vipHex +
        '0201' +
        '020000000001',
    );
  });
});
