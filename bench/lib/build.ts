/** Compiles the C baselines with the system's cc into bench/build (ignored by git), once per run. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './results.ts';

const BUILD_DIR = join(REPO, 'bench/build');
const built = new Set<string>();

/** Builds bench/baseline/<name>.c (once per process) and returns the binary's absolute path. */
export function buildBaseline(name: string): string {
  const binary = join(BUILD_DIR, name);
  if (built.has(name)) return binary;
  mkdirSync(BUILD_DIR, { recursive: true });
  const source = join(REPO, 'bench/baseline', `${name}.c`);
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', binary, source], {
    stdio: 'inherit',
  });
  built.add(name);
  return binary;
}
