/**
 * memberlist's messages as plain data, named and shaped as HashiCorp memberlist's Go structs (the wire
 * encodes each struct as a msgpack map keyed by the Go field names). Addresses and byte fields are Buffers.
 */

/** Message type bytes (an append-only list in memberlist). */
export const MessageType = {
  ping: 0,
  indirectPing: 1,
  ackResp: 2,
  suspect: 3,
  alive: 4,
  dead: 5,
  pushPull: 6,
  compound: 7,
  user: 8,
  compress: 9,
  encrypt: 10,
  nackResp: 11,
  hasCrc: 12,
  err: 13,
  hasLabel: 244,
} as const;

/** Node states in push/pull: alive, suspect, dead, left. */
export const NodeState = { alive: 0, suspect: 1, dead: 2, left: 3 } as const;
export type NodeStateValue = (typeof NodeState)[keyof typeof NodeState];

/** The protocol and delegate versions l2speaker advertises: [pmin, pmax, pcur, dmin, dmax, dcur]. */
export const VSN: readonly number[] = [1, 5, 2, 0, 0, 0];

export interface Ping {
  readonly type: 'ping';
  readonly seqNo: number;
  readonly node: string;
  readonly sourceAddr?: Buffer;
  readonly sourcePort?: number;
  readonly sourceNode?: string;
}

export interface IndirectPing {
  readonly type: 'indirectPing';
  readonly seqNo: number;
  readonly target: Buffer;
  readonly port: number;
  readonly node: string;
  readonly nack: boolean;
  readonly sourceAddr?: Buffer;
  readonly sourcePort?: number;
  readonly sourceNode?: string;
}

export interface Ack {
  readonly type: 'ackResp';
  readonly seqNo: number;
  readonly payload: Buffer | null;
}

export interface Nack {
  readonly type: 'nackResp';
  readonly seqNo: number;
}

export interface Suspect {
  readonly type: 'suspect';
  readonly incarnation: number;
  readonly node: string;
  readonly from: string;
}

export interface Dead {
  readonly type: 'dead';
  readonly incarnation: number;
  readonly node: string;
  readonly from: string;
}

export interface Alive {
  readonly type: 'alive';
  readonly incarnation: number;
  readonly node: string;
  readonly addr: Buffer;
  readonly port: number;
  readonly meta: Buffer | null;
  readonly vsn: readonly number[];
}

export interface UserMessage {
  readonly type: 'user';
  readonly payload: Buffer;
}

export interface ErrResp {
  readonly type: 'err';
  readonly error: string;
}

/** One member's entry in a push/pull exchange. */
export interface PushNodeState {
  readonly name: string;
  readonly addr: Buffer;
  readonly port: number;
  readonly meta: Buffer | null;
  readonly incarnation: number;
  readonly state: NodeStateValue;
  readonly vsn: readonly number[];
}

export interface PushPull {
  readonly type: 'pushPull';
  readonly join: boolean;
  readonly nodes: readonly PushNodeState[];
  readonly userState: Buffer;
}

/** A message that travels in a UDP packet (alone or inside a compound). */
export type PacketMessage = Ping | IndirectPing | Ack | Nack | Suspect | Dead | Alive | UserMessage | ErrResp;

/** A message that travels over TCP (an Ack answers a TCP ping). */
export type StreamMessage = PushPull | Ping | Ack | ErrResp | UserMessage;
