/** Push/pull state sync over a stream (join, periodic sync, reconnect, re-join) and the stream answers. */
import type { PushNodeState, PushPull, StreamMessage } from '../wire/messages.ts';
import { ExchangeError } from './errors.ts';
import type { StateRules } from './rules.ts';
import { toPushNodeState, type MemberTable } from './table.ts';
import type { Address, StreamReply, Transport } from './types.ts';

export function localState(table: MemberTable, join: boolean): PushPull {
  return { type: 'pushPull', join, nodes: table.all().map(toPushNodeState), userState: Buffer.alloc(0) };
}

/** Sends our state to `peer` and returns its state; an error reply or another message is an ExchangeError. */
export async function requestPushPull(
  transport: Transport,
  peer: Address,
  state: PushPull,
  timeoutMs: number,
): Promise<readonly PushNodeState[]> {
  const reply = await transport.exchange(peer, state, timeoutMs);
  if (reply.type !== 'pushPull')
    throw new ExchangeError(peer, reply.type === 'err' ? reply.error : reply.type);
  return reply.nodes;
}

/**
 * Answers a stream: push/pull with our state (taken before merging theirs, as memberlist does), a TCP ping
 * for us with its ack; null for anything else.
 */
export function answerStream(
  name: string,
  table: MemberTable,
  rules: StateRules,
  message: StreamMessage,
): StreamReply | null {
  if (message.type === 'pushPull') {
    const reply = localState(table, message.join);
    rules.merge(message.nodes);
    return reply;
  }
  if (message.type === 'ping' && (message.node === '' || message.node === name)) {
    return { type: 'ackResp', seqNo: message.seqNo, payload: null };
  }
  return null;
}
