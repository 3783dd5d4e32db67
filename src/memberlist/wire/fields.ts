/** Reads Go struct fields out of a decoded msgpack map the way Go's codec fills a struct. */
import { WireError } from './errors.ts';
import type { MsgpackValue } from './msgpack-decode.ts';

/**
 * A struct's fields by exact Go name. Keys that are not strings, unknown names and wrong-case names are
 * ignored (Go leaves such fields zero); a repeated key keeps its last value, as Go's decoder overwrites.
 */
export type StructFields = ReadonlyMap<string, MsgpackValue>;

export function structFields(value: MsgpackValue, struct: string): StructFields {
  if (
    value === null ||
    typeof value !== 'object' ||
    Buffer.isBuffer(value) ||
    Array.isArray(value) ||
    !('kind' in value) ||
    value.kind !== 'map'
  ) {
    throw new WireError('wrong-type', { layer: 'message', field: struct }, 'expected a msgpack map');
  }
  const fields = new Map<string, MsgpackValue>();
  for (const [key, field] of value.entries) {
    if (Buffer.isBuffer(key)) fields.set(key.toString('latin1'), field);
  }
  return fields;
}

function wrongType(field: string, expected: string, value: MsgpackValue): WireError {
  return new WireError('wrong-type', { layer: 'message', field, value }, `expected ${expected}`);
}

/** An unsigned integer field; missing or nil is 0, any msgpack int format is accepted. */
export function readUint(fields: StructFields, field: string, max: number): number {
  const value = fields.get(field) ?? null;
  if (value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value < 0 || value > max) {
      throw new WireError('out-of-range', { layer: 'message', field, value }, `must be in [0, ${max}]`);
    }
    return value;
  }
  if (typeof value === 'bigint') {
    throw new WireError('out-of-range', { layer: 'message', field, value }, `must be in [0, ${max}]`);
  }
  throw wrongType(field, 'an integer', value);
}

/** A string field: the raw bytes read as UTF-8; missing or nil is ''. */
export function readString(fields: StructFields, field: string): string {
  const value = fields.get(field) ?? null;
  if (value === null) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw wrongType(field, 'a string', value);
}

/** A []byte field, kept as bytes; missing or nil is null (Go's nil slice). */
export function readBytes(fields: StructFields, field: string): Buffer | null {
  const value = fields.get(field) ?? null;
  if (value === null) return null;
  if (Buffer.isBuffer(value)) return value;
  throw wrongType(field, 'bytes', value);
}

export function readBool(fields: StructFields, field: string): boolean {
  const value = fields.get(field) ?? null;
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  throw wrongType(field, 'a bool', value);
}

/** A []uint8 field such as Vsn: bytes as Go writes them, or (liberally) an array of small integers. */
export function readUint8s(fields: StructFields, field: string): number[] {
  const value = fields.get(field) ?? null;
  if (value === null) return [];
  if (Buffer.isBuffer(value)) return [...value];
  if (Array.isArray(value)) {
    return value.map((item: MsgpackValue) => {
      if (typeof item === 'number' && Number.isInteger(item) && item >= 0 && item <= 0xff) return item;
      throw wrongType(field, 'an array of uint8', value);
    });
  }
  throw wrongType(field, 'bytes', value);
}
