/**
 * Messages on a TCP stream: `[type][msgpack...]` with no length prefix, so decoding reads value by value and
 * reports a 'truncated' WireError when the bytes so far end early. Push/pull is a header, Nodes x
 * pushNodeState and UserStateLen raw bytes; a user message is a {UserMsgLen} header and that many raw bytes.
 */
import {
  decodeBody,
  decodePushNodeState,
  decodePushPullHeader,
  decodeUserMsgHeader,
  encodeBody,
  encodePushNodeState,
  encodePushPullHeader,
  encodeUserMsgHeader,
} from './bodies.ts';
import { WireError } from './errors.ts';
import type { WireLimits } from './limits.ts';
import { MessageType } from './messages.ts';
import type { PushNodeState, StreamMessage } from './messages.ts';
import { decodeMsgpack } from './msgpack-decode.ts';
import type { MsgpackValue } from './msgpack-decode.ts';

export function encodeStreamMessage(msg: StreamMessage): Buffer {
  const type = Buffer.from([MessageType[msg.type]]);
  switch (msg.type) {
    case 'pushPull':
      return Buffer.concat([
        type,
        encodePushPullHeader({ nodes: msg.nodes.length, userStateLen: msg.userState.length, join: msg.join }),
        ...msg.nodes.map(encodePushNodeState),
        msg.userState,
      ]);
    case 'user':
      return Buffer.concat([type, encodeUserMsgHeader(msg.payload.length), msg.payload]);
    default:
      return Buffer.concat([type, encodeBody(msg)]);
  }
}

export interface ReadMessage {
  readonly message: StreamMessage;
  /** Offset just past the message. */
  readonly end: number;
}

/** Reads one stream message at `offset`; throws WireError 'truncated' when `buf` ends before it does. */
export function readStreamMessage(buf: Buffer, offset: number, limits: WireLimits): ReadMessage {
  const cursor = new Cursor(buf, offset, limits);
  const typeByte = cursor.raw(1, 'type')[0];
  switch (typeByte) {
    case MessageType.pushPull:
      return { message: readPushPull(cursor, limits), end: cursor.pos };
    case MessageType.user: {
      const length = decodeUserMsgHeader(cursor.value());
      checkLength('UserMsgLen', length, limits.maxStreamBytes);
      return { message: { type: 'user', payload: cursor.raw(length, 'user message') }, end: cursor.pos };
    }
    case MessageType.ping:
    case MessageType.ackResp:
    case MessageType.err: {
      const type =
        typeByte === MessageType.ping ? 'ping' : typeByte === MessageType.ackResp ? 'ackResp' : 'err';
      const message = decodeBody(type, cursor.value()) as StreamMessage;
      return { message, end: cursor.pos };
    }
    default:
      throw new WireError(
        'unknown-message-type',
        { layer: 'stream', offset, value: typeByte },
        `type ${typeByte} is not a stream message`,
      );
  }
}

function readPushPull(cursor: Cursor, limits: WireLimits): StreamMessage {
  const header = decodePushPullHeader(cursor.value());
  checkLength('Nodes', header.nodes, limits.maxPushPullNodes);
  checkLength('UserStateLen', header.userStateLen, limits.maxStreamBytes);
  const nodes: PushNodeState[] = [];
  for (let i = 0; i < header.nodes; i++) nodes.push(decodePushNodeState(cursor.value()));
  const userState = cursor.raw(header.userStateLen, 'user state');
  return { type: 'pushPull', join: header.join, nodes, userState };
}

function checkLength(field: string, value: number, max: number): void {
  if (value > max)
    throw new WireError('limit-exceeded', { layer: 'stream', field, value }, `${value} > ${max}`);
}

class Cursor {
  readonly buf: Buffer;
  readonly limits: WireLimits;
  pos: number;

  constructor(buf: Buffer, pos: number, limits: WireLimits) {
    this.buf = buf;
    this.pos = pos;
    this.limits = limits;
  }

  value(): MsgpackValue {
    const { value, end } = decodeMsgpack(this.buf, this.pos, this.limits);
    this.pos = end;
    return value;
  }

  raw(length: number, field: string): Buffer {
    if (this.buf.length - this.pos < length) {
      throw new WireError('truncated', { layer: 'stream', field, offset: this.pos }, `needs ${length} bytes`);
    }
    const bytes = Buffer.from(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return bytes;
  }
}
