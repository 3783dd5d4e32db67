import fc from 'fast-check';
import {
  ARP_FRAME_LENGTH,
  ArpDecodeError,
  arpReply,
  arpRequest,
  decodeArp,
  encodeArp,
  gratuitousArpReply,
  gratuitousArpRequest,
} from '../../src/arp/index.ts';
import type { ArpPacket } from '../../src/arp/index.ts';
import { EncodeError, parseIpv4, parseMac } from '../../src/ether/index.ts';

const bytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));
const mac = bytes(6);
const ipv4 = bytes(4);
const arpPacket: fc.Arbitrary<ArpPacket> = fc.record({
  ethDst: mac,
  ethSrc: mac,
  op: fc.oneof(fc.constantFrom(1, 2), fc.integer({ min: 0, max: 0xffff })),
  senderMac: mac,
  senderIp: ipv4,
  targetMac: mac,
  targetIp: ipv4,
});

/** Decoding either succeeds or throws ArpDecodeError with a known reason; anything else fails the test. */
function decodeOrTypedError(frame: Buffer): void {
  try {
    decodeArp(frame);
  } catch (error) {
    expect(error).toBeInstanceOf(ArpDecodeError);
    expect(['truncated', 'unsupported-ethertype', 'bad-header']).toContain((error as ArpDecodeError).reason);
    expect((error as ArpDecodeError).offset).toBeGreaterThanOrEqual(0);
  }
}

const mutation: fc.Arbitrary<MutationValue> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), bits: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ maxLength: 64 }) }),
);

function mutate(frame: Buffer, m: MutationValue): Buffer {
  const copy = Buffer.from(frame);
  if (m.kind === 'flip') {
    for (const bit of m.bits) {
      const at = Math.floor(bit / 8) % copy.length;
      copy[at] = (copy[at] ?? 0) ^ (1 << (bit % 8));
    }
    return copy;
  }
  if (m.kind === 'truncate') return copy.subarray(0, m.keep % (copy.length + 1));
  return Buffer.concat([copy, Buffer.from(m.extra)]);
}
type MutationValue =
  | { kind: 'flip'; bits: number[] }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; extra: Uint8Array };

describe('ARP codec properties', () => {
  it('decode(encode(p)) equals p, in 42 bytes', () => {
    fc.assert(
      fc.property(arpPacket, (packet) => {
        const frame = encodeArp(packet);
        expect(frame).toHaveLength(ARP_FRAME_LENGTH);
        expect(decodeArp(frame)).toEqual(packet);
      }),
    );
  });

  it('ignores trailing padding', () => {
    fc.assert(
      fc.property(arpPacket, fc.uint8Array({ maxLength: 32 }), (packet, padding) => {
        expect(decodeArp(Buffer.concat([encodeArp(packet), padding]))).toEqual(packet);
      }),
    );
  });

  it('throws only ArpDecodeError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (raw) => decodeOrTypedError(Buffer.from(raw))),
      {
        numRuns: 2000,
      },
    );
  });

  it('throws only ArpDecodeError on random ARP payloads', () => {
    const arpFrame = fc
      .tuple(bytes(12), fc.uint8Array({ maxLength: 48 }))
      .map(([addresses, payload]) => Buffer.concat([addresses, Buffer.from([0x08, 0x06]), payload]));
    fc.assert(fc.property(arpFrame, decodeOrTypedError), { numRuns: 2000 });
  });

  it('throws only ArpDecodeError on mutated valid frames', () => {
    fc.assert(
      fc.property(arpPacket, mutation, (packet, m) => decodeOrTypedError(mutate(encodeArp(packet), m))),
      { numRuns: 2000 },
    );
  });
});

const myMac = parseMac('02:00:00:00:00:01');
const peerMac = parseMac('02:00:00:00:00:02');
const vip = parseIpv4('192.0.2.10');
const peerIp = parseIpv4('192.0.2.20');

describe('ARP decode errors', () => {
  const valid = encodeArp(arpRequest(peerMac, peerIp, vip));
  const withByte = (offset: number, value: number) => {
    const frame = Buffer.from(valid);
    frame[offset] = value;
    return frame;
  };

  it.each([
    ['a short Ethernet header', valid.subarray(0, 13), 'truncated', 13],
    ['another EtherType', withByte(13, 0x00), 'unsupported-ethertype', 12],
    ['a short ARP payload', valid.subarray(0, 41), 'truncated', 41],
    ['htype 6', withByte(15, 6), 'bad-header', 14],
    [
      'ptype 0x86dd',
      Buffer.concat([valid.subarray(0, 16), Buffer.from([0x86, 0xdd]), valid.subarray(18)]),
      'bad-header',
      16,
    ],
    ['hlen 8', withByte(18, 8), 'bad-header', 18],
    ['plen 16', withByte(19, 16), 'bad-header', 19],
  ])('reports %s', (_name, frame, reason, offset) => {
    expect(() => decodeArp(frame)).toThrow(
      expect.objectContaining({ name: 'ArpDecodeError', reason, offset }),
    );
  });
});

describe('ARP encode errors', () => {
  it.each([
    ['senderMac', { senderMac: Buffer.alloc(5) }],
    ['targetIp', { targetIp: Buffer.alloc(16) }],
    ['op', { op: 0x10000 }],
    ['op', { op: 1.5 }],
    ['ethDst', { ethDst: Buffer.alloc(0) }],
  ])('names the bad field %s', (field, change) => {
    const packet = { ...arpRequest(peerMac, peerIp, vip), ...change };
    expect(() => encodeArp(packet)).toThrow(EncodeError);
    expect(() => encodeArp(packet)).toThrow(expect.objectContaining({ field, protocol: 'arp' }));
  });
});

describe('ARP builders, byte for byte', () => {
  const hex = (frame: Buffer) => frame.toString('hex');
  const arpHeader = '0001' + '0800' + '06' + '04';

  it('builds a request', () => {
    expect(hex(encodeArp(arpRequest(peerMac, peerIp, vip)))).toBe(
      'ffffffffffff' +
        '020000000002' +
        '0806' +
        arpHeader +
        '0001' +
        '020000000002c00002140000000000' +
        '00c000020a',
    );
  });

  it('answers a request to its sender, from the owned IP', () => {
    const request = arpRequest(peerMac, peerIp, vip);
    expect(hex(encodeArp(arpReply(request, myMac)))).toBe(
      '020000000002' +
        '020000000001' +
        '0806' +
        arpHeader +
        '0002' +
        '020000000001c000020a' +
        '020000000002c0000214',
    );
  });

  it('builds a gratuitous request: sender IP = target IP, target MAC zero, broadcast', () => {
    expect(hex(encodeArp(gratuitousArpRequest(myMac, vip)))).toBe(
      'ffffffffffff' +
        '020000000001' +
        '0806' +
        arpHeader +
        '0001' +
        '020000000001c000020a' +
        '000000000000c000020a',
    );
  });

  it('builds a gratuitous reply: target MAC = sender MAC, broadcast', () => {
    expect(hex(encodeArp(gratuitousArpReply(myMac, vip)))).toBe(
      'ffffffffffff' +
        '020000000001' +
        '0806' +
        arpHeader +
        '0002' +
        '020000000001c000020a' +
        '020000000001c000020a',
    );
  });
});
