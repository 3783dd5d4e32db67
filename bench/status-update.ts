/**
 * The ServiceL2Status publisher's update() at scale, as the speaker calls it after every plan: 10,000
 * services over 100 members, one ServiceL2Status object per service (each as its owner wrote it), this
 * node owning 1 in 100. Each timed update moves one service between two other members (owners laid over
 * the previous map, as the planner does after a member leaves), with a new interfaces map and live list
 * as the speaker passes them. From the repo:
 *
 *   node_modules/.bin/node bench/status-update.ts [--services 10000] [--nodes 100] [--repeat 50]
 *
 * Prints update()'s time in ms (median, p90, p99, max over --repeat, after 10 untimed updates), with
 * the incremental update and with the reference that re-plans every service (checkEverything); writes
 * bench/results/status-update.json. The API server never answers (no write is due anyway). Every 8th
 * owners map is flattened by OwnerMap (a plain Map, which does not tell its changes): those updates
 * compare every owner, the tail of the incremental figures.
 */
import { parseArgs } from 'node:util';
import type winston from 'winston';
import { OwnerMap } from '../src/speaker/owner-map.ts';
import {
  createStatusPublisher,
  desiredStatus,
  objectName,
  parseServiceKey,
  statusLabels,
  type StatusApi,
  type StatusObject,
} from '../src/status/index.ts';
import { BenchError } from './lib/errors.ts';
import { countOption } from './lib/options.ts';
import { writeResults } from './lib/results.ts';
import { summarize, type Summary } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '100' },
    repeat: { type: 'string', default: '50' },
  },
});

const count = (flag: string, text: string | undefined): number => countOption(flag, text, 2);

const services = count('--services', values.services);
const nodes = count('--nodes', values.nodes);
const repeat = count('--repeat', values.repeat);
const WARMUP = 10;

const nodeNames = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(3, '0')}`);
const self = nodeNames[Math.floor(nodes / 2)] ?? 'node-000';
const keys = Array.from({ length: services }, (_, i) => `bench/svc-${i}`);
const ownerOf = (i: number): string => nodeNames[i % nodes] ?? self;

function objectOf(key: string, node: string, interfaces: readonly string[]): StatusObject {
  const { namespace, name } = parseServiceKey(key);
  return {
    name: objectName(namespace, name, node),
    uid: `uid-${key}`,
    resourceVersion: '1',
    labels: statusLabels(namespace, name, node),
    ownerReferences: [],
    status: desiredStatus(node, key, interfaces),
  };
}

const objects = keys.map((key, i) => objectOf(key, ownerOf(i), ['eth0']));
const never = (): Promise<never> => new Promise(() => undefined);
const api: StatusApi = {
  create: never,
  patchStatus: never,
  delete: never,
  get: never,
  createEvent: never,
  probe: never,
  watch: (handlers) => ({
    start: async () => handlers.onSync(objects),
    stop: async () => undefined,
  }),
};
const clock = { now: () => performance.now(), setTimer: () => ({ cancel: () => undefined }) };
const logger = { warn: () => undefined, info: () => undefined } as unknown as winston.Logger;

function measure(checkEverything: boolean): Summary {
  const publisher = createStatusPublisher({ nodeName: self }, { api, clock, logger, checkEverything });
  let owners: ReadonlyMap<string, string | undefined> = new Map(keys.map((key, i) => [key, ownerOf(i)]));
  const interfacesOf = () =>
    new Map(keys.filter((key) => owners.get(key) === self).map((key) => [key, ['eth0']]));
  const update = () =>
    publisher.update({ owners, interfaces: interfacesOf(), liveNodes: [...nodeNames], refusals: new Map() });
  update();
  const requestsBefore = publisher.stats().requests;
  const samples: number[] = [];
  for (let round = 0; round < WARMUP + repeat; round++) {
    // Service `round` (never this node's) moves to the next member that is not this node either.
    const index = round * nodes + ((nodes / 2 + 1) % nodes);
    const key = keys[index % services] ?? '';
    const next = nodeNames.find((node) => node !== self && node !== owners.get(key)) ?? self;
    owners = OwnerMap.over(owners, new Map([[key, next]]));
    const interfaces = interfacesOf();
    const desired = { owners, interfaces, liveNodes: [...nodeNames], refusals: new Map() };
    const start = performance.now();
    publisher.update(desired);
    const elapsed = performance.now() - start;
    if (round >= WARMUP) samples.push(elapsed);
  }
  if (publisher.stats().requests !== requestsBefore) throw new BenchError('update', 'a write became due');
  void publisher.close();
  return summarize(samples);
}

const results = { incremental: measure(false), everyService: measure(true) };

console.log(`\nupdate() after one owner change: ${services} services x ${nodes} members, ms\n`);
console.log(
  renderTable(
    ['mode', 'median', 'p90', 'p99', 'max'],
    Object.entries(results).map(([mode, s]) => [mode, s.median, s.p90, s.p99, s.max]),
  ),
);
const file = writeResults('status-update', { services, nodes, repeat, results });
console.log(`\nwrote ${file}`);
