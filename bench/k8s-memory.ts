/**
 * Memory of a speaker in Kubernetes mode holding 10,000 services (goal: <= 120 MB RSS), as it is
 * deployed: the real bin/l2speaker.js in a lab host reading the test API server (test/k8s) with the
 * l2speaker ServiceAccount, memberlist on (its own Pod the only member; --no-memberlist: off), owning
 * every IPv6 LoadBalancer IP (bench/lib/k8s-speaker-memory.ts). Needs root and the test API server
 * (bash test/k8s/apiserver/build.sh). Run `npm run build` first: bin/l2speaker.js runs dist/ only when
 * it is newer than src/ (the results say which tree ran).
 *
 *   node_modules/.bin/node bench/k8s-memory.ts [--services 10000,1000] [--rest-seconds 60]
 *                                             [--concurrency 16] [--no-memberlist]
 *                                             [--heap-snapshot DIR] [--statuses-unwritten]
 *
 * With memberlist the ServiceL2Status objects are written before the speaker starts, owned by its Pod,
 * as a restarted speaker finds them: the rest is its steady state (L2 queue 0). --statuses-unwritten: it
 * starts without them and is still writing them (20/s, ~25 min for 10,000) while it rests.
 * Prints, per size: time to /readyz and to every IP answered, ServiceL2Status objects written; the
 * speaker's RSS at rest (median of the last 10 s, before any HTTP request) and its peak; its heap from
 * /status; its membership process's RSS; both processes' RSS, PSS and USS at rest, and their sums (the
 * node executable's pages are in both RSS; speaker RSS + membership USS is about what the pair holds);
 * where the speaker's resident pages are (/proc/PID/smaps). Writes
 * bench/results/k8s-memory.json. --heap-snapshot DIR: the speaker also writes a heap snapshot into DIR
 * at the end (SIGUSR2), after every reading.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countOption } from './lib/options.ts';
import { measureK8sSpeaker, type K8sSpeakerMemory } from './lib/k8s-speaker-memory.ts';
import { REPO, writeResults } from './lib/results.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    'rest-seconds': { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
    'no-memberlist': { type: 'boolean', default: false },
    'heap-snapshot': { type: 'string' },
    'statuses-unwritten': { type: 'boolean', default: false },
  },
});

const count = (flag: string, text: string | undefined): number => countOption(flag, text, 1);

function newestMs(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newestMs(path) : statSync(path).mtimeMs;
    }),
  );
}

/** The tree bin/l2speaker.js runs: dist/ when dist/.built is at least as new as every file of src/. */
function expectedTree(): 'dist' | 'src' {
  const built = join(REPO, 'dist/.built');
  return existsSync(built) && statSync(built).mtimeMs >= newestMs(join(REPO, 'src')) ? 'dist' : 'src';
}

const sizes = (values.services ?? '').split(',').map((text) => count('--services', text));
const memberlist = !values['no-memberlist'];
const tree = expectedTree();
if (tree === 'src')
  console.warn('dist/ is older than src/: the speaker runs the .ts sources (npm run build)');

const runs: K8sSpeakerMemory[] = [];
for (const services of sizes) {
  console.log(`\n${services} services, memberlist ${memberlist ? 'on' : 'off'}`);
  runs.push(
    await measureK8sSpeaker({
      services,
      memberlist,
      restSeconds: count('--rest-seconds', values['rest-seconds']),
      concurrency: count('--concurrency', values.concurrency),
      heapSnapshotDir: values['heap-snapshot'],
      statusesWritten: !values['statuses-unwritten'],
    }),
  );
}

const s = (ms: number): number => ms / 1000;
console.log(`\nbin/l2speaker.js in Kubernetes mode (${tree}/), one node owning every IPv6 VIP; MB, s\n`);
console.log(
  renderTable(
    [
      'services',
      'ready',
      'answered',
      'L2 statuses',
      'L2 queue',
      'rss at rest',
      'peak rss',
      'heap used',
      'heap total',
      'external',
      'membership rss',
      'rss after /status',
    ],
    runs.map((r) => [
      r.run.services,
      s(r.readyMs),
      s(r.answeredMs),
      r.statusObjects,
      r.end.statusQueueDepth,
      r.restRssMb,
      r.peakRssMb,
      r.end.heapUsedMb,
      r.end.heapTotalMb,
      r.end.externalMb,
      r.children.reduce((sum, c) => sum + c.rssMb, 0),
      r.rssAfterStatusMb,
    ]),
  ),
);
for (const r of runs) {
  console.log(`\nspeaker and membership process at rest, ${r.run.services} services; MB\n`);
  console.log(
    renderTable(
      ['process', 'rss', 'pss', 'uss (private)'],
      r.footprint.map((f) => [f.process, f.rssMb, f.pssMb, f.ussMb]),
    ),
  );
  const [speaker, membership] = r.footprint;
  if (speaker !== undefined && membership !== undefined)
    console.log(`speaker rss + membership uss: ${(speaker.rssMb + membership.ussMb).toFixed(1)} MB`);
  console.log(`\nresident pages of the speaker at rest, ${r.run.services} services (smaps)\n`);
  console.log(
    renderTable(
      ['kind', 'mappings', 'size', 'rss'],
      r.residentByKind.map((k) => [k.kind, k.mappings, k.sizeMb, k.rssMb]),
    ),
  );
}
const file = writeResults('k8s-memory', {
  goal: { rssMb: 120 },
  expectedTree: tree,
  memberlist,
  runs,
});
console.log(`\nwrote ${file}`);
