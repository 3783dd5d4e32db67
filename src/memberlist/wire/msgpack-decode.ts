/**
 * A small msgpack decoder into a plain value tree, bounded by WireLimits. str and bin both decode to Buffers
 * (never through UTF-8) because Go writes []byte as str; the caller decides which fields are text.
 */
import { WireError } from './errors.ts';
import type { WireLimits } from './limits.ts';

export interface MsgpackMap {
  readonly kind: 'map';
  readonly entries: ReadonlyArray<readonly [MsgpackValue, MsgpackValue]>;
}

export interface MsgpackExt {
  readonly kind: 'ext';
  readonly extType: number;
  readonly data: Buffer;
}

/** Integers beyond 2^53 stay bigint so no value is silently rounded. */
export type MsgpackValue =
  null | boolean | number | bigint | Buffer | readonly MsgpackValue[] | MsgpackMap | MsgpackExt;

export interface Decoded {
  readonly value: MsgpackValue;
  /** Offset just past the value. */
  readonly end: number;
}

export type PrefixDecodeResult = ({ readonly status: 'done' } & Decoded) | { readonly status: 'need-more' };

/** Decodes one value starting at `offset`; a value that runs past the end of `buf` is a 'truncated' error. */
export function decodeMsgpack(buf: Buffer, offset: number, limits: WireLimits): Decoded {
  const reader = new Reader(buf, offset, limits);
  const value = reader.value(0);
  return { value, end: reader.pos };
}

/** Like decodeMsgpack for a stream still arriving: a value that runs past the end asks for more bytes. */
export function decodeMsgpackPrefix(buf: Buffer, offset: number, limits: WireLimits): PrefixDecodeResult {
  try {
    return { status: 'done', ...decodeMsgpack(buf, offset, limits) };
  } catch (err) {
    if (err instanceof WireError && err.reason === 'truncated') return { status: 'need-more' };
    throw err;
  }
}

class Reader {
  readonly buf: Buffer;
  readonly limits: WireLimits;
  pos: number;

  constructor(buf: Buffer, pos: number, limits: WireLimits) {
    this.buf = buf;
    this.pos = pos;
    this.limits = limits;
  }

  value(depth: number): MsgpackValue {
    const start = this.pos;
    const tag = this.uint(1);
    if (tag <= 0x7f) return tag;
    if (tag >= 0xe0) return tag - 0x100;
    if (tag >= 0x80 && tag <= 0x8f) return this.map(tag & 0x0f, depth, start);
    if (tag >= 0x90 && tag <= 0x9f) return this.array(tag & 0x0f, depth, start);
    if (tag >= 0xa0 && tag <= 0xbf) return this.bytes(tag & 0x1f, start);
    switch (tag) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xd9:
        return this.bytes(this.uint(1), start);
      case 0xc5:
      case 0xda:
        return this.bytes(this.uint(2), start);
      case 0xc6:
      case 0xdb:
        return this.bytes(this.uint(4), start);
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return this.ext(this.uint(1 << (tag - 0xc7)), start);
      case 0xca:
        return this.take(4, start).readFloatBE(0);
      case 0xcb:
        return this.take(8, start).readDoubleBE(0);
      case 0xcc:
      case 0xcd:
      case 0xce:
        return this.uint(1 << (tag - 0xcc));
      case 0xcf:
        return safe(this.take(8, start).readBigUInt64BE(0));
      case 0xd0:
        return this.take(1, start).readInt8(0);
      case 0xd1:
        return this.take(2, start).readInt16BE(0);
      case 0xd2:
        return this.take(4, start).readInt32BE(0);
      case 0xd3:
        return safe(this.take(8, start).readBigInt64BE(0));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.ext(1 << (tag - 0xd4), start);
      case 0xdc:
      case 0xdd:
        return this.array(this.uint(tag === 0xdc ? 2 : 4), depth, start);
      case 0xde:
      case 0xdf:
        return this.map(this.uint(tag === 0xde ? 2 : 4), depth, start);
      default:
        throw new WireError(
          'invalid-format',
          { layer: 'msgpack', offset: start, value: tag },
          'never-used type 0xc1',
        );
    }
  }

  private take(length: number, start: number): Buffer {
    if (this.buf.length - this.pos < length) {
      throw new WireError(
        'truncated',
        { layer: 'msgpack', offset: start },
        `value needs ${length} more bytes`,
      );
    }
    const bytes = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return bytes;
  }

  private uint(size: number): number {
    return this.take(size, this.pos).readUIntBE(0, size);
  }

  private bytes(length: number, start: number): Buffer {
    this.checkCount(length, this.limits.maxBytesLength, 'bytes length', start);
    return Buffer.from(this.take(length, start));
  }

  private ext(length: number, start: number): MsgpackExt {
    const extType = this.take(1, start).readInt8(0);
    return { kind: 'ext', extType, data: this.bytes(length, start) };
  }

  private array(count: number, depth: number, start: number): MsgpackValue[] {
    this.enter(depth, count, start);
    const items: MsgpackValue[] = [];
    for (let i = 0; i < count; i++) items.push(this.value(depth + 1));
    return items;
  }

  private map(count: number, depth: number, start: number): MsgpackMap {
    this.enter(depth, count, start);
    const entries: [MsgpackValue, MsgpackValue][] = [];
    for (let i = 0; i < count; i++) entries.push([this.value(depth + 1), this.value(depth + 1)]);
    return { kind: 'map', entries };
  }

  private enter(depth: number, count: number, start: number): void {
    if (depth >= this.limits.maxDepth) {
      throw new WireError(
        'limit-exceeded',
        { layer: 'msgpack', offset: start, field: 'depth', value: depth + 1 },
        'nested too deep',
      );
    }
    this.checkCount(count, this.limits.maxElements, 'element count', start);
  }

  private checkCount(count: number, max: number, field: string, start: number): void {
    if (count > max) {
      throw new WireError(
        'limit-exceeded',
        { layer: 'msgpack', offset: start, field, value: count },
        `${count} > ${max}`,
      );
    }
  }
}

function safe(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}
