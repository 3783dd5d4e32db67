/** IPv4 and IPv6 addresses as 4- and 16-byte Buffers, and the IPv6 groups NDP uses. */
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { InvalidAddressError } from './errors.ts';

export const IPV4_LENGTH = 4;
export const IPV6_LENGTH = 16;

/** Dotted quad to 4 bytes. */
export function parseIpv4(text: string): Buffer {
  if (typeof text !== 'string' || !isIPv4(text)) throw new InvalidAddressError('ipv4', text);
  return Buffer.from(text.split('.').map(Number));
}

/** Any IPv6 text form without a zone ('%eth0' names no 16 bytes) to 16 bytes. */
export function parseIpv6(text: string): Buffer {
  if (typeof text !== 'string' || !isIPv6(text) || text.includes('%')) {
    throw new InvalidAddressError('ipv6', text);
  }
  return Buffer.from(ipaddr.IPv6.parse(text).toByteArray());
}

/** IPv4 or IPv6 text to 4 or 16 bytes. */
export function parseIp(text: string): Buffer {
  if (typeof text === 'string' && isIPv4(text)) return parseIpv4(text);
  if (typeof text === 'string' && isIPv6(text)) return parseIpv6(text);
  throw new InvalidAddressError('ip', text);
}

/** 4 bytes to a dotted quad, 16 bytes to RFC 5952 text. */
export function formatIp(ip: Buffer): string {
  if (!Buffer.isBuffer(ip) || (ip.length !== IPV4_LENGTH && ip.length !== IPV6_LENGTH)) {
    throw new InvalidAddressError('ip', ip);
  }
  return ip.length === IPV4_LENGTH
    ? Array.from(ip).join('.')
    : ipaddr.fromByteArray(Array.from(ip)).toString();
}

/** ::, the source of a duplicate address detection probe. */
export function unspecifiedIpv6(): Buffer {
  return Buffer.alloc(IPV6_LENGTH);
}

/** ff02::1, the all-nodes group. */
export function allNodesIpv6(): Buffer {
  return parseIpv6('ff02::1');
}

export function isUnspecified(ip: Buffer): boolean {
  return ip.every((byte) => byte === 0);
}

/** ff02::1:ffXX:XXXX, the solicited-node group of an IPv6 address (RFC 4291 2.7.1). */
export function solicitedNodeIpv6(ip6: Buffer): Buffer {
  if (!Buffer.isBuffer(ip6) || ip6.length !== IPV6_LENGTH) throw new InvalidAddressError('ipv6', ip6);
  const group = parseIpv6('ff02::1:ff00:0');
  ip6.copy(group, 13, 13, 16);
  return group;
}
