/**
 * The TCP pipeline, one message per connection. The dialer may open with a label header; then comes a plain
 * message, a compressed one `[0x09][compress]`, or an encrypted one `[0x0A][u32 BE length][payload]` whose
 * additional data is those 5 bytes followed by the label. Go compresses every stream when compression is on.
 */
import { decryptPayload, encryptPayload, encryptedLength } from './crypto.ts';
import type { EncryptionVersion, Keyring } from './crypto.ts';
import { WireError } from './errors.ts';
import { compressMessage, decompressBody, labelHeader, removeLabel } from './layers.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { WireLimits } from './limits.ts';
import { MessageType } from './messages.ts';
import type { StreamMessage } from './messages.ts';
import { decodeMsgpack, decodeMsgpackPrefix } from './msgpack-decode.ts';
import { encodeStreamMessage, readStreamMessage } from './stream-codec.ts';
import type { ReadMessage } from './stream-codec.ts';

export interface StreamEncodeOptions {
  readonly compress: boolean;
  readonly keyring?: Keyring;
  readonly label?: string;
  /** Write the label header first: only the dialing side does, once per connection. */
  readonly labelHeader: boolean;
  readonly encryptionVersion?: EncryptionVersion;
}

export interface StreamDecodeOptions {
  readonly keyring?: Keyring;
  /** This node's label: expected in the header (accepting side) and authenticated by encryption (both sides). */
  readonly label?: string;
  /** With a keyring: refuse a plaintext stream. */
  readonly requireEncryption: boolean;
  /** Expect (and check) a label header first: the accepting side. */
  readonly labelHeader: boolean;
  readonly limits?: WireLimits;
}

export type StreamDecodeResult =
  | { readonly status: 'need-more' }
  | { readonly status: 'done'; readonly message: StreamMessage; readonly consumed: number };

const NEED_MORE = { status: 'need-more' } as const;

export function encodeStream(msg: StreamMessage, opts: StreamEncodeOptions): Buffer {
  const label = labelHeader(opts.label ?? '');
  let payload = encodeStreamMessage(msg);
  if (opts.compress) payload = compressMessage(payload);
  if (opts.keyring !== undefined) {
    const version = opts.encryptionVersion ?? 1;
    const head = Buffer.alloc(5);
    head[0] = MessageType.encrypt;
    head.writeUInt32BE(encryptedLength(version, payload.length), 1);
    payload = Buffer.concat([
      head,
      encryptPayload(opts.keyring, payload, Buffer.concat([head, label.subarray(2)]), version),
    ]);
  }
  return opts.labelHeader ? Buffer.concat([label, payload]) : payload;
}

/**
 * Decodes the message at the start of a connection's bytes received so far: 'need-more' until it is complete,
 * then the message and how many bytes it took. Throws WireError when the bytes can never become a message.
 */
export function decodeStream(buf: Buffer, opts: StreamDecodeOptions): StreamDecodeResult {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const label = Buffer.from(opts.label ?? '', 'utf8');
  let offset = 0;
  if (opts.labelHeader) {
    if (buf.length === 0) return NEED_MORE;
    let labelled;
    try {
      labelled = removeLabel(buf);
    } catch (err) {
      if (err instanceof WireError && err.reason === 'truncated') return NEED_MORE;
      throw err;
    }
    if (!labelled.labelBytes.equals(label)) {
      throw new WireError(
        'label-mismatch',
        { layer: 'label', value: labelled.label },
        `expected ${JSON.stringify(opts.label ?? '')}`,
      );
    }
    offset = buf.length - labelled.rest.length;
  }
  if (buf.length <= offset) return NEED_MORE;
  if (buf[offset] === MessageType.encrypt) return decodeEncrypted(buf, offset, label, opts, limits);
  if (opts.keyring !== undefined && opts.requireEncryption) {
    throw new WireError(
      'encryption-required',
      { layer: 'stream', offset, value: buf[offset] },
      'stream is not encrypted',
    );
  }
  const read = readPlain(buf, offset, limits, false);
  return read === undefined ? NEED_MORE : { status: 'done', message: read.message, consumed: read.end };
}

function decodeEncrypted(
  buf: Buffer,
  offset: number,
  label: Buffer,
  opts: StreamDecodeOptions,
  limits: WireLimits,
): StreamDecodeResult {
  if (opts.keyring === undefined) {
    throw new WireError(
      'decrypt-failed',
      { layer: 'encrypt', offset },
      'stream is encrypted but no key is set',
    );
  }
  if (buf.length < offset + 5) return NEED_MORE;
  const length = buf.readUInt32BE(offset + 1);
  if (length > limits.maxStreamBytes) {
    throw new WireError(
      'limit-exceeded',
      { layer: 'encrypt', field: 'length', offset: offset + 1, value: length },
      `> ${limits.maxStreamBytes}`,
    );
  }
  const end = offset + 5 + length;
  if (buf.length < end) return NEED_MORE;
  const additionalData = Buffer.concat([buf.subarray(offset, offset + 5), label]);
  const plain = decryptPayload(opts.keyring, buf.subarray(offset + 5, end), additionalData);
  const read = readPlain(plain, 0, limits, true) as ReadMessage;
  return { status: 'done', message: read.message, consumed: end };
}

/** A plain or compressed message; undefined when `complete` is false and more bytes are needed. */
function readPlain(
  buf: Buffer,
  offset: number,
  limits: WireLimits,
  complete: boolean,
): ReadMessage | undefined {
  if (buf.length <= offset) {
    if (complete) throw new WireError('truncated', { layer: 'stream', offset }, 'missing message type byte');
    return undefined;
  }
  if (buf[offset] === MessageType.compress) {
    const decoded = complete
      ? { status: 'done' as const, ...decodeMsgpack(buf, offset + 1, limits) }
      : decodeMsgpackPrefix(buf, offset + 1, limits);
    if (decoded.status === 'need-more') return undefined;
    // The decompressed bytes are the whole message: running short inside them is an error, not a wait.
    const { message } = readStreamMessage(decompressBody(decoded.value, limits), 0, limits);
    return { message, end: decoded.end };
  }
  if (complete) return readStreamMessage(buf, offset, limits);
  try {
    return readStreamMessage(buf, offset, limits);
  } catch (err) {
    if (err instanceof WireError && err.reason === 'truncated') return undefined;
    throw err;
  }
}
