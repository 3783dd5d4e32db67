/**
 * IPv6 neighbor solicitations and advertisements over Ethernet (RFC 4861): whole frames to plain data and
 * back, validated as RFC 4861 7.1 asks (hop limit 255, checksum, code 0, target not multicast, options).
 */
import {
  ETHER_HEADER_LENGTH,
  ETHERTYPE_IPV6,
  IPV6_LENGTH,
  decodeEthernetHeader,
  requireBytes,
  writeEthernetHeader,
  EncodeError,
} from '../ether/index.ts';
import { icmpv6Checksum } from './checksum.ts';
import { encodeOptions, parseOptions } from './options.ts';
import type { NdpOption } from './options.ts';

export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
export const NDP_HOP_LIMIT = 255;

const IPV6_HEADER_LENGTH = 40;
const NEXT_HEADER_ICMPV6 = 58;
const ICMP_AT = ETHER_HEADER_LENGTH + IPV6_HEADER_LENGTH;
/** Type, code, checksum, flags or reserved word, target. */
const NDP_FIXED_LENGTH = 24;
const FLAG_ROUTER = 0x80000000;
const FLAG_SOLICITED = 0x40000000;
const FLAG_OVERRIDE = 0x20000000;

/** What NS and NA share. Addresses are Buffers: MACs 6 bytes, IPv6 16 bytes. Hop limit is always 255. */
interface NdpCommon {
  ethDst: Buffer;
  ethSrc: Buffer;
  ipSrc: Buffer;
  ipDst: Buffer;
  target: Buffer;
  options: NdpOption[];
}

export interface NeighborSolicitation extends NdpCommon {
  type: typeof ICMPV6_NEIGHBOR_SOLICITATION;
}

export interface NeighborAdvertisement extends NdpCommon {
  type: typeof ICMPV6_NEIGHBOR_ADVERTISEMENT;
  router: boolean;
  solicited: boolean;
  override: boolean;
}

export type NdpPacket = NeighborSolicitation | NeighborAdvertisement;

/** Why a frame is not a valid NS or NA; the names match the verdict's reasons. */
export type NdpDecodeReason =
  | 'truncated'
  | 'unsupported-ethertype'
  | 'bad-header'
  | 'not-ndp'
  | 'bad-hop-limit'
  | 'bad-checksum'
  | 'bad-code'
  | 'multicast-target'
  | 'bad-option';

export class NdpDecodeError extends Error {
  readonly reason: NdpDecodeReason;
  /** Offset in the frame of the offending field (for `truncated`, of the length that ran short). */
  readonly offset: number;

  constructor(reason: NdpDecodeReason, offset: number) {
    super(`ndp: ${reason} at byte ${offset}`);
    this.name = 'NdpDecodeError';
    this.reason = reason;
    this.offset = offset;
  }
}

/**
 * Decodes an Ethernet frame carrying an NS or NA, checking in the order of docs/verdict.md's NDP rules 1-11.
 * Bytes past the IPv6 payload length are padding. Throws only NdpDecodeError.
 */
export function decodeNdp(frame: Buffer): NdpPacket {
  if (frame.length < ETHER_HEADER_LENGTH) throw new NdpDecodeError('truncated', frame.length);
  const eth = decodeEthernetHeader(frame);
  if (eth.ethertype !== ETHERTYPE_IPV6) throw new NdpDecodeError('unsupported-ethertype', 12);
  const ip = frame.subarray(ETHER_HEADER_LENGTH);
  if (ip.length < IPV6_HEADER_LENGTH) throw new NdpDecodeError('truncated', frame.length);
  if ((ip[0] ?? 0) >> 4 !== 6) throw new NdpDecodeError('bad-header', ETHER_HEADER_LENGTH);
  if (ip[6] !== NEXT_HEADER_ICMPV6) throw new NdpDecodeError('not-ndp', ETHER_HEADER_LENGTH + 6);
  const payloadLength = ip.readUInt16BE(4);
  if (payloadLength > ip.length - IPV6_HEADER_LENGTH)
    throw new NdpDecodeError('truncated', ETHER_HEADER_LENGTH + 4);
  const icmp = ip.subarray(IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + payloadLength);
  if (icmp.length < 4) throw new NdpDecodeError('truncated', ETHER_HEADER_LENGTH + 4);
  const type = icmp[0];
  if (type !== ICMPV6_NEIGHBOR_SOLICITATION && type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    throw new NdpDecodeError('not-ndp', ICMP_AT);
  }
  if (ip[7] !== NDP_HOP_LIMIT) throw new NdpDecodeError('bad-hop-limit', ETHER_HEADER_LENGTH + 7);
  const ipSrc = Buffer.from(ip.subarray(8, 24));
  const ipDst = Buffer.from(ip.subarray(24, 40));
  if (icmpv6Checksum(ipSrc, ipDst, icmp) !== 0) throw new NdpDecodeError('bad-checksum', ICMP_AT + 2);
  if (icmp[1] !== 0) throw new NdpDecodeError('bad-code', ICMP_AT + 1);
  if (icmp.length < NDP_FIXED_LENGTH) throw new NdpDecodeError('truncated', ETHER_HEADER_LENGTH + 4);
  const target = Buffer.from(icmp.subarray(8, NDP_FIXED_LENGTH));
  if (target[0] === 0xff) throw new NdpDecodeError('multicast-target', ICMP_AT + 8);
  const parsed = parseOptions(icmp.subarray(NDP_FIXED_LENGTH));
  if ('badOffset' in parsed)
    throw new NdpDecodeError('bad-option', ICMP_AT + NDP_FIXED_LENGTH + parsed.badOffset);
  const common = { ethDst: eth.dst, ethSrc: eth.src, ipSrc, ipDst, target, options: parsed.options };
  if (type === ICMPV6_NEIGHBOR_SOLICITATION) return { type, ...common };
  const flags = icmp.readUInt32BE(4);
  return {
    type,
    ...common,
    router: (flags & FLAG_ROUTER) !== 0,
    solicited: (flags & FLAG_SOLICITED) !== 0,
    override: (flags & FLAG_OVERRIDE) !== 0,
  };
}

/**
 * Encodes a whole frame: Ethernet, IPv6 (traffic class and flow label 0, hop limit 255), ICMPv6 with its
 * checksum, reserved bits zero. Throws EncodeError on a field of the wrong size.
 */
export function encodeNdp(packet: NdpPacket): Buffer {
  if (packet.type !== ICMPV6_NEIGHBOR_SOLICITATION && packet.type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    throw new EncodeError('ndp', 'type', '135 or 136', (packet as { type: unknown }).type);
  }
  const options = encodeOptions(packet.options);
  const payloadLength = NDP_FIXED_LENGTH + options.length;
  if (payloadLength > 0xffff) throw new EncodeError('ndp', 'options', 'at most 65511 bytes', packet.options);
  const frame = Buffer.alloc(ICMP_AT + payloadLength);
  writeEthernetHeader(frame, { dst: packet.ethDst, src: packet.ethSrc, ethertype: ETHERTYPE_IPV6 }, 'ndp');
  const ipSrc = requireBytes('ndp', 'ipSrc', packet.ipSrc, IPV6_LENGTH);
  const ipDst = requireBytes('ndp', 'ipDst', packet.ipDst, IPV6_LENGTH);
  frame.writeUInt32BE(0x60000000, ETHER_HEADER_LENGTH);
  frame.writeUInt16BE(payloadLength, ETHER_HEADER_LENGTH + 4);
  frame[ETHER_HEADER_LENGTH + 6] = NEXT_HEADER_ICMPV6;
  frame[ETHER_HEADER_LENGTH + 7] = NDP_HOP_LIMIT;
  ipSrc.copy(frame, ETHER_HEADER_LENGTH + 8);
  ipDst.copy(frame, ETHER_HEADER_LENGTH + 24);
  frame[ICMP_AT] = packet.type;
  frame.writeUInt32BE(packet.type === ICMPV6_NEIGHBOR_ADVERTISEMENT ? flagsWord(packet) : 0, ICMP_AT + 4);
  requireBytes('ndp', 'target', packet.target, IPV6_LENGTH).copy(frame, ICMP_AT + 8);
  options.copy(frame, ICMP_AT + NDP_FIXED_LENGTH);
  frame.writeUInt16BE(icmpv6Checksum(ipSrc, ipDst, frame.subarray(ICMP_AT)), ICMP_AT + 2);
  return frame;
}

function flagsWord(na: NeighborAdvertisement): number {
  return (
    ((na.router ? FLAG_ROUTER : 0) |
      (na.solicited ? FLAG_SOLICITED : 0) |
      (na.override ? FLAG_OVERRIDE : 0)) >>>
    0
  );
}
