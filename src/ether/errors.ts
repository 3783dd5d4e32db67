/** Errors shared by the codecs: a field that cannot be encoded or a text that is not an address. */

/** An encoder was given a field it cannot put on the wire (wrong length, out of range). */
export class EncodeError extends Error {
  readonly protocol: string;
  readonly field: string;
  readonly value: unknown;

  constructor(protocol: string, field: string, expected: string, value: unknown) {
    super(`${protocol}: ${field} must be ${expected}`);
    this.name = 'EncodeError';
    this.protocol = protocol;
    this.field = field;
    this.value = value;
  }
}

/** A text or Buffer that is not a valid MAC or IP address. */
export class InvalidAddressError extends Error {
  readonly kind: 'mac' | 'ipv4' | 'ipv6' | 'ip';
  readonly value: unknown;

  constructor(kind: 'mac' | 'ipv4' | 'ipv6' | 'ip', value: unknown) {
    super(`not a valid ${kind} address: ${describe(value)}`);
    this.name = 'InvalidAddressError';
    this.kind = kind;
    this.value = value;
  }
}

function describe(value: unknown): string {
  return Buffer.isBuffer(value) ? `<${value.length} bytes: ${value.toString('hex')}>` : JSON.stringify(value);
}

/** Throws EncodeError unless `value` is a Buffer of exactly `length` bytes. */
export function requireBytes(protocol: string, field: string, value: unknown, length: number): Buffer {
  if (!Buffer.isBuffer(value) || value.length !== length) {
    throw new EncodeError(protocol, field, `a Buffer of ${length} bytes`, value);
  }
  return value;
}

/** Throws EncodeError unless `value` is an integer in [0, max]. */
export function requireUint(protocol: string, field: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new EncodeError(protocol, field, `an integer in [0, ${max}]`, value);
  }
  return value;
}
