/** Runs the arp-flood generator (bench/baseline/arp-flood.c) in a lab host and reads its JSON line. */
import type { Host } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';

export interface FloodRun {
  sent: number;
  answered: number;
  send_seconds: number;
  offered_rate: number;
  receiver_drops: number;
}

export interface FloodOptions {
  binary: string;
  senderIp: string;
  targetIp: string;
  count: number;
  /** Frames per second; 0 sends as fast as the socket takes them. */
  rate: number;
  cpu: number;
  drainMs: number;
}

export async function flood(client: Host, opts: FloodOptions): Promise<FloodRun> {
  const args = [client.ifname, opts.senderIp, opts.targetIp, opts.count, opts.rate, opts.drainMs].map(String);
  const argv = ['taskset', '-c', String(opts.cpu), opts.binary, ...args];
  const result = await client.exec(argv, { timeoutMs: 120_000 });
  if (result.code !== 0) throw new BenchError('arp-flood', `exited ${result.code}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as FloodRun;
}
