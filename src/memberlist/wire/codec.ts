/** One message as `[type byte][msgpack body]`, or `[0x08][raw]` for a user message in a packet. */
import { decodeBody, encodeBody } from './bodies.ts';
import type { BodyMessage } from './bodies.ts';
import { WireError } from './errors.ts';
import type { WireLimits } from './limits.ts';
import { MessageType } from './messages.ts';
import type { PacketMessage } from './messages.ts';
import { decodeMsgpack } from './msgpack-decode.ts';

const BODY_TYPES: ReadonlyMap<number, BodyMessage['type']> = new Map(
  (['ping', 'indirectPing', 'ackResp', 'nackResp', 'suspect', 'alive', 'dead', 'err'] as const).map(
    (name) => [MessageType[name], name],
  ),
);

/** The body type named by a type byte, or undefined for user, layer and unknown types. */
export function bodyType(typeByte: number): BodyMessage['type'] | undefined {
  return BODY_TYPES.get(typeByte);
}

export function encodePacketMessage(msg: PacketMessage): Buffer {
  if (msg.type === 'user') return Buffer.concat([Buffer.from([MessageType.user]), msg.payload]);
  return Buffer.concat([Buffer.from([MessageType[msg.type]]), encodeBody(msg)]);
}

/** Decodes one message of a packet; bytes after the msgpack body are ignored, as Go's decoder does. */
export function decodePacketMessage(buf: Buffer, limits: WireLimits): PacketMessage {
  if (buf.length === 0)
    throw new WireError('truncated', { layer: 'message', offset: 0 }, 'missing message type byte');
  const typeByte = buf[0] as number;
  if (typeByte === MessageType.user) return { type: 'user', payload: Buffer.from(buf.subarray(1)) };
  const type = bodyType(typeByte);
  if (type === undefined) {
    throw new WireError(
      'unknown-message-type',
      { layer: 'message', offset: 0, value: typeByte },
      `type ${typeByte} is not a packet message`,
    );
  }
  return decodeBody(type, decodeMsgpack(buf, 1, limits).value);
}
