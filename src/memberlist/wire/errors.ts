/** The one error type of the wire codec: every decoder and encoder throws only WireError. */

/** Which part of the wire format an error comes from. */
export type WireLayer =
  'msgpack' | 'message' | 'compound' | 'crc' | 'compress' | 'lzw' | 'label' | 'encrypt' | 'packet' | 'stream';

/** Why the bytes (or the value to encode) were refused. */
export type WireErrorReason =
  | 'truncated'
  | 'invalid-format'
  | 'wrong-type'
  | 'out-of-range'
  | 'limit-exceeded'
  | 'unknown-message-type'
  | 'checksum-mismatch'
  | 'label-mismatch'
  | 'decrypt-failed'
  | 'encryption-required'
  | 'invalid-key'
  | 'too-large';

export interface WireErrorContext {
  readonly layer: WireLayer;
  /** The Go field name (or a structural name such as 'count') that was being read or written. */
  readonly field?: string;
  /** Byte offset in the buffer the failing layer was reading. */
  readonly offset?: number;
  readonly value?: unknown;
}

export class WireError extends Error {
  readonly reason: WireErrorReason;
  readonly layer: WireLayer;
  readonly field: string | undefined;
  readonly offset: number | undefined;
  readonly value: unknown;

  constructor(reason: WireErrorReason, context: WireErrorContext, detail: string) {
    const where = [
      context.layer,
      context.field === undefined ? '' : ` field ${context.field}`,
      context.offset === undefined ? '' : ` at offset ${context.offset}`,
    ].join('');
    super(`memberlist wire (${where}): ${reason}: ${detail}`);
    this.name = 'WireError';
    this.reason = reason;
    this.layer = context.layer;
    this.field = context.field;
    this.offset = context.offset;
    this.value = context.value;
  }
}
