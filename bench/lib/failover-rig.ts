/**
 * The failover rig: nodes and a client in a lab, a stand-in for kube-proxy on every node
 * (bench/baseline/echo-service.c: UDP echo and TCP accept on 0.0.0.0), and the client's probe
 * (bench/baseline/probe-client.c). A VIP reaches a node's service because it is on the node's lo with
 * arp_ignore=1 and arp_announce=2: the kernel accepts packets for it but never answers ARP for it, so only
 * the speaker (or keepalived, which puts it on eth0) makes it reachable. Binaries are passed in, so that
 * the bench and the netns test can build them their own way.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Host, Lab } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';

export const SERVICE_PORT = 8080;

/**
 * The probe and the service stand-in run at real-time priority: on a 2-CPU machine shared with other work
 * their own scheduling delays otherwise dominate the tail (a SIGKILLed speaker, which needs no handover
 * because its node keeps serving, showed a p99 of 93 ms), and the outage must be the system's, not theirs.
 */
const REALTIME = ['chrt', '-r', '20'];

export interface RigBinaries {
  echoService: string;
  probeClient: string;
}

/**
 * What the probe client printed for one event: the longest time between two consecutive answers from the
 * last answer before the event (ms), where that gap started relative to the event's start, and how many
 * gaps exceeded 10 ms (UDP) or 20 ms (TCP); outages are null when answers had not settled by the timeout.
 */
export interface ProbeResult {
  udpOutageMs: number | null;
  udpGapStartMs: number | null;
  udpGapsOver: number;
  tcpOutageMs: number | null;
  tcpGapStartMs: number | null;
  tcpGapsOver: number;
  /** How long the command causing the event took. */
  eventMs: number;
  sent: number;
  received: number;
  tcpOk: number;
  tcpFailed: number;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function checked(host: Host, argv: string[]): Promise<string> {
  const result = await host.exec(argv);
  if (result.code !== 0) throw new BenchError(`${host.name}: ${argv.join(' ')}`, result.stderr.trim());
  return result.stdout;
}

/** Makes `node` accept traffic for `vips` without its kernel ever answering ARP for them, and starts the service. */
export async function prepareNode(
  node: Host,
  vips: readonly string[],
  bin: RigBinaries,
): Promise<ChildProcess> {
  for (const conf of ['all', 'eth0']) {
    await checked(node, ['sysctl', '-qw', `net.ipv4.conf.${conf}.arp_ignore=1`]);
    await checked(node, ['sysctl', '-qw', `net.ipv4.conf.${conf}.arp_announce=2`]);
  }
  await setVipsOnLo(node, vips, true);
  const service = node.spawn([...REALTIME, bin.echoService, String(SERVICE_PORT)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    service.stdout?.once('data', () => resolve());
    service.once('exit', (code) => reject(new BenchError(`echo service on ${node.name}`, `exit ${code}`)));
  });
  return service;
}

/** Adds (or removes) the VIPs on lo: keepalived needs them off lo, since it puts the VIP on eth0 itself. */
export async function setVipsOnLo(node: Host, vips: readonly string[], present: boolean): Promise<void> {
  for (const vip of vips) {
    const argv = ['ip', 'addr', present ? 'add' : 'del', `${vip}/32`, 'dev', 'lo'];
    await checked(node, argv);
  }
}

/** The MACs that answered `count` ARP requests for `ip` from `client` (arping by Thomas Habets). */
export async function arpAnswerers(client: Host, ip: string, count = 3): Promise<string[]> {
  const result = await client.exec(['arping', '-c', String(count), '-W', '0.05', '-I', 'eth0', ip]);
  return [...new Set([...result.stdout.matchAll(/bytes from ([0-9a-f:]{17})/g)].map((m) => m[1] ?? ''))];
}

/** Forgets the client's neighbour entry for `vip`: the next probe resolves it afresh. */
export async function flushNeighbour(client: Host, vip: string): Promise<void> {
  await checked(client, ['ip', 'neigh', 'flush', 'to', vip, 'dev', 'eth0']);
}

export interface ProbeOptions {
  vip: string;
  /** Give up this long after the mark (the outage is then null). */
  timeoutMs: number;
  /** After the event, answers must flow without a gap for this long before the probe ends. */
  settleMs: number;
  /** Runs once answers flow, just before the mark (e.g. flush the neighbour entry, then wait). */
  beforeMark?: () => Promise<void>;
}

/**
 * Starts the probe in `client`, waits until answers flow, marks the event's start, runs `event`, marks its
 * end, and returns what the probe saw once answers settled.
 */
export async function probeAround(
  client: Host,
  bin: RigBinaries,
  options: ProbeOptions,
  event: () => Promise<void>,
): Promise<ProbeResult> {
  const argv = [
    ...REALTIME,
    bin.probeClient,
    options.vip,
    String(SERVICE_PORT),
    String(options.timeoutMs),
    String(options.settleMs),
  ];
  const probe = client.spawn(argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  probe.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (!probe.stdout) throw new BenchError('probe', 'no stdout');
  const lines = createInterface({ input: probe.stdout });
  const exited = new Promise<number | null>((done) => probe.once('exit', (code) => done(code)));
  const output: string[] = [];
  const ready = new Promise<boolean>((done) => {
    lines.on('line', (line) => {
      output.push(line);
      if (line === 'ready') done(true);
    });
    void exited.then(() => done(false));
  });
  const timer = sleep(10_000).then(() => false);
  if (!(await Promise.race([ready, timer]))) {
    probe.kill('SIGKILL');
    throw new BenchError('probe', `no answers from ${options.vip} before the event: ${stderr}`);
  }
  await options.beforeMark?.();
  probe.kill('SIGUSR1');
  await event();
  probe.kill('SIGUSR2');
  const code = await exited;
  const last = output[output.length - 1] ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new BenchError('probe', `exit ${code}: ${stderr}${last}`);
  return JSON.parse(last) as ProbeResult;
}

/** Waits until `condition` holds, polling every 100 ms; throws BenchError naming `what` at the deadline. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  condition: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new BenchError('wait', `${what} not reached in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Adds `count` nodes (192.0.2.11..., 2001:db8::11...) and a client (192.0.2.100, 2001:db8::100) to `lab`. */
export async function addRigHosts(lab: Lab, count: number): Promise<{ nodes: Host[]; client: Host }> {
  const nodes: Host[] = [];
  for (let i = 0; i < count; i++) {
    const opts = { ipv4: `192.0.2.${11 + i}/24`, ipv6: `2001:db8::${11 + i}/64` };
    nodes.push(await lab.addHost(`n${i}`, opts));
  }
  const client = await lab.addHost('cli', { ipv4: '192.0.2.100/24', ipv6: '2001:db8::100/64' });
  return { nodes, client };
}
