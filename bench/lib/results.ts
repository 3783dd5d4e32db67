/** Writes a benchmark's results as JSON under bench/results, with what is needed to compare runs. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
const RESULTS_DIR = join(REPO, 'bench/results');

function commit(): string {
  return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim();
}

/** Writes `bench/results/<name>.json` and returns its path. */
export function writeResults(name: string, results: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  const machine = { kernel: release(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
  const document = { benchmark: name, date: new Date().toISOString(), commit: commit(), machine, ...results };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
