#!/usr/bin/env node
// Entry for `npx l2speaker`: `l2speaker status|explain ...` inspects; anything else runs the speaker.
//
// It runs dist/ (the sources compiled by `npm run build`, which `npm ci` runs) when dist/ is at least as
// new as every file in src/, else the TypeScript sources through Node's type stripping. Compiled code
// spares the process the type stripper: ~18 MB resident (bench/plan.ts, README "Scale"). A checkout
// edited since its last build runs what was edited; the image ships dist/ alone.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILT = join(root, 'dist', '.built');

function newestMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function codeTree() {
  if (process.env.L2SPEAKER_CODE === 'src' || process.env.L2SPEAKER_CODE === 'dist')
    return process.env.L2SPEAKER_CODE;
  if (!existsSync(BUILT)) return 'src';
  const src = join(root, 'src');
  return !existsSync(src) || statSync(BUILT).mtimeMs >= newestMs(src) ? 'dist' : 'src';
}

/**
 * glibc malloc settings for the speaker (unless set), read as the process starts (bench/plan.ts
 * --speaker-only, 10,000 services, README "Scale"). One arena: glibc gives threads that allocate at once
 * arenas of their own (V8's helpers, libuv's pool), each keeping what is freed in it (~6 MB resident).
 * A fixed mmap threshold: glibc raises it (up to 32 MB) each time a big block is freed, after which big
 * blocks come from the heap and stay resident once freed (~3 MB, more after a start-up peak).
 */
const MALLOC_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' };

const [command] = process.argv.slice(2);
const inspect = command === 'status' || command === 'explain';
if (!inspect) {
  // The speaker's garbage is short-lived and small (plans, frames), so a 2 MB semi-space (default 16 MB)
  // costs a few more scavenges and keeps ~25 MB less resident; --expose-gc lets it give the heap back
  // once after a burst (src/speaker/heap-settler.ts). V8 reads both when it starts: the process
  // replaces itself (same pid) with them set (bench/plan.ts, README "Scale").
  const flags = ['--max-semi-space-size=2', '--expose-gc'];
  const set = process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'));
  if (!set && typeof process.execve === 'function') {
    const env = { ...process.env };
    const unset = Object.keys(MALLOC_ENV).filter((name) => env[name] === undefined);
    for (const name of unset) env[name] = MALLOC_ENV[name];
    if (unset.length > 0) env.L2SPEAKER_MALLOC_ENV = unset.join(',');
    process.execve(
      process.execPath,
      [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)],
      env,
    );
  }
}
// glibc read them as this process started: its children (the membership process) keep their defaults.
for (const name of process.env.L2SPEAKER_MALLOC_ENV?.split(',') ?? [])
  Reflect.deleteProperty(process.env, name);
delete process.env.L2SPEAKER_MALLOC_ENV;
// The membership child process follows the same choice (src/memberlist/worker/entry-path.ts).
const tree = codeTree();
process.env.L2SPEAKER_CODE = tree;
await import(join(root, tree, inspect ? 'inspect/main' : 'speaker/cli') + (tree === 'dist' ? '.js' : '.ts'));
