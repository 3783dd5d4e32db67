/** The ICMPv6 checksum (RFC 4443 2.3): ones' complement sum over the IPv6 pseudo-header and the message. */

const NEXT_HEADER_ICMPV6 = 58;

/**
 * The ones' complement of the ones' complement sum of the pseudo-header (src, dst, length, next header 58)
 * and `message`, padded with a zero byte when odd. With the message's checksum field zeroed this is the
 * value to write; with a correct checksum in place it is 0.
 */
export function icmpv6Checksum(src: Buffer, dst: Buffer, message: Buffer): number {
  let sum = sumWords(src) + sumWords(dst);
  sum += Math.floor(message.length / 0x10000) + (message.length & 0xffff) + NEXT_HEADER_ICMPV6;
  sum += sumWords(message);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

function sumWords(bytes: Buffer): number {
  let sum = 0;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (even < bytes.length) sum += (bytes[even] ?? 0) << 8;
  return sum;
}
