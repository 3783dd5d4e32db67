/**
 * Failure detection on real sockets: 5 members in lab hosts, one member's link is cut (its bridge port set
 * down), and the time from the cut to its removal (`leave` event) at every other member is measured. First
 * l2speaker members (fastLan), then Go memberlist peers (DefaultLANConfig) as the baseline, in the same run
 * and lab. One cluster serves all trials of a kind: after each cut the link is restored and the cluster must
 * be whole again before the next trial (l2speaker members re-join on their own; a Go victim is restarted
 * under a new name, since DefaultLANConfig only re-merges on its 30 s push/pull). Needs root; from the repo:
 *
 *   node_modules/.bin/node bench/membership-failover.ts [--trials 100] [--go-trials 20] [--stall-trials 5]
 *
 * Then l2speaker members are stopped (SIGSTOP) for 50 to 500 ms each to show which stalls count as failures.
 * Prints p50/p90/p99/max per kind and the ratio Go/l2speaker; writes bench/results/membership-failover.json
 * and membership-failover.png. The clock starts when `link set down` is written to a running `ip -batch`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLab, type Host } from '../src/lab/index.ts';
import { buildPeers } from '../test/interop/peers.ts';
import { drawCdf } from './lib/membership-chart.ts';
import { openLinkSwitch, type LinkSwitch } from './lib/membership-links.ts';
import { measureStalls, type StallResult } from './lib/membership-stalls.ts';
import {
  addressOf,
  isLeaveOf,
  PORT,
  startCluster,
  startMember,
  stopAll,
  waitWhole,
  type ClusterMember,
  type MemberKind,
} from './lib/membership-cluster.ts';
import { REPO, writeResults } from './lib/results.ts';
import { summarize, type Summary } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    'go-trials': { type: 'string', default: '20' },
    'stall-trials': { type: 'string', default: '5' },
  },
});
const NODES = 5;
/** Process stalls (SIGSTOP) tried on the l2speaker cluster after its cut trials, `--stall-trials` each. */
const STALLS_MS = [25, 50, 75, 100, 150, 300];
let stalls: StallResult[] = [];
const TRIALS: Record<MemberKind, number> = { ts: Number(values.trials), go: Number(values['go-trials']) };
/** Per kind: random wait before a cut (phase against the probe cycle) and the removal deadline. */
const PACE: Record<MemberKind, { settleMs: number; jitterMs: number; deadlineMs: number }> = {
  ts: { settleMs: 300, jitterMs: 400, deadlineMs: 10_000 },
  go: { settleMs: 2000, jitterMs: 1000, deadlineMs: 60_000 },
};
const LABEL: Record<MemberKind, string> = {
  ts: 'l2speaker (fastLan)',
  go: 'Go memberlist v0.5.1 (DefaultLANConfig)',
};
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

interface Trial {
  victim: string;
  /** Cut to removal at each other member (ms); null where it was not removed before the deadline. */
  removedAt: (number | null)[];
  /** From writing `link set down` to ip's confirmation (the cut happened within it). */
  cutCommandMs: number;
  /** Restore to whole again (ms), and whether the victim had to be restarted for it. */
  wholeAfterMs: number;
  restarted: boolean;
  /** Leave events during the trial about members other than the victim (false deaths). */
  falseRemovals: string[];
}

async function runKind(links: LinkSwitch, hosts: Host[], kind: MemberKind, goBin: string): Promise<Trial[]> {
  const members = await startCluster(hosts, Array(NODES).fill(kind), goBin, (i) => `${kind}${i}`);
  const trials: Trial[] = [];
  try {
    if (!(await waitWhole(members, 30_000))) throw new Error(`${kind} cluster never became whole`);
    for (let n = 0; n < TRIALS[kind]; n++) {
      const index = n % NODES;
      const victim = members[index] as ClusterMember;
      const others = members.filter((_, i) => i !== index);
      const { settleMs, jitterMs, deadlineMs } = PACE[kind];
      await sleep(settleMs + Math.random() * jitterMs);
      const marks = others.map((member) => member.peer.events.length);
      const { writtenAt: cutAt, confirmedAt } = await links.cut(victim.host);
      const cutCommandMs = confirmedAt - cutAt;
      const seen = await Promise.allSettled(
        others.map((m, i) => m.peer.waitFor(isLeaveOf(victim.name), deadlineMs, marks[i])),
      );
      const removedAt = seen.map((s) => (s.status === 'fulfilled' ? s.value.t - cutAt : null));
      const falseRemovals = others.flatMap((m, i) =>
        m.peer.events
          .slice(marks[i])
          .filter((e) => e.event === 'leave' && e.node !== victim.name)
          .map((e) => `${m.name} saw ${e.node} leave`),
      );
      const healed = await heal(links, members, index, kind, goBin, n).catch((err: unknown) => err as Error);
      if (healed instanceof Error) {
        console.log(`${kind}: stopping after ${n} trials: ${healed.message}`);
        break;
      }
      trials.push({ victim: victim.name, removedAt, cutCommandMs, falseRemovals, ...healed });
      const shown = removedAt.map((t) => (t === null ? 'missed' : `${t}`)).join(', ');
      console.log(`${kind} trial ${n + 1}/${TRIALS[kind]}: cut ${victim.name}, removed after ${shown} ms`);
    }
    if (kind === 'ts') stalls = await measureStalls(members, STALLS_MS, Number(values['stall-trials']));
  } finally {
    await stopAll(members);
  }
  return trials;
}

/** Restores the victim's link and waits until the cluster is whole; replaces `members[index]` if restarted. */
async function heal(
  links: LinkSwitch,
  members: ClusterMember[],
  index: number,
  kind: MemberKind,
  goBin: string,
  trial: number,
): Promise<{ wholeAfterMs: number; restarted: boolean }> {
  const victim = members[index] as ClusterMember;
  const restoredAt = Date.now();
  if (kind === 'ts') {
    await links.restore(victim.host);
    if (await waitWhole(members, 10_000)) return { wholeAfterMs: Date.now() - restoredAt, restarted: false };
  }
  await victim.peer.kill();
  if (kind === 'go') await links.restore(victim.host);
  const seed = members[(index + 1) % NODES] as ClusterMember;
  members[index] = await startMember({
    kind,
    name: `${kind}${index}-${trial}`,
    host: victim.host,
    seeds: [`${addressOf(seed.host)}:${PORT}`],
    goBin,
  });
  if (!(await waitWhole(members, 30_000))) throw new Error(`${kind} cluster not whole after trial ${trial}`);
  return { wholeAfterMs: Date.now() - restoredAt, restarted: true };
}

interface KindResult {
  kind: MemberKind;
  label: string;
  trials: number;
  /** Trials where some other member never removed the victim before the deadline. */
  missed: number;
  /** Per trial: cut to removal at the last other member. */
  removedEverywhere: Summary;
  /** Per trial and observer: cut to removal at that member. */
  removedAtEach: Summary;
  everywhereMs: number[];
  restarts: number;
  falseRemovals: string[];
  cutCommandMs: Summary;
  wholeAfterMs: Summary;
  raw: Trial[];
}

function summarizeKind(kind: MemberKind, trials: Trial[]): KindResult {
  const complete = trials.filter((t) => t.removedAt.every((x) => x !== null));
  const everywhereMs = complete.map((t) => Math.max(...(t.removedAt as number[])));
  const each = trials.flatMap((t) => t.removedAt.filter((x): x is number => x !== null));
  return {
    kind,
    label: LABEL[kind],
    trials: trials.length,
    missed: trials.length - complete.length,
    removedEverywhere: summarize(everywhereMs),
    removedAtEach: summarize(each),
    everywhereMs,
    restarts: trials.filter((t) => t.restarted).length,
    falseRemovals: trials.flatMap((t) => t.falseRemovals),
    cutCommandMs: summarize(trials.map((t) => t.cutCommandMs)),
    wholeAfterMs: summarize(trials.map((t) => t.wholeAfterMs)),
    raw: trials,
  };
}

const started = Date.now();
const { v051 } = await buildPeers();
const lab = await createLab({ prefix: 'mf' });
const results: KindResult[] = [];
let links: LinkSwitch | undefined;
try {
  const hosts: Host[] = [];
  for (let i = 0; i < NODES; i++) hosts.push(await lab.addHost(`h${i}`, { ipv4: `192.0.2.${31 + i}/24` }));
  links = await openLinkSwitch(lab.switchNs, hosts);
  for (const kind of ['ts', 'go'] as const)
    if (TRIALS[kind] > 0) results.push(summarizeKind(kind, await runKind(links, hosts, kind, v051)));
} finally {
  links?.close();
  await lab.destroy();
}

console.log(`\n${NODES} members, link cut -> removal at every other member (ms)`);
console.log(
  renderTable(
    ['members', 'trials', 'p50', 'p90', 'p99', 'max', 'each p50', 'missed', 'false', 'restarts'],
    results.map((r) => [
      r.label,
      r.removedEverywhere.samples,
      r.removedEverywhere.median,
      r.removedEverywhere.p90,
      r.removedEverywhere.p99,
      r.removedEverywhere.max,
      r.removedAtEach.median,
      r.missed,
      r.falseRemovals.length,
      r.restarts,
    ]),
  ),
);
const [ts, go] = [results.find((r) => r.kind === 'ts'), results.find((r) => r.kind === 'go')];
const ratio = (pick: (s: Summary) => number): number =>
  ts && go ? pick(go.removedEverywhere) / pick(ts.removedEverywhere) : Number.NaN;
const ratios = { p50: ratio((s) => s.median), p99: ratio((s) => s.p99) };
console.log(`Go / l2speaker: p50 ${ratios.p50.toFixed(1)}x, p99 ${ratios.p99.toFixed(1)}x`);
console.log(`real time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(
  renderTable(
    ['l2speaker stall (ms)', 'trials', 'actual (ms)', 'declared dead', 'fatal actual (ms)'],
    stalls.map((s) => [s.stallMs, s.trials, s.actualMs.join(' '), s.declaredDead, s.fatalMs.join(' ')]),
  ),
);
const file = writeResults('membership-failover', {
  command: `node_modules/.bin/node bench/membership-failover.ts --trials ${TRIALS.ts} --go-trials ${TRIALS.go} --stall-trials ${values['stall-trials']}`,
  nodes: NODES,
  ratioGoOverL2speaker: ratios,
  results,
  stalls,
});
console.log(`wrote ${file}`);
const png = join(REPO, 'bench/results/membership-failover.png');
drawCdf(
  png,
  `Link cut to removal at all ${NODES - 1} other members (${new Date().toISOString().slice(0, 10)})`,
  'ms after the cut (log scale)',
  results.map((r) => ({
    label: `${r.label}: p50 ${r.removedEverywhere.median}, p99 ${r.removedEverywhere.p99} ms (n=${r.removedEverywhere.samples})`,
    samplesMs: r.everywhereMs,
  })),
  [
    [150, 'goal p50'],
    [300, 'goal p99'],
  ],
);
console.log(`wrote ${png}`);
