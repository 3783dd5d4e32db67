/**
 * `npm run bench`: runs every benchmark in turn with its defaults, each in its own process (a lab
 * each), passing the command line on; stops at the first that fails.
 *
 *   npm run bench -- --only kernel,c
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './lib/results.ts';

const BENCHMARKS = ['arp-latency.ts', 'arp-rate.ts'];
const node = join(REPO, 'node_modules/.bin/node');

for (const script of BENCHMARKS) {
  console.log(`\n== ${script}`);
  const { status, signal } = spawnSync(node, [join(REPO, 'bench', script), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (status !== 0) {
    console.error(`${script} failed (${signal ?? `exit ${status}`})`);
    process.exit(status ?? 1);
  }
}
