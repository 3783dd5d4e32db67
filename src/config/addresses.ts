/**
 * IP addresses and address ranges as MetalLB reads them: strict text forms, canonical output
 * (dotted quad; RFC 5952 for IPv6; IPv4-mapped IPv6 reads as IPv4, as Go's net.ParseIP does) and
 * ranges as inclusive [first, last] intervals so CIDRs and 'a-b' ranges compare alike. Written here on
 * node:net's checks rather than with ipaddr.js: see parseIp.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { AddressRange, IpFamily } from './types.ts';

/** A parsed IP: its family, canonical text and numeric value (for containment tests). */
export interface ParsedIp {
  readonly family: IpFamily;
  readonly text: string;
  readonly value: bigint;
}

function bitsOf(family: IpFamily): bigint {
  return family === 4 ? 32n : 128n;
}

function ipv4(value: number): ParsedIp {
  const text = `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
  return { family: 4, text, value: BigInt(value) };
}

function ipv4Value(text: string): number {
  return text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** The eight 16-bit groups of an address node:net's isIPv6 accepted (a dotted IPv4 tail is two groups). */
function ipv6Groups(text: string): number[] {
  const [head = '', tail] = text.split('::');
  const hex = (part: string): number[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups.at(-1) ?? '';
    if (!last.includes('.')) return groups.map((group) => parseInt(group, 16));
    const v4 = ipv4Value(last);
    return [...groups.slice(0, -1).map((group) => parseInt(group, 16)), v4 >>> 16, v4 & 0xffff];
  };
  const first = hex(head);
  if (tail === undefined) return first;
  const last = hex(tail);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

/**
 * RFC 5952 text as ipaddr.js writes it: the longest run of zero groups becomes '::'; a run inside the
 * address beats one as long at either end (its match spans one more ':'), else the first one wins.
 */
function ipv6Text(groups: readonly number[]): string {
  let best = { start: -1, length: 0, score: 0 };
  for (let start = 0; start < groups.length; start += 1) {
    let length = 0;
    while (groups[start + length] === 0) length += 1;
    const inside = start > 0 && start + length < groups.length;
    const score = 2 * length + (inside ? 1 : 0);
    if (length >= 2 && score > best.score) best = { start, length, score };
    start += length;
  }
  const hex = (part: readonly number[]): string => part.map((group) => group.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/**
 * Parses one IP address; undefined when the text is not a plain IPv4 or IPv6 address (zones refused).
 * node:net checks the forms as Go does (IPv4 as four decimal parts: no '127.1' or '0x7f.0.0.1'), without
 * the exception ipaddr.js's IPv4 check threw for every IPv6 address (~25 µs each; a start-up with
 * 10,000 services parsed ~40,000: a second).
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (isIPv4(text)) return ipv4(ipv4Value(text));
  if (text.includes('%') || !isIPv6(text)) return undefined;
  const groups = ipv6Groups(text);
  const value = groups.reduce((sum, group) => (sum << 16n) | BigInt(group), 0n);
  // IPv4-mapped (::ffff:0:0/96) reads as IPv4, as Go's net.ParseIP does.
  if (value >> 32n === 0xffffn) return ipv4(Number(value & 0xffffffffn));
  return { family: 6, text: ipv6Text(groups), value };
}

/** Canonical text of an IP (see parseIp), or undefined when it is not an IP. */
export function canonicalIp(text: string): string | undefined {
  return parseIp(text)?.text;
}

function ipFromValue(family: IpFamily, value: bigint): string {
  if (family === 4) return ipv4(Number(value)).text;
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  return ipv6Text(groups);
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

/** Each range's bounds, once: ranges are frozen with their model, and every IP of a pool is tested. */
const numericRanges = new WeakMap<AddressRange, NumericRange>();

/** Numeric bounds of a range from the model (its bounds were validated when the model was built). */
export function numericRange(range: AddressRange): NumericRange {
  const known = numericRanges.get(range);
  if (known !== undefined) return known;
  const first = parseIp(range.first);
  const last = parseIp(range.last);
  if (first === undefined || last === undefined) {
    throw new TypeError(`address range ${JSON.stringify(range.text)} has invalid bounds`);
  }
  const bounds = { family: range.family, first: first.value, last: last.value };
  numericRanges.set(range, bounds);
  return bounds;
}

export function rangeContains(range: NumericRange, ip: ParsedIp): boolean {
  return range.family === ip.family && range.first <= ip.value && ip.value <= range.last;
}

export function rangesOverlap(a: NumericRange, b: NumericRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
