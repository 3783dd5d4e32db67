/**
 * Jest side of the status drivers: spawns test/k8s/drivers/status-publishers.ts under Node 24 (its
 * publishers are processes apart from the test, as speakers are) and talks to it one JSON line at a time; reads the
 * ServiceL2Status objects straight from the API server to check what the publishers made.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { kubeExpect, type KubeAccess } from '../kube-request.ts';
import { installCrds, startApiServer, type ApiServer } from '../server.ts';

const repo = resolve(__dirname, '../../..');
const node24 = resolve(repo, 'node_modules/.bin/node');
const driverScript = resolve(__dirname, 'status-publishers.ts');

export const NAMESPACE = 'metallb-system';
export const collection = `/apis/metallb.io/v1beta1/namespaces/${NAMESPACE}/servicel2statuses`;

export interface DriverNode {
  name: string;
  pod?: { name: string; uid: string };
}

export interface PublisherStats {
  writes: Record<string, Record<string, number>>;
  deletes: Record<string, number>;
  gets: Record<string, number>;
  requests: number;
  requestsWhileBreakerOpen: number;
  breakerOpen: boolean;
  breakerOpened: number;
  queueDepth: number;
  busy: boolean;
  synced: boolean;
  resyncs: number;
  objects: number;
}

export interface DriverStats {
  ok: boolean;
  nodes: Record<string, PublisherStats>;
  httpRequests: number;
  requestTimes: number[];
}

export class DriverError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(`${message}\n${stderr.slice(-4000)}`);
    this.name = 'DriverError';
    this.stderr = stderr;
  }
}

export class PublisherDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    child.stderr.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-200_000)),
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(line);
      else this.answers.push(line);
    });
  }

  static async start(config: {
    kubeconfig: string;
    nodes: DriverNode[];
    tunables?: Record<string, number>;
    logLevel?: string;
  }): Promise<PublisherDriver> {
    const child = spawn(node24, [driverScript, JSON.stringify({ namespace: NAMESPACE, ...config })], {
      cwd: repo,
    });
    const driver = new PublisherDriver(child);
    await driver.readLine(30_000);
    return driver;
  }

  get logs(): string {
    return this.stderr;
  }

  async send<T = { ok: boolean }>(command: object, timeoutMs = 120_000): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const answer = JSON.parse(await this.readLine(timeoutMs)) as T & { ok: boolean; error?: string };
    if (answer.ok === false) throw new DriverError(`driver: ${answer.error ?? 'failed'}`, this.stderr);
    return answer;
  }

  update(
    owners: [string, string | undefined][],
    liveNodes: string[],
    interfaces: Record<string, string[]> = {},
  ) {
    return this.send<{ ok: boolean; updateMs: number }>({
      op: 'update',
      owners: owners.map(([svc, owner]) => [svc, owner ?? null]),
      interfaces,
      liveNodes,
    });
  }

  async waitIdle(timeoutMs = 20_000): Promise<boolean> {
    return (
      await this.send<{ ok: boolean }>({ op: 'waitIdle', timeoutMs }, timeoutMs + 5_000).catch(() => ({
        ok: false,
      }))
    ).ok;
  }

  stats(): Promise<DriverStats> {
    return this.send<DriverStats>({ op: 'stats' });
  }

  close(): Promise<DriverStats> {
    return this.send<DriverStats>({ op: 'close' }, 60_000);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private readLine(timeoutMs: number): Promise<string> {
    const queued = this.answers.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new DriverError(`driver: no answer in ${timeoutMs} ms`, this.stderr));
      }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolveLine(line);
      };
    });
  }
}

export interface ObservedStatus {
  name: string;
  uid: string;
  labels: Record<string, string>;
  ownerReferences: { kind: string; name: string; uid: string }[];
  status?: {
    node?: string;
    serviceName?: string;
    serviceNamespace?: string;
    interfaces?: { name: string }[];
  };
}

interface RawList {
  items: {
    metadata: {
      name: string;
      uid: string;
      labels?: Record<string, string>;
      ownerReferences?: { kind: string; name: string; uid: string }[];
    };
    status?: ObservedStatus['status'];
  }[];
}

export async function listStatuses(access: KubeAccess): Promise<ObservedStatus[]> {
  const res = await kubeExpect(access, [200], 'GET', collection);
  return (res.body as RawList).items.map((item) => ({
    name: item.metadata.name,
    uid: item.metadata.uid,
    labels: item.metadata.labels ?? {},
    ownerReferences: item.metadata.ownerReferences ?? [],
    status: item.status,
  }));
}

/** Objects of each service, by "namespace/name" from the labels. */
export function byService(objects: ObservedStatus[]): Map<string, ObservedStatus[]> {
  const map = new Map<string, ObservedStatus[]>();
  for (const o of objects) {
    const key = `${o.labels['metallb.io/service-namespace']}/${o.labels['metallb.io/service-name']}`;
    map.set(key, [...(map.get(key) ?? []), o]);
  }
  return map;
}

/** Exactly one object per owned service, its status written for its owner; nothing else. */
export function converged(
  objects: ObservedStatus[],
  owners: Map<string, string>,
  interfaces: string[],
): boolean {
  const services = byService(objects);
  if (services.size !== owners.size) return false;
  for (const [svc, owner] of owners) {
    const list = services.get(svc) ?? [];
    const only = list[0];
    if (list.length !== 1 || only === undefined) return false;
    if (only.labels['metallb.io/node'] !== owner || only.status?.node !== owner) return false;
    const names = (only.status.interfaces ?? []).map((i) => i.name).join(',');
    if (names !== interfaces.join(',')) return false;
  }
  return true;
}

export async function waitConverged(
  access: KubeAccess,
  owners: Map<string, string>,
  interfaces: string[],
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (converged(await listStatuses(access), owners, interfaces)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`not converged in ${timeoutMs} ms: ${JSON.stringify(await listStatuses(access))}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Creates an object as another writer would (admin access), status written through /status. */
export async function createForeign(
  access: KubeAccess,
  name: string,
  labels: Record<string, string>,
  status: object | undefined,
  ownerReferences: object[] = [],
): Promise<string> {
  const created = await kubeExpect(access, [201], 'POST', collection, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'ServiceL2Status',
    metadata: { name, labels, ownerReferences },
  });
  if (status !== undefined)
    await kubeExpect(
      access,
      [200],
      'PATCH',
      `${collection}/${name}/status`,
      { status },
      'application/merge-patch+json',
    );
  return (created.body as { metadata: { uid: string } }).metadata.uid;
}

export interface StatusServer {
  /** The running server (throws before beforeAll has started it). */
  server(): ApiServer;
  /** Drivers to kill (printing their logs when STATUS_DRIVER_LOGS is set) before the server stops. */
  readonly drivers: PublisherDriver[];
}

/**
 * A real API server with MetalLB's CRDs and the speaker namespace for the calling test file: started in
 * beforeAll, stopped in afterAll (resumed first if a test paused it, its drivers killed before).
 */
export function useStatusServer(): StatusServer {
  let server: ApiServer | undefined;
  const drivers: PublisherDriver[] = [];
  beforeAll(async () => {
    server = await startApiServer();
    await installCrds(server.access);
    await kubeExpect(server.access, [201], 'POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } });
  }, 600_000);
  afterAll(async () => {
    server?.resume();
    for (const driver of drivers) {
      if (process.env['STATUS_DRIVER_LOGS'] !== undefined) console.log(driver.logs);
      driver.kill();
    }
    await server?.stop();
  });
  return {
    server: () => {
      if (server === undefined) throw new Error('API server not started');
      return server;
    },
    drivers,
  };
}
