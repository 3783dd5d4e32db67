/**
 * l2speaker in the failover rig: one standalone speaker per node gossiping with memberlist (encrypted),
 * one LoadBalancer service whose VIP they elect an owner for, the owner read from each speaker's /status
 * (the node whose data plane answers for the VIP), and restarts.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src/lab/index.ts';
import { BenchError } from './errors.ts';
import { waitUntil } from './failover-rig.ts';
import { speakerConfig } from './speaker-config.ts';

export const METRICS_PORT = 7472;

interface Status {
  members: { name: string; state: string }[];
  services: { ips: string[]; interfaces: string[] }[];
}

export interface SpeakerCluster {
  readonly nodes: readonly Host[];
  /** The node's speaker process, or undefined while it is stopped. */
  process(node: Host): ChildProcess | undefined;
  start(node: Host): Promise<void>;
  /** Sends `signal` and waits for the process to end. */
  stop(node: Host, signal: NodeJS.Signals): Promise<void>;
  /** The node answering for the VIP when every running speaker agrees on one and lists all as alive. */
  stableOwner(): Promise<Host | undefined>;
  /** Waits for stableOwner() and returns it. */
  waitStable(timeoutMs: number): Promise<Host>;
  /** Stops every speaker and removes the config. */
  close(): Promise<void>;
}

export interface SpeakerClusterOptions {
  node24: string;
  repo: string;
  vip: string;
  /** An IPv6 VIP of the same service (a dual-stack service); none by default. */
  vip6?: string;
  nodes: readonly Host[];
}

async function status(node: Host): Promise<Status | undefined> {
  const result = await node.exec(['curl', '-sf', '-m', '1', `http://127.0.0.1:${METRICS_PORT}/status`]);
  return result.code === 0 ? (JSON.parse(result.stdout) as Status) : undefined;
}

/** Starts a speaker on every node (each ready) and returns the cluster. */
export async function startSpeakers(options: SpeakerClusterOptions): Promise<SpeakerCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-failover-'));
  const configFile = join(dir, 'l2speaker.yaml');
  const vips = options.vip6 === undefined ? [options.vip] : [options.vip, options.vip6];
  writeFileSync(
    configFile,
    speakerConfig(
      vips.map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`)),
      vips,
    ),
  );
  mkdirSync(join(dir, 'secret'));
  writeFileSync(join(dir, 'secret', 'secretkey'), 'R2L6lTqlR8gbvLFcM9Oc7w');
  const peers = options.nodes.map((n) => `${n.ipv4}:7946`).join(',');
  const processes = new Map<Host, ChildProcess>();
  const argv = (node: Host): string[] => [
    options.node24,
    join(options.repo, 'bin/l2speaker.js'),
    ...['--config', configFile, '--node-name', node.name, '--log-level', 'warn'],
    ...['--ml-bindaddr', node.ipv4 ?? '', '--ml-peers', peers],
    ...['--ml-secret-key-path', join(dir, 'secret'), '--ml-join-timeout-ms', '3000'],
  ];
  const cluster: SpeakerCluster = {
    nodes: options.nodes,
    process: (node) => processes.get(node),
    async start(node) {
      const child = node.spawn(argv(node), { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      processes.set(node, child);
      await waitUntil(`speaker ${node.name} ready`, 30_000, async () => {
        if (child.exitCode !== null)
          throw new BenchError(`speaker ${node.name}`, `exit ${child.exitCode}: ${stderr}`);
        const result = await node.exec(['curl', '-sf', '-m', '1', `http://127.0.0.1:${METRICS_PORT}/readyz`]);
        return result.code === 0;
      });
    },
    async stop(node, signal) {
      const child = processes.get(node);
      if (!child) return;
      processes.delete(node);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill(signal);
      await exited;
    },
    async stableOwner() {
      const running = options.nodes.filter((node) => processes.has(node));
      const views = await Promise.all(running.map(status));
      const owners = running.filter((_, i) =>
        views[i]?.services.some((s) => s.ips.includes(options.vip) && s.interfaces.length > 0),
      );
      const whole = views.every(
        // Suspect counts as live: a refuted suspicion can linger in /status (seen for 30 s and more).
        (v) =>
          v &&
          v.members.filter((m) => m.state === 'alive' || m.state === 'suspect').length === running.length,
      );
      return whole && owners.length === 1 ? owners[0] : undefined;
    },
    async waitStable(timeoutMs) {
      let owner: Host | undefined;
      try {
        await waitUntil(
          'one l2speaker owner',
          timeoutMs,
          async () => (owner = await cluster.stableOwner()) !== undefined,
        );
      } catch (err) {
        const views = await Promise.all(options.nodes.map(status));
        const shown = views.map((v, i) => `${options.nodes[i]?.name}: ${JSON.stringify(v)}`).join('\n');
        throw new BenchError('l2speaker cluster not stable', `${(err as Error).message}\n${shown}`);
      }
      return owner as Host;
    },
    async close() {
      await Promise.all(options.nodes.map((node) => cluster.stop(node, 'SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await Promise.all(options.nodes.map((node) => cluster.start(node)));
  return cluster;
}
