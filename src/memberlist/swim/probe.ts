/**
 * One SWIM probe: a direct ping; after the probe timeout, indirect pings through k peers (asking for nacks
 * from peers that send them) and a ping over a stream; no ack by the end of the probe interval makes the
 * target suspect. Both times are scaled by awareness, and missing nacks count against our own health.
 * When this node's own timers fired late (its event loop stalled), the probe gives no verdict: the target
 * may have answered in time, and the stall is evidence against our health instead (Lifeguard).
 * Also the relay side of indirect pings.
 */
import type { IndirectPing, PacketMessage, Ping } from '../wire/messages.ts';
import type { AckTable } from './acks.ts';
import type { Awareness } from './awareness.ts';
import type { TimingOptions } from './options.ts';
import type { StateRules } from './rules.ts';
import type { StatsCounter } from './stats.ts';
import type { MemberRecord, MemberTable } from './table.ts';
import type { Address, Clock, Transport } from './types.ts';

export interface ProbeContext {
  readonly name: string;
  readonly address: Address;
  readonly clock: Clock;
  readonly timing: TimingOptions;
  readonly table: MemberTable;
  readonly rules: StateRules;
  readonly awareness: Awareness;
  readonly acks: AckTable;
  readonly transport: Transport;
  /** Sends a packet with broadcasts piggybacked. */
  send(to: Address, messages: PacketMessage[]): void;
  count(counter: StatsCounter): void;
}

/** memberlist's protocol version thresholds: nacks from >= 4, TCP pings to >= 3. */
const protocolMax = (record: MemberRecord): number => record.vsn[1] ?? 0;

export function ping(context: ProbeContext, seqNo: number, node: string): Ping {
  const { addr: sourceAddr, port: sourcePort } = context.address;
  return { type: 'ping', seqNo, node, sourceAddr, sourcePort, sourceNode: context.name };
}

/** How late a probe's timer may fire before the probe says more about us than about its target. */
export const stallToleranceMs = (probeTimeoutMs: number): number => probeTimeoutMs / 2;

/** Probes `target`; `done` runs when the probe is over (ack received or interval elapsed). */
export function probe(context: ProbeContext, target: MemberRecord, done: () => void): void {
  const { clock, awareness, acks, timing } = context;
  const seqNo = acks.nextSeq();
  const intervalMs = awareness.scale(timing.probeIntervalMs);
  const timeoutMs = awareness.scale(timing.probeTimeoutMs);
  const startedAt = clock.now();
  let indirectLateMs = 0;
  const incarnation = target.incarnation;
  const request = ping(context, seqNo, target.name);
  let nacks = 0;
  let expectedNacks = 0;
  let reachedByStream = false;

  const indirect = clock.setTimeout(() => {
    indirectLateMs = Math.max(0, clock.now() - startedAt - timeoutMs);
    const peers = context.table.random(timing.indirectChecks, (peer) => {
      return peer.name !== context.name && peer.name !== target.name && peer.state === 'alive';
    });
    for (const peer of peers) {
      const nack = protocolMax(peer) >= 4;
      if (nack) expectedNacks++;
      const { addr: target_, port } = target;
      const { sourceAddr, sourcePort, sourceNode } = request;
      const relay: IndirectPing = {
        type: 'indirectPing',
        seqNo,
        target: target_,
        port,
        node: target.name,
        nack,
      };
      context.send(peer, [{ ...relay, sourceAddr, sourcePort, sourceNode }]);
    }
    if (timing.tcpPings && protocolMax(target) >= 3) {
      const remaining = Math.max(1, intervalMs - timeoutMs);
      context.transport.exchange(target, request, remaining).then(
        (reply) => {
          reachedByStream = reply.type === 'ackResp' && reply.seqNo === seqNo;
        },
        () => context.count('tcpPingFailures'),
      );
    }
  }, timeoutMs);

  acks.expect(seqNo, intervalMs, {
    ack: () => {
      clock.clearTimeout(indirect);
      awareness.applyDelta(-1);
      done();
    },
    nack: () => nacks++,
    timeout: (lateMs) => {
      if (Math.max(lateMs, indirectLateMs) > stallToleranceMs(timeoutMs)) {
        awareness.applyDelta(1);
        context.count('inconclusiveProbes');
        return done();
      }
      // Without nack-sending peers a failed probe is our only health signal; with them, a missing nack is.
      awareness.applyDelta(expectedNacks > 0 ? Math.max(0, expectedNacks - nacks) : 1);
      if (!reachedByStream) {
        context.count('failedProbes');
        context.rules.applySuspect({ type: 'suspect', incarnation, node: target.name, from: context.name });
      }
      done();
    },
  });
  const messages: PacketMessage[] = [request];
  if (target.state === 'suspect') {
    messages.push({ type: 'suspect', incarnation, node: target.name, from: context.name });
  }
  context.send(target, messages);
}

/** Where to answer: the source address a ping carries (memberlist >= 0.3), else the packet's sender. */
export function replyAddress(from: Address, request: Ping | IndirectPing): Address {
  const { sourceAddr, sourcePort } = request;
  return sourceAddr !== undefined && sourcePort !== undefined ? { addr: sourceAddr, port: sourcePort } : from;
}

/** Relays an indirect ping: pings the target and forwards its ack, or a nack after the probe timeout. */
export function relayIndirectPing(context: ProbeContext, from: Address, request: IndirectPing): void {
  const origin = replyAddress(from, request);
  const seqNo = context.acks.nextSeq();
  context.acks.expect(seqNo, context.timing.probeTimeoutMs, {
    ack: () => context.send(origin, [{ type: 'ackResp', seqNo: request.seqNo, payload: null }]),
    timeout: () => {
      if (request.nack) context.send(origin, [{ type: 'nackResp', seqNo: request.seqNo }]);
    },
  });
  context.send({ addr: request.target, port: request.port }, [ping(context, seqNo, request.node)]);
}
