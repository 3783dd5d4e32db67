/**
 * The three ARP responders compared by the benchmarks, each with the IP it answers and a start/stop
 * pair: the kernel (nothing to start), the C baseline and l2speaker, each pinned to the responder CPU.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src/lab/index.ts';
import { waitForAnswer } from './arping.ts';
import { C_RESPONDER_IP, KERNEL_IP, SPEAKER_VIP } from './bench-lab.ts';
import { buildBaseline } from './build.ts';
import { BenchError } from './errors.ts';
import type { ResponderName } from './options.ts';
import { REPO } from './results.ts';
import { speakerConfig } from './speaker-config.ts';

export interface Responder {
  name: ResponderName;
  ip: string;
  /** Where the answering code runs, for the report. */
  cpu: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ResponderContext {
  client: Host;
  responder: Host;
  /** A CPU number, or 'all': the process may run on every CPU (a per-CPU responder's natural state). */
  responderCpu: string;
}

/** The CPU list taskset takes for a responder CPU option. */
function tasksetCpus(cpu: string): string {
  return cpu === 'all' ? `0-${availableParallelism() - 1}` : cpu;
}

const SPEAKER_READY_MS = 20_000;

/** Stops a child with SIGTERM and waits for it to exit. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Resolves when the child prints `marker`, rejects if it exits first. */
async function waitForOutput(child: ChildProcess, marker: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(marker)) resolve();
    });
    child.once('exit', (code) =>
      reject(new BenchError('starting a responder', `exited ${code} before '${marker}'`)),
    );
  });
}

function kernelResponder(): Responder {
  return {
    name: 'kernel',
    ip: KERNEL_IP,
    cpu: 'softirq',
    start: async () => undefined,
    stop: async () => undefined,
  };
}

function cResponder(ctx: ResponderContext): Responder {
  const binary = buildBaseline('c-responder');
  let child: ChildProcess | undefined;
  return {
    name: 'c',
    ip: C_RESPONDER_IP,
    cpu: ctx.responderCpu,
    async start() {
      const argv = [
        'taskset',
        '-c',
        tasksetCpus(ctx.responderCpu),
        binary,
        ctx.responder.ifname,
        C_RESPONDER_IP,
      ];
      child = ctx.responder.spawn(argv, { stdio: ['ignore', 'pipe', 'inherit'] });
      await waitForOutput(child, 'ready');
    },
    async stop() {
      if (child) await terminate(child);
    },
  };
}

function speakerResponder(ctx: ResponderContext): Responder {
  let child: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-bench-'));
  const config = join(dir, 'l2speaker.yaml');
  return {
    name: 'l2speaker',
    ip: SPEAKER_VIP,
    cpu: ctx.responderCpu,
    async start() {
      writeFileSync(config, speakerConfig('192.0.2.200/29', SPEAKER_VIP));
      const node = join(REPO, 'node_modules/.bin/node');
      const flags = [
        '--config',
        config,
        '--node-name',
        'bench',
        '--metrics-port',
        '7472',
        '--log-level',
        'warn',
      ];
      const argv = [
        'taskset',
        '-c',
        tasksetCpus(ctx.responderCpu),
        node,
        join(REPO, 'bin/l2speaker.js'),
        ...flags,
      ];
      child = ctx.responder.spawn(argv, { stdio: ['ignore', 'inherit', 'inherit'] });
      let gone = false;
      const exited = once(child, 'exit').then(([code]) => {
        gone = true;
        if (!answering) throw new BenchError('starting l2speaker', `exited ${String(code)} before answering`);
      });
      let answering = false;
      await Promise.race([waitForAnswer(ctx.client, SPEAKER_VIP, SPEAKER_READY_MS, () => gone), exited]);
      answering = true;
    },
    async stop() {
      if (child) await terminate(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ResponderHosts {
  client: Host;
  responder: Host;
}

/** The responders named in `names`: the kernel once, each process once per CPU of `cpus`. */
export function makeResponders(
  names: readonly ResponderName[],
  hosts: ResponderHosts,
  cpus: readonly string[],
): Responder[] {
  const factories: Record<ResponderName, (ctx: ResponderContext) => Responder> = {
    kernel: kernelResponder,
    c: cResponder,
    l2speaker: speakerResponder,
  };
  return names.flatMap((name) =>
    name === 'kernel'
      ? [kernelResponder()]
      : cpus.map((responderCpu) => factories[name]({ ...hosts, responderCpu })),
  );
}
