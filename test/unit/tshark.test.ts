/**
 * Wireshark as an independent judge of the encoders: 10,000 random frames written to a pcap file must all
 * dissect cleanly (no malformed packet, no expert info of warning level or above) as the protocol and fields
 * intended.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  arpReply,
  arpRequest,
  encodeArp,
  gratuitousArpReply,
  gratuitousArpRequest,
} from '../../src/arp/index.ts';
import type { ArpPacket } from '../../src/arp/index.ts';
import { formatMac, parseIpv4, parseIpv6 } from '../../src/ether/index.ts';
import {
  encodeNdp,
  neighborAdvertisement,
  neighborSolicitation,
  unsolicitedNeighborAdvertisement,
} from '../../src/ndp/index.ts';
import type { NdpPacket } from '../../src/ndp/index.ts';

const FRAME_COUNT = 10_000;

/** A classic pcap file (microsecond timestamps, little-endian) of link type 1, Ethernet. */
function pcapFile(frames: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = frames.map((frame, index) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + index, 0);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

type Sample = { arp: ArpPacket; gratuitous: boolean } | { ndp: NdpPacket };

const bytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));
const mac = bytes(6).map((m) => {
  m[0] = (m[0] ?? 0) & 0xfe; // a host's MAC is unicast
  return m;
});
const ipv4 = bytes(4);
const ipv6 = bytes(16).filter((ip) => ip[0] !== 0xff && ip[0] !== 0);
const sample: fc.Arbitrary<Sample> = fc.oneof(
  fc.tuple(mac, ipv4, ipv4).map(([m, s, t]) => ({ arp: arpRequest(m, s, t), gratuitous: s.equals(t) })),
  fc
    .tuple(mac, ipv4, ipv4, mac)
    .map(([m, s, t, mine]) => ({ arp: arpReply(arpRequest(m, s, t), mine), gratuitous: s.equals(t) })),
  fc.tuple(mac, ipv4).map(([m, ip]) => ({ arp: gratuitousArpRequest(m, ip), gratuitous: true })),
  fc.tuple(mac, ipv4).map(([m, ip]) => ({ arp: gratuitousArpReply(m, ip), gratuitous: true })),
  fc
    .tuple(mac, ipv6, ipv6)
    .map(([m, source, target]) => ({ ndp: neighborSolicitation({ mac: m, source, target }) })),
  fc.tuple(mac, ipv6, ipv6, mac).map(([m, source, target, to]) => ({
    ndp: neighborSolicitation({ mac: m, source, target, unicastTo: to }),
  })),
  fc
    .tuple(mac, ipv6)
    .map(([m, target]) => ({ ndp: neighborSolicitation({ mac: m, source: parseIpv6('::'), target }) })),
  fc.tuple(mac, ipv6, ipv6, mac).map(([m, source, target, mine]) => ({
    ndp: neighborAdvertisement(neighborSolicitation({ mac: m, source, target }), mine),
  })),
  fc.tuple(mac, ipv6).map(([m, ip]) => ({ ndp: unsolicitedNeighborAdvertisement(m, ip) })),
);

const FIELDS = [
  'frame.number',
  'eth.dst',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
  'arp.isgratuitous',
  'icmpv6.type',
  'icmpv6.checksum.status',
  'icmpv6.nd.ns.target_address',
  'icmpv6.nd.na.target_address',
  'icmpv6.nd.na.flag.s',
  'icmpv6.nd.na.flag.o',
] as const;

function tshark(file: string, ...args: string[]): string[] {
  const out = execFileSync('tshark', ['-n', '-r', file, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.split('\n').filter((line) => line !== '');
}

/** What tshark should print for a sample, in FIELDS order after frame.number. */
function expectedFields(s: Sample): string[] {
  if ('arp' in s) {
    const ips = [s.arp.senderIp, s.arp.targetIp].map((ip) => Array.from(ip).join('.'));
    return [
      formatMac(s.arp.ethDst),
      String(s.arp.op),
      ...ips,
      s.gratuitous ? '1' : '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
  }
  const na = s.ndp.type === 136 ? s.ndp : undefined;
  return [
    formatMac(s.ndp.ethDst),
    '',
    '',
    '',
    '',
    String(s.ndp.type),
    '1', // checksum good
    na ? '' : s.ndp.target.toString('hex'),
    na ? s.ndp.target.toString('hex') : '',
    na ? (na.solicited ? '1' : '0') : '',
    na ? (na.override ? '1' : '0') : '',
  ];
}

/** tshark prints IPv6 as text; compare addresses as bytes. */
function normalize(fields: string[]): string[] {
  return fields.map((field, index) =>
    (index === 7 || index === 8) && field !== '' ? parseIpv6(field).toString('hex') : field,
  );
}

describe('tshark dissects what the encoders write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-tshark-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const samples = fc.sample(sample, { numRuns: FRAME_COUNT, seed: 20240601 });
  const frames = samples.map((s) => ('arp' in s ? encodeArp(s.arp) : encodeNdp(s.ndp)));
  const file = join(dir, 'frames.pcap');
  writeFileSync(file, pcapFile(frames));

  it('finds no malformed frame and no expert warning or error (a bad checksum is only a warning)', () => {
    expect(
      tshark(
        file,
        '-Y',
        '_ws.malformed || _ws.expert.severity >= warning',
        '-T',
        'fields',
        '-e',
        'frame.number',
      ),
    ).toEqual([]);
  }, 120_000);

  it('decodes every frame as the protocol, addresses and flags intended', () => {
    const lines = tshark(
      file,
      '-T',
      'fields',
      '-E',
      'separator=/t',
      '-E',
      'occurrence=f',
      ...FIELDS.flatMap((f) => ['-e', f]),
    );
    expect(lines).toHaveLength(FRAME_COUNT);
    const mismatches = samples.flatMap((s, index) => {
      const line = lines[index] ?? '';
      const [number, ...fields] = line.split('\t');
      const expected = expectedFields(s);
      const actual = normalize(fields);
      return number === String(index + 1) && JSON.stringify(actual) === JSON.stringify(expected)
        ? []
        : [{ line, expected }];
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
  }, 120_000);

  it('counts ARP, NS and NA frames as generated', () => {
    const count = (filter: string) => tshark(file, '-Y', filter, '-T', 'fields', '-e', 'frame.number').length;
    const arp = samples.filter((s) => 'arp' in s).length;
    const ns = samples.filter((s) => 'ndp' in s && s.ndp.type === 135).length;
    expect(count('arp')).toBe(arp);
    expect(count('icmpv6.type == 135')).toBe(ns);
    expect(count('icmpv6.type == 136')).toBe(FRAME_COUNT - arp - ns);
    expect(arp).toBeGreaterThan(FRAME_COUNT / 4);
    expect(ns).toBeGreaterThan(FRAME_COUNT / 6);
  }, 120_000);

  it('flags a corrupted frame, so the clean result above means something', () => {
    const broken = encodeNdp(unsolicitedNeighborAdvertisement(Buffer.alloc(6, 2), parseIpv6('2001:db8::1')));
    broken[60] = (broken[60] ?? 0) ^ 0xff;
    const truncated = encodeArp(gratuitousArpRequest(Buffer.alloc(6, 2), parseIpv4('192.0.2.1'))).subarray(
      0,
      30,
    );
    const controlFile = join(dir, 'control.pcap');
    writeFileSync(controlFile, pcapFile([broken, truncated]));
    const flagged = tshark(
      controlFile,
      '-Y',
      '_ws.malformed || _ws.expert.severity >= warning',
      '-T',
      'fields',
      '-e',
      'frame.number',
    );
    expect(flagged).toEqual(['1', '2']);
  }, 60_000);
});
