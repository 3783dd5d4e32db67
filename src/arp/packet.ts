/** ARP for IPv4 over Ethernet (RFC 826): whole 42-byte frames to plain data and back. */
import {
  ETHER_HEADER_LENGTH,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  IPV4_LENGTH,
  MAC_LENGTH,
  broadcastMac,
  decodeEthernetHeader,
  requireBytes,
  requireUint,
  writeEthernetHeader,
  zeroMac,
} from '../ether/index.ts';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
/** ARP payload for Ethernet and IPv4. */
export const ARP_PAYLOAD_LENGTH = 28;
/** Ethernet header and ARP payload, no padding. */
export const ARP_FRAME_LENGTH = ETHER_HEADER_LENGTH + ARP_PAYLOAD_LENGTH;

const HTYPE_ETHERNET = 1;

/** One ARP frame. Addresses are Buffers: MACs 6 bytes, IPs 4 bytes. */
export interface ArpPacket {
  ethDst: Buffer;
  ethSrc: Buffer;
  /** 1 request, 2 reply; any 16-bit value decodes. */
  op: number;
  senderMac: Buffer;
  senderIp: Buffer;
  targetMac: Buffer;
  targetIp: Buffer;
}

/** Why a frame is not ARP for IPv4 over Ethernet; the names match the verdict's reasons. */
export type ArpDecodeReason = 'truncated' | 'unsupported-ethertype' | 'bad-header';

export class ArpDecodeError extends Error {
  readonly reason: ArpDecodeReason;
  /** Offset in the frame of the offending field (for `truncated`, the frame's length). */
  readonly offset: number;

  constructor(reason: ArpDecodeReason, offset: number) {
    super(`arp: ${reason} at byte ${offset}`);
    this.name = 'ArpDecodeError';
    this.reason = reason;
    this.offset = offset;
  }
}

/** Decodes an Ethernet frame carrying ARP; trailing padding is ignored. Throws only ArpDecodeError. */
export function decodeArp(frame: Buffer): ArpPacket {
  if (frame.length < ETHER_HEADER_LENGTH) throw new ArpDecodeError('truncated', frame.length);
  const eth = decodeEthernetHeader(frame);
  if (eth.ethertype !== ETHERTYPE_ARP) throw new ArpDecodeError('unsupported-ethertype', 12);
  if (frame.length < ARP_FRAME_LENGTH) throw new ArpDecodeError('truncated', frame.length);
  const at = ETHER_HEADER_LENGTH;
  if (frame.readUInt16BE(at) !== HTYPE_ETHERNET) throw new ArpDecodeError('bad-header', at);
  if (frame.readUInt16BE(at + 2) !== ETHERTYPE_IPV4) throw new ArpDecodeError('bad-header', at + 2);
  if (frame[at + 4] !== MAC_LENGTH) throw new ArpDecodeError('bad-header', at + 4);
  if (frame[at + 5] !== IPV4_LENGTH) throw new ArpDecodeError('bad-header', at + 5);
  const copy = (offset: number, length: number) =>
    Buffer.from(frame.subarray(at + offset, at + offset + length));
  return {
    ethDst: eth.dst,
    ethSrc: eth.src,
    op: frame.readUInt16BE(at + 6),
    senderMac: copy(8, MAC_LENGTH),
    senderIp: copy(14, IPV4_LENGTH),
    targetMac: copy(18, MAC_LENGTH),
    targetIp: copy(24, IPV4_LENGTH),
  };
}

/** Encodes a 42-byte frame. Throws EncodeError on a field of the wrong size. */
export function encodeArp(packet: ArpPacket): Buffer {
  const frame = Buffer.alloc(ARP_FRAME_LENGTH);
  writeEthernetHeader(frame, { dst: packet.ethDst, src: packet.ethSrc, ethertype: ETHERTYPE_ARP }, 'arp');
  const at = ETHER_HEADER_LENGTH;
  frame.writeUInt16BE(HTYPE_ETHERNET, at);
  frame.writeUInt16BE(ETHERTYPE_IPV4, at + 2);
  frame[at + 4] = MAC_LENGTH;
  frame[at + 5] = IPV4_LENGTH;
  frame.writeUInt16BE(requireUint('arp', 'op', packet.op, 0xffff), at + 6);
  requireBytes('arp', 'senderMac', packet.senderMac, MAC_LENGTH).copy(frame, at + 8);
  requireBytes('arp', 'senderIp', packet.senderIp, IPV4_LENGTH).copy(frame, at + 14);
  requireBytes('arp', 'targetMac', packet.targetMac, MAC_LENGTH).copy(frame, at + 18);
  requireBytes('arp', 'targetIp', packet.targetIp, IPV4_LENGTH).copy(frame, at + 24);
  return frame;
}

/** A broadcast request: who has `targetIp`? tell (`mac`, `senderIp`). A sender IP of 0.0.0.0 makes a probe. */
export function arpRequest(mac: Buffer, senderIp: Buffer, targetIp: Buffer): ArpPacket {
  return {
    ethDst: broadcastMac(),
    ethSrc: mac,
    op: ARP_REQUEST,
    senderMac: mac,
    senderIp,
    targetMac: zeroMac(),
    targetIp,
  };
}

/** The reply `mac` sends to a request for its address, unicast to the requester's hardware address. */
export function arpReply(request: ArpPacket, mac: Buffer): ArpPacket {
  return {
    ethDst: request.senderMac,
    ethSrc: mac,
    op: ARP_REPLY,
    senderMac: mac,
    senderIp: request.targetIp,
    targetMac: request.senderMac,
    targetIp: request.senderIp,
  };
}

/** Gratuitous request: sender IP = target IP, target MAC zero, broadcast. */
export function gratuitousArpRequest(mac: Buffer, ip: Buffer): ArpPacket {
  return arpRequest(mac, ip, ip);
}

/**
 * Gratuitous reply, broadcast, with target MAC = sender MAC: Linux counts a reply as gratuitous only then,
 * and otherwise may ignore it within its locktime.
 */
export function gratuitousArpReply(mac: Buffer, ip: Buffer): ArpPacket {
  return {
    ethDst: broadcastMac(),
    ethSrc: mac,
    op: ARP_REPLY,
    senderMac: mac,
    senderIp: ip,
    targetMac: mac,
    targetIp: ip,
  };
}
