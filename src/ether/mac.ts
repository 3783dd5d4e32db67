/** MAC addresses as 6-byte Buffers: parsing, formatting, and the well-known ones. */
import { InvalidAddressError } from './errors.ts';

export const MAC_LENGTH = 6;

const MAC_TEXT = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** 'aa:bb:cc:dd:ee:ff' (or with '-') to 6 bytes. */
export function parseMac(text: string): Buffer {
  if (typeof text !== 'string' || !MAC_TEXT.test(text)) throw new InvalidAddressError('mac', text);
  return Buffer.from(text.replace(/[:-]/g, ''), 'hex');
}

/** 6 bytes to lower-case 'aa:bb:cc:dd:ee:ff'. */
export function formatMac(mac: Buffer): string {
  if (!Buffer.isBuffer(mac) || mac.length !== MAC_LENGTH) throw new InvalidAddressError('mac', mac);
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join(':');
}

/** ff:ff:ff:ff:ff:ff (a fresh Buffer each call, so no caller can alter another's). */
export function broadcastMac(): Buffer {
  return Buffer.alloc(MAC_LENGTH, 0xff);
}

/** 00:00:00:00:00:00, the unknown target hardware address of an ARP request. */
export function zeroMac(): Buffer {
  return Buffer.alloc(MAC_LENGTH);
}

/** 33:33:00:00:00:01, the MAC of the IPv6 all-nodes group ff02::1. */
export function allNodesMac(): Buffer {
  return Buffer.from([0x33, 0x33, 0, 0, 0, 1]);
}

export function isBroadcastMac(mac: Buffer): boolean {
  return mac.length === MAC_LENGTH && mac.every((byte) => byte === 0xff);
}

/** Group bit (low bit of the first byte) set: multicast, broadcast included. */
export function isMulticastMac(mac: Buffer): boolean {
  return mac.length > 0 && ((mac[0] ?? 0) & 1) === 1;
}

/** 33:33:ff:xx:xx:xx, the MAC of an IPv6 address's solicited-node group (RFC 2464). */
export function solicitedNodeMac(ip6: Buffer): Buffer {
  if (ip6.length !== 16) throw new InvalidAddressError('ipv6', ip6);
  return Buffer.concat([Buffer.from([0x33, 0x33, 0xff]), ip6.subarray(13, 16)]);
}
