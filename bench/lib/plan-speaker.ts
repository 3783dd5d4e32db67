/**
 * A real standalone speaker holding N services: bin/l2speaker.js in a lab host with N IPv6 VIPs on eth0
 * (each joins its solicited-node group), its memory read from /proc while it starts, answers, sends the
 * gain schedule's announcements (4 rounds at 2,000 frames/s: 20 s for 10,000) and settles; then its
 * heap from /status, where its resident memory is at rest (smaps by kind of mapping), and the time from
 * SIGTERM to its exit (every address released).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';
import { scaleConfigYaml } from './plan-model.ts';
import { processMemory, residentBy, type ResidentKind } from './proc-memory.ts';

export interface SpeakerMemory {
  readonly services: number;
  /** From spawn to /readyz answering. */
  readonly readyMs: number;
  /** Addresses the speaker answers for, from /status. */
  readonly answering: number;
  /** VmRSS at the end of the run, before /status was asked, and the peak (VmHWM), in MB. */
  readonly rssMb: number;
  readonly peakRssMb: number;
  /** V8's heap as /status reports it (process.memoryUsage() before building the answer), in MB. */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** VmRSS once /status (10,000 services of JSON) was answered. */
  readonly rssAfterStatusMb: number;
  /** From SIGTERM to the process's exit. */
  readonly stopMs: number;
  /** Resident memory at rest (before /status) by kind of mapping. */
  readonly residentByKind: readonly ResidentKind[];
  readonly samples: readonly { readonly atMs: number; readonly rssMb: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

interface StatusReply {
  memory: { heapUsed: number; heapTotal: number };
  services: { ips: string[]; interfaces: string[] }[];
}

async function status(host: Host, port: number): Promise<StatusReply> {
  const result = await host.exec(['curl', '-sf', '-m', '30', `http://127.0.0.1:${port}/status`]);
  if (result.code !== 0) throw new BenchError('speaker', `/status failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusReply;
}

/** Starts the speaker, samples its RSS for `seconds`, and stops it (and the lab). */
export async function measureSpeaker(
  repo: string,
  services: number,
  seconds: number,
  port = 7472,
): Promise<SpeakerMemory> {
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-scale-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, scaleConfigYaml(services));
  const lab = await createLab({ prefix: 'ps' });
  try {
    const host = await lab.addHost('spk', { ipv6: '2001:db8::11/64' });
    const started = performance.now();
    const argv = [join(repo, 'node_modules/.bin/node'), join(repo, 'bin/l2speaker.js')];
    const child = host.spawn([...argv, '--config', file, '--node-name', 'node-000', '--log-level', 'warn']);
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const pid = child.pid;
    if (pid === undefined) throw new BenchError('speaker', 'no pid');
    let readyMs = NaN;
    const samples: { atMs: number; rssMb: number }[] = [];
    while (performance.now() - started < seconds * 1000) {
      if (child.exitCode !== null) throw new BenchError('speaker', `exited ${child.exitCode}: ${output}`);
      samples.push({ atMs: performance.now() - started, rssMb: processMemory(pid).rssMb });
      if (Number.isNaN(readyMs)) {
        const ready = await host.exec(['curl', '-sf', '-m', '1', `http://127.0.0.1:${port}/readyz`]);
        if (ready.code === 0) readyMs = performance.now() - started;
      }
      await sleep(500);
    }
    const { rssMb } = processMemory(pid);
    const resident = residentBy(pid);
    const reply = await status(host, port);
    const answering = reply.services
      .filter((s) => s.interfaces.length > 0)
      .reduce((sum, s) => sum + s.ips.length, 0);
    const after = processMemory(pid);
    const stopping = performance.now();
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    return {
      services,
      readyMs,
      answering,
      rssMb,
      peakRssMb: after.peakMb,
      heapUsedMb: reply.memory.heapUsed / 2 ** 20,
      heapTotalMb: reply.memory.heapTotal / 2 ** 20,
      rssAfterStatusMb: after.rssMb,
      stopMs: performance.now() - stopping,
      residentByKind: resident.kinds,
      samples,
    };
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
