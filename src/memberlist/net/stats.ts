/** Counters of the socket transport: traffic, and input refused by reason. */
import type { WireErrorReason } from '../wire/index.ts';

/** Why a stream was dropped: the wire's reason, or the connection's own failure. */
export type StreamFailure = WireErrorReason | 'read' | 'timeout' | 'handler';

export interface TransportStats {
  packetsReceived: number;
  packetsSent: number;
  /** Datagrams the kernel refused to send (unreachable network, no buffer...). */
  sendFailures: number;
  /** Outgoing messages that could not be encoded (too large for a packet). */
  encodeFailures: number;
  streamsAccepted: number;
  streamsOpened: number;
  /** Unreadable packets, or unreadable parts of a compound, by reason. */
  badPackets: Partial<Record<WireErrorReason, number>>;
  /** Incoming streams dropped or answered with an error, by reason. */
  badStreams: Partial<Record<StreamFailure, number>>;
}

export const emptyStats = (): TransportStats => ({
  packetsReceived: 0,
  packetsSent: 0,
  sendFailures: 0,
  encodeFailures: 0,
  streamsAccepted: 0,
  streamsOpened: 0,
  badPackets: {},
  badStreams: {},
});

export function countReason<K extends string>(counts: Partial<Record<K, number>>, reason: K): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

export function copyStats(stats: TransportStats): TransportStats {
  return { ...stats, badPackets: { ...stats.badPackets }, badStreams: { ...stats.badStreams } };
}
