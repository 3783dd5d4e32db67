/**
 * Which process owns which lab: one file per lab prefix holding the owner's pid, so that a later run can
 * tell a lab left behind by a killed process from one another process is still using.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OWNERS_DIR = '/run/l2speaker-lab';

export function recordOwner(prefix: string): void {
  mkdirSync(OWNERS_DIR, { recursive: true });
  writeFileSync(join(OWNERS_DIR, prefix), `${process.pid}\n`);
}

export function forgetOwner(prefix: string): void {
  rmSync(join(OWNERS_DIR, prefix), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Prefixes starting with `stem` whose owner process is gone. */
export function orphanedPrefixes(stem: string): string[] {
  let prefixes: string[];
  try {
    prefixes = readdirSync(OWNERS_DIR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return prefixes.filter((prefix) => {
    if (!prefix.startsWith(stem)) return false;
    const pid = Number(readFileSync(join(OWNERS_DIR, prefix), 'utf8').trim());
    return !isAlive(pid);
  });
}
