/**
 * memberlist's SWIM + Lifeguard state machine (probe, indirect probe with nacks, TCP ping fallback, suspicion
 * with confirmations, awareness, refutation, piggybacked gossip, push/pull join and sync, graceful leave),
 * running on an injected clock and transport that carry decoded messages. Behaviour follows HashiCorp
 * memberlist so Go nodes interoperate; timings are local (profiles `fastLan`, the default, and `lanDefaults`).
 *
 * @example
 *   const node = new Memberlist({ name: 'a', addr, port: 7946, meta, transport, clock: systemClock });
 *   node.onEvent((event) => console.log(event.type, event.member.name));
 *   node.start();
 *   await node.join([{ addr: seedAddr, port: 7946 }]);
 *   node.liveMembers();
 *   await node.leave();
 */
export type {
  Address,
  Clock,
  Member,
  MemberEvent,
  MemberListener,
  MemberState,
  PacketHandler,
  Random,
  StreamHandler,
  StreamReply,
  TimerHandle,
  Transport,
} from './types.ts';
export { ExchangeError, JoinError, MemberlistError, MemberlistOptionError, StoppedError } from './errors.ts';
export { Memberlist, MAX_META_BYTES, type MemberlistConfig } from './memberlist.ts';
export type { MemberlistStats } from './stats.ts';
export {
  fastLan,
  isGoMember,
  lanDefaults,
  resolveTiming,
  suspicionFor,
  type TimingOptions,
} from './options.ts';
export {
  suspicionBounds,
  suspicionTimeout,
  type SuspicionBounds,
  type SuspicionTiming,
} from './suspicion.ts';
export { messageSize, packetSize } from './sizes.ts';
export { seededRandom } from './random.ts';
export { systemClock } from './clock.ts';
