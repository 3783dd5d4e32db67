/**
 * Planning times at scale, per election mode: the pure plan() (the reference), the planner's first plan
 * (cold: every member/IP hash computed), a full plan after an L2Advertisement edit (every service
 * derived again; hashes, ring and equal candidates kept), a relist (every object new, contents equal),
 * one member leaving and joining again. Each mode is timed in a child process started with the V8 flags
 * the speaker runs with (SPEAKER_V8_FLAGS), on a heap of its own.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseConfig, type Model } from '../../src/config/index.ts';
import type { ElectionMode } from '../../src/election/index.ts';
import { plan } from '../../src/speaker/plan.ts';
import { createPlanner } from '../../src/speaker/planner.ts';
import { nodeName, scaleConfigYaml, scaleModel, type ScaleShape } from './plan-model.ts';
import { summarize, type Summary } from './stats.ts';

export interface ModeTimings {
  readonly mode: ElectionMode;
  /** Milliseconds per kind of plan. */
  readonly pure: Summary;
  readonly cold: Summary;
  /**
   * An L2Advertisement edit: every service derived again, owners kept where eligibility is equal; the
   * other objects keep their identity, as the sources keep unchanged objects.
   */
  readonly full: Summary;
  /** The same edit with every other object new too (an edit arriving with a relist): the worst case. */
  readonly editRelist: Summary;
  /** A relist: every object new, contents equal. */
  readonly relist: Summary;
  readonly leave: Summary;
  readonly join: Summary;
  /** Addresses this node answers for, and services with an owner, in the last full plan. */
  readonly answered: number;
  readonly owned: number;
}

function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

export interface TimingOptions {
  readonly shape: ScaleShape;
  readonly repeat: number;
  /** Repeats of the slow ones (pure and cold). */
  readonly slowRepeat: number;
}

/**
 * The V8 flags bin/l2speaker.js starts the speaker with: its 2 MB semi-space makes scavenges more
 * frequent, which the plans' garbage meets in the speaker, so the timings are taken with it too.
 */
export const SPEAKER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** The timings of one mode, measured in a child process with SPEAKER_V8_FLAGS. */
export function timeMode(mode: ElectionMode, options: TimingOptions): ModeTimings {
  const argv = [...SPEAKER_V8_FLAGS, import.meta.filename, mode, JSON.stringify(options)];
  const out = execFileSync(process.execPath, argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as ModeTimings;
}

function measureMode(mode: ElectionMode, options: TimingOptions): ModeTimings {
  const { shape, repeat, slowRepeat } = options;
  const members = Array.from({ length: shape.nodes }, (_, i) => nodeName(i));
  const self = { name: nodeName(0), labels: {} };
  const opts = { mode };
  const base = scaleModel(shape);
  const edited = [{ ...base, advertisements: scaleModel({ services: 0, nodes: 0 }, 1).advertisements }, base];
  const editedRelists = [scaleModel(shape, 1), scaleModel(shape)];
  const relists = [scaleModel(shape), base];
  const pure = Array.from({ length: slowRepeat }, () => timed(() => plan(base, self, members, opts)));
  const cold = Array.from({ length: slowRepeat }, () => {
    const planner = createPlanner();
    return timed(() => planner.plan(base, self, members, opts));
  });
  const planner = createPlanner();
  planner.plan(base, self, members, opts);
  let last = planner.plan(base, self, members, opts);
  const full = Array.from({ length: repeat }, (_, i) =>
    timed(() => (last = planner.plan(edited[i % 2] as Model, self, members, opts))),
  );
  const editRelist = Array.from({ length: repeat }, (_, i) =>
    timed(() => planner.plan(editedRelists[i % 2] as Model, self, members, opts)),
  );
  const relist = Array.from({ length: repeat }, (_, i) =>
    timed(() => planner.plan(relists[i % 2] as Model, self, members, opts)),
  );
  const model = base;
  planner.plan(model, self, members, opts);
  const leave: number[] = [];
  const join: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const leaver = nodeName(1 + ((i * 37) % (shape.nodes - 1)));
    const rest = members.filter((name) => name !== leaver);
    leave.push(timed(() => planner.plan(model, self, rest, opts)));
    join.push(timed(() => planner.plan(model, self, members, opts)));
  }
  const owned = [...last.owners.values()].filter((owner) => owner !== undefined).length;
  return {
    mode,
    pure: summarize(pure),
    cold: summarize(cold),
    full: summarize(full),
    editRelist: summarize(editRelist),
    relist: summarize(relist),
    leave: summarize(leave),
    join: summarize(join),
    answered: last.addresses.length,
    owned,
  };
}

/** Heap and RSS (and the peak RSS) of a process that parsed the standalone YAML of N services (with gc). */
export function configMemory(shape: ScaleShape, gc: () => void): ConfigMemory {
  const text = scaleConfigYaml(shape.services);
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const model = parseConfig(text, 'bench');
  const parseMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  const peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
  return { services: model.services.length, parseMs, before, after, peakRss };
}

export interface ConfigMemory {
  readonly services: number;
  readonly parseMs: number;
  readonly before: NodeJS.MemoryUsage;
  readonly after: NodeJS.MemoryUsage;
  readonly peakRss: number;
}

/** Heap and RSS of a process holding the model, then also a planner that planned it (call with gc). */
export function planMemory(
  mode: ElectionMode,
  shape: ScaleShape,
  gc: () => void,
): { modelOnly: NodeJS.MemoryUsage; withPlanner: NodeJS.MemoryUsage } {
  const model = scaleModel(shape);
  gc();
  const modelOnly = process.memoryUsage();
  const planner = createPlanner();
  const members = Array.from({ length: shape.nodes }, (_, i) => nodeName(i));
  planner.plan(model, { name: nodeName(0), labels: {} }, members, { mode });
  gc();
  const withPlanner = process.memoryUsage();
  // Keep both alive until measured.
  if (planner.plan(model, { name: nodeName(0), labels: {} }, members, { mode }).owners.size < 0) gc();
  return { modelOnly, withPlanner };
}

if (process.argv[1] === import.meta.filename) {
  const [mode, options] = process.argv.slice(2);
  console.log(
    JSON.stringify(measureMode(mode as ElectionMode, JSON.parse(options ?? '{}') as TimingOptions)),
  );
}
