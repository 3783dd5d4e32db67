/** The interfaces the state machine runs on (transport, clock, randomness) and the member snapshots it emits. */
import type { Ack, PacketMessage, StreamMessage } from '../wire/messages.ts';

/** A node's address as memberlist carries it: IP bytes passed through unchanged (4 or 16 bytes), UDP/TCP port. */
export interface Address {
  readonly addr: Buffer;
  readonly port: number;
}

/** What a stream exchange may answer: any stream message, or the ack of a TCP ping. */
export type StreamReply = StreamMessage | Ack;

export type PacketHandler = (from: Address, messages: readonly PacketMessage[]) => void;
export type StreamHandler = (from: Address, message: StreamMessage) => Promise<StreamReply>;

/**
 * Decoded messages in and out. Packets are best effort (UDP); `exchange` is one request and one reply over a
 * stream (TCP), rejecting on failure or after `timeoutMs`.
 */
export interface Transport {
  sendPacket(to: Address, messages: readonly PacketMessage[]): void;
  onPacket(handler: PacketHandler): void;
  exchange(to: Address, message: StreamMessage, timeoutMs: number): Promise<StreamReply>;
  onStream(handler: StreamHandler): void;
}

export type TimerHandle = object;

/** Time in milliseconds, monotonic; timers on the same time base. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `callback` after input that is already waiting has been handled (Node's setImmediate: after the
   * poll phase). After a stall the event loop runs due timers before it reads the sockets, so a verdict taken
   * in a timer is deferred this way to see an ack that arrived in time.
   */
  defer(callback: () => void): void;
}

/** A uniform random number in [0, 1). */
export type Random = () => number;

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** One member as this node sees it. */
export interface Member {
  readonly name: string;
  readonly addr: Buffer;
  readonly port: number;
  readonly meta: Buffer | null;
  readonly vsn: readonly number[];
  readonly incarnation: number;
  readonly state: MemberState;
  /** Clock time of the last state change. */
  readonly stateChange: number;
}

/** join: new or back from dead/left; leave: dead or left; update: meta changed while alive. */
export interface MemberEvent {
  readonly type: 'join' | 'leave' | 'update';
  readonly member: Member;
}

export type MemberListener = (event: MemberEvent) => void;
