/** The packet layers around messages: compound, CRC, compression and label headers. */
import { crc32 } from 'node:zlib';
import { decodeCompressBody, encodeCompressBody } from './bodies.ts';
import { WireError } from './errors.ts';
import type { WireLimits } from './limits.ts';
import { lzwCompress, lzwDecompress } from './lzw.ts';
import { MessageType } from './messages.ts';
import { decodeMsgpack } from './msgpack-decode.ts';

const MAX_COMPOUND_PARTS = 255;
const LZW_ALGO = 0;

/** Packs parts into compounds of at most 255 parts each (memberlist splits the same way). */
export function encodeCompound(parts: readonly Buffer[]): Buffer[] {
  const compounds: Buffer[] = [];
  for (let start = 0; start < parts.length; start += MAX_COMPOUND_PARTS) {
    const chunk = parts.slice(start, start + MAX_COMPOUND_PARTS);
    const head = Buffer.alloc(2 + 2 * chunk.length);
    head[0] = MessageType.compound;
    head[1] = chunk.length;
    chunk.forEach((part, i) => {
      // memberlist v0.2.2 crashes on an empty part.
      if (part.length === 0 || part.length > 0xffff) {
        throw new WireError(
          'out-of-range',
          { layer: 'compound', field: `part ${start + i}`, value: part.length },
          'part length must be in [1, 65535]',
        );
      }
      head.writeUInt16BE(part.length, 2 + 2 * i);
    });
    compounds.push(Buffer.concat([head, ...chunk]));
  }
  return compounds;
}

export interface CompoundParts {
  readonly parts: Buffer[];
  /** Parts announced but cut off; memberlist handles the complete ones and logs the rest. */
  readonly truncated: number;
}

/** Splits `[0x07][count][u16 BE lengths][parts]` (type byte included). */
export function decodeCompound(buf: Buffer): CompoundParts {
  if (buf.length < 2)
    throw new WireError('truncated', { layer: 'compound', field: 'count', offset: 1 }, 'missing part count');
  const count = buf[1] as number;
  let pos = 2 + 2 * count;
  if (buf.length < pos)
    throw new WireError(
      'truncated',
      { layer: 'compound', field: 'lengths', offset: 2 },
      `${count} lengths do not fit`,
    );
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const length = buf.readUInt16BE(2 + 2 * i);
    if (buf.length - pos < length) return { parts, truncated: count - i };
    parts.push(buf.subarray(pos, pos + length));
    pos += length;
  }
  return { parts, truncated: 0 };
}

/** `[0x0C][crc32 BE][rest]`, CRC-32 IEEE over rest. */
export function addCrc(buf: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = MessageType.hasCrc;
  head.writeUInt32BE(crc32(buf), 1);
  return Buffer.concat([head, buf]);
}

/** Verifies and strips a CRC header when there is one (memberlist checks only 5+ byte buffers). */
export function stripCrc(buf: Buffer): Buffer {
  if (buf.length < 5 || buf[0] !== MessageType.hasCrc) return buf;
  const rest = buf.subarray(5);
  const expected = buf.readUInt32BE(1);
  const actual = crc32(rest);
  if (actual !== expected) {
    throw new WireError(
      'checksum-mismatch',
      { layer: 'crc', offset: 1, value: actual },
      `crc32 ${actual} != ${expected}`,
    );
  }
  return rest;
}

/** `[0x09]` + msgpack {Algo: 0, Buf: LZW(buf)}. */
export function compressMessage(buf: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([MessageType.compress]),
    encodeCompressBody({ algo: LZW_ALGO, buf: lzwCompress(buf) }),
  ]);
}

/** Undoes compressMessage (type byte included); bytes after the msgpack body are ignored, as in Go. */
export function decompressMessage(buf: Buffer, limits: WireLimits): Buffer {
  return decompressBody(decodeMsgpack(buf, 1, limits).value, limits);
}

export function decompressBody(value: Parameters<typeof decodeCompressBody>[0], limits: WireLimits): Buffer {
  const body = decodeCompressBody(value);
  if (body.algo !== LZW_ALGO) {
    throw new WireError(
      'invalid-format',
      { layer: 'compress', field: 'Algo', value: body.algo },
      'unknown compression algorithm',
    );
  }
  return lzwDecompress(body.buf, limits.maxDecompressedBytes);
}

/** `[0xF4][len][label]`; an empty label means no header. */
export function labelHeader(label: string): Buffer {
  const bytes = Buffer.from(label, 'utf8');
  if (bytes.length === 0) return Buffer.alloc(0);
  if (bytes.length > 255)
    throw new WireError(
      'out-of-range',
      { layer: 'label', field: 'label', value: label },
      'longer than 255 bytes',
    );
  return Buffer.concat([Buffer.from([MessageType.hasLabel, bytes.length]), bytes]);
}

export interface Labelled {
  /** The label bytes as text ('' when there is no header). */
  readonly label: string;
  readonly labelBytes: Buffer;
  readonly rest: Buffer;
}

/** Splits off a label header if present; one that is empty or cut off is refused, as memberlist does. */
export function removeLabel(buf: Buffer): Labelled {
  if (buf.length === 0 || buf[0] !== MessageType.hasLabel)
    return { label: '', labelBytes: Buffer.alloc(0), rest: buf };
  if (buf.length < 2)
    throw new WireError('truncated', { layer: 'label', field: 'length', offset: 1 }, 'missing label length');
  const size = buf[1] as number;
  if (size === 0)
    throw new WireError(
      'invalid-format',
      { layer: 'label', field: 'length', offset: 1 },
      'label header cannot be empty',
    );
  if (buf.length < 2 + size)
    throw new WireError(
      'truncated',
      { layer: 'label', field: 'label', offset: 2 },
      `label needs ${size} bytes`,
    );
  const labelBytes = buf.subarray(2, 2 + size);
  return { label: labelBytes.toString('utf8'), labelBytes, rest: buf.subarray(2 + size) };
}
