/**
 * The UDP pipeline. Sending: messages -> compounds that fit a packet -> compression (kept only if smaller)
 * -> CRC -> encryption -> label header. Receiving undoes them in reverse, then walks compound and compress
 * layers recursively as memberlist's handleCommand does.
 */
import { decodePacketMessage, encodePacketMessage } from './codec.ts';
import { decryptPayload, encryptPayload, encryptedLength } from './crypto.ts';
import type { EncryptionVersion, Keyring } from './crypto.ts';
import { WireError } from './errors.ts';
import {
  addCrc,
  compressMessage,
  encodeCompound,
  decodeCompound,
  decompressMessage,
  labelHeader,
  removeLabel,
  stripCrc,
} from './layers.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { WireLimits } from './limits.ts';
import { MessageType } from './messages.ts';
import type { PacketMessage } from './messages.ts';

/** memberlist's UDPBufferSize: no outgoing packet is larger. */
export const MAX_PACKET_SIZE = 1400;

export interface PacketEncodeOptions {
  readonly compress: boolean;
  /** Add the CRC header (only to nodes whose protocol max is >= 5). */
  readonly crc: boolean;
  readonly keyring?: Keyring;
  readonly label?: string;
  readonly encryptionVersion?: EncryptionVersion;
  readonly maxPacketSize?: number;
}

export interface PacketDecodeOptions {
  readonly keyring?: Keyring;
  /** The label this node expects ('' or absent: packets must carry none). */
  readonly label?: string;
  /** With a keyring: refuse packets that do not decrypt instead of reading them as plaintext. */
  readonly requireEncryption: boolean;
  readonly limits?: WireLimits;
}

/** Encodes messages into as few packets as fit `maxPacketSize` (1400) bytes each. */
export function encodePacket(messages: readonly PacketMessage[], opts: PacketEncodeOptions): Buffer[] {
  const label = labelHeader(opts.label ?? '');
  const version = opts.encryptionVersion ?? 1;
  const overhead =
    (opts.crc ? 5 : 0) + label.length + (opts.keyring === undefined ? 0 : encryptedLength(version, 0));
  const budget = (opts.maxPacketSize ?? MAX_PACKET_SIZE) - overhead;
  return groupParts(messages.map(encodePacketMessage), budget).map((group) => {
    let payload: Buffer = Buffer.concat(group.length === 1 ? group : encodeCompound(group));
    if (opts.compress) {
      const compressed = compressMessage(payload);
      if (compressed.length < payload.length) payload = compressed;
    }
    if (payload.length > budget) {
      throw new WireError(
        'too-large',
        { layer: 'packet', value: payload.length },
        `message of ${payload.length} bytes does not fit ${budget}`,
      );
    }
    if (opts.crc) payload = addCrc(payload);
    if (opts.keyring !== undefined)
      payload = encryptPayload(opts.keyring, payload, label.subarray(2), version);
    return Buffer.concat([label, payload]);
  });
}

/** Greedy packing: a part joins the current group while the compound still fits and has < 255 parts. */
function groupParts(parts: readonly Buffer[], budget: number): Buffer[][] {
  const groups: Buffer[][] = [];
  let current: Buffer[] = [];
  let size = 2;
  for (const part of parts) {
    if (part.length > 0xffff) {
      throw new WireError(
        'too-large',
        { layer: 'packet', value: part.length },
        'message longer than 65535 bytes',
      );
    }
    if (current.length > 0 && (current.length === 255 || size + 2 + part.length > budget)) {
      groups.push(current);
      current = [];
      size = 2;
    }
    current.push(part);
    size += 2 + part.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export interface DecodedPacket {
  readonly messages: PacketMessage[];
  /** Parts that could not be read; memberlist logs them and handles the rest of the packet. */
  readonly errors: WireError[];
}

/** Decodes a packet, failing on the first unreadable layer or part. */
export function decodePacket(buf: Buffer, opts: PacketDecodeOptions): PacketMessage[] {
  const { messages, errors } = decodePacketParts(buf, opts);
  if (errors[0] !== undefined) throw errors[0];
  return messages;
}

/** Decodes a packet as memberlist does: an unreadable part of a compound does not drop the others. */
export function decodePacketParts(buf: Buffer, opts: PacketDecodeOptions): DecodedPacket {
  const result: DecodedPacket = { messages: [], errors: [] };
  try {
    handleCommand(openPacket(buf, opts), opts.limits ?? DEFAULT_LIMITS, 0, result);
  } catch (err) {
    result.errors.push(asWireError(err));
  }
  return result;
}

/** Label check, decryption and CRC check: the layers that wrap the whole packet. */
function openPacket(buf: Buffer, opts: PacketDecodeOptions): Buffer {
  const { labelBytes, rest } = removeLabel(buf);
  const expected = Buffer.from(opts.label ?? '', 'utf8');
  if (!labelBytes.equals(expected)) {
    throw new WireError(
      'label-mismatch',
      { layer: 'label', value: labelBytes.toString('utf8') },
      `expected ${JSON.stringify(opts.label ?? '')}`,
    );
  }
  let plain = rest;
  if (opts.keyring !== undefined) {
    try {
      plain = decryptPayload(opts.keyring, rest, labelBytes);
    } catch (err) {
      // memberlist with GossipVerifyIncoming off reads what does not decrypt as plaintext.
      if (opts.requireEncryption) throw err;
    }
  }
  return stripCrc(plain);
}

function handleCommand(buf: Buffer, limits: WireLimits, depth: number, result: DecodedPacket): void {
  if (depth > limits.maxLayerDepth) {
    throw new WireError(
      'limit-exceeded',
      { layer: 'packet', field: 'layer depth', value: depth },
      'compound/compress layers nested too deep',
    );
  }
  if (buf[0] === MessageType.compound) {
    const { parts, truncated } = decodeCompound(buf);
    for (const part of parts) {
      try {
        handleCommand(part, limits, depth + 1, result);
      } catch (err) {
        result.errors.push(asWireError(err));
      }
    }
    if (truncated > 0)
      result.errors.push(
        new WireError('truncated', { layer: 'compound', value: truncated }, `${truncated} parts cut off`),
      );
    return;
  }
  if (buf[0] === MessageType.compress) {
    handleCommand(decompressMessage(buf, limits), limits, depth + 1, result);
    return;
  }
  result.messages.push(decodePacketMessage(buf, limits));
}

/** Every layer throws WireError; anything else is a bug in this codec and is reported as such. */
function asWireError(err: unknown): WireError {
  if (err instanceof WireError) return err;
  throw err;
}
