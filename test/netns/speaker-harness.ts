/**
 * Helpers for tests that run real speakers in lab hosts: start one and wait for /readyz, capture what
 * crosses an interface with tcpdump, read a capture back with tshark.
 */
import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Host } from '../../src/lab/index.ts';

export const repo = resolve(__dirname, '../..');
export const node24 = join(repo, 'node_modules/.bin/node');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A standalone config: one IPAddressPool with `addresses`, one L2Advertisement choosing interfaces
 * automatically, and a LoadBalancer Service in namespace default per entry of `services` (name -> IPs).
 */
export function labConfig(
  addresses: readonly string[],
  services: Readonly<Record<string, readonly string[]>>,
): string {
  const pool = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lab, namespace: metallb-system }
spec: { addresses: [${addresses.map((a) => `"${a}"`).join(', ')}] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: lab, namespace: metallb-system }
`;
  const serviceDocs = Object.entries(services).map(
    ([name, ips]) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [${ips.map((ip) => `{ ip: "${ip}" }`).join(', ')}] } }
`,
  );
  return pool + serviceDocs.join('');
}

export interface RunningSpeaker {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

export function spawnSpeaker(host: Host, args: string[]): RunningSpeaker {
  const child = host.spawn([node24, join(repo, 'bin/l2speaker.js'), ...args]);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { process: child, output: () => output, exited };
}

export async function waitReady(host: Host, port: number, speaker: RunningSpeaker): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if ((await host.exec(['curl', '-sf', `http://127.0.0.1:${port}/readyz`])).code === 0) return;
    if (speaker.process.exitCode !== null) throw new Error(`speaker exited: ${speaker.output()}`);
    await sleep(100);
  }
  throw new Error(`speaker not ready after 15 s: ${speaker.output()}`);
}

export async function httpGet(host: Host, port: number, path: string): Promise<string> {
  const result = await host.exec(['curl', '-sf', `http://127.0.0.1:${port}${path}`]);
  if (result.code !== 0) throw new Error(`GET ${path} failed: ${result.stderr}`);
  return result.stdout;
}

export interface Capture {
  stop(): Promise<void>;
}

/** tcpdump on the host's eth0 into `file`, running until stop(). */
export async function startCapture(host: Host, file: string): Promise<Capture> {
  const child = host.spawn(['tcpdump', '-i', 'eth0', '-n', '-U', '-w', file]);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let attempt = 0; attempt < 50 && !stderr.includes('listening'); attempt++) await sleep(100);
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    async stop() {
      await sleep(200);
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** One line per frame matching `filter`, with the given tshark fields separated by tabs. */
export async function readCapture(
  host: Host,
  file: string,
  filter: string,
  fields: string[],
): Promise<string[]> {
  const args = ['tshark', '-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  const result = await host.exec(args);
  if (result.code !== 0) throw new Error(`tshark failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line.trim() !== '');
}
