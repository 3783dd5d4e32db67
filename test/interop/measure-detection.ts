/**
 * Measures how long Go memberlist (DefaultLANConfig) takes to remove a node whose link is cut: 5 peers
 * in lab hosts on one bridge; per trial a fresh cluster, one victim's bridge port set down, and the
 * time from the cut to the `leave` event at each other node. Needs root; run from the repository root:
 *   node_modules/.bin/node test/interop/measure-detection.ts [--trials 20] [--version v051|v022]
 */
import { parseArgs } from 'node:util';
import { summarize, type Summary } from '../../bench/lib/stats.ts';
import { createLab, type Host } from '../../src/lab/index.ts';
import { buildPeers, startPeer, type GoPeer } from './peers.ts';

const NODES = 5;
const PORT = 7946;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '20' }, version: { type: 'string', default: 'v051' } },
});
const trials = Number(values.trials);
const bins = await buildPeers();
const bin = values.version === 'v022' ? bins.v022 : bins.v051;

/** Starts a fresh cluster, cuts one link, returns each other node's removal time in ms after the cut. */
async function trial(hosts: Host[], n: number, cut: (host: Host) => Promise<void>): Promise<number[]> {
  const seed = `${hosts[0]?.ipv4}:${PORT}`;
  const peers: GoPeer[] = [];
  try {
    for (const [i, host] of hosts.entries()) {
      const args = ['-name', `n${i}-t${n}`, '-bind', host.ipv4 ?? '', '-port', `${PORT}`];
      const peer = startPeer(bin, [...args, ...(i === 0 ? [] : ['-join', seed])], {
        spawn: (argv) => host.spawn(argv),
      });
      peers.push(peer);
      await peer.ready();
    }
    await Promise.all(
      peers.map((p) => p.waitFor(() => p.events.filter((e) => e.event === 'join').length === NODES, 10_000)),
    );
    // A random phase against the probe cycle (ProbeInterval 1 s), after the join's gossip settled.
    await sleep(2000 + Math.random() * 1000);
    const victim = n % NODES;
    const name = `n${victim}-t${n}`;
    const t0 = Date.now();
    await cut(hosts[victim] as Host);
    const others = peers.filter((_, i) => i !== victim);
    const removed = await Promise.all(
      others.map((p) => p.waitFor((e) => e.event === 'leave' && e.node === name, 60_000)),
    );
    return removed.map((e) => e.t - t0);
  } finally {
    await Promise.all(peers.map((p) => p.kill()));
  }
}

const fmt = (s: Summary): string =>
  `median ${s.median} ms, p90 ${s.p90}, min ${s.min}, max ${s.max}, mean ${Math.round(s.mean)} (n=${s.samples})`;

const lab = await createLab({ prefix: 'ml' });
try {
  const hosts: Host[] = [];
  for (let i = 0; i < NODES; i++) hosts.push(await lab.addHost(`h${i}`, { ipv4: `192.0.2.${11 + i}/24` }));
  const atAll: number[] = [];
  const atEach: number[] = [];
  for (let n = 0; n < trials; n++) {
    const times = await trial(hosts, n, (host) => lab.cutLink(host));
    await lab.restoreLink(hosts[n % NODES] as Host);
    atAll.push(Math.max(...times));
    atEach.push(...times);
    console.log(`trial ${n + 1}/${trials}: removed at ${times.join(', ')} ms`);
  }
  console.log(`memberlist ${values.version}, ${NODES} nodes, DefaultLANConfig, link cut -> leave event`);
  console.log(`at all others:  ${fmt(summarize(atAll))}`);
  console.log(`at each other:  ${fmt(summarize(atEach))}`);
} finally {
  await lab.destroy();
}
