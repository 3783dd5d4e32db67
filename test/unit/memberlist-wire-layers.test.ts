import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  addCrc,
  createKeyring,
  decodeCompound,
  decryptPayload,
  encodeCompound,
  encryptPayload,
  encryptedLength,
  labelHeader,
  lzwCompress,
  lzwDecompress,
  metallbKey,
  removeLabel,
  sha256Key,
  stripCrc,
} from '../../src/memberlist/wire/index.ts';
import { wireError } from './memberlist-wire-helpers.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

/** The xorshift32 inputs the Go digests below were computed from. */
function xorshiftInput(kind: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = kind === 0 ? i % 251 : kind === 1 ? x & 0x0f : x & 0xff;
  }
  return out;
}

describe('LZW (Go compress/lzw, LSB, 8-bit literals)', () => {
  it('matches the reference vector', () => {
    expect(lzwCompress(hex('00010203414141414141')).toString('hex')).toBe('00010410302088c1830101');
    expect(lzwCompress(Buffer.alloc(0)).toString('hex')).toBe('000302');
  });

  // sha256 of lzw.NewWriter(w, lzw.LSB, 8) output from Go 1.26; the larger inputs fill the 4095-code table.
  it.each([
    [0, 100_000, 18337, 'f21e6c678b5dd913e53e051a16492b3b4978365880ac3c1e2b15a5e46da6cd7d'],
    [1, 50_000, 31312, 'f0d3771bb2ac38615c8c8b9759074d381d48dff6c32abd36157661ba19ccc719'],
    [2, 20_000, 27308, '83f81a0b7f7d3b2a9257e46875b79d4329dbccb222feddcde0c251a45665e94f'],
    [1, 7_000, 4450, '68b3eedd872432cbe5396f9c6f8baee843358b9167f855105b2557f431c3a9d7'],
  ])('writes the same bytes as Go (input kind %d, %d bytes)', (kind, length, size, digest) => {
    const input = xorshiftInput(kind, length);
    const compressed = lzwCompress(input);
    expect(compressed.length).toBe(size);
    expect(createHash('sha256').update(compressed).digest('hex')).toBe(digest);
    expect(lzwDecompress(compressed, length)).toEqual(input);
  });

  it('round trips random data of many sizes, through table resets', () => {
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 20_000, size: 'max' }),
      fc
        .uint8Array({ minLength: 1, maxLength: 4 })
        .chain((alphabet) =>
          fc
            .array(fc.constantFrom(...alphabet), { maxLength: 60_000, size: 'max' })
            .map((a) => Uint8Array.from(a)),
        ),
    );
    fc.assert(
      fc.property(data, (array) => {
        const input = Buffer.from(array);
        expect(lzwDecompress(lzwCompress(input), input.length)).toEqual(input);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses bombs, cut-off streams and undefined codes', () => {
    const bomb = lzwCompress(Buffer.alloc(5_000_000));
    expect(bomb.length).toBeLessThan(10_000);
    expect(wireError(() => lzwDecompress(bomb, 1_000_000))).toMatchObject({
      reason: 'limit-exceeded',
      layer: 'lzw',
    });
    const good = lzwCompress(Buffer.from('hello hello hello'));
    expect(wireError(() => lzwDecompress(good.subarray(0, good.length - 2), 1000))).toMatchObject({
      reason: 'truncated',
    });
    // clear, then code 300 (undefined): 9-bit codes LSB first.
    expect(wireError(() => lzwDecompress(hex('005802'), 1000))).toMatchObject({
      reason: 'invalid-format',
      value: 300,
    });
  });
});

describe('compound', () => {
  it('splits more than 255 parts into several compounds', () => {
    const parts = Array.from({ length: 600 }, (_, i) => Buffer.from([i & 0xff, 1]));
    const compounds = encodeCompound(parts);
    expect(compounds.map((c) => c[1])).toEqual([255, 255, 90]);
    expect(compounds.flatMap((c) => decodeCompound(c).parts)).toEqual(parts);
  });

  it('never writes empty parts', () => {
    expect(wireError(() => encodeCompound([hex('00'), Buffer.alloc(0)]))).toMatchObject({
      reason: 'out-of-range',
      field: 'part 1',
    });
  });

  it('keeps the complete parts of a cut-off compound and counts the rest', () => {
    expect(decodeCompound(hex('07030001000200010aaa'))).toEqual({ parts: [hex('0a')], truncated: 2 });
    expect(wireError(() => decodeCompound(hex('070300010002')))).toMatchObject({
      reason: 'truncated',
      field: 'lengths',
    });
    expect(wireError(() => decodeCompound(hex('07')))).toMatchObject({ reason: 'truncated', field: 'count' });
  });
});

describe('CRC and label headers', () => {
  it('checks CRC-32 IEEE', () => {
    const framed = addCrc(Buffer.from('123456789'));
    expect(framed.subarray(0, 5).toString('hex')).toBe('0ccbf43926');
    expect(stripCrc(framed)).toEqual(Buffer.from('123456789'));
    framed.writeUInt8(framed.readUInt8(7) ^ 1, 7);
    expect(wireError(() => stripCrc(framed))).toMatchObject({ reason: 'checksum-mismatch', layer: 'crc' });
    expect(stripCrc(hex('0c0102'))).toEqual(hex('0c0102'));
  });

  it('reads and writes labels', () => {
    expect(labelHeader('ab').toString('hex')).toBe('f4026162');
    expect(labelHeader('')).toEqual(Buffer.alloc(0));
    expect(wireError(() => labelHeader('x'.repeat(256)))).toMatchObject({
      layer: 'label',
      reason: 'out-of-range',
    });
    expect(removeLabel(hex('f402616200'))).toMatchObject({ label: 'ab', rest: hex('00') });
    expect(removeLabel(hex('00'))).toMatchObject({ label: '', rest: hex('00') });
    expect(wireError(() => removeLabel(hex('f400')))).toMatchObject({ reason: 'invalid-format' });
    expect(wireError(() => removeLabel(hex('f40561')))).toMatchObject({ reason: 'truncated' });
  });
});

describe('AES-GCM encryption', () => {
  const [k1, k2, k3] = [randomBytes(16), randomBytes(24), randomBytes(32)] as [Buffer, Buffer, Buffer];

  it('round trips with every key size and both versions', () => {
    for (const key of [k1, k2, k3]) {
      for (const version of [0, 1] as const) {
        const ring = createKeyring([key]);
        const sealed = encryptPayload(ring, Buffer.from('hello'), Buffer.from('label'), version);
        expect(sealed[0]).toBe(version);
        expect(sealed.length).toBe(encryptedLength(version, 5));
        expect(decryptPayload(ring, sealed, Buffer.from('label'))).toEqual(Buffer.from('hello'));
      }
    }
  });

  it('rotates keys: the primary encrypts, every key decrypts', () => {
    const old = encryptPayload(createKeyring([k1]), Buffer.from('old'), Buffer.alloc(0));
    const rotated = createKeyring([k3, k2, k1]);
    expect(decryptPayload(rotated, old, Buffer.alloc(0))).toEqual(Buffer.from('old'));
    const fresh = encryptPayload(rotated, Buffer.from('new'), Buffer.alloc(0));
    expect(decryptPayload(createKeyring([k2, k3]), fresh, Buffer.alloc(0))).toEqual(Buffer.from('new'));
    expect(wireError(() => decryptPayload(createKeyring([k1, k2]), fresh, Buffer.alloc(0)))).toMatchObject({
      reason: 'decrypt-failed',
    });
    expect(wireError(() => decryptPayload(rotated, fresh, Buffer.from('other label')))).toMatchObject({
      reason: 'decrypt-failed',
    });
  });

  it('decrypts version 0 built by hand: PKCS7 padding, then GCM', () => {
    const nonce = randomBytes(12);
    const plain = Buffer.from('sixteen bytes!!!');
    const padded = Buffer.concat([plain, Buffer.alloc(16, 16)]);
    const cipher = createCipheriv('aes-128-gcm', k1, nonce);
    cipher.setAAD(Buffer.from('ad'));
    const body = Buffer.concat([cipher.update(padded), cipher.final()]);
    const sealed = Buffer.concat([hex('00'), nonce, body, cipher.getAuthTag()]);
    expect(decryptPayload(createKeyring([k1]), sealed, Buffer.from('ad'))).toEqual(plain);
  });

  it('refuses bad keys and malformed payloads', () => {
    expect(wireError(() => createKeyring([randomBytes(20)]))).toMatchObject({
      reason: 'invalid-key',
      field: 'keys[0]',
    });
    expect(wireError(() => createKeyring([]))).toMatchObject({ reason: 'invalid-key' });
    const ring = createKeyring([k1]);
    expect(wireError(() => decryptPayload(ring, hex('02'), Buffer.alloc(0)))).toMatchObject({
      reason: 'invalid-format',
      field: 'version',
    });
    expect(wireError(() => decryptPayload(ring, Buffer.alloc(28, 1), Buffer.alloc(0)))).toMatchObject({
      reason: 'truncated',
    });
    expect(wireError(() => decryptPayload(ring, Buffer.alloc(0), Buffer.alloc(0)))).toMatchObject({
      reason: 'truncated',
    });
  });

  it('derives keys as MetalLB does, or by a real SHA-256', () => {
    const secret = Buffer.from('abcdefghijklmnopqrstuv');
    expect(metallbKey(secret)).toEqual(Buffer.concat([secret, hex('e3b0c44298fc1c149afb')]));
    expect(metallbKey(Buffer.alloc(40, 7))).toEqual(Buffer.alloc(32, 7));
    expect(sha256Key(Buffer.from('abc')).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
