/**
 * The native verdict (src/native/core/verdict.c through decide()) on hand-built frames: one case per
 * reason of docs/verdict.md, and replies compared byte for byte with frames built here.
 */
import { decide } from '../../src/native/index.ts';
import type { VerdictContext } from '../../src/native/index.ts';

const MAC = Buffer.from('02005e100001', 'hex');
const PEER_MAC = Buffer.from('02aabbccddee', 'hex');
const OTHER_MAC = Buffer.from('021122334455', 'hex');
const BROADCAST = Buffer.alloc(6, 0xff);
const OWNED4 = Buffer.from([192, 0, 2, 10]);
const PEER4 = Buffer.from([192, 0, 2, 1]);
const ANY4 = Buffer.alloc(4);
const OWNED6 = ipv6('20010db8000000000000000000000010');
const PEER6 = ipv6('20010db8000000000000000000000001');
const UNSPECIFIED6 = Buffer.alloc(16);
const SOLICITED6 = ipv6('ff0200000000000000000001ff000010');
const SOLICITED_MAC = Buffer.from('3333ff000010', 'hex');

const ctx: VerdictContext = { mac: MAC, vlanTagged: false, owned: [OWNED4, OWNED6] };

function ipv6(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

function ethernet(dst: Buffer, src: Buffer, ethertype: number, payload: Buffer): Buffer {
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype);
  return Buffer.concat([dst, src, type, payload]);
}

interface ArpFields {
  ethDst?: Buffer;
  ethSrc?: Buffer;
  header?: Buffer;
  op?: number;
  sha?: Buffer;
  spa?: Buffer;
  tpa?: Buffer;
}

function arp(fields: ArpFields = {}): Buffer {
  const op = Buffer.alloc(2);
  op.writeUInt16BE(fields.op ?? 1);
  const payload = Buffer.concat([
    fields.header ?? Buffer.from('000108000604', 'hex'),
    op,
    fields.sha ?? PEER_MAC,
    fields.spa ?? PEER4,
    Buffer.alloc(6),
    fields.tpa ?? OWNED4,
  ]);
  return ethernet(fields.ethDst ?? BROADCAST, fields.ethSrc ?? PEER_MAC, 0x0806, payload);
}

/** RFC 1071 over the IPv6 pseudo-header and the message, written independently of the C code. */
function checksum(src: Buffer, dst: Buffer, message: Buffer): number {
  const pseudo = Buffer.alloc(40);
  src.copy(pseudo, 0);
  dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(message.length, 32);
  pseudo[39] = 58;
  const all = Buffer.concat([pseudo, message, Buffer.alloc(message.length % 2)]);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += all.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function option(type: number, mac: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, 1]), mac]);
}

interface NdpFields {
  ethDst?: Buffer;
  ethSrc?: Buffer;
  versionByte?: number;
  nextHeader?: number;
  hopLimit?: number;
  src?: Buffer;
  dst?: Buffer;
  type?: number;
  code?: number;
  flags?: Buffer;
  target?: Buffer;
  options?: Buffer;
  /** A message shorter than the NDP header: this many bytes of it. */
  cut?: number;
  /** Checksum field: computed when absent. */
  checksum?: number;
  padding?: number;
}

function ndp(fields: NdpFields = {}): Buffer {
  const src = fields.src ?? PEER6;
  const dst = fields.dst ?? SOLICITED6;
  const full = Buffer.concat([
    Buffer.from([fields.type ?? 135, fields.code ?? 0, 0, 0]),
    fields.flags ?? Buffer.alloc(4),
    fields.target ?? OWNED6,
    fields.options ?? option(1, PEER_MAC),
  ]);
  const message = full.subarray(0, fields.cut ?? full.length);
  if (message.length >= 4) message.writeUInt16BE(fields.checksum ?? checksum(src, dst, message), 2);
  const ip = Buffer.alloc(40);
  ip[0] = fields.versionByte ?? 0x60;
  ip.writeUInt16BE(message.length, 4);
  ip[6] = fields.nextHeader ?? 58;
  ip[7] = fields.hopLimit ?? 255;
  src.copy(ip, 8);
  dst.copy(ip, 24);
  const payload = Buffer.concat([ip, message, Buffer.alloc(fields.padding ?? 0)]);
  return ethernet(fields.ethDst ?? SOLICITED_MAC, fields.ethSrc ?? PEER_MAC, 0x86dd, payload);
}

/** The NA the doc's step 14 prescribes, built here byte by byte. */
function expectedNa(ethDst: Buffer, ipDst: Buffer, flags: number): Buffer {
  const icmp = Buffer.concat([Buffer.from([136, 0, 0, 0]), Buffer.alloc(4), OWNED6, option(2, MAC)]);
  icmp.writeUInt32BE(flags, 4);
  icmp.writeUInt16BE(checksum(OWNED6, ipDst, icmp), 2);
  const ip = Buffer.concat([Buffer.from([0x60, 0, 0, 0, 0, 32, 58, 255]), OWNED6, ipDst]);
  return ethernet(ethDst, MAC, 0x86dd, Buffer.concat([ip, icmp]));
}

function ignored(frame: Buffer, context: VerdictContext = ctx): string {
  const result = decide(frame, context);
  expect(result.verdict).toBe('ignore');
  expect(result.reply).toBeUndefined();
  return result.reason;
}

describe('native decide(): Ethernet', () => {
  test('a frame whose VLAN tag the kernel stripped is vlan-tagged, before anything else', () => {
    expect(ignored(Buffer.alloc(0), { ...ctx, vlanTagged: true })).toBe('vlan-tagged');
  });

  test('fewer than 14 bytes is truncated', () => {
    expect(ignored(arp().subarray(0, 13))).toBe('truncated');
  });

  test.each([0x8100, 0x88a8])('EtherType %s (an in-line tag) is vlan-tagged', (ethertype) => {
    expect(ignored(ethernet(BROADCAST, PEER_MAC, ethertype, Buffer.alloc(46)))).toBe('vlan-tagged');
  });

  test('a frame from our own MAC is own-frame', () => {
    expect(ignored(arp({ ethSrc: MAC }))).toBe('own-frame');
  });

  test('IPv4 and others are unsupported-ethertype', () => {
    expect(ignored(ethernet(BROADCAST, PEER_MAC, 0x0800, Buffer.alloc(46)))).toBe('unsupported-ethertype');
  });
});

describe('native decide(): ARP', () => {
  test('a request for an owned address is answered with the exact 42-byte reply', () => {
    const result = decide(arp(), ctx);
    const reply = ethernet(
      PEER_MAC,
      MAC,
      0x0806,
      Buffer.concat([Buffer.from('000108000604', 'hex'), Buffer.from([0, 2]), MAC, OWNED4, PEER_MAC, PEER4]),
    );
    expect(result).toEqual({ verdict: 'reply', reason: 'arp-request', reply });
  });

  test('a request to our MAC (unicast refresh) and one with trailing padding are answered too', () => {
    expect(decide(arp({ ethDst: MAC }), ctx).reason).toBe('arp-request');
    const padded = Buffer.concat([arp(), Buffer.alloc(18)]);
    expect(decide(padded, ctx).reply).toHaveLength(42);
  });

  test('a probe (sender 0.0.0.0) is arp-probe, answered to its sender MAC', () => {
    const result = decide(arp({ spa: ANY4 }), ctx);
    expect(result.reason).toBe('arp-probe');
    expect(result.reply?.subarray(0, 6)).toEqual(PEER_MAC);
    expect(result.reply?.subarray(38, 42)).toEqual(ANY4);
  });

  test('fewer than 28 bytes of ARP is truncated', () => {
    expect(ignored(arp().subarray(0, 41))).toBe('truncated');
  });

  test.each(['000208000604', '000108060604', '000108000504', '000108000606'])(
    'header %s is bad-header',
    (hex) => {
      expect(ignored(arp({ header: Buffer.from(hex, 'hex') }))).toBe('bad-header');
    },
  );

  test('another MAC using an owned sender IP is a conflict, whatever the op', () => {
    for (const op of [1, 2, 7])
      expect(decide(arp({ spa: OWNED4, op }), ctx)).toEqual({ verdict: 'conflict', reason: 'conflict' });
  });

  test('our own MAC as sender of an owned IP is not a conflict', () => {
    expect(ignored(arp({ spa: OWNED4, sha: MAC, op: 2 }))).toBe('not-request');
  });

  test('replies are not-request, other ops bad-op', () => {
    expect(ignored(arp({ op: 2 }))).toBe('not-request');
    expect(ignored(arp({ op: 3 }))).toBe('bad-op');
  });

  test('a request to another unicast MAC is wrong-destination', () => {
    expect(ignored(arp({ ethDst: OTHER_MAC }))).toBe('wrong-destination');
  });

  test('a request for an address we do not own is not-owned', () => {
    expect(ignored(arp({ tpa: Buffer.from([192, 0, 2, 11]) }))).toBe('not-owned');
  });
});

describe('native decide(): NDP checks', () => {
  test('fewer than 40 bytes after Ethernet is truncated', () => {
    expect(ignored(ndp().subarray(0, 14 + 39))).toBe('truncated');
  });

  test('IP version other than 6 is bad-header', () => {
    expect(ignored(ndp({ versionByte: 0x45 }))).toBe('bad-header');
  });

  test('next header other than 58 is not-ndp', () => {
    expect(ignored(ndp({ nextHeader: 17 }))).toBe('not-ndp');
  });

  test('a payload length beyond the frame is truncated', () => {
    expect(ignored(ndp().subarray(0, -1))).toBe('truncated');
  });

  test('an ICMPv6 message under 4 bytes is truncated', () => {
    expect(ignored(ndp({ cut: 3 }))).toBe('truncated');
  });

  test('ICMPv6 types other than NS and NA are not-ndp', () => {
    expect(ignored(ndp({ type: 128 }))).toBe('not-ndp');
  });

  test('hop limit other than 255 is bad-hop-limit', () => {
    expect(ignored(ndp({ hopLimit: 64 }))).toBe('bad-hop-limit');
  });

  test('a wrong checksum is bad-checksum', () => {
    const frame = ndp();
    frame.writeUInt16BE(frame.readUInt16BE(56) ^ 0x0100, 56);
    expect(ignored(frame)).toBe('bad-checksum');
  });

  test('when the right checksum is 0x0000, both 0x0000 and 0xffff are accepted', () => {
    // The reserved word makes the message's sum 0xffff, so the computed checksum is 0x0000.
    const plain = Buffer.concat([Buffer.from([135, 0, 0, 0]), Buffer.alloc(4), OWNED6, option(1, PEER_MAC)]);
    const flags = Buffer.alloc(4);
    flags.writeUInt16BE(checksum(PEER6, SOLICITED6, plain));
    expect(checksum(PEER6, SOLICITED6, Buffer.concat([plain.subarray(0, 4), flags, plain.subarray(8)]))).toBe(
      0,
    );
    expect(decide(ndp({ flags, checksum: 0 }), ctx).reason).toBe('ns-multicast');
    expect(decide(ndp({ flags, checksum: 0xffff }), ctx).reason).toBe('ns-multicast');
  });

  test('code other than 0 is bad-code', () => {
    expect(ignored(ndp({ code: 1 }))).toBe('bad-code');
  });

  test('an ICMPv6 message under 24 bytes is truncated', () => {
    expect(ignored(ndp({ cut: 20 }))).toBe('truncated');
  });

  test('a multicast target is multicast-target', () => {
    expect(ignored(ndp({ target: SOLICITED6 }))).toBe('multicast-target');
  });

  test.each([
    ['a zero length', Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])],
    [
      'a length past the payload',
      Buffer.concat([option(1, PEER_MAC), Buffer.from([1, 2, 0, 0, 0, 0, 0, 0])]),
    ],
    ['a lone byte at the end', Buffer.concat([option(1, PEER_MAC), Buffer.from([1])])],
  ])('an option with %s is bad-option', (_name, options) => {
    expect(ignored(ndp({ options }))).toBe('bad-option');
  });

  test('bytes beyond the payload length are padding', () => {
    expect(decide(ndp({ padding: 6 }), ctx).reason).toBe('ns-multicast');
  });
});

describe('native decide(): NA and NS', () => {
  test('an NA for an owned target is a conflict, one for another target not-request', () => {
    expect(decide(ndp({ type: 136, dst: PEER6 }), ctx)).toEqual({ verdict: 'conflict', reason: 'conflict' });
    expect(ignored(ndp({ type: 136, target: PEER6 }))).toBe('not-request');
  });

  test('a multicast NS for an owned target gets the exact NA, to the source link-layer option MAC', () => {
    const result = decide(ndp({ ethSrc: OTHER_MAC }), ctx);
    expect(result).toEqual({
      verdict: 'reply',
      reason: 'ns-multicast',
      reply: expectedNa(PEER_MAC, PEER6, 0x60000000),
    });
  });

  test('without a source link-layer option the NA goes to the frame source MAC', () => {
    const result = decide(ndp({ options: Buffer.alloc(0) }), ctx);
    expect(result.reply).toEqual(expectedNa(PEER_MAC, PEER6, 0x60000000));
  });

  test('the first source link-layer option is the one used', () => {
    const options = Buffer.concat([option(2, OTHER_MAC), option(1, PEER_MAC), option(1, OTHER_MAC)]);
    expect(decide(ndp({ options, ethSrc: OTHER_MAC }), ctx).reply).toEqual(
      expectedNa(PEER_MAC, PEER6, 0x60000000),
    );
  });

  test('a unicast NS to the target (reachability probe) is ns-unicast', () => {
    const result = decide(ndp({ ethDst: MAC, dst: OWNED6 }), ctx);
    expect(result).toEqual({
      verdict: 'reply',
      reason: 'ns-unicast',
      reply: expectedNa(PEER_MAC, PEER6, 0x60000000),
    });
  });

  test('a DAD probe is answered to all nodes, without S', () => {
    const result = decide(ndp({ src: UNSPECIFIED6, options: Buffer.alloc(0) }), ctx);
    const allNodes = ipv6('ff020000000000000000000000000001');
    const reply = expectedNa(Buffer.from('333300000001', 'hex'), allNodes, 0x20000000);
    expect(result).toEqual({ verdict: 'reply', reason: 'ns-dad', reply });
  });

  test('a DAD probe with a source link-layer option is dad-with-sllao', () => {
    expect(ignored(ndp({ src: UNSPECIFIED6 }))).toBe('dad-with-sllao');
  });

  test('an NS to another unicast MAC is wrong-destination', () => {
    expect(ignored(ndp({ ethDst: OTHER_MAC }))).toBe('wrong-destination');
  });

  test('an NS for a target we do not own is not-owned', () => {
    expect(ignored(ndp({ target: PEER6 }))).toBe('not-owned');
  });

  test.each([
    ['another group', { dst: ipv6('ff0200000000000000000001ff000011') }],
    ['a DAD probe sent to the target', { dst: OWNED6, src: UNSPECIFIED6, options: Buffer.alloc(0) }],
  ])('an NS to %s is bad-destination', (_name, fields) => {
    expect(ignored(ndp(fields))).toBe('bad-destination');
  });

  test('the VLAN flag, a changed MAC and an empty owned set are honoured', () => {
    expect(ignored(ndp(), { ...ctx, vlanTagged: true })).toBe('vlan-tagged');
    expect(ignored(ndp(), { ...ctx, owned: [] })).toBe('not-owned');
    const moved = decide(arp(), { ...ctx, mac: OTHER_MAC });
    expect(moved.reply?.subarray(6, 12)).toEqual(OTHER_MAC);
  });

  test('owned addresses of any other length are refused', () => {
    expect(() => decide(arp(), { ...ctx, owned: [Buffer.alloc(5)] })).toThrow(
      'owned addresses must be 4 or 16 bytes',
    );
  });
});
