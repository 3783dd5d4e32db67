/**
 * msgpack as memberlist's Go codec (hashicorp/go-msgpack) writes it: structs as maps keyed by the Go field
 * names in sorted order, string and []byte both in the old raw str family (fixstr, str16, str32: never str8
 * nor bin, which memberlist v0.2.2 refuses), nil slices as nil, integers in their smallest unsigned form.
 * npm msgpack libraries write Buffers as bin and strings as str8, so none of them can talk to Go nodes.
 */
import { WireError } from './errors.ts';

/** One encoded struct field: its Go name and its msgpack bytes. */
export type GoField = readonly [name: string, encoded: Buffer];

/** A struct as a map keyed by Go field names, in the codec's sorted order. */
export function goStruct(fields: readonly GoField[]): Buffer {
  const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [mapHeader(sorted.length)];
  for (const [name, encoded] of sorted) parts.push(goString(name), encoded);
  return Buffer.concat(parts);
}

/** An unsigned integer field (uint16, uint32, int) checked against `max`. */
export function goUint(field: string, value: number, max: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new WireError(
      'out-of-range',
      { layer: 'msgpack', field, value },
      `must be an integer in [0, ${max}]`,
    );
  }
  if (value < 0x80) return Buffer.from([value]);
  if (value <= 0xff) return Buffer.from([0xcc, value]);
  if (value <= 0xffff) return header(0xcd, 2, value);
  if (value <= 0xffffffff) return header(0xce, 4, value);
  const out = Buffer.alloc(9);
  out[0] = 0xcf;
  out.writeBigUInt64BE(BigInt(value), 1);
  return out;
}

export function goBool(value: boolean): Buffer {
  return Buffer.from([value ? 0xc3 : 0xc2]);
}

export function goString(value: string): Buffer {
  return goBytes(Buffer.from(value, 'utf8'));
}

/** A []byte field: raw str family, or nil for a nil slice. */
export function goBytes(value: Buffer | null): Buffer {
  if (value === null) return Buffer.from([0xc0]);
  const length = value.length;
  const head =
    length < 32
      ? Buffer.from([0xa0 | length])
      : length <= 0xffff
        ? header(0xda, 2, length)
        : header(0xdb, 4, length);
  return Buffer.concat([head, value]);
}

function mapHeader(count: number): Buffer {
  return count < 16
    ? Buffer.from([0x80 | count])
    : count <= 0xffff
      ? header(0xde, 2, count)
      : header(0xdf, 4, count);
}

function header(tag: number, size: number, value: number): Buffer {
  const out = Buffer.alloc(1 + size);
  out[0] = tag;
  out.writeUIntBE(value, 1, size);
  return out;
}
