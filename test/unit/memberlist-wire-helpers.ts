/** fast-check generators for memberlist messages and error assertions, shared by the memberlist-wire tests. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { WireError, createKeyring } from '../../src/memberlist/wire/index.ts';
import type {
  PacketDecodeOptions,
  PacketEncodeOptions,
  PacketMessage,
  PushNodeState,
  PushPull,
  StreamDecodeOptions,
  StreamMessage,
} from '../../src/memberlist/wire/index.ts';

/** The WireError `fn` throws; fails on any other exception or on none. */
export function wireError(fn: () => unknown): WireError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WireError) return err;
    throw err;
  }
  throw new Error('expected a WireError');
}

/** Runs a decoder on hostile input: a WireError is fine, any other exception fails the test. */
export function onlyWireErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
  }
}

export const keyring = createKeyring([randomBytes(32), randomBytes(16)]);

export const encodeOptions = fc.record({
  compress: fc.boolean(),
  crc: fc.boolean(),
  keyring: fc.option(fc.constant(keyring), { nil: undefined }),
  label: fc.constantFrom(undefined, 'cluster-a'),
  encryptionVersion: fc.constantFrom(0 as const, 1 as const),
});

/** The decode options that match packets encoded with `opts`. */
export function decodeOptions(opts: PacketEncodeOptions): PacketDecodeOptions {
  return { keyring: opts.keyring, label: opts.label, requireEncryption: opts.keyring !== undefined };
}

export function streamDecode(opts: Partial<StreamDecodeOptions> = {}): StreamDecodeOptions {
  return { requireEncryption: false, labelHeader: false, ...opts };
}

export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const text = fc.string({ unit: 'grapheme', maxLength: 40 });
export const bytes = (maxLength = 64) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const nonEmptyBytes = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => Buffer.from(a));
const nullableBytes = fc.option(bytes(), { nil: null });
const vsn = fc.oneof(
  fc.constant<number[]>([]),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }),
);
const nonEmptyText = text.filter((s) => s !== '');

/** The omitempty source fields: absent, or a non-empty value (Go cannot tell absent from empty). */
const source = fc.record(
  { sourceAddr: nonEmptyBytes, sourcePort: fc.integer({ min: 1, max: 0xffff }), sourceNode: nonEmptyText },
  { requiredKeys: [] },
);

export const packetMessage: fc.Arbitrary<PacketMessage> = fc.oneof(
  fc
    .record({ type: fc.constant('ping' as const), seqNo: u32, node: text })
    .chain((m) => source.map((s) => ({ ...m, ...s }))),
  fc
    .record({
      type: fc.constant('indirectPing' as const),
      seqNo: u32,
      target: bytes(16),
      port: u16,
      node: text,
      nack: fc.boolean(),
    })
    .chain((m) => source.map((s) => ({ ...m, ...s }))),
  fc.record({ type: fc.constant('ackResp' as const), seqNo: u32, payload: nullableBytes }),
  fc.record({ type: fc.constant('nackResp' as const), seqNo: u32 }),
  fc.record({
    type: fc.constantFrom('suspect' as const, 'dead' as const),
    incarnation: u32,
    node: text,
    from: text,
  }),
  fc.record({
    type: fc.constant('alive' as const),
    incarnation: u32,
    node: text,
    addr: bytes(16),
    port: u16,
    meta: nullableBytes,
    vsn,
  }),
  fc.record({ type: fc.constant('user' as const), payload: bytes(200) }),
  fc.record({ type: fc.constant('err' as const), error: text }),
);

export const pushNodeState: fc.Arbitrary<PushNodeState> = fc.record({
  name: text,
  addr: bytes(16),
  port: u16,
  meta: nullableBytes,
  incarnation: u32,
  state: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
  vsn,
});

export const pushPull: fc.Arbitrary<PushPull> = fc.record({
  type: fc.constant('pushPull' as const),
  join: fc.boolean(),
  nodes: fc.array(pushNodeState, { maxLength: 20 }),
  userState: bytes(300),
});

export const streamMessage: fc.Arbitrary<StreamMessage> = fc.oneof(
  pushPull,
  packetMessage.filter((m): m is PacketMessage & StreamMessage =>
    ['ping', 'ackResp', 'err', 'user'].includes(m.type),
  ),
);
