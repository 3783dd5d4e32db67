/**
 * Planning at scale: 10,000 LoadBalancer services and 100 members (bench/lib/plan-model.ts), in both
 * election modes. From the repo:
 *
 *   node_modules/.bin/node bench/plan.ts [--services 10000] [--nodes 100] [--repeat 30] [--slow-repeat 3]
 *                                        [--speaker-seconds 60] [--no-speaker | --speaker-only]
 *
 * Times, in ms (median and p99 over --repeat), each mode in a child process run with the speaker's V8
 * flags (bench/lib/plan-timing.ts): the pure plan() (the reference, --slow-repeat times), the
 * planner's first plan (cold: every member/IP hash), a full plan after an L2Advertisement edit (every
 * service derived again; other objects keep their identity), the same edit with every object new, a
 * relist (every object new, contents equal), one member leaving, and it joining again; the ratio of
 * incremental (leave) to full. Memory: heap and RSS of a process holding the model, then also a planner
 * that planned it, and of one that parsed the standalone YAML, with and without bin/l2speaker.js's
 * --max-semi-space-size=2 (child processes run with --expose-gc). Then a real
 * bin/l2speaker.js holding the services as IPv6 VIPs on eth0 of a lab host (needs root; --no-speaker
 * skips it): RSS once its announcements are out and it settled, the peak, its heap (from /status), RSS
 * after /status answered, and SIGTERM to exit, with where its resident memory is at rest (/proc/PID/smaps
 * by kind of mapping). Writes bench/results/plan.json; --speaker-only runs the speaker part alone and
 * writes bench/results/plan-speaker.json.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ElectionMode } from '../src/election/index.ts';
import { BenchError } from './lib/errors.ts';
import { countOption } from './lib/options.ts';
import { measureSpeaker, type SpeakerMemory } from './lib/plan-speaker.ts';
import {
  configMemory,
  planMemory,
  timeMode,
  type ConfigMemory,
  type ModeTimings,
} from './lib/plan-timing.ts';
import { REPO, writeResults } from './lib/results.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '100' },
    repeat: { type: 'string', default: '30' },
    'slow-repeat': { type: 'string', default: '3' },
    'speaker-seconds': { type: 'string', default: '60' },
    'no-speaker': { type: 'boolean', default: false },
    'speaker-only': { type: 'boolean', default: false },
    'memory-child': { type: 'string' },
  },
});

const count = (flag: string, text: string | undefined): number => countOption(flag, text, 1);

const shape = { services: count('--services', values.services), nodes: count('--nodes', values.nodes) };
const MB = 1024 * 1024;

if (values['memory-child'] !== undefined) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new BenchError('--memory-child', 'run with --expose-gc');
  const child = values['memory-child'];
  const result = child === 'config' ? configMemory(shape, gc) : planMemory(child as ElectionMode, shape, gc);
  console.log(JSON.stringify(result));
  process.exit(0);
}

function printSpeaker(speaker: SpeakerMemory): void {
  console.log(`\nbin/l2speaker.js holding ${speaker.services} IPv6 VIPs on eth0 (standalone, lab host)\n`);
  console.log(
    renderTable(
      [
        'ready (ms)',
        'answering',
        'rss (MB)',
        'peak rss',
        'heap used',
        'heap total',
        'rss after /status',
        'SIGTERM to exit (ms)',
      ],
      [
        [
          speaker.readyMs,
          speaker.answering,
          speaker.rssMb,
          speaker.peakRssMb,
          speaker.heapUsedMb,
          speaker.heapTotalMb,
          speaker.rssAfterStatusMb,
          speaker.stopMs,
        ],
      ],
    ),
  );
  console.log('\nits resident memory at rest, by kind of mapping (/proc/PID/smaps)\n');
  console.log(
    renderTable(
      ['kind', 'mappings', 'size (MB)', 'rss (MB)'],
      speaker.residentByKind.map((k) => [k.kind, k.mappings, k.sizeMb, k.rssMb]),
    ),
  );
}

const speakerSeconds = count('--speaker-seconds', values['speaker-seconds']);
if (values['speaker-only']) {
  const speaker = await measureSpeaker(REPO, shape.services, speakerSeconds);
  printSpeaker(speaker);
  console.log(`\nwrote ${writeResults('plan-speaker', { shape, speaker })}`);
  process.exit(0);
}

const modes: ElectionMode[] = ['metallb', 'ring'];
const timings: ModeTimings[] = modes.map((mode) =>
  timeMode(mode, {
    shape,
    repeat: count('--repeat', values.repeat),
    slowRepeat: count('--slow-repeat', values['slow-repeat']),
  }),
);

function memoryChild(kind: string, flags: readonly string[] = []): unknown {
  const argv = ['--expose-gc', ...flags, join(REPO, 'bench/plan.ts'), '--memory-child', kind];
  const sizes = ['--services', String(shape.services), '--nodes', String(shape.nodes)];
  return JSON.parse(execFileSync(process.execPath, [...argv, ...sizes], { encoding: 'utf8' }));
}

const memory = modes.map((mode) => ({ mode, ...(memoryChild(mode) as ReturnType<typeof planMemory>) }));
// Parsing the standalone YAML, with V8's default semi-space and with the one bin/l2speaker.js sets.
const configParse = [[], ['--max-semi-space-size=2']].map((flags) => ({
  flags,
  ...(memoryChild('config', flags) as ConfigMemory),
}));

let speaker: SpeakerMemory | undefined;
if (!values['no-speaker']) speaker = await measureSpeaker(REPO, shape.services, speakerSeconds);

const kinds = ['pure', 'cold', 'full', 'editRelist', 'relist', 'leave', 'join'] as const;
console.log(`\nplan(): ${shape.services} services x ${shape.nodes} members, ms (median / p99)\n`);
console.log(
  renderTable(
    ['mode', ...kinds, 'leave/full'],
    timings.map((t) => [
      t.mode,
      ...kinds.map((kind) => `${t[kind].median.toFixed(2)} / ${t[kind].p99.toFixed(2)}`),
      t.leave.median / t.full.median,
    ]),
  ),
);
console.log('\nmemory, MB (after gc): model alone, then model + planner\n');
console.log(
  renderTable(
    ['mode', 'heap (model)', 'rss (model)', 'heap (+planner)', 'rss (+planner)'],
    memory.map((m) => [
      m.mode,
      m.modelOnly.heapUsed / MB,
      m.modelOnly.rss / MB,
      m.withPlanner.heapUsed / MB,
      m.withPlanner.rss / MB,
    ]),
  ),
);
console.log(`\nparsing the standalone YAML of ${shape.services} services, MB (after gc)\n`);
console.log(
  renderTable(
    ['v8 flags', 'parse (ms)', 'heap', 'rss before', 'rss after', 'peak rss'],
    configParse.map((c) => [
      c.flags.join(' ') || '(default)',
      c.parseMs,
      c.after.heapUsed / MB,
      c.before.rss / MB,
      c.after.rss / MB,
      c.peakRss / MB,
    ]),
  ),
);
if (speaker !== undefined) printSpeaker(speaker);
const file = writeResults('plan', { shape, timings, memory, configParse, speaker });
console.log(`\nwrote ${file}`);
