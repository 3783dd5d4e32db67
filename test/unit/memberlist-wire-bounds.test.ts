/**
 * Hostile input that could cost much memory or time is refused cheaply: an LZW decompression bomb, deep msgpack
 * nesting, deeply nested packet layers and a stream declaring a 4 GB encrypted message.
 */
import {
  DEFAULT_LIMITS,
  compressMessage,
  createKeyring,
  decodeMsgpack,
  decodePacket,
  decodeStream,
  goStruct,
  goUint,
  goBytes,
  lzwDecompress,
} from '../../src/memberlist/wire/index.ts';
import { wireError } from './memberlist-wire-helpers.ts';

const MiB = 1 << 20;

/**
 * An LZW stream (LSB first, as Go writes it) where every code is the one being defined (the K-w-K-w-K case), so
 * each expands to one byte more than the last: `tables` full code tables of 3,837 codes expand to ~7.4 MB each.
 */
function lzwBomb(tables: number, lastCode = 4094): Buffer {
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  const write = (code: number, width: number): void => {
    bits |= code << count;
    count += width;
    for (; count >= 8; count -= 8, bits >>>= 8) out.push(bits & 0xff);
  };
  for (let t = 0; t < tables; t++) {
    write(256, t === 0 ? 9 : 12);
    write(0, 9);
    for (let hi = 258, width = 9; hi <= lastCode; hi++) {
      if (hi >= 1 << width && width < 12) width++;
      write(hi, width);
    }
  }
  write(257, 12);
  if (count > 0) out.push(bits & 0xff);
  return Buffer.from(out);
}

/**
 * How much ArrayBuffer memory `fn` leaves allocated, roughly. Wall-clock time is not asserted here (unit
 * tests on a shared machine would flake); cheapness is shown by memory bounds and by where decoding stops.
 */
function measure(fn: () => void): { arrayBuffers: number } {
  const before = process.memoryUsage().arrayBuffers;
  fn();
  return { arrayBuffers: process.memoryUsage().arrayBuffers - before };
}

const compressed = (lzw: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from([9]),
    goStruct([
      ['Algo', goUint('Algo', 0, 0xff)],
      ['Buf', goBytes(lzw)],
    ]),
  ]);

describe('LZW decompression bomb', () => {
  const bomb = lzwBomb(4);

  it('is a real bomb: under a higher cap it expands to ~29 MB from ~22 KB', () => {
    expect(bomb.length).toBeLessThan(24_000);
    expect(lzwDecompress(bomb, 64 * MiB).length).toBeGreaterThan(DEFAULT_LIMITS.maxDecompressedBytes);
  });

  // Refusing means producing the cap first: ~120-150 ms warm, ~270 ms cold on the dev VM. Only a TCP stream can
  // carry a bomb this big; the bound is loose so a loaded CI host does not fail it.
  it('is refused at the 20 MiB cap, allocating a small multiple of the cap at most', () => {
    const { arrayBuffers } = measure(() => {
      const err = wireError(() => lzwDecompress(bomb, DEFAULT_LIMITS.maxDecompressedBytes));
      expect(err).toMatchObject({ layer: 'lzw', reason: 'limit-exceeded' });
    });
    // The output buffer doubles up to the cap; until GC runs the smaller ones add up to about the cap again.
    expect(arrayBuffers).toBeLessThan(3 * DEFAULT_LIMITS.maxDecompressedBytes);
  });

  it('in a packet is refused with a small cap after producing at most that cap', () => {
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 1 * MiB };
    const { arrayBuffers } = measure(() => {
      const err = wireError(() => decodePacket(compressed(bomb), { requireEncryption: false, limits }));
      expect(err).toMatchObject({ layer: 'lzw', reason: 'limit-exceeded' });
    });
    expect(arrayBuffers).toBeLessThan(8 * MiB);
  });

  it('in a TCP stream is refused the same way', () => {
    const stream = compressed(bomb);
    const err = wireError(() => decodeStream(stream, { requireEncryption: false, labelHeader: false }));
    expect(err).toMatchObject({ layer: 'lzw', reason: 'limit-exceeded' });
  });

  it('that fits one UDP packet expands to under 1 MiB and is refused by the packet decoder', () => {
    const packetBomb = lzwBomb(1, 1300);
    const packet = compressed(packetBomb);
    expect(packet.length).toBeLessThanOrEqual(1400);
    expect(lzwDecompress(packetBomb, DEFAULT_LIMITS.maxDecompressedBytes).length).toBeLessThan(MiB);
    expect(wireError(() => decodePacket(packet, { requireEncryption: false }))).toMatchObject({
      layer: 'message',
    });
  });
});

describe('deep nesting', () => {
  const deep = (tag: number): Buffer => Buffer.alloc(100_000, tag);

  it.each([
    ['arrays', 0x91],
    ['maps', 0x81],
    ['array16s', 0xdc],
  ])('100,000 nested %s are refused at maxDepth without recursing further', (_, tag) => {
    const err = wireError(() => decodeMsgpack(deep(tag), 0, DEFAULT_LIMITS));
    expect(err).toMatchObject({ layer: 'msgpack', reason: 'limit-exceeded', field: 'depth' });
    expect(err.offset).toBeLessThanOrEqual(3 * DEFAULT_LIMITS.maxDepth);
  });

  it('in a packet message and a push/pull stream', () => {
    const packet = Buffer.concat([Buffer.from([0]), deep(0x91)]);
    expect(wireError(() => decodePacket(packet, { requireEncryption: false }))).toMatchObject({
      layer: 'msgpack',
      reason: 'limit-exceeded',
    });
    const stream = Buffer.concat([Buffer.from([6]), deep(0x91)]);
    expect(
      wireError(() => decodeStream(stream, { requireEncryption: false, labelHeader: false })),
    ).toMatchObject({ layer: 'msgpack', reason: 'limit-exceeded' });
  });

  it('16,000 nested compound layers (as many as fit a 64 KiB part) are refused at maxLayerDepth', () => {
    let packet: Buffer = Buffer.from([0, 0x80]);
    for (let i = 0; i < 16_000; i++) {
      const head = Buffer.from([7, 1, 0, 0]);
      head.writeUInt16BE(packet.length, 2);
      packet = Buffer.concat([head, packet]);
    }
    expect(wireError(() => decodePacket(packet, { requireEncryption: false }))).toMatchObject({
      layer: 'packet',
      reason: 'limit-exceeded',
      field: 'layer depth',
    });
  });

  it('compress layers nested deeper than maxLayerDepth are refused', () => {
    let packet: Buffer = Buffer.from([0, 0x80]);
    for (let i = 0; i <= DEFAULT_LIMITS.maxLayerDepth + 1; i++) packet = compressMessage(packet);
    expect(wireError(() => decodePacket(packet, { requireEncryption: false }))).toMatchObject({
      layer: 'packet',
      reason: 'limit-exceeded',
    });
  });
});

describe('a stream declaring a 4 GB encrypted message', () => {
  const keyring = createKeyring([Buffer.alloc(32, 1)]);
  const head = Buffer.from([10, 0xff, 0xff, 0xff, 0xff]);

  it('is refused as soon as the 5-byte header is in, not buffered until it arrives', () => {
    expect(
      wireError(() => decodeStream(head, { keyring, requireEncryption: true, labelHeader: false })),
    ).toMatchObject({ layer: 'encrypt', reason: 'limit-exceeded', field: 'length', value: 0xffffffff });
  });

  it('after a label header too', () => {
    const labelled = Buffer.concat([Buffer.from([0xf4, 1, 0x61]), head]);
    expect(
      wireError(() =>
        decodeStream(labelled, { keyring, label: 'a', requireEncryption: true, labelHeader: true }),
      ),
    ).toMatchObject({ layer: 'encrypt', reason: 'limit-exceeded' });
  });

  it('just over the 20 MiB stream limit is refused; at the limit it waits for the bytes', () => {
    const at = (length: number): Buffer => {
      const buf = Buffer.from(head);
      buf.writeUInt32BE(length, 1);
      return buf;
    };
    const opts = { keyring, requireEncryption: true, labelHeader: false };
    expect(wireError(() => decodeStream(at(DEFAULT_LIMITS.maxStreamBytes + 1), opts)).reason).toBe(
      'limit-exceeded',
    );
    expect(decodeStream(at(DEFAULT_LIMITS.maxStreamBytes), opts)).toEqual({ status: 'need-more' });
  });
});
