/**
 * The data plane's apply() at scale, as the speaker calls it after every plan: this node answering
 * --addresses IPv6 VIPs on eth0 (the standalone speaker of bench/plan.ts holds all 10,000), the native
 * addon replaced by a stand-in that does nothing, so only the data plane's own work is timed. Each timed
 * apply is a new plan's list (new objects, equal contents) with one address swapped for another. From
 * the repo:
 *
 *   node_modules/.bin/node bench/dataplane-apply.ts [--addresses 10000] [--repeat 50]
 *
 * Prints the first apply (every address bound) and the re-applies in ms (median, p90, p99, max over
 * --repeat, after 5 untimed ones); writes bench/results/dataplane-apply.json.
 */
import { parseArgs } from 'node:util';
import {
  Dataplane,
  type Clock,
  type DesiredAddress,
  type InterfaceState,
  type NativePort,
} from '../src/dataplane/index.ts';
import { countOption } from './lib/options.ts';
import { writeResults } from './lib/results.ts';
import { summarize } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    addresses: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '50' },
  },
});

const count = (flag: string, text: string | undefined): number => countOption(flag, text, 2);

const addresses = count('--addresses', values.addresses);
const repeat = count('--repeat', values.repeat);
const WARMUP = 5;

const eth0: InterfaceState = {
  name: 'eth0',
  mac: '02:00:00:00:00:11',
  up: true,
  broadcast: true,
  noArp: false,
  loopback: false,
  enslaved: false,
  cidrs: ['198.51.100.11/24', '2001:db8::11/64'],
};

const native: NativePort = {
  openResponder: () => ({
    ifindex: 2,
    addAddress: () => undefined,
    removeAddress: () => undefined,
    setMac: () => undefined,
    send: () => undefined,
    addMembership: () => undefined,
    dropMembership: () => undefined,
    counters: () => ({}),
    addressCounters: () => [],
    close: () => undefined,
  }),
  openGroupMemberships: () => ({ join: () => undefined, leave: () => undefined, close: () => undefined }),
};

/** Timers never fire: announcements wait in the pacer, untimed. */
const clock: Clock = { now: () => performance.now(), setTimeout: () => ({}), clearTimeout: () => undefined };
const quiet = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

const ip = (i: number): string => `2001:db8:1::${(i + 1).toString(16)}`;
const plan = (swap: number): DesiredAddress[] =>
  Array.from({ length: addresses }, (_, i) => ({
    ip: i === swap % addresses ? ip(addresses + swap) : ip(i),
    interfaces: undefined,
    service: `bench/svc-${i}`,
  }));

const dataplane = new Dataplane(
  { native, readInterfaces: () => [eth0], clock, logger: quiet },
  { announceScheduleMs: [0, 500, 1000, 2000], interfaceRefreshMs: 3_600_000, conflictReannounceMs: 10_000 },
);
const startedAt = performance.now();
dataplane.apply(plan(-1));
const firstMs = performance.now() - startedAt;
const times: number[] = [];
for (let i = 0; i < WARMUP + repeat; i++) {
  const next = plan(i);
  const t = performance.now();
  dataplane.apply(next);
  if (i >= WARMUP) times.push(performance.now() - t);
}
dataplane.close();

const reapply = summarize(times);
console.log(`\nDataplane.apply(), ${addresses} IPv6 addresses on eth0, ms\n`);
console.log(
  renderTable(
    ['first apply', 're-apply median', 'p90', 'p99', 'max'],
    [[firstMs, reapply.median, reapply.p90, reapply.p99, reapply.max]],
  ),
);
const file = writeResults('dataplane-apply', { addresses, repeat, firstMs, reapply });
console.log(`\nwrote ${file}`);
