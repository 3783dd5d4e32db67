/**
 * A lab for Kubernetes-mode speakers: the test API server as a lab host on the bridge, node hosts running
 * real `bin/l2speaker.js` processes with the l2speaker ServiceAccount's kubeconfig, a client host that
 * asks who answers for a VIP (arping), and admin helpers to change the cluster.
 */
import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { installCrds, kubeExpect, startApiServer, type ApiServer, type KubeAccess } from './server.ts';
import { SPEAKER_NAMESPACE, speakerAccess } from './service-account.ts';

const repo = resolve(__dirname, '../..');
const node24 = join(repo, 'node_modules/.bin/node');
export const NS = SPEAKER_NAMESPACE;
export const METRICS_PORT = 7472;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface K8sSpeaker {
  readonly host: Host;
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

export interface SpeakerLab {
  readonly lab: Lab;
  readonly server: ApiServer;
  readonly admin: KubeAccess;
  readonly nodes: Host[];
  readonly client: Host;
  readonly speakers: Map<string, K8sSpeaker>;
  /** Starts the speaker of `node` with `extra` flags and waits for /readyz. */
  startSpeaker(node: Host, extra?: readonly string[]): Promise<K8sSpeaker>;
  destroy(): Promise<void>;
}

export async function createSpeakerLab(prefix: string, nodeNames: readonly string[]): Promise<SpeakerLab> {
  const lab = await createLab({ prefix });
  let server: ApiServer | undefined;
  const speakers = new Map<string, K8sSpeaker>();
  try {
    const api = await lab.addHost('api', { ipv4: '192.0.2.250/24' });
    const nodes: Host[] = [];
    for (const [i, name] of nodeNames.entries())
      nodes.push(await lab.addHost(name, { ipv4: `192.0.2.${11 + i}/24` }));
    const client = await lab.addHost('cli', { ipv4: '192.0.2.100/24' });
    server = await startApiServer({ spawn: (argv) => api.spawn(argv), bindAddress: '192.0.2.250' });
    const admin = server.access;
    await installCrds(admin);
    const { kubeconfig } = await speakerAccess(server);
    for (const node of nodes)
      await kubeExpect(admin, [201], 'POST', '/api/v1/nodes', {
        metadata: { name: node.name, labels: { 'kubernetes.io/hostname': node.name } },
      });
    const running = server;
    return {
      lab,
      server: running,
      admin,
      nodes,
      client,
      speakers,
      async startSpeaker(node, extra = []) {
        const child = node.spawn([
          node24,
          join(repo, 'bin/l2speaker.js'),
          ...['--node-name', node.name, '--namespace', NS, '--kubeconfig', kubeconfig],
          ...['--metrics-port', String(METRICS_PORT), '--log-level', 'debug', ...extra],
        ]);
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
        const speaker = { host: node, process: child, output: () => output, exited };
        speakers.set(node.name, speaker);
        for (let attempt = 0; attempt < 300; attempt++) {
          const ready = await node.exec(['curl', '-sf', `http://127.0.0.1:${METRICS_PORT}/readyz`]);
          if (ready.code === 0) return speaker;
          if (child.exitCode !== null) throw new Error(`speaker ${node.name} exited: ${output}`);
          await sleep(100);
        }
        throw new Error(`speaker ${node.name} not ready after 30 s: ${output}`);
      },
      async destroy() {
        for (const speaker of speakers.values()) speaker.process.kill('SIGKILL');
        await running.stop();
        await lab.destroy();
      },
    };
  } catch (err) {
    for (const speaker of speakers.values()) speaker.process.kill('SIGKILL');
    await server?.stop();
    await lab.destroy();
    throw err;
  }
}

/** The MACs that answered an arping burst for `ip` from `client`. */
export async function answeringMacs(client: Host, ip: string): Promise<string[]> {
  const result = await client.exec(['arping', '-c', '2', '-W', '0.05', '-I', 'eth0', ip]);
  return [
    ...new Set([...result.stdout.matchAll(/bytes from ([0-9a-f:]{17})/g)].map((m) => m[1] ?? '')),
  ].sort();
}

/**
 * Waits until exactly the hosts of `expected` answer for `ip` (none: nobody answers), and stays so for
 * a second; returns their names. Rejects after `timeoutMs` with what answered last.
 */
export async function waitAnswering(
  client: Host,
  nodes: readonly Host[],
  ip: string,
  expected: readonly string[],
  timeoutMs = 15_000,
): Promise<void> {
  const names = (macs: readonly string[]): string[] =>
    macs.map((mac) => nodes.find((n) => n.mac === mac)?.name ?? mac).sort();
  const want = [...expected].sort().join(',');
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  let since: number | undefined;
  for (;;) {
    seen = names(await answeringMacs(client, ip));
    if (seen.join(',') === want) {
      since ??= Date.now();
      if (Date.now() - since >= 1000) return;
    } else since = undefined;
    if (Date.now() > deadline)
      throw new Error(`${ip}: expected [${want}] to answer, saw [${seen.join(',')}]`);
    await sleep(200);
  }
}

/** Waits until exactly one node answers for `ip`; its name. */
export async function waitSingleOwner(
  client: Host,
  nodes: readonly Host[],
  ip: string,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const macs = await answeringMacs(client, ip);
    const owner = macs.length === 1 ? nodes.find((n) => n.mac === macs[0]) : undefined;
    if (owner !== undefined) return owner.name;
    if (Date.now() > deadline) throw new Error(`${ip}: no single owner, saw [${macs.join(',')}]`);
    await sleep(200);
  }
}
