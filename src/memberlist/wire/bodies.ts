/** The msgpack body of each memberlist struct: Go field names, Go types, omitempty where Go has it. */
import { WireError } from './errors.ts';
import { readBool, readBytes, readString, readUint, readUint8s, structFields } from './fields.ts';
import type { StructFields } from './fields.ts';
import { goBool, goBytes, goString, goStruct, goUint } from './msgpack-encode.ts';
import type { GoField } from './msgpack-encode.ts';
import type { MsgpackValue } from './msgpack-decode.ts';
import type {
  Ack,
  Alive,
  Dead,
  ErrResp,
  IndirectPing,
  Nack,
  NodeStateValue,
  Ping,
  PushNodeState,
  Suspect,
} from './messages.ts';

const U16 = 0xffff;
const U32 = 0xffffffff;
/** Go's int on 64-bit hosts, bounded by what a JS number holds exactly. */
const INT = Number.MAX_SAFE_INTEGER;

/** Every struct with a msgpack body that can travel as a packet message. */
export type BodyMessage = Ping | IndirectPing | Ack | Nack | Suspect | Dead | Alive | ErrResp;

function vsnBytes(field: string, vsn: readonly number[]): Buffer {
  // Go nodes up to v0.6.0 index Vsn[0..5] whenever it is non-empty.
  if (
    (vsn.length > 0 && vsn.length < 6) ||
    vsn.length > 0xff ||
    vsn.some((v) => !Number.isInteger(v) || v < 0 || v > 0xff)
  ) {
    throw new WireError(
      'out-of-range',
      { layer: 'message', field, value: vsn },
      'must be empty or 6+ bytes in [0, 255]',
    );
  }
  return goBytes(Buffer.from(vsn));
}

/** Go's omitempty source fields of ping and indirectPingReq. */
function sourceFields(msg: Ping | IndirectPing): GoField[] {
  const fields: GoField[] = [];
  if (msg.sourceAddr !== undefined && msg.sourceAddr.length > 0)
    fields.push(['SourceAddr', goBytes(msg.sourceAddr)]);
  if (msg.sourcePort !== undefined && msg.sourcePort !== 0)
    fields.push(['SourcePort', goUint('SourcePort', msg.sourcePort, U16)]);
  if (msg.sourceNode !== undefined && msg.sourceNode !== '')
    fields.push(['SourceNode', goString(msg.sourceNode)]);
  return fields;
}

function readSource(fields: StructFields): Pick<Ping, 'sourceAddr' | 'sourcePort' | 'sourceNode'> {
  const addr = readBytes(fields, 'SourceAddr');
  const port = readUint(fields, 'SourcePort', U16);
  const node = readString(fields, 'SourceNode');
  return {
    ...(addr !== null && addr.length > 0 ? { sourceAddr: addr } : {}),
    ...(port !== 0 ? { sourcePort: port } : {}),
    ...(node !== '' ? { sourceNode: node } : {}),
  };
}

export function encodeBody(msg: BodyMessage): Buffer {
  switch (msg.type) {
    case 'ping':
      return goStruct([
        ['SeqNo', goUint('SeqNo', msg.seqNo, U32)],
        ['Node', goString(msg.node)],
        ...sourceFields(msg),
      ]);
    case 'indirectPing':
      return goStruct([
        ['SeqNo', goUint('SeqNo', msg.seqNo, U32)],
        ['Target', goBytes(msg.target)],
        ['Port', goUint('Port', msg.port, U16)],
        ['Node', goString(msg.node)],
        ['Nack', goBool(msg.nack)],
        ...sourceFields(msg),
      ]);
    case 'ackResp':
      return goStruct([
        ['SeqNo', goUint('SeqNo', msg.seqNo, U32)],
        ['Payload', goBytes(msg.payload)],
      ]);
    case 'nackResp':
      return goStruct([['SeqNo', goUint('SeqNo', msg.seqNo, U32)]]);
    case 'err':
      return goStruct([['Error', goString(msg.error)]]);
    case 'suspect':
    case 'dead':
      return goStruct([
        ['Incarnation', goUint('Incarnation', msg.incarnation, U32)],
        ['Node', goString(msg.node)],
        ['From', goString(msg.from)],
      ]);
    case 'alive':
      return goStruct([
        ['Incarnation', goUint('Incarnation', msg.incarnation, U32)],
        ['Node', goString(msg.node)],
        ['Addr', goBytes(msg.addr)],
        ['Port', goUint('Port', msg.port, U16)],
        ['Meta', goBytes(msg.meta)],
        ['Vsn', vsnBytes('Vsn', msg.vsn)],
      ]);
  }
}

export function decodeBody(type: BodyMessage['type'], value: MsgpackValue): BodyMessage {
  const f = structFields(value, type);
  switch (type) {
    case 'ping':
      return { type, seqNo: readUint(f, 'SeqNo', U32), node: readString(f, 'Node'), ...readSource(f) };
    case 'indirectPing':
      return {
        type,
        seqNo: readUint(f, 'SeqNo', U32),
        target: readBytes(f, 'Target') ?? Buffer.alloc(0),
        port: readUint(f, 'Port', U16),
        node: readString(f, 'Node'),
        nack: readBool(f, 'Nack'),
        ...readSource(f),
      };
    case 'ackResp':
      return { type, seqNo: readUint(f, 'SeqNo', U32), payload: readBytes(f, 'Payload') };
    case 'nackResp':
      return { type, seqNo: readUint(f, 'SeqNo', U32) };
    case 'err':
      return { type, error: readString(f, 'Error') };
    case 'suspect':
    case 'dead':
      return {
        type,
        incarnation: readUint(f, 'Incarnation', U32),
        node: readString(f, 'Node'),
        from: readString(f, 'From'),
      };
    case 'alive':
      return {
        type,
        incarnation: readUint(f, 'Incarnation', U32),
        node: readString(f, 'Node'),
        addr: readBytes(f, 'Addr') ?? Buffer.alloc(0),
        port: readUint(f, 'Port', U16),
        meta: readBytes(f, 'Meta'),
        vsn: readUint8s(f, 'Vsn'),
      };
  }
}

export function encodePushNodeState(node: PushNodeState): Buffer {
  return goStruct([
    ['Name', goString(node.name)],
    ['Addr', goBytes(node.addr)],
    ['Port', goUint('Port', node.port, U16)],
    ['Meta', goBytes(node.meta)],
    ['Incarnation', goUint('Incarnation', node.incarnation, U32)],
    ['State', goUint('State', node.state, 3)],
    ['Vsn', vsnBytes('Vsn', node.vsn)],
  ]);
}

export function decodePushNodeState(value: MsgpackValue): PushNodeState {
  const f = structFields(value, 'pushNodeState');
  return {
    name: readString(f, 'Name'),
    addr: readBytes(f, 'Addr') ?? Buffer.alloc(0),
    port: readUint(f, 'Port', U16),
    meta: readBytes(f, 'Meta'),
    incarnation: readUint(f, 'Incarnation', U32),
    // memberlist ignores states it does not know; the codec refuses them so callers see only the four.
    state: readUint(f, 'State', 3) as NodeStateValue,
    vsn: readUint8s(f, 'Vsn'),
  };
}

export interface PushPullHeader {
  readonly nodes: number;
  readonly userStateLen: number;
  readonly join: boolean;
}

export function encodePushPullHeader(header: PushPullHeader): Buffer {
  return goStruct([
    ['Nodes', goUint('Nodes', header.nodes, INT)],
    ['UserStateLen', goUint('UserStateLen', header.userStateLen, INT)],
    ['Join', goBool(header.join)],
  ]);
}

export function decodePushPullHeader(value: MsgpackValue): PushPullHeader {
  const f = structFields(value, 'pushPullHeader');
  return {
    nodes: readUint(f, 'Nodes', INT),
    userStateLen: readUint(f, 'UserStateLen', INT),
    join: readBool(f, 'Join'),
  };
}

export function encodeUserMsgHeader(userMsgLen: number): Buffer {
  return goStruct([['UserMsgLen', goUint('UserMsgLen', userMsgLen, INT)]]);
}

export function decodeUserMsgHeader(value: MsgpackValue): number {
  return readUint(structFields(value, 'userMsgHeader'), 'UserMsgLen', INT);
}

/** memberlist's compress struct; Algo 0 is LZW, the only algorithm there is. */
export interface CompressBody {
  readonly algo: number;
  readonly buf: Buffer;
}

export function encodeCompressBody(body: CompressBody): Buffer {
  return goStruct([
    ['Algo', goUint('Algo', body.algo, INT)],
    ['Buf', goBytes(body.buf)],
  ]);
}

export function decodeCompressBody(value: MsgpackValue): CompressBody {
  const f = structFields(value, 'compress');
  return { algo: readUint(f, 'Algo', INT), buf: readBytes(f, 'Buf') ?? Buffer.alloc(0) };
}
