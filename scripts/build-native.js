#!/usr/bin/env node
// Builds the Node-API addon (src/native) with node-gyp, unless the built module is newer than every source.
// Node-API is ABI-stable, so the machine's Node headers (/usr/include/node) serve any newer Node at run time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const built = 'build/Release/l2speaker.node';
const sources = ['binding.gyp', ...listSources('src/native')];

function listSources(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((path) => /\.(c|cc|h)$/.test(path));
}

const force = process.argv.includes('--force');
if (!force && existsSync(built)) {
  const builtAt = statSync(built).mtimeMs;
  if (sources.every((path) => statSync(path).mtimeMs <= builtAt)) process.exit(0);
}
const nodedir = process.env.L2SPEAKER_NODEDIR ?? '/usr';
const result = spawnSync('node-gyp', ['rebuild', `--nodedir=${nodedir}`, '-j', '2'], {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${join(process.cwd(), 'node_modules/.bin')}:${process.env.PATH}` },
});
process.exit(result.status ?? 1);
