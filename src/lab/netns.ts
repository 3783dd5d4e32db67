/** Network-namespace primitives over iproute2: create, list processes, kill them, delete. */
import { execFileSync } from 'node:child_process';
import { LabError } from './errors.ts';
import { run, runChecked } from './run.ts';

const KILL_WAIT_MS = 5000;
const POLL_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function parsePids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}

/** Creates a namespace; throws LabError if the name is taken. */
export async function addNamespace(ns: string): Promise<void> {
  await runChecked('cannot create namespace', ['ip', 'netns', 'add', ns]);
}

/** The ids of the processes living in namespace `ns` (none if the namespace is gone). */
export async function namespacePids(ns: string): Promise<number[]> {
  const result = await run(['ip', 'netns', 'pids', ns]);
  return result.code === 0 ? parsePids(result.stdout) : [];
}

/** Names of all namespaces on the machine. */
export async function listNamespaces(): Promise<string[]> {
  const result = await runChecked('cannot list namespaces', ['ip', 'netns', 'list']);
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (err) {
      // ESRCH: it exited between listing and killing, which is what we want.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/**
 * Kills every process of `ns`, waits until none is left, then deletes the namespace if it exists.
 * Processes that survive SIGKILL for 5 s (stuck in the kernel) are reported after the name is deleted.
 */
export async function removeNamespace(ns: string): Promise<void> {
  const deadline = Date.now() + KILL_WAIT_MS;
  let pids = await namespacePids(ns);
  while (pids.length > 0 && Date.now() < deadline) {
    killAll(pids);
    await sleep(POLL_MS);
    pids = await namespacePids(ns);
  }
  if ((await listNamespaces()).includes(ns))
    await runChecked('cannot delete namespace', ['ip', 'netns', 'del', ns]);
  if (pids.length > 0) {
    throw new LabError(`processes ${pids.join(', ')} survived SIGKILL`, ['ip', 'netns', 'pids', ns], 0, '');
  }
}

/** The synchronous form, for process exit and signal handlers where nothing asynchronous runs. */
export function removeNamespaceSync(ns: string): void {
  const pids = execFileSync('ip', ['netns', 'pids', ns], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  killAll(parsePids(pids));
  execFileSync('ip', ['netns', 'del', ns], { stdio: ['ignore', 'ignore', 'pipe'] });
}
