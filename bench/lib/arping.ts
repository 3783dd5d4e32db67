/** Runs Thomas Habets' arping in a lab host and reads the reply times it prints. */
import type { Host } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';

export interface ArpingRun {
  sent: number;
  /** Reply times in µs, one per answered request. */
  replyMicros: number[];
}

const UNIT_TO_MICROS: Record<string, number> = { nsec: 0.001, usec: 1, msec: 1000, sec: 1_000_000 };
const REPLY = /bytes from .* time=([\d.]+) (nsec|usec|msec|sec)/;
const TRANSMITTED = /^(\d+) packets transmitted/m;

/** Parses arping's output: one "... time=12.3 usec" line per reply, then "N packets transmitted". */
export function parseArping(stdout: string): ArpingRun {
  const replyMicros: number[] = [];
  for (const line of stdout.split('\n')) {
    const match = REPLY.exec(line);
    if (match?.[1] && match[2]) replyMicros.push(Number(match[1]) * (UNIT_TO_MICROS[match[2]] ?? Number.NaN));
  }
  const sent = Number(TRANSMITTED.exec(stdout)?.[1] ?? Number.NaN);
  return { sent, replyMicros };
}

export interface ArpingOptions {
  count: number;
  intervalSeconds: number;
  /** The CPU arping is pinned to with taskset. */
  cpu: number;
}

/** Sends `count` requests for `ip` from `client`'s eth0, one every `intervalSeconds`. */
export async function arping(client: Host, ip: string, opts: ArpingOptions): Promise<ArpingRun> {
  const argv = [
    'arping',
    '-c',
    String(opts.count),
    '-W',
    String(opts.intervalSeconds),
    '-I',
    client.ifname,
    ip,
  ];
  const timeoutMs = (opts.count * opts.intervalSeconds + 10) * 1000;
  const result = await client.exec(['taskset', '-c', String(opts.cpu), ...argv], { timeoutMs });
  return parseArping(result.stdout);
}

/** Resolves once `ip` answers one request; rejects after `timeoutMs`; gives up early once `abandoned()`. */
export async function waitForAnswer(
  client: Host,
  ip: string,
  timeoutMs: number,
  abandoned: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !abandoned()) {
    const probe = await client.exec(['arping', '-c', '1', '-w', '0.5', '-I', client.ifname, ip]);
    if (probe.code === 0) return;
  }
  throw new BenchError('waiting for an answer', `no ARP answer for ${ip} within ${timeoutMs} ms`);
}
