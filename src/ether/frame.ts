/** The Ethernet II header: destination MAC, source MAC, EtherType. */
import { requireBytes, requireUint } from './errors.ts';
import { MAC_LENGTH } from './mac.ts';

export const ETHER_HEADER_LENGTH = 14;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** 802.1Q and 802.1ad tags: a VLAN tag left in-line in the frame. */
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;

export interface EthernetHeader {
  dst: Buffer;
  src: Buffer;
  ethertype: number;
}

export class EthernetDecodeError extends Error {
  readonly reason = 'truncated';
  readonly offset: number;

  constructor(offset: number) {
    super(`ethernet: truncated at byte ${offset}`);
    this.name = 'EthernetDecodeError';
    this.offset = offset;
  }
}

/** Reads the 14-byte header (addresses copied, so they outlive the frame's buffer). */
export function decodeEthernetHeader(frame: Buffer): EthernetHeader {
  if (frame.length < ETHER_HEADER_LENGTH) throw new EthernetDecodeError(frame.length);
  return {
    dst: Buffer.from(frame.subarray(0, MAC_LENGTH)),
    src: Buffer.from(frame.subarray(MAC_LENGTH, 2 * MAC_LENGTH)),
    ethertype: frame.readUInt16BE(12),
  };
}

/** Writes the header into the first 14 bytes of `frame`. */
export function writeEthernetHeader(frame: Buffer, header: EthernetHeader, protocol = 'ethernet'): void {
  requireBytes(protocol, 'ethDst', header.dst, MAC_LENGTH).copy(frame, 0);
  requireBytes(protocol, 'ethSrc', header.src, MAC_LENGTH).copy(frame, MAC_LENGTH);
  frame.writeUInt16BE(requireUint(protocol, 'ethertype', header.ethertype, 0xffff), 12);
}

/** Header and payload as one frame. */
export function encodeEthernetFrame(header: EthernetHeader, payload: Buffer): Buffer {
  const frame = Buffer.alloc(ETHER_HEADER_LENGTH + payload.length);
  writeEthernetHeader(frame, header);
  payload.copy(frame, ETHER_HEADER_LENGTH);
  return frame;
}
