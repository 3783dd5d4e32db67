/**
 * An announcement burst in a lab: a standalone speaker on `spk` starts with no services, then its config
 * is rewritten with N IPv4 and M IPv6 LoadBalancer IPs at once (a reload: every IP gained together).
 * A packet socket on the client `cli` records every gratuitous ARP (request and reply) and unsolicited
 * NA for those IPs, and the kernel's count of frames that socket dropped.
 * Used by bench/burst.ts and test/netns/burst.test.ts (no import.meta: Jest loads it too).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';

export interface BurstOptions {
  readonly repo: string;
  readonly node24: string;
  readonly ipv4: number;
  readonly ipv6: number;
  /** --announce-rate of the speaker, frames/s. */
  readonly announceRate: number;
  readonly metricsPort?: number;
}

export interface BurstResult {
  readonly ips: number;
  /** Frames the speaker's gain schedule sends (4 rounds; 2 per IPv4 address and round, 1 per IPv6). */
  readonly expectedFrames: number;
  readonly receivedFrames: number;
  readonly lostFrames: number;
  /** Frames the capturing socket itself dropped (kernel PACKET_STATISTICS): must be 0 to trust the count. */
  readonly captureDrops: number;
  /** From the first announcement seen to the first announcement of the last IP. */
  readonly lastIpFirstMs: number;
  /** First-round frames per second, first to last. */
  readonly firstRoundRate: number;
  /** Every frame's first sending came before any frame's repeat. */
  readonly firstsBeforeRepeats: boolean;
  /** IPs that got fewer announcements than the schedule's. */
  readonly shortIps: readonly string[];
}

const ROUNDS = 4;

/**
 * Counts announcements on eth0 until none came for 3 s after the first (the gain schedule's pauses are at
 * most 1 s), or `seconds` passed; prints "ready", then one JSON line.
 */
const CAPTURE = `
import json, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
s.bind(('eth0', 0))
s.settimeout(0.2)
print('ready', flush=True)
end = time.time() + float(sys.argv[1])
records = []
last = None
while time.time() < end and (last is None or time.time() - last < 3):
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    t = time.time()
    kind = struct.unpack('!H', f[12:14])[0]
    if kind == 0x0806 and len(f) >= 42 and f[28:32] == f[38:42]:
        records.append([t, socket.inet_ntop(socket.AF_INET, f[28:32]), 'arp%d' % struct.unpack('!H', f[20:22])[0]])
        last = t
    elif kind == 0x86dd and len(f) >= 78 and f[20] == 58 and f[54] == 136:
        records.append([t, socket.inet_ntop(socket.AF_INET6, f[62:78]), 'na'])
        last = t
packets, drops = struct.unpack('II', s.getsockopt(263, 6, 8))
print(json.dumps({'records': records, 'drops': drops}), flush=True)
`;

export const burstIpv4 = (i: number): string => `198.51.100.${i + 1}`;
export const burstIpv6 = (i: number): string => `2001:db8:1::${(i + 1).toString(16)}`;

function config(ips: readonly string[]): string {
  const head = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: burst, namespace: metallb-system }
spec: { addresses: ["198.51.100.0/24", "2001:db8:1::/112"] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: burst, namespace: metallb-system }
spec: { interfaces: [eth0] }
`;
  const services = ips.map(
    (ip, i) =>
      `---\napiVersion: v1\nkind: Service\nmetadata: { name: s${i}, namespace: default }\nspec: { type: LoadBalancer }\nstatus: { loadBalancer: { ingress: [{ ip: "${ip}" }] } }\n`,
  );
  return head + services.join('');
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function waitReady(host: Host, port: number, exited: () => string | undefined): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const failure = exited();
    if (failure !== undefined) throw new BenchError('speaker', failure);
    if ((await host.exec(['curl', '-sf', '-m', '1', `http://127.0.0.1:${port}/readyz`])).code === 0) return;
    await sleep(100);
  }
  throw new BenchError('speaker', 'not ready within 30 s');
}

type Capture = { records: [number, string, string][]; drops: number };

function analyse(capture: Capture, ips: readonly string[], ipv4: number): BurstResult {
  const wanted = new Set(ips);
  const records = capture.records.filter(([, ip]) => wanted.has(ip)).sort((a, b) => a[0] - b[0]);
  const seen = new Map<string, number[]>();
  for (const [time, ip, kind] of records) {
    const key = `${ip} ${kind}`;
    seen.set(key, [...(seen.get(key) ?? []), time]);
  }
  const firstOfIp = new Map<string, number>();
  for (const [time, ip] of records) if (!firstOfIp.has(ip)) firstOfIp.set(ip, time);
  const start = records[0]?.[0] ?? 0;
  const firsts = [...seen.values()].map((times) => times[0] ?? 0);
  const repeats = [...seen.values()].flatMap((times) => times.slice(1));
  const lastFirst = Math.max(...firsts);
  const perIp = new Map<string, number>();
  for (const [, ip] of records) perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
  const expectedFrames = ROUNDS * (2 * ipv4 + (ips.length - ipv4));
  return {
    ips: ips.length,
    expectedFrames,
    receivedFrames: records.length,
    lostFrames: expectedFrames - records.length,
    captureDrops: capture.drops,
    lastIpFirstMs: (Math.max(...firstOfIp.values()) - start) * 1000,
    firstRoundRate: (firsts.length - 1) / (lastFirst - start),
    firstsBeforeRepeats: repeats.length === 0 || lastFirst <= Math.min(...repeats),
    shortIps: ips.filter((ip, i) => (perIp.get(ip) ?? 0) < ROUNDS * (i < ipv4 ? 2 : 1)),
  };
}

/** Runs one burst in a fresh lab, torn down before returning. */
export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const port = options.metricsPort ?? 7472;
  const ips = [
    ...Array.from({ length: options.ipv4 }, (_, i) => burstIpv4(i)),
    ...Array.from({ length: options.ipv6 }, (_, i) => burstIpv6(i)),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-burst-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config([]));
  const lab = await createLab({ prefix: 'bu' });
  try {
    const speakerHost = await lab.addHost('spk', { ipv4: '192.0.2.11/24', ipv6: '2001:db8::11/64' });
    const client = await lab.addHost('cli', { ipv4: '192.0.2.100/24', ipv6: '2001:db8::100/64' });
    const args = [
      '--config',
      file,
      '--node-name',
      'spk',
      '--log-level',
      'warn',
      '--metrics-port',
      String(port),
    ];
    const speaker = speakerHost.spawn([
      options.node24,
      join(options.repo, 'bin/l2speaker.js'),
      ...args,
      ...['--announce-rate', String(options.announceRate)],
    ]);
    let output = '';
    speaker.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    await waitReady(speakerHost, port, () =>
      speaker.exitCode === null ? undefined : `exited ${speaker.exitCode}: ${output}`,
    );
    const frames = ROUNDS * (2 * options.ipv4 + options.ipv6);
    const seconds = 30 + (3 * frames) / options.announceRate;
    const capture = client.spawn(['python3', '-c', CAPTURE, String(seconds)]);
    let captured = '';
    capture.stdout?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
    const ended = new Promise<void>((done) => capture.once('exit', () => done()));
    while (!captured.startsWith('ready')) {
      if (capture.exitCode !== null) throw new BenchError('capture', `exited ${capture.exitCode}`);
      await sleep(20);
    }
    writeFileSync(file, config(ips));
    await ended;
    speaker.kill('SIGTERM');
    const line = captured.split('\n').find((l) => l.startsWith('{'));
    if (line === undefined) throw new BenchError('capture', `no result: ${captured.slice(0, 200)}`);
    return analyse(JSON.parse(line) as Capture, ips, options.ipv4);
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
