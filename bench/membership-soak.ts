/**
 * False alarms on real sockets: 5 members in lab hosts, random loss on every link (nftables, each host's
 * ingress), optionally a busy loop per CPU in the root namespace, for some minutes with nothing failing.
 * Every `leave` event at any member is then a false death. With --mixed, members 4 and 5 are Go memberlist
 * peers (v0.5.1, DefaultLANConfig), whose logs also give suspicions: raised by Go ("Suspect X has failed")
 * and against Go ("Refuting a suspect message"). Needs root; from the repository root:
 *
 *   node_modules/.bin/node bench/membership-soak.ts [--minutes 10] [--loss 5] [--cpu-hog] [--mixed] [--prefix ms]
 *
 * A separate idle Node.js process measures how late its 10 ms timers fire meanwhile (the machine's stalls),
 * and the load average is sampled every minute. l2speaker members report their suspicion counters and the
 * scheduling priority their membership thread got. `--prefix` names the lab, so two soaks can run at once.
 * Prints a line per minute and a summary; writes bench/results/membership-soak[-mixed][-hog].json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLab, type Host } from '../src/lab/index.ts';
import { buildPeers } from '../test/interop/peers.ts';
import {
  memberStats,
  startCluster,
  stopAll,
  waitWhole,
  type ClusterMember,
  type GoLogCounts,
} from './lib/membership-cluster.ts';
import { startLagProbe, type LagProbe } from './lib/membership-lag.ts';
import { writeResults } from './lib/results.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    loss: { type: 'string', default: '5' },
    'cpu-hog': { type: 'boolean', default: false },
    mixed: { type: 'boolean', default: false },
    prefix: { type: 'string', default: 'ms' },
  },
});
const MINUTES = Number(values.minutes);
const LOSS = Number(values.loss);
const KINDS = values.mixed
  ? (['ts', 'ts', 'ts', 'go', 'go'] as const)
  : (['ts', 'ts', 'ts', 'ts', 'ts'] as const);
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

interface FalseDeath {
  observer: string;
  node: string;
  /** ms since the soak started. */
  atMs: number;
}

/** One busy loop per CPU at nice 0, in the root namespace. */
function startHogs(): ChildProcess[] {
  return cpus().map(() => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
}

function falseDeaths(
  members: readonly ClusterMember[],
  marks: readonly number[],
  start: number,
): FalseDeath[] {
  return members.flatMap((member, i) =>
    member.peer.events
      .slice(marks[i])
      .filter((e) => e.event === 'leave')
      .map((e) => ({ observer: member.name, node: e.node ?? '', atMs: e.t - start })),
  );
}

const goTotals = (members: readonly ClusterMember[]): GoLogCounts =>
  members.reduce(
    (sum, m) => ({
      suspected: sum.suspected + m.goLog.suspected,
      refutedSuspect: sum.refutedSuspect + m.goLog.refutedSuspect,
      refutedDead: sum.refutedDead + m.goLog.refutedDead,
      markedFailed: sum.markedFailed + m.goLog.markedFailed,
    }),
    { suspected: 0, refutedSuspect: 0, refutedDead: 0, markedFailed: 0 },
  );

const { v051 } = await buildPeers();
const lab = await createLab({ prefix: values.prefix });
const hogs: ChildProcess[] = [];
let members: ClusterMember[] = [];
let lagProbe: LagProbe | undefined;
try {
  const hosts: Host[] = [];
  for (let i = 0; i < KINDS.length; i++)
    hosts.push(await lab.addHost(`h${i}`, { ipv4: `192.0.2.${51 + i}/24` }));
  members = await startCluster(hosts, KINDS, v051, (i) => `${KINDS[i]}${i}`);
  if (!(await waitWhole(members, 30_000))) throw new Error('cluster never became whole');
  for (const host of hosts) await lab.addLoss(host, LOSS);
  if (values['cpu-hog']) hogs.push(...startHogs());
  await sleep(2000);
  const marks = members.map((m) => m.peer.events.length);
  const goBefore = goTotals(members);
  const start = Date.now();
  lagProbe = startLagProbe();
  const loads: number[] = [loadavg()[0] ?? 0];
  const setup = `${KINDS.join(',')}, ${LOSS}% loss per link${values['cpu-hog'] ? `, ${hogs.length} busy loops` : ''}`;
  console.log(`soak ${MINUTES} min: ${setup}`);
  for (let minute = 1; minute <= Math.ceil(MINUTES); minute++) {
    await sleep(Math.min(1, MINUTES - minute + 1) * 60_000);
    const go = goTotals(members);
    loads.push(loadavg()[0] ?? 0);
    console.log(
      `minute ${minute}: load ${loads.at(-1)?.toFixed(1)}, false deaths ${falseDeaths(members, marks, start).length}, Go suspicions raised ` +
        `${go.suspected - goBefore.suspected}, Go refutations ${go.refutedSuspect - goBefore.refutedSuspect}`,
    );
  }
  const seconds = (Date.now() - start) / 1000;
  const lag = await lagProbe.stop();
  lagProbe = undefined;
  const deaths = falseDeaths(members, marks, start);
  const goAfter = goTotals(members);
  const go = Object.fromEntries(
    Object.entries(goAfter).map(([key, n]) => [key, n - goBefore[key as keyof GoLogCounts]]),
  ) as GoLogCounts;
  const tsStats = await Promise.all(members.map((m) => memberStats(m)));
  for (const hog of hogs) hog.kill('SIGKILL');
  hogs.length = 0;
  for (const host of hosts) await lab.addLoss(host, 0);
  const counters = (
    ['failedProbes', 'suspicions', 'refutations', 'inconclusiveProbes', 'confirmationProbes'] as const
  ).map((key) => [key, tsStats.reduce((sum, st) => sum + (st?.memberlist[key] ?? 0), 0)] as const);
  const priorities = tsStats.flatMap((st) => (st ? [st.threadPriority.applied] : []));
  console.log(
    `l2speaker counters: ${counters.map(([k, n]) => `${k} ${n}`).join(', ')}; thread priority ${priorities.join(',')}`,
  );
  console.log(
    `load average (1 min) during the soak: min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}`,
  );
  const wholeAtEnd = await waitWhole(members, 10_000);
  console.log(
    renderTable(
      [
        'members',
        'minutes',
        'loss %',
        'cpu hog',
        'false deaths',
        'Go suspected',
        'Go refuted',
        'whole at end',
      ],
      [
        [
          KINDS.join(','),
          seconds / 60,
          LOSS,
          values['cpu-hog'] ? 'yes' : 'no',
          deaths.length,
          values.mixed ? go.suspected : '-',
          values.mixed ? go.refutedSuspect + go.refutedDead : '-',
          wholeAtEnd ? 'yes' : 'no',
        ],
      ],
    ),
  );
  console.log(
    `a 10 ms timer in an idle Node.js process fired late by: p99 ${lag.p99Ms} ms, max ${lag.maxMs} ms; ` +
      `${lag.over100Ms} times > 100 ms, ${lag.over200Ms} times > 200 ms`,
  );
  for (const death of deaths) console.log(`  ${death.observer} saw ${death.node} leave at ${death.atMs} ms`);
  const name = `membership-soak${values.mixed ? '-mixed' : ''}${values['cpu-hog'] ? '-hog' : ''}`;
  const file = writeResults(name, {
    command: `node_modules/.bin/node bench/membership-soak.ts --minutes ${MINUTES} --loss ${LOSS}${values['cpu-hog'] ? ' --cpu-hog' : ''}${values.mixed ? ' --mixed' : ''}`,
    members: members.map((m) => ({ name: m.name, kind: m.kind })),
    minutes: seconds / 60,
    lossPercent: LOSS,
    cpuHogs: values['cpu-hog'] ? cpus().length : 0,
    falseDeaths: deaths,
    goLog: values.mixed ? go : null,
    wholeAtEnd,
    timerLag: lag,
    loadAverage: loadavg(),
    loadAverageEachMinute: loads,
    l2speakerCounters: Object.fromEntries(counters),
    threadPriority: priorities,
  });
  console.log(`wrote ${file}`);
} finally {
  await lagProbe?.stop();
  for (const hog of hogs) hog.kill('SIGKILL');
  await stopAll(members);
  await lab.destroy();
}
