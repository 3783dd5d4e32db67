/**
 * HashiCorp memberlist's wire format: messages as Go's msgpack codec writes them, the compound, compress (LZW),
 * CRC, label and AES-GCM layers, and the UDP packet and TCP stream pipelines around them. Pure functions over
 * Buffers; every failure is a WireError with the layer, field and offset.
 *
 * @example
 * import { encodePacket, decodePacket, createKeyring, metallbKey, VSN } from '../memberlist/wire/index.ts';
 * const keyring = createKeyring([metallbKey(secretFileBytes)]);
 * const packets = encodePacket([{ type: 'ping', seqNo: 1, node: 'node-b' }], { compress: true, crc: true, keyring });
 * decodePacket(packets[0], { keyring, requireEncryption: true }); // [{ type: 'ping', seqNo: 1, node: 'node-b' }]
 */
export { WireError } from './errors.ts';
export type { WireErrorReason, WireLayer, WireErrorContext } from './errors.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export type { WireLimits } from './limits.ts';
export { MessageType, NodeState, VSN } from './messages.ts';
export type {
  Ack,
  Alive,
  Dead,
  ErrResp,
  IndirectPing,
  Nack,
  NodeStateValue,
  PacketMessage,
  Ping,
  PushNodeState,
  PushPull,
  StreamMessage,
  Suspect,
  UserMessage,
} from './messages.ts';
export { decodeMsgpack, decodeMsgpackPrefix } from './msgpack-decode.ts';
export type { Decoded, MsgpackExt, MsgpackMap, MsgpackValue, PrefixDecodeResult } from './msgpack-decode.ts';
export { goBool, goBytes, goString, goStruct, goUint } from './msgpack-encode.ts';
export type { GoField } from './msgpack-encode.ts';
export { lzwCompress, lzwDecompress } from './lzw.ts';
export { decodePacketMessage, encodePacketMessage } from './codec.ts';
export {
  addCrc,
  compressMessage,
  decodeCompound,
  decompressMessage,
  encodeCompound,
  labelHeader,
  removeLabel,
  stripCrc,
} from './layers.ts';
export type { CompoundParts, Labelled } from './layers.ts';
export {
  createKeyring,
  decryptPayload,
  encryptPayload,
  encryptedLength,
  metallbKey,
  sha256Key,
} from './crypto.ts';
export type { EncryptionVersion, Keyring } from './crypto.ts';
export { MAX_PACKET_SIZE, decodePacket, decodePacketParts, encodePacket } from './packet.ts';
export type { DecodedPacket, PacketDecodeOptions, PacketEncodeOptions } from './packet.ts';
export { decodeStream, encodeStream } from './stream.ts';
export type { StreamDecodeOptions, StreamDecodeResult, StreamEncodeOptions } from './stream.ts';
export { encodeStreamMessage, readStreamMessage } from './stream-codec.ts';
export type { ReadMessage } from './stream-codec.ts';
