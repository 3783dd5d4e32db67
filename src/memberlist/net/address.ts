/** Conversions between memberlist's address bytes and the host strings node:dgram and node:net use. */
import { isIPv4, isIPv6 } from 'node:net';
import { NetOptionError } from './errors.ts';
import type { Address } from '../swim/index.ts';

const MAPPED_PREFIX = Buffer.from('00000000000000000000ffff', 'hex');

/** 4 bytes for an IPv4 address, 16 for IPv6 (an IPv4-mapped IPv6 text stays 16 bytes, as Go sends it). */
export function addressBytes(host: string): Buffer {
  if (isIPv4(host)) return Buffer.from(host.split('.').map(Number));
  if (!isIPv6(host)) throw new NetOptionError('address', host, 'not an IP address');
  const [head = '', tail = ''] = host.includes('::') ? host.split('::') : [host, ''];
  const words = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const expand = (part: string[]): number[] =>
    part.flatMap((word) => (isIPv4(word) ? ipv4Words(word) : [parseInt(word, 16)]));
  const front = expand(words(head));
  const back = expand(words(tail));
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const out = Buffer.alloc(16);
  all.forEach((word, i) => out.writeUInt16BE(word, i * 2));
  return out;
}

function ipv4Words(dotted: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/** The host string for address bytes: a.b.c.d for 4 bytes and for ::ffff:a.b.c.d, IPv6 text otherwise. */
export function hostOf(addr: Buffer): string {
  if (addr.length === 4) return addr.join('.');
  if (addr.length !== 16) throw new NetOptionError('addr', addr.toString('hex'), 'must be 4 or 16 bytes');
  if (addr.subarray(0, 12).equals(MAPPED_PREFIX)) return addr.subarray(12).join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(addr.readUInt16BE(i).toString(16));
  return compressZeros(words);
}

/** RFC 5952: the longest run (>= 2) of zero words becomes '::'. */
function compressZeros(words: string[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < words.length;) {
    let j = i;
    while (j < words.length && words[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.length < 2) return words.join(':');
  const left = words.slice(0, best.start).join(':');
  const right = words.slice(best.start + best.length).join(':');
  return `${left}::${right}`;
}

/** Where a datagram or connection came from, as memberlist carries it (IPv4-mapped senders as 4 bytes). */
export function remoteAddress(host: string, port: number): Address {
  const bytes = addressBytes(host);
  const mapped = bytes.length === 16 && bytes.subarray(0, 12).equals(MAPPED_PREFIX);
  return { addr: mapped ? bytes.subarray(12) : bytes, port };
}

/** 'host:port' or '[v6]:port' into its parts; the host may be a name (resolved by the caller). */
export function splitHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (match === null) {
    if (isIPv6(text)) return { host: text, port: defaultPort };
    throw new NetOptionError('seed', text, 'expected host:port');
  }
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new NetOptionError('seed', text, 'port out of range');
  return { host: match[1] ?? '', port };
}

/** A key for maps of peers: hex address and port. */
export const addressKey = (address: Address): string => `${address.addr.toString('hex')}:${address.port}`;
