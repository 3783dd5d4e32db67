/**
 * A real standalone speaker holding N services: bin/l2speaker.js in a lab host with N IPv6 VIPs on eth0
 * (each joins its solicited-node group), its memory read from /proc while it starts, answers and sends
 * the gain schedule's announcements.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';
import { scaleConfigYaml } from './plan-model.ts';

export interface SpeakerMemory {
  readonly services: number;
  /** From spawn to /readyz answering. */
  readonly readyMs: number;
  /** Addresses the speaker answers for, from /status. */
  readonly answering: number;
  /** VmRSS once every announcement went out, and the peak (VmHWM), in MB. */
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly samples: readonly { readonly atMs: number; readonly rssMb: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function answering(host: Host, port: number): Promise<number> {
  const result = await host.exec(['curl', '-sf', '-m', '30', `http://127.0.0.1:${port}/status`]);
  if (result.code !== 0) return 0;
  const status = JSON.parse(result.stdout) as { services: { ips: string[]; interfaces: string[] }[] };
  return status.services.filter((s) => s.interfaces.length > 0).reduce((sum, s) => sum + s.ips.length, 0);
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
      samples.push({ atMs: performance.now() - started, rssMb: memoryOf(pid).rss });
      if (Number.isNaN(readyMs)) {
        const ready = await host.exec(['curl', '-sf', '-m', '1', `http://127.0.0.1:${port}/readyz`]);
        if (ready.code === 0) readyMs = performance.now() - started;
      }
      await sleep(500);
    }
    const count = await answering(host, port);
    const { rss, peak } = memoryOf(pid);
    child.kill('SIGTERM');
    return { services, readyMs, answering: count, rssMb: rss, peakRssMb: peak, samples };
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
