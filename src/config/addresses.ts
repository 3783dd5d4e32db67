/**
 * IP addresses and address ranges as MetalLB reads them: strict text forms, canonical output
 * (dotted quad; RFC 5952 for IPv6; IPv4-mapped IPv6 reads as IPv4, as Go's net.ParseIP does) and
 * ranges as inclusive [first, last] intervals so CIDRs and 'a-b' ranges compare alike.
 */
import ipaddr from 'ipaddr.js';
import type { AddressRange, IpFamily } from './types.ts';

/** A parsed IP: its family, canonical text and numeric value (for containment tests). */
export interface ParsedIp {
  readonly family: IpFamily;
  readonly text: string;
  readonly value: bigint;
}

function toBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function bitsOf(family: IpFamily): bigint {
  return family === 4 ? 32n : 128n;
}

/** Parses one IP address; undefined when the text is not a plain IPv4 or IPv6 address (zones refused). */
export function parseIp(text: string): ParsedIp | undefined {
  // ipaddr.js alone would also take '127.1' or '0x7f.0.0.1', which Go and MetalLB refuse.
  const strictV4 = ipaddr.IPv4.isValidFourPartDecimal(text);
  if (!strictV4 && (text.includes('%') || !ipaddr.IPv6.isValid(text))) return undefined;
  const addr = ipaddr.process(text);
  const family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6;
  return { family, text: addr.toString(), value: toBigInt(addr.toByteArray()) };
}

/** Canonical text of an IP (see parseIp), or undefined when it is not an IP. */
export function canonicalIp(text: string): string | undefined {
  return parseIp(text)?.text;
}

function ipFromValue(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let shift = bitsOf(family) - 8n; shift >= 0n; shift -= 8n)
    bytes.push(Number((value >> shift) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function parseCidr(text: string): AddressRange | undefined {
  const slash = text.indexOf('/');
  const base = parseIp(text.slice(0, slash).trim());
  const lengthText = text.slice(slash + 1).trim();
  if (base === undefined || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = BigInt(lengthText);
  const bits = bitsOf(base.family);
  if (prefixLength > bits) return undefined;
  // As Go's net.ParseCIDR, host bits may be set: '192.0.2.7/24' is the network 192.0.2.0/24.
  const hostMask = (1n << (bits - prefixLength)) - 1n;
  const first = base.value & ~hostMask;
  const last = first | hostMask;
  return {
    text,
    family: base.family,
    first: ipFromValue(base.family, first),
    last: ipFromValue(base.family, last),
  };
}

function parseDashRange(text: string): AddressRange | undefined {
  const parts = text.split('-');
  if (parts.length !== 2) return undefined;
  const first = parseIp((parts[0] ?? '').trim());
  const last = parseIp((parts[1] ?? '').trim());
  if (first === undefined || last === undefined) return undefined;
  if (first.family !== last.family || first.value > last.value) return undefined;
  return { text, family: first.family, first: first.text, last: last.text };
}

/** Parses an IPAddressPool address entry: a CIDR 'a.b.c.d/n' or an inclusive range 'a.b.c.d-e.f.g.h'. */
export function parseAddressRange(text: string): AddressRange | undefined {
  if (text.includes('/')) return parseCidr(text);
  if (text.includes('-')) return parseDashRange(text);
  return undefined;
}

/** A range with numeric bounds, for repeated containment tests. */
export interface NumericRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** Numeric bounds of a range from the model (its bounds were validated when the model was built). */
export function numericRange(range: AddressRange): NumericRange {
  const first = parseIp(range.first);
  const last = parseIp(range.last);
  if (first === undefined || last === undefined) {
    throw new TypeError(`address range ${JSON.stringify(range.text)} has invalid bounds`);
  }
  return { family: range.family, first: first.value, last: last.value };
}

export function rangeContains(range: NumericRange, ip: ParsedIp): boolean {
  return range.family === ip.family && range.first <= ip.value && ip.value <= range.last;
}

export function rangesOverlap(a: NumericRange, b: NumericRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
