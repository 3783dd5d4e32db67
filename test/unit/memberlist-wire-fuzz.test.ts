import fc from 'fast-check';
import {
  DEFAULT_LIMITS,
  decodeMsgpack,
  decodePacket,
  decodePacketParts,
  decodeStream,
  encodePacket,
  encodeStream,
  lzwDecompress,
} from '../../src/memberlist/wire/index.ts';
import {
  decodeOptions,
  encodeOptions,
  keyring,
  onlyWireErrors,
  packetMessage,
  streamDecode,
  streamMessage,
} from './memberlist-wire-helpers.ts';

describe('hostile input throws nothing but WireError', () => {
  const valid = fc
    .tuple(fc.array(packetMessage, { minLength: 1, maxLength: 20 }), encodeOptions)
    .map(([messages, opts]) => ({
      packets: encodePacket(messages, { ...opts, keyring: undefined }),
      opts,
    }));
  const mutate = (buf: Buffer, edits: [number, number][]): Buffer => {
    const out = Buffer.from(buf);
    for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
    return out;
  };
  const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 4,
  });

  it('random datagrams, streams and msgpack', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (array) => {
        const buf = Buffer.from(array);
        onlyWireErrors(() => decodePacket(buf, { requireEncryption: false }));
        onlyWireErrors(() => decodePacket(buf, { keyring, requireEncryption: false }));
        onlyWireErrors(() => decodeStream(buf, streamDecode({ labelHeader: true })));
        onlyWireErrors(() => decodeMsgpack(buf, 0, DEFAULT_LIMITS));
        onlyWireErrors(() => lzwDecompress(buf, 1 << 16));
      }),
      { numRuns: 5000 },
    );
  });

  it('mutated valid packets (framing kept, bytes changed, cut short)', () => {
    fc.assert(
      fc.property(valid, edits, fc.nat(), ({ packets, opts }, changes, cut) => {
        for (const packet of packets) {
          const mutated = mutate(packet, changes);
          onlyWireErrors(() => decodePacket(mutated, { ...decodeOptions(opts), keyring: undefined }));
          onlyWireErrors(() =>
            decodePacketParts(mutated.subarray(0, cut % (mutated.length + 1)), { requireEncryption: false }),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated valid streams, whole and in pieces', () => {
    fc.assert(
      fc.property(streamMessage, fc.boolean(), edits, fc.nat(), (msg, compress, changes, cut) => {
        const mutated = mutate(encodeStream(msg, { compress, labelHeader: false }), changes);
        onlyWireErrors(() => decodeStream(mutated, streamDecode()));
        onlyWireErrors(() => decodeStream(mutated.subarray(0, cut % (mutated.length + 1)), streamDecode()));
      }),
      { numRuns: 1000 },
    );
  });
});
