/**
 * Failover as users feel it: 5 nodes and a client in a lab, a stand-in for kube-proxy on every node, and a
 * client probing the VIP 1,000 times a second over UDP (and opening a TCP connection every 10 ms). Outage =
 * the longest time between two consecutive answers, from the last answer before the event until answers
 * have flowed without a gap for 600 ms after it (bench/baseline/probe-client.c). Events on the VIP's
 * owner: its link cut (unplanned), SIGTERM (planned), SIGKILL. Then keepalived (VRRPv3, advert_int 0.1 s,
 * 5 nodes) in the same lab and run, event: the master's link cut. Each trial flushes the client's
 * neighbour entry for the VIP once the owner is stable; a third of the trials have the event 100-800 ms
 * later (an entry under 1 s old), the others 1.2-1.5 s later. Needs root; from the repo:
 *
 *   node_modules/.bin/node bench/failover.ts [--trials 100] [--keepalived-trials 100]
 *
 * Prints p50/p90/p99/max per system and event and the ratio l2speaker/keepalived; writes
 * bench/results/failover.json and failover.png. The probe is told when the event's command starts and
 * ends; a gap is only counted if it ends after the start.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLab, type Host } from '../src/lab/index.ts';
import { buildBaseline } from './lib/build.ts';
import { BenchError } from './lib/errors.ts';
import { startKeepalived, ADVERT_INT_S } from './lib/failover-keepalived.ts';
import {
  addRigHosts,
  arpAnswerers,
  flushNeighbour,
  prepareNode,
  probeAround,
  setVipsOnLo,
  type ProbeResult,
  type RigBinaries,
} from './lib/failover-rig.ts';
import { startSpeakers } from './lib/failover-speakers.ts';
import { summarizeRuns, type EventName, type Run, type Trial } from './lib/failover-summary.ts';
import { drawCdf } from './lib/membership-chart.ts';
import { REPO, writeResults } from './lib/results.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    'keepalived-trials': { type: 'string' },
  },
});
const TRIALS = Number(values.trials);
const KEEPALIVED_TRIALS = Number(values['keepalived-trials'] ?? values.trials);
const NODES = 5;
const VIP = '192.0.2.201';
const TIMEOUT_MS = 10_000;
const SETTLE_MS = 600;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * Each trial flushes the client's neighbour entry for the VIP, so that it points at the owner; every third
 * trial has the event 100-800 ms later (an entry under 1 s old), the others 1.2-1.5 s later.
 */
function neighbourPlan(client: Host, trial: number): { fresh: boolean; beforeMark: () => Promise<void> } {
  const fresh = trial % 3 === 2;
  return {
    fresh,
    beforeMark: async () => {
      await flushNeighbour(client, VIP);
      await sleep(fresh ? 100 + Math.random() * 700 : 1200 + Math.random() * 300);
    },
  };
}

function logTrial(system: string, event: EventName, n: number, total: number, trial: Trial): void {
  const r = trial.probe;
  const fresh = trial.freshNeighbour ? ' (fresh neighbour)' : '';
  console.log(
    `${system} ${event} ${n + 1}/${total}: owner ${trial.owner}${fresh}: UDP ${r.udpOutageMs ?? 'timeout'} ms, TCP ${r.tcpOutageMs ?? 'timeout'} ms`,
  );
}

async function speakerRuns(nodes: Host[], client: Host, bin: RigBinaries): Promise<Run[]> {
  const cluster = await startSpeakers({
    node24: join(REPO, 'node_modules/.bin/node'),
    repo: REPO,
    vip: VIP,
    nodes,
  });
  const runs: Run[] = [];
  try {
    for (const event of ['link-cut', 'sigterm', 'sigkill'] as const) {
      const trials: Trial[] = [];
      for (let n = 0; n < TRIALS; n++) {
        const owner = await cluster.waitStable(30_000);
        const plan = neighbourPlan(client, n);
        const probe: ProbeResult = await probeAround(
          client,
          bin,
          { vip: VIP, timeoutMs: TIMEOUT_MS, settleMs: SETTLE_MS, beforeMark: plan.beforeMark },
          async () => {
            if (event === 'link-cut') await lab.cutLink(owner);
            else await cluster.stop(owner, event === 'sigterm' ? 'SIGTERM' : 'SIGKILL');
          },
        );
        const trial = { owner: owner.name, freshNeighbour: plan.fresh, probe };
        trials.push(trial);
        logTrial('l2speaker', event, n, TRIALS, trial);
        if (event === 'link-cut') await lab.restoreLink(owner);
        else await cluster.start(owner);
      }
      runs.push({ system: 'l2speaker', event, trials });
    }
  } finally {
    await cluster.close();
  }
  return runs;
}

async function keepalivedRun(nodes: Host[], client: Host, bin: RigBinaries): Promise<Run> {
  for (const node of nodes) await setVipsOnLo(node, [VIP], false);
  const cluster = await startKeepalived(nodes, VIP);
  const trials: Trial[] = [];
  try {
    for (let n = 0; n < KEEPALIVED_TRIALS; n++) {
      const master = await cluster.waitStable(30_000);
      const plan = neighbourPlan(client, n);
      const probe = await probeAround(
        client,
        bin,
        { vip: VIP, timeoutMs: TIMEOUT_MS, settleMs: SETTLE_MS, beforeMark: plan.beforeMark },
        () => lab.cutLink(master),
      );
      const trial = { owner: master.name, freshNeighbour: plan.fresh, probe };
      trials.push(trial);
      logTrial('keepalived', 'link-cut', n, KEEPALIVED_TRIALS, trial);
      await lab.restoreLink(master);
    }
  } finally {
    await cluster.close();
  }
  return { system: 'keepalived', event: 'link-cut', trials };
}

const started = Date.now();
const bin: RigBinaries = {
  echoService: buildBaseline('echo-service'),
  probeClient: buildBaseline('probe-client'),
};
const lab = await createLab({ prefix: 'fo' });
const runs: Run[] = [];
try {
  const { nodes, client } = await addRigHosts(lab, NODES);
  for (const node of nodes) await prepareNode(node, [VIP], bin);
  const kernelAnswerers = await arpAnswerers(client, VIP);
  if (kernelAnswerers.length > 0)
    throw new BenchError('rig', `the kernel answers ARP for ${VIP}: ${kernelAnswerers}`);
  if (TRIALS > 0) runs.push(...(await speakerRuns(nodes, client, bin)));
  if (KEEPALIVED_TRIALS > 0) runs.push(await keepalivedRun(nodes, client, bin));
} finally {
  await lab.destroy();
}

const results = summarizeRuns(runs, TIMEOUT_MS);
console.log(
  `\n${NODES} nodes, outage seen by the client (ms): UDP probe every 1 ms, TCP connect every 10 ms`,
);
console.log(
  renderTable(
    [
      'system',
      'event',
      'trials',
      'p50',
      'p90',
      'p99',
      'max',
      'fresh p50',
      'fresh max',
      'TCP p50',
      'TCP p99',
      'timeouts',
      'bounced',
    ],
    results.map((r) => [
      r.system,
      r.event,
      r.udp.samples,
      r.udp.median,
      r.udp.p90,
      r.udp.p99,
      r.udp.max,
      r.udpFreshNeighbour.median,
      r.udpFreshNeighbour.max,
      r.tcp.median,
      r.tcp.p99,
      r.timeouts,
      r.bounced,
    ]),
  ),
);
const cut = (system: string) => results.find((r) => r.system === system && r.event === 'link-cut');
const [l2, ka] = [cut('l2speaker'), cut('keepalived')];
const ratios =
  l2 && ka
    ? {
        p50: l2.udp.median / ka.udp.median,
        p90: l2.udp.p90 / ka.udp.p90,
        p99: l2.udp.p99 / ka.udp.p99,
        max: l2.udp.max / ka.udp.max,
      }
    : undefined;
if (ratios)
  console.log(
    `link cut, l2speaker / keepalived: p50 ${ratios.p50.toFixed(2)}x, p99 ${ratios.p99.toFixed(2)}x`,
  );
console.log(`real time ${((Date.now() - started) / 1000).toFixed(0)} s`);
const file = writeResults('failover', {
  command: `node_modules/.bin/node bench/failover.ts --trials ${TRIALS} --keepalived-trials ${KEEPALIVED_TRIALS}`,
  nodes: NODES,
  vip: VIP,
  keepalived: { vrrpVersion: 3, advertIntS: ADVERT_INT_S, nodes: NODES },
  goals: { unplannedP50Ms: 200, unplannedP99Ms: 400, plannedP99Ms: 50 },
  ratioL2speakerOverKeepalivedLinkCut: ratios ?? null,
  results,
});
console.log(`wrote ${file}`);
const png = join(REPO, 'bench/results/failover.png');
drawCdf(
  png,
  `Outage seen by a client probing every 1 ms, ${NODES} nodes (${new Date().toISOString().slice(0, 10)})`,
  'ms from the last answer before the event to the first after (log scale)',
  results.map((r) => ({
    label: `${r.system} ${r.event}: p50 ${r.udp.median.toFixed(0)}, p99 ${r.udp.p99.toFixed(0)} ms (n=${r.udp.samples})`,
    samplesMs: r.udpMs,
  })),
  [
    [50, 'goal planned p99'],
    [200, 'goal unplanned p50'],
    [400, 'goal unplanned p99'],
  ],
);
console.log(`wrote ${png}`);
