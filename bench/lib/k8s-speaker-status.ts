/**
 * What a Kubernetes-mode speaker in a lab host says about itself (/status, /metrics) and what the API
 * server holds for it (ServiceL2Status objects), for bench/k8s-memory.ts.
 *
 * @example
 *   const snapshot = await statusSnapshot(host); // { answering: 10000, heapUsedMb: 30.1, … }
 *   await waitFor('all answered', 60_000, 1000, async () => ((await statusSnapshot(host)).answering >= n ? true : undefined));
 */
import type { Host } from '../../src/lab/index.ts';
import { kubeExpect, type KubeAccess } from '../../test/k8s/kube-request.ts';
import { BenchError } from './errors.ts';

const MB = 2 ** 20;
const STATUSES = '/apis/metallb.io/v1beta1/namespaces/metallb-system/servicel2statuses';

export interface SpeakerSnapshot {
  /** IPs of services answered on some interface. */
  readonly answering: number;
  /** process.memoryUsage() as /status took it, before building its answer; MB. */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
  /** The status publisher's queue and successful creates. */
  readonly statusQueueDepth: number;
  readonly statusCreates: number;
}

interface StatusReply {
  memory: { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  statusWrites?: { queueDepth: number; writes: { create: { ok: number } } };
  services: { ips: string[]; interfaces: string[] }[];
}

async function get(host: Host, port: number, path: string): Promise<string> {
  const result = await host.exec(['curl', '-sf', '-m', '30', `http://127.0.0.1:${port}${path}`]);
  if (result.code !== 0) throw new BenchError('speaker', `${path} failed: ${result.stderr}`);
  return result.stdout;
}

/** One /status answer, summed up (it lists every service: a few MB of JSON at 10,000). */
export async function statusSnapshot(host: Host, port = 7472): Promise<SpeakerSnapshot> {
  const reply = JSON.parse(await get(host, port, '/status')) as StatusReply;
  return {
    answering: reply.services
      .filter((s) => s.interfaces.length > 0)
      .reduce((sum, s) => sum + s.ips.length, 0),
    heapUsedMb: reply.memory.heapUsed / MB,
    heapTotalMb: reply.memory.heapTotal / MB,
    externalMb: reply.memory.external / MB,
    arrayBuffersMb: reply.memory.arrayBuffers / MB,
    statusQueueDepth: reply.statusWrites?.queueDepth ?? NaN,
    statusCreates: reply.statusWrites?.writes.create.ok ?? NaN,
  };
}

/** Announcement frames sent so far: l2speaker_announcements_total over every label. */
export async function announcementsSent(host: Host, port = 7472): Promise<number> {
  const text = await get(host, port, '/metrics');
  return [...text.matchAll(/^l2speaker_announcements_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

/** How many ServiceL2Status objects exist (one list page of one item and its remaining count). */
export async function statusObjectCount(admin: KubeAccess): Promise<number> {
  const res = await kubeExpect(admin, [200], 'GET', `${STATUSES}?limit=1`);
  const list = res.body as { items: unknown[]; metadata: { remainingItemCount?: number } };
  return list.items.length + (list.metadata.remainingItemCount ?? 0);
}

/** Probes every `intervalMs` until it returns a value; rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  intervalMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new BenchError(what, `not done after ${timeoutMs / 1000} s`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}
