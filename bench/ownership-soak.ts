/**
 * Ownership under loss: 5 speakers in lab hosts gossiping with memberlist, 5 LoadBalancer services, random
 * loss on every speaker's link (nftables, each host's ingress), for some minutes with no node failing. Every
 * second each speaker's /status is read (curl inside its namespace, over lo, which the loss does not touch)
 * and the owners of every service computed; an ownership change is a service whose owners differ from the
 * previous second. No node is lost during the soak, so every change is one that no node loss caused.
 * Needs root; from the repository root:
 *
 *   node_modules/.bin/node bench/ownership-soak.ts [--minutes 10] [--loss 5]
 *
 * Prints a line per minute and a summary; writes bench/results/ownership-soak.json with the load average.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLab, type Host } from '../src/lab/index.ts';
import { REPO, writeResults } from './lib/results.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    loss: { type: 'string', default: '5' },
  },
});
const MINUTES = Number(values.minutes);
const LOSS = Number(values.loss);
const NODES = 5;
const VIPS = ['192.0.2.201', '192.0.2.202', '192.0.2.203', '192.0.2.204', '192.0.2.205'];
const PORT = 7472;
const NODE24 = join(REPO, 'node_modules/.bin/node');
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function config(): string {
  const pool = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lab, namespace: metallb-system }
spec: { addresses: [${VIPS.map((ip) => `"${ip}/32"`).join(', ')}] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: lab, namespace: metallb-system }
spec: { interfaces: [eth0] }
`;
  const services = VIPS.map(
    (ip, i) => `---
apiVersion: v1
kind: Service
metadata: { name: svc${i}, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [{ ip: ${ip} }] } }
`,
  );
  return pool + services.join('');
}

interface Status {
  members: { name: string; state: string }[];
  services: { ips: string[]; interfaces: string[] }[];
}

async function status(node: Host): Promise<Status | undefined> {
  const result = await node.exec(['curl', '-sf', '-m', '2', `http://127.0.0.1:${PORT}/status`]);
  return result.code === 0 ? (JSON.parse(result.stdout) as Status) : undefined;
}

/**
 * One second's view: the owners of every VIP (sorted node names joined by '+'), members seen dead or left
 * (a false death: no node fails here) and members seen suspect (a refuted suspicion can linger in /status).
 */
interface Sample {
  atMs: number;
  owners: string[];
  unreadable: string[];
  dead: string[];
  suspect: string[];
}

async function sample(nodes: readonly Host[], start: number): Promise<Sample> {
  const atMs = Date.now() - start;
  const views = await Promise.all(nodes.map(status));
  const owners = VIPS.map((vip) =>
    nodes
      .filter((_, i) => views[i]?.services.some((s) => s.ips.includes(vip) && s.interfaces.length > 0))
      .map((n) => n.name)
      .sort()
      .join('+'),
  );
  const unreadable = nodes.filter((_, i) => !views[i]).map((n) => n.name);
  const seen = (states: string[]): string[] =>
    views.flatMap((view, i) =>
      (view?.members ?? [])
        .filter((m) => states.includes(m.state))
        .map((m) => `${nodes[i]?.name} sees ${m.name} ${m.state}`),
    );
  return { atMs, owners, unreadable, dead: seen(['dead', 'left']), suspect: seen(['suspect']) };
}

interface Change {
  atMs: number;
  vip: string;
  from: string;
  to: string;
}

function changes(previous: Sample, next: Sample): Change[] {
  return VIPS.flatMap((vip, i) =>
    previous.owners[i] === next.owners[i]
      ? []
      : [{ atMs: next.atMs, vip, from: previous.owners[i] ?? '', to: next.owners[i] ?? '' }],
  );
}

const dir = mkdtempSync(join(tmpdir(), 'l2speaker-soak-'));
writeFileSync(join(dir, 'l2speaker.yaml'), config());
mkdirSync(join(dir, 'secret'));
writeFileSync(join(dir, 'secret', 'secretkey'), 'R2L6lTqlR8gbvLFcM9Oc7w');
const lab = await createLab({ prefix: 'os' });
const processes: ChildProcess[] = [];
try {
  const nodes: Host[] = [];
  for (let i = 0; i < NODES; i++) nodes.push(await lab.addHost(`n${i}`, { ipv4: `192.0.2.${11 + i}/24` }));
  const seeds = nodes.map((n) => `${n.ipv4}:7946`).join(',');
  for (const node of nodes) {
    const argv = [
      ...[NODE24, join(REPO, 'bin/l2speaker.js'), '--config', join(dir, 'l2speaker.yaml')],
      ...['--node-name', node.name, '--log-level', 'warn', '--ml-bindaddr', node.ipv4 ?? ''],
      ...['--ml-peers', seeds, '--ml-secret-key-path', join(dir, 'secret'), '--ml-join-timeout-ms', '3000'],
    ];
    processes.push(node.spawn(argv, { stdio: 'ignore' }));
  }
  const settled = Date.now() + 30_000;
  let first = await sample(nodes, Date.now());
  while (
    first.dead.length > 0 ||
    first.unreadable.length > 0 ||
    first.owners.some((o) => o.includes('+') || o === '')
  ) {
    if (Date.now() > settled) throw new Error(`cluster never settled: ${JSON.stringify(first)}`);
    await sleep(500);
    first = await sample(nodes, Date.now());
  }
  for (const node of nodes) await lab.addLoss(node, LOSS);
  await sleep(2000);
  const loadBefore = loadavg();
  const start = Date.now();
  let previous = await sample(nodes, start);
  const initialOwners = previous.owners;
  const all: Change[] = [];
  const notSingle: { atMs: number; vip: string; owners: string }[] = [];
  const unreadable: { atMs: number; nodes: string[] }[] = [];
  const dead: { atMs: number; seen: string[] }[] = [];
  let suspectSeconds = 0;
  const loadPerMinute: number[][] = [];
  let samples = 1;
  console.log(`soak ${MINUTES} min: ${NODES} speakers, ${VIPS.length} services, ${LOSS}% loss on every link`);
  for (let second = 1; second <= MINUTES * 60; second++) {
    await sleep(Math.max(0, start + second * 1000 - Date.now()));
    const next = await sample(nodes, start);
    samples++;
    all.push(...changes(previous, next));
    next.owners.forEach((owners, i) => {
      if (owners === '' || owners.includes('+'))
        notSingle.push({ atMs: next.atMs, vip: VIPS[i] ?? '', owners });
    });
    if (next.unreadable.length > 0) unreadable.push({ atMs: next.atMs, nodes: next.unreadable });
    if (next.dead.length > 0) dead.push({ atMs: next.atMs, seen: next.dead });
    if (next.suspect.length > 0) suspectSeconds++;
    previous = next;
    if (second % 60 === 0) {
      loadPerMinute.push(loadavg());
      console.log(
        `minute ${second / 60}: ownership changes ${all.length}, seconds with a service not owned by ` +
          `exactly one ${notSingle.length}, seconds with a member seen dead ${dead.length}, suspect ${suspectSeconds}, ` +
          `load ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
      );
    }
  }
  const loadAfter = loadavg();
  console.log(
    `summary: ${all.length} ownership changes in ${samples} samples (no node lost); ` +
      `${notSingle.length} service-seconds not owned by exactly one; ${dead.length} seconds with a ` +
      `member seen dead (${suspectSeconds} with one suspect); ${unreadable.length} seconds with a /status unreadable; ` +
      `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} -> ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const file = writeResults('ownership-soak', {
    setup: {
      speakers: NODES,
      services: VIPS.length,
      lossPercent: LOSS,
      minutes: MINUTES,
      sampleEveryMs: 1000,
    },
    ownershipChanges: all.length,
    samples,
    initialOwners: Object.fromEntries(VIPS.map((vip, i) => [vip, initialOwners[i]])),
    changes: all,
    notSingleOwner: notSingle,
    memberSeenDead: dead,
    secondsWithASuspect: suspectSeconds,
    statusUnreadable: unreadable,
    loadAverage: { before: loadBefore, perMinute: loadPerMinute, after: loadAfter },
  });
  console.log(`wrote ${file}`);
  if (all.length > 0) process.exitCode = 1;
} finally {
  for (const child of processes) child.kill('SIGKILL');
  await lab.destroy();
  rmSync(dir, { recursive: true, force: true });
}
