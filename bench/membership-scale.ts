/**
 * Membership at scale: the state machine in simulation at 5 to 100 members (detection time, join spread,
 * gossip traffic per node, false deaths over simulated minutes at 5% loss), and the same code on real sockets
 * at 20 members in lab hosts, to check the simulation against reality. The 5-member real figure comes from
 * bench/membership-failover.ts (its results file). Needs root for the real part; from the repository root:
 *
 *   node_modules/.bin/node bench/membership-scale.ts [--trials 100] [--quiet-minutes 10] [--real-nodes 20]
 *                                                    [--real-trials 40] [--skip-sim] [--skip-real]
 *
 * A skipped part keeps its figures from the previous results file. Writes bench/results/membership-scale.json
 * and membership-scale.png (p50 and p99 detection time against cluster size).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drawBySize, type SizeSeries } from './lib/membership-chart.ts';
import { realDetection, type RealDetection } from './lib/membership-scale-real.ts';
import {
  simDetection,
  simJoin,
  simQuiet,
  type SimDetection,
  type SimJoin,
  type SimQuiet,
} from './lib/membership-scale-sim.ts';
import { REPO, writeResults } from './lib/results.ts';
import type { Summary } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    'quiet-minutes': { type: 'string', default: '10' },
    'real-nodes': { type: 'string', default: '20' },
    'real-trials': { type: 'string', default: '40' },
    'skip-sim': { type: 'boolean', default: false },
    'skip-real': { type: 'boolean', default: false },
  },
});
const SIZES = [5, 10, 20, 50, 100];
const TRIALS = Number(values.trials);
/** Large clusters cost more per trial; fewer trials keep the run in minutes. */
const trialsFor = (size: number): number => Math.max(20, Math.round(TRIALS / Math.sqrt(size / 5)));

interface SimPart {
  detection: SimDetection[];
  joins: SimJoin[];
  /** 1 simulated minute per size at 5% loss (traffic), and the long run at the largest size. */
  traffic: SimQuiet[];
  quiet: SimQuiet;
}
interface RealPart {
  detection: RealDetection[];
}
interface Previous {
  sim?: SimPart;
  real?: RealPart;
}

const resultsFile = join(REPO, 'bench/results/membership-scale.json');
const previous = (existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {}) as Previous;
const started = Date.now();

async function runSim(): Promise<SimPart> {
  const detection: SimDetection[] = [];
  const joins: SimJoin[] = [];
  const traffic: SimQuiet[] = [];
  for (const size of SIZES) {
    detection.push(await simDetection(size, trialsFor(size)));
    joins.push(await simJoin(size, 10));
    traffic.push(await simQuiet(size, 5, 1));
    console.log(`sim ${size}: detection p50 ${detection.at(-1)?.removedEverywhere.median} ms`);
  }
  const largest = SIZES[SIZES.length - 1] as number;
  const quiet = await simQuiet(largest, 5, Number(values['quiet-minutes']));
  return { detection, joins, traffic, quiet };
}

const sim = values['skip-sim'] ? previous.sim : await runSim();
const real = values['skip-real']
  ? previous.real
  : { detection: [await realDetection(Number(values['real-nodes']), Number(values['real-trials']))] };

const failoverFile = join(REPO, 'bench/results/membership-failover.json');
const failover = JSON.parse(readFileSync(failoverFile, 'utf8')) as {
  results: { kind: string; removedEverywhere: Summary }[];
};
const real5 = failover.results.find((result) => result.kind === 'ts')?.removedEverywhere;

const row = (kind: string, size: number, s: Summary, missed: number): (string | number)[] => [
  kind,
  size,
  s.samples,
  s.median,
  s.p90,
  s.p99,
  s.max,
  missed,
];
console.log('\nLink cut (crash) to removal at every other member (ms)');
console.log(
  renderTable(
    ['where', 'members', 'trials', 'p50', 'p90', 'p99', 'max', 'missed'],
    [
      ...(sim?.detection ?? []).map((d) => row('simulated', d.size, d.removedEverywhere, d.missed)),
      ...(real5 ? [row('real (membership-failover)', 5, real5, 0)] : []),
      ...(real?.detection ?? []).map((d) => row('real', d.size, d.removedEverywhere, d.missed)),
    ],
  ),
);
if (sim) {
  console.log('\nSimulated, 5% loss on every link, 1 minute (traffic sent per node incl. IP/UDP headers)');
  console.log(
    renderTable(
      ['members', 'packets/s', 'bytes/s', 'false deaths', 'join reaches all p50', 'p99'],
      sim.traffic.map((t, i) => [
        t.size,
        Math.round(t.packetsPerNodePerSecond),
        Math.round(t.bytesPerNodePerSecond),
        t.falseDeaths,
        sim.joins[i]?.reachedAll.median ?? '',
        sim.joins[i]?.reachedAll.p99 ?? '',
      ]),
    ),
  );
  const q = sim.quiet;
  console.log(
    `\n${q.size} members, ${q.minutes} simulated minutes at ${q.lossPercent}% loss: ${q.falseDeaths} false deaths, ` +
      `${q.refutations} refuted suspicions, ${Math.round(q.bytesPerNodePerSecond)} bytes/s per node, whole at end: ${q.wholeAtEnd}`,
  );
}
console.log(`real time ${((Date.now() - started) / 1000).toFixed(0)} s`);
const file = writeResults('membership-scale', {
  command: `node_modules/.bin/node bench/membership-scale.ts --trials ${TRIALS} --quiet-minutes ${values['quiet-minutes']} --real-nodes ${values['real-nodes']} --real-trials ${values['real-trials']}`,
  sim,
  real,
  real5FromFailover: real5,
});
console.log(`wrote ${file}`);

const points = (entries: { size: number; s: Summary }[]): SizeSeries['points'] =>
  entries.map(({ size, s }) => [size, s.median, s.p99] as const);
const series: SizeSeries[] = [
  {
    label: 'simulated',
    measured: false,
    points: points((sim?.detection ?? []).map((d) => ({ size: d.size, s: d.removedEverywhere }))),
  },
  {
    label: 'real sockets',
    measured: true,
    points: points([
      ...(real5 ? [{ size: 5, s: real5 }] : []),
      ...(real?.detection ?? []).map((d) => ({ size: d.size, s: d.removedEverywhere })),
    ]),
  },
];
const png = join(REPO, 'bench/results/membership-scale.png');
drawBySize(png, 'l2speaker membership (fastLan): detection time against cluster size', series, [
  [500, 'goal p99 at 100 (500 ms)'],
]);
console.log(`wrote ${png}`);
