/**
 * Driver (run by node_modules/.bin/node in a process of its own, as speakers are): runs one status
 * publisher per node given, each with its own API client (connection pool), and obeys JSON commands on
 * stdin, one per line, answering each with one JSON line on stdout. Requests are also counted
 * independently of the publishers, from node:http's diagnostics channel (every request this process
 * starts).
 *
 *   argv[2]: {"kubeconfig": "...", "namespace": "metallb-system",
 *             "nodes": [{"name": "node-a", "pod": {"name": "speaker-a", "uid": "..."}}], "tunables": {...}}
 *   {"op":"update","owners":[["default/web","node-a"]],"interfaces":{"default/web":["eth0"]},"liveNodes":["node-a"]}
 *   {"op":"waitIdle","timeoutMs":10000}   {"op":"stats"}   {"op":"close"}
 */
import { subscribe } from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import winston from 'winston';
import { kubeHttp, loadKubeTarget } from '../../../src/kubehttp/index.ts';
import {
  startStatusPublisher,
  type StatusDesired,
  type StatusPublisher,
  type StatusTunables,
} from '../../../src/status/index.ts';

interface DriverConfig {
  kubeconfig: string;
  namespace: string;
  nodes: { name: string; pod?: { name: string; uid: string } }[];
  tunables?: StatusTunables & { requestTimeoutMs?: number };
  logLevel?: string;
}

interface Command {
  op: string;
  owners?: [string, string | null][];
  interfaces?: Record<string, string[]>;
  liveNodes?: string[];
  timeoutMs?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DriverConfig;

let httpRequests = 0;
const requestTimes: number[] = [];
subscribe('http.client.request.start', () => {
  httpRequests++;
  requestTimes.push(Date.now());
});

const logger = winston.createLogger({
  level: config.logLevel ?? 'warn',
  format: winston.format.json(),
  transports: [new winston.transports.Stream({ stream: process.stderr })],
});

const publishers = new Map<string, StatusPublisher>();
for (const node of config.nodes) {
  const { requestTimeoutMs, ...tunables } = config.tunables ?? {};
  publishers.set(
    node.name,
    startStatusPublisher({
      http: kubeHttp(loadKubeTarget(config.kubeconfig)),
      namespace: config.namespace,
      nodeName: node.name,
      pod: node.pod,
      logger: logger.child({ node: node.name }),
      requestTimeoutMs,
      ...tunables,
    }),
  );
}

function stats(): unknown {
  return {
    nodes: Object.fromEntries([...publishers].map(([name, p]) => [name, p.stats()])),
    httpRequests,
    requestTimes,
  };
}

async function waitIdle(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const idle = [...publishers.values()].every((p) => {
      const s = p.stats();
      return s.synced && s.queueDepth === 0 && !s.busy;
    });
    quiet = idle ? quiet + 1 : 0;
    if (quiet >= 3) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

async function handle(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'update': {
      const desired: StatusDesired = {
        owners: new Map((command.owners ?? []).map(([svc, owner]) => [svc, owner ?? undefined])),
        interfaces: new Map(Object.entries(command.interfaces ?? {})),
        liveNodes: command.liveNodes ?? [],
      };
      const started = performance.now();
      for (const publisher of publishers.values()) publisher.update(desired);
      return { ok: true, updateMs: performance.now() - started };
    }
    case 'waitIdle':
      return { ok: await waitIdle(command.timeoutMs ?? 10_000) };
    case 'stats':
      return { ok: true, ...(stats() as object) };
    case 'close':
      await Promise.all([...publishers.values()].map((p) => p.close()));
      return { ok: true, ...(stats() as object) };
    default:
      return { ok: false, error: `unknown op ${command.op}` };
  }
}

const lines = createInterface({ input: process.stdin });
let chain = Promise.resolve();
lines.on('line', (line) => {
  chain = chain.then(async () => {
    const command = JSON.parse(line) as Command;
    const answer = await handle(command).catch((err: unknown) => ({ ok: false, error: String(err) }));
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    if (command.op === 'close') process.exit(0);
  });
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
