/**
 * The native verdict (C, on the fast path) against the TypeScript reference: the same frames must get
 * the same verdict, the same reason and byte-identical replies.
 */
import fc from 'fast-check';
import { arpRequest, encodeArp, gratuitousArpReply } from '../../src/arp/index.ts';
import { decideFrame } from '../../src/dataplane/index.ts';
import { unspecifiedIpv6 } from '../../src/ether/index.ts';
import { encodeNdp, neighborAdvertisement, neighborSolicitation } from '../../src/ndp/index.ts';
import { decide } from '../../src/native/index.ts';

const bytes = (length: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));

/** Addresses drawn from a small pool, so that targets are often owned and sometimes not. */
const ip4 = fc.constantFrom(
  ...['c00002c9', 'c00002ca', '00000000', 'c0000264'].map((h) => Buffer.from(h, 'hex')),
);
const ip6 = fc.oneof(
  fc.constantFrom(
    ...['20010db8000000000000000000000201', '20010db8000000000000000000000202'].map((h) =>
      Buffer.from(h, 'hex'),
    ),
  ),
  bytes(16),
);
const ourMac = Buffer.from('020000000001', 'hex');
const mac = fc.oneof(fc.constant(ourMac), fc.constant(Buffer.from('020000000002', 'hex')), bytes(6));

const validFrame: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(mac, ip4, ip4).map(([m, s, t]) => encodeArp(arpRequest(m, s, t))),
  fc.tuple(mac, ip4).map(([m, ip]) => encodeArp(gratuitousArpReply(m, ip))),
  fc
    .tuple(mac, fc.oneof(ip6, fc.constant(unspecifiedIpv6())), ip6, fc.option(mac, { nil: undefined }))
    .map(([m, source, target, unicastTo]) =>
      encodeNdp(neighborSolicitation({ mac: m, source, target, unicastTo })),
    ),
  fc
    .tuple(mac, ip6, ip6, mac)
    .map(([m, source, target, replier]) =>
      encodeNdp(neighborAdvertisement(neighborSolicitation({ mac: m, source, target }), replier)),
    ),
);

/** Valid frames with some bytes overwritten, cut short or extended. */
const mutatedFrame = fc
  .tuple(validFrame, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), fc.nat(120), fc.boolean())
  .map(([frame, edits, cut, shorten]) => {
    const copy = Buffer.from(frame);
    for (const [at, value] of edits) copy[at % copy.length] = value;
    return shorten
      ? copy.subarray(0, cut % (copy.length + 1))
      : Buffer.concat([copy, Buffer.alloc(cut % 16)]);
  });

const context = fc.record({
  vlanTagged: fc.boolean(),
  owned: fc.subarray([
    ...['c00002c9', 'c0000264'].map((h) => Buffer.from(h, 'hex')),
    Buffer.from('20010db8000000000000000000000201', 'hex'),
  ]),
});

function compare(frame: Buffer, ctx: { vlanTagged: boolean; owned: Buffer[] }): void {
  const owned = new Set(ctx.owned.map((ip) => ip.toString('hex')));
  const owns = (ip: Buffer): boolean => owned.has(ip.toString('hex'));
  const reference = decideFrame(frame, { mac: ourMac, vlanTagged: ctx.vlanTagged, owns4: owns, owns6: owns });
  const native = decide(frame, { mac: ourMac, vlanTagged: ctx.vlanTagged, owned: ctx.owned });
  expect({ verdict: native.verdict, reason: native.reason, reply: native.reply?.toString('hex') }).toEqual({
    verdict: reference.verdict,
    reason: reference.reason,
    reply: reference.reply?.toString('hex'),
  });
}

describe('native verdict = TypeScript reference', () => {
  test('valid frames', () => {
    fc.assert(
      fc.property(validFrame, context, (frame, ctx) => compare(frame, ctx)),
      { numRuns: 20_000 },
    );
  });
  test('mutated frames', () => {
    fc.assert(
      fc.property(mutatedFrame, context, (frame, ctx) => compare(frame, ctx)),
      { numRuns: 50_000 },
    );
  });
  test('random bytes', () => {
    const randomFrame = fc.uint8Array({ maxLength: 128 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(randomFrame, context, (frame, ctx) => compare(frame, ctx)),
      { numRuns: 20_000 },
    );
  });
  test('every reply and conflict reason is reached by the valid frames', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(validFrame, context, (frame, ctx) => {
        const owned = new Set(ctx.owned.map((ip) => ip.toString('hex')));
        const owns = (ip: Buffer): boolean => owned.has(ip.toString('hex'));
        seen.add(
          decideFrame(frame, { mac: ourMac, vlanTagged: ctx.vlanTagged, owns4: owns, owns6: owns }).reason,
        );
      }),
      { numRuns: 20_000 },
    );
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'arp-probe',
        'arp-request',
        'conflict',
        'ns-dad',
        'ns-multicast',
        'ns-unicast',
      ]),
    );
  });
});
