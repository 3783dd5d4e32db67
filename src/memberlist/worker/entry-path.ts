/**
 * Finds entry.ts for the worker. The same source runs as native ESM (type stripping, or compiled to dist/)
 * and as CommonJS under Jest, where `import.meta` is a syntax error; so, in order: the given path; next to
 * this module when CommonJS gives its directory (`__dirname`); the entry up from the main script's
 * directory; up from the working directory. The entry is dist/memberlist/worker/entry.js when
 * bin/l2speaker.js chose the compiled tree (L2SPEAKER_CODE=dist), else src/memberlist/worker/entry.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MembershipWorkerError } from './errors.ts';

function fromRoot(): string {
  return process.env.L2SPEAKER_CODE === 'dist'
    ? join('dist', 'memberlist', 'worker', 'entry.js')
    : join('src', 'memberlist', 'worker', 'entry.ts');
}

function upwards(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

export function entryCandidates(given?: string): string[] {
  if (given !== undefined) return [resolve(given)];
  const here = typeof __dirname === 'string' ? [join(__dirname, 'entry.ts')] : [];
  const starts = [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()];
  const found = starts.flatMap((start) =>
    start === undefined ? [] : upwards(start).map((d) => join(d, fromRoot())),
  );
  return [...new Set([...here, ...found])];
}

/** The worker entry's path; MembershipWorkerError naming every place looked at when none exists. */
export function findWorkerEntry(given?: string): string {
  const candidates = entryCandidates(given);
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined)
    throw new MembershipWorkerError(`the membership entry is not in ${candidates.join(', ')}`);
  return path;
}
