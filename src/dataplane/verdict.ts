/**
 * The reference verdict on one received frame (docs/verdict.md): reply, conflict or ignore, with a reason.
 * The native fast path implements the same contract; differential tests hold it to this function.
 */
import { ARP_REPLY, ARP_REQUEST, ArpDecodeError, arpReply, decodeArp, encodeArp } from '../arp/index.ts';
import type { ArpPacket } from '../arp/index.ts';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  ETHER_HEADER_LENGTH,
  isBroadcastMac,
  isMulticastMac,
  isUnspecified,
  solicitedNodeIpv6,
} from '../ether/index.ts';
import {
  ICMPV6_NEIGHBOR_ADVERTISEMENT,
  NdpDecodeError,
  OPTION_SOURCE_LINK_LAYER,
  decodeNdp,
  encodeNdp,
  linkLayerAddress,
  neighborAdvertisement,
} from '../ndp/index.ts';
import type { NdpPacket } from '../ndp/index.ts';

/** Every reason, in the order docs/verdict.md lists them. */
export const VERDICT_REASONS = [
  'arp-request',
  'arp-probe',
  'ns-multicast',
  'ns-unicast',
  'ns-dad',
  'conflict',
  'vlan-tagged',
  'truncated',
  'own-frame',
  'unsupported-ethertype',
  'bad-header',
  'bad-op',
  'not-request',
  'wrong-destination',
  'not-owned',
  'not-ndp',
  'bad-hop-limit',
  'bad-checksum',
  'bad-code',
  'multicast-target',
  'bad-option',
  'dad-with-sllao',
  'bad-destination',
] as const;

export type VerdictReason = (typeof VERDICT_REASONS)[number];

export interface VerdictContext {
  /** The interface's MAC, 6 bytes. */
  mac: Buffer;
  /** The kernel reported a VLAN tag it stripped (TP_STATUS_VLAN_VALID). */
  vlanTagged: boolean;
  owns4(ip: Buffer): boolean;
  owns6(ip: Buffer): boolean;
}

export interface Verdict {
  verdict: 'reply' | 'conflict' | 'ignore';
  reason: VerdictReason;
  /** The whole Ethernet frame to send, with verdict 'reply' only. */
  reply?: Buffer;
}

/** Decides what to do with one frame. Throws only what ctx.owns4/owns6 throw. */
export function decideFrame(frame: Buffer, ctx: VerdictContext): Verdict {
  if (ctx.vlanTagged) return ignore('vlan-tagged');
  if (frame.length < ETHER_HEADER_LENGTH) return ignore('truncated');
  const ethertype = frame.readUInt16BE(12);
  if (ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ) return ignore('vlan-tagged');
  if (frame.subarray(6, 12).equals(ctx.mac)) return ignore('own-frame');
  if (ethertype === ETHERTYPE_ARP) return decideArp(frame, ctx);
  if (ethertype === ETHERTYPE_IPV6) return decideNdp(frame, ctx);
  return ignore('unsupported-ethertype');
}

function decideArp(frame: Buffer, ctx: VerdictContext): Verdict {
  let arp: ArpPacket;
  try {
    arp = decodeArp(frame);
  } catch (error) {
    if (error instanceof ArpDecodeError) return ignore(error.reason);
    throw error;
  }
  if (ctx.owns4(arp.senderIp) && !arp.senderMac.equals(ctx.mac))
    return { verdict: 'conflict', reason: 'conflict' };
  if (arp.op !== ARP_REQUEST) return ignore(arp.op === ARP_REPLY ? 'not-request' : 'bad-op');
  if (!isBroadcastMac(arp.ethDst) && !arp.ethDst.equals(ctx.mac)) return ignore('wrong-destination');
  if (!ctx.owns4(arp.targetIp)) return ignore('not-owned');
  const reason = isUnspecified(arp.senderIp) ? 'arp-probe' : 'arp-request';
  return { verdict: 'reply', reason, reply: encodeArp(arpReply(arp, ctx.mac)) };
}

function decideNdp(frame: Buffer, ctx: VerdictContext): Verdict {
  let ndp: NdpPacket;
  try {
    ndp = decodeNdp(frame);
  } catch (error) {
    if (error instanceof NdpDecodeError) return ignore(error.reason);
    throw error;
  }
  // Any NA for an owned target is another host's claim: our own frames were dropped as own-frame.
  if (ndp.type === ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    return ctx.owns6(ndp.target) ? { verdict: 'conflict', reason: 'conflict' } : ignore('not-request');
  }
  const dad = isUnspecified(ndp.ipSrc);
  if (dad && linkLayerAddress(ndp.options, OPTION_SOURCE_LINK_LAYER)) return ignore('dad-with-sllao');
  if (!ndp.ethDst.equals(ctx.mac) && !isMulticastMac(ndp.ethDst)) return ignore('wrong-destination');
  if (!ctx.owns6(ndp.target)) return ignore('not-owned');
  let reason: VerdictReason;
  if (ndp.ipDst.equals(solicitedNodeIpv6(ndp.target))) reason = dad ? 'ns-dad' : 'ns-multicast';
  else if (ndp.ipDst.equals(ndp.target) && !dad) reason = 'ns-unicast';
  else return ignore('bad-destination');
  return { verdict: 'reply', reason, reply: encodeNdp(neighborAdvertisement(ndp, ctx.mac)) };
}

function ignore(reason: VerdictReason): Verdict {
  return { verdict: 'ignore', reason };
}
