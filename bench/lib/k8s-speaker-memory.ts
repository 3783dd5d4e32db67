/**
 * A real speaker in Kubernetes mode holding N services, measured: the test API server on a lab bridge
 * (test/k8s/speaker-lab.ts: MetalLB's CRDs, deploy/'s namespace, ServiceAccount and RBAC, one Node),
 * N IPv6 LoadBalancer Services with ready endpoints on that node, one pool and one advertisement; then
 * bin/l2speaker.js in the node's namespace with the ServiceAccount's kubeconfig (memberlist on, as
 * deploy/daemonset.yaml runs it, with its own Pod as the only member, or off), owning every IP.
 * Its RSS and its children's (the membership process) are read from /proc every second, from its start
 * until all N IPs are answered and `restSeconds` more (its announcements, 4 rounds at 2,000 frames/s,
 * take 20 s at 10,000, and the heap settler collects 10 s later).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from './errors.ts';
import {
  createLoadBalancerServices,
  createPoolAndAdvertisement,
  createServiceL2Statuses,
  kubeSender,
} from './k8s-populate.ts';
import {
  announcementsSent,
  statusObjectCount,
  statusSnapshot,
  waitFor,
  type SpeakerSnapshot,
} from './k8s-speaker-status.ts';
import {
  childPids,
  commandLine,
  footprintOf,
  processMemory,
  proportionalMemory,
  residentBy,
  startEnv,
  type Footprint,
  type ResidentKind,
} from './proc-memory.ts';

export interface K8sMemoryRun {
  readonly services: number;
  readonly memberlist: boolean;
  /** How long to keep sampling once everything is answered and written. */
  readonly restSeconds: number;
  /** Where the speaker writes a heap snapshot at the end of the rest (SIGUSR2), if given. */
  readonly heapSnapshotDir?: string;
  readonly concurrency: number;
  /**
   * The ServiceL2Status objects are there before the speaker starts (memberlist runs only: they are
   * owned by its Pod), so the rest is the steady state; otherwise it writes them at 20/s meanwhile.
   */
  readonly statusesWritten: boolean;
}

export interface MemorySample {
  readonly atMs: number;
  readonly rssMb: number;
  /** Every child's RSS added up (the membership process). */
  readonly childrenRssMb: number;
}

export interface K8sSpeakerMemory {
  readonly run: K8sMemoryRun;
  readonly populateMs: number;
  /** From spawn: /readyz answered, every IP answered (/status). */
  readonly readyMs: number;
  readonly answeredMs: number;
  /**
   * ServiceL2Status objects at the end. The publisher writes at 20 requests/s (src/status/options.ts):
   * 10,000 new objects take minutes, so the rest is measured while it still writes (end.statusQueueDepth).
   */
  readonly statusObjects: number;
  /** The speaker's RSS at rest (median of the last 10 s of samples, before any HTTP request), its peak. */
  readonly restRssMb: number;
  readonly peakRssMb: number;
  readonly restAnonMb: number;
  readonly restFileMb: number;
  /** Each child process at the end: command, RSS at rest, peak, PSS and USS. */
  readonly children: readonly {
    command: string;
    rssMb: number;
    peakMb: number;
    pssMb: number;
    ussMb: number;
  }[];
  /** The speaker and its membership process at rest, RSS, PSS and USS read together, and their sums. */
  readonly footprint: readonly Footprint[];
  /** L2SPEAKER_CODE as bin/l2speaker.js set it for its children: 'dist' or 'src' (none: no child). */
  readonly codeTree: string | undefined;
  /** Where the speaker's resident pages are, at rest. */
  readonly residentByKind: readonly ResidentKind[];
  readonly largestAnon: ReturnType<typeof residentBy>['largestAnon'];
  /** The speaker's /status after the rest: heap, answering, status writes; RSS once it answered. */
  readonly end: SpeakerSnapshot;
  readonly rssAfterStatusMb: number;
  /** Announcement frames sent (l2speaker_announcements_total), read after /status. */
  readonly announcements: number;
  /** From SIGTERM to the speaker's exit. */
  readonly stopMs: number;
  /** The heap snapshot's path (--heap-snapshot), taken last, after every reading above. */
  readonly heapSnapshot: string | undefined;
  /** The test API server's RSS at the end (context: it runs on the same machine). */
  readonly apiServerRssMb: number;
  readonly samples: readonly MemorySample[];
}

const POOL = '2001:db8::1:0/112';
const vip = (i: number): string => `2001:db8::1:${(i + 1).toString(16)}`;
const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Imports test/k8s (written for Jest: it reads __dirname) from native ESM. */
async function testK8s() {
  const dir = join(import.meta.dirname, '../../test/k8s');
  Object.assign(globalThis, { __dirname: dir });
  process.env['METALLB_CRDS'] ??= join(import.meta.dirname, '../../deploy/crds');
  return {
    ...(await import('../../test/k8s/speaker-lab.ts')),
    ...(await import('../../test/k8s/memberlist-lab.ts')),
  };
}

/** Asks `pid` for a heap snapshot (--heapsnapshot-signal) and waits until its file stops growing. */
async function takeHeapSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let size = -1;
  return waitFor('heap snapshot', 120_000, 1000, async () => {
    const name = readdirSync(dir).find((file) => file.endsWith('.heapsnapshot') && !before.has(file));
    if (name === undefined) return undefined;
    const path = join(dir, name);
    const now = statSync(path).size;
    if (now > 0 && now === size) return path;
    size = now;
    return undefined;
  });
}

/** Builds the cluster, runs the speaker, samples it, stops it; always tears the lab down. */
export async function measureK8sSpeaker(run: K8sMemoryRun): Promise<K8sSpeakerMemory> {
  const k8s = await testK8s();
  const env = await k8s.createSpeakerLab('km', ['spk']);
  const sender = kubeSender(env.admin, run.concurrency);
  try {
    const node = env.nodes[0];
    if (node === undefined) throw new BenchError('lab', 'no node host');
    await k8s.addIpv6(env);
    const populateStarted = performance.now();
    await sender.send('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    await createPoolAndAdvertisement(sender.send, k8s.NS, [POOL]);
    await createLoadBalancerServices(sender.send, run.concurrency, {
      count: run.services,
      namespace: 'bench',
      vip,
      endpoint: '2001:db8:7::1',
      nodeOf: () => node.name,
      localEvery: 10,
    });
    const populateMs = performance.now() - populateStarted;
    console.log(`populated ${run.services} Services + EndpointSlices in ${(populateMs / 1000).toFixed(1)} s`);
    let flags: string[] = [];
    if (run.memberlist) {
      await k8s.createMemberlistSecret(env.admin);
      const podUids = await k8s.createSpeakerPods(env);
      flags = k8s.memberlistFlags(node);
      const uid = podUids.get(node.name);
      if (run.statusesWritten && uid !== undefined) {
        const writing = performance.now();
        await createServiceL2Statuses(sender.send, run.concurrency, {
          count: run.services,
          namespace: 'bench',
          speakerNamespace: k8s.NS,
          node: node.name,
          pod: { name: `speaker-${node.name}`, uid },
          interfaces: ['eth0'],
        });
        console.log(
          `wrote ${run.services} ServiceL2Statuses in ${((performance.now() - writing) / 1000).toFixed(1)} s`,
        );
      }
    }

    const started = performance.now();
    const samples: MemorySample[] = [];
    let pid: number | undefined;
    const sample = (): void => {
      if (pid === undefined) return;
      const children = childPids(pid).map((child) => processMemory(child).rssMb);
      samples.push({
        atMs: performance.now() - started,
        rssMb: processMemory(pid).rssMb,
        childrenRssMb: children.reduce((sum, rss) => sum + rss, 0),
      });
    };
    const sampler = setInterval(sample, 1000);
    try {
      // bin/l2speaker.js keeps Node's options when it re-executes itself, and NODE_OPTIONS reaches it.
      const nodeOptions = process.env['NODE_OPTIONS'];
      if (run.heapSnapshotDir !== undefined)
        process.env['NODE_OPTIONS'] = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${run.heapSnapshotDir}`;
      const speaker = await env.startSpeaker(node, [...flags, '--log-level', 'info']).finally(() => {
        if (nodeOptions === undefined) delete process.env['NODE_OPTIONS'];
        else process.env['NODE_OPTIONS'] = nodeOptions;
      });
      pid = speaker.process.pid;
      const readyMs = performance.now() - started;
      const answeredMs = await waitFor('every IP answered', 600_000, 3000, async () => {
        const snapshot = await statusSnapshot(node);
        return snapshot.answering >= run.services ? performance.now() - started : undefined;
      });
      console.log(`every IP answered after ${(answeredMs / 1000).toFixed(1)} s`);
      await new Promise((done) => setTimeout(done, run.restSeconds * 1000));
      clearInterval(sampler);
      if (pid === undefined) throw new BenchError('speaker', 'no pid');
      const lastAt = samples.at(-1)?.atMs ?? 0;
      const last10s = samples.filter((s) => s.atMs >= lastAt - 10_000);
      const atRest = processMemory(pid);
      const resident = residentBy(pid);
      const children = childPids(pid).map((child) => ({
        pid: child,
        command: commandLine(child),
        code: startEnv(child, 'L2SPEAKER_CODE'),
        ...processMemory(child),
        ...proportionalMemory(child),
      }));
      const footprint = footprintOf({ ...atRest, ...proportionalMemory(pid) }, children);
      const end = await statusSnapshot(node);
      const after = processMemory(pid);
      const announcements = await announcementsSent(node);
      const heapSnapshot =
        run.heapSnapshotDir === undefined ? undefined : await takeHeapSnapshot(pid, run.heapSnapshotDir);
      const stopping = performance.now();
      speaker.process.kill('SIGTERM');
      await Promise.race([speaker.exited, new Promise((done) => setTimeout(done, 30_000))]);
      const stopMs = performance.now() - stopping;
      return {
        run,
        populateMs,
        readyMs,
        answeredMs,
        statusObjects: await statusObjectCount(env.admin),
        restRssMb: median(last10s.map((s) => s.rssMb)),
        peakRssMb: atRest.peakMb,
        restAnonMb: atRest.anonMb,
        restFileMb: atRest.fileMb,
        children: children.map(({ command, rssMb, peakMb, pssMb, ussMb }) => ({
          command,
          rssMb,
          peakMb,
          pssMb,
          ussMb,
        })),
        footprint,
        codeTree: children[0]?.code,
        residentByKind: resident.kinds,
        largestAnon: resident.largestAnon,
        end,
        rssAfterStatusMb: after.rssMb,
        announcements,
        stopMs,
        heapSnapshot,
        apiServerRssMb: env.server.pid === undefined ? NaN : processMemory(env.server.pid).rssMb,
        samples,
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    sender.close();
    await env.destroy();
  }
}
