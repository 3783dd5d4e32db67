/**
 * Raises the scheduling priority of what runs the membership: its own child process (every thread, V8's
 * helper threads included), or its worker thread. Detection is fast because a member that does not answer
 * for about 100 ms is declared dead; on a busy machine a thread at normal priority sometimes waits longer than
 * that for a CPU. A real-time round-robin policy (SCHED_RR, set with util-linux `chrt`, which Node cannot do
 * itself) makes it run as soon as a packet or timer wakes it; the fallback is the highest nice value (Linux
 * keeps nice per thread). Both need CAP_SYS_NICE; what was applied, and why not more, is reported.
 * Measured on a 2-vCPU machine at load 20: a real-time worker thread still stalled up to 70-320 ms (its
 * garbage collection waits on normal-priority threads of the same process), a real-time process 14 ms.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** 'realtime': SCHED_RR, else nice -20; 'high': nice -20; 'normal': leave the thread as it is. */
export type ThreadPriority = 'realtime' | 'high' | 'normal';

/** 'process': every thread of this process (a child running only the membership); 'thread': this one. */
export type PriorityScope = 'process' | 'thread';

export interface PriorityOutcome {
  readonly requested: ThreadPriority;
  readonly scope: PriorityScope;
  readonly applied: ThreadPriority;
  /** Kernel thread id of the membership thread (0 when unknown). */
  readonly threadId: number;
  /** Why each stronger step failed. */
  readonly errors: readonly string[];
}

/** SCHED_RR priority: above every normal thread, far below the kernel's own real-time threads (50). */
export const REALTIME_PRIORITY = 10;
export const HIGH_NICE = -20;

/** This thread's kernel id, from /proc/thread-self (Linux). */
function currentThreadId(): number {
  const [, , tid] = readlinkSync('/proc/thread-self').split('/');
  const id = Number(tid);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`unexpected /proc/thread-self: ${String(tid)}`);
  return id;
}

/** Kernel ids of every thread of this process. */
const processThreads = (): number[] => readdirSync('/proc/self/task').map(Number);

const runChrt = (threadId: number, scope: PriorityScope): Promise<void> =>
  new Promise((resolve, reject) => {
    const all = scope === 'process' ? ['--all-tasks'] : [];
    const args = [...all, '--rr', '--pid', String(REALTIME_PRIORITY), String(threadId)];
    execFile('chrt', args, { timeout: 5000 }, (err, _stdout, stderr) =>
      err === null ? resolve() : reject(new Error(`chrt ${args.join(' ')}: ${stderr.trim() || err.message}`)),
    );
  });

/** Applies `requested` to the calling thread or process as far as it is allowed; never throws. */
export async function raiseThreadPriority(
  requested: ThreadPriority,
  scope: PriorityScope,
): Promise<PriorityOutcome> {
  const errors: string[] = [];
  const outcome = (applied: ThreadPriority, threadId: number): PriorityOutcome => ({
    requested,
    scope,
    applied,
    threadId,
    errors,
  });
  if (requested === 'normal') return outcome('normal', 0);
  let threadId = 0;
  try {
    threadId = currentThreadId();
  } catch (err) {
    errors.push((err as Error).message);
    return outcome('normal', threadId);
  }
  if (requested === 'realtime') {
    try {
      await runChrt(threadId, scope);
      return outcome('realtime', threadId);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  try {
    for (const thread of scope === 'process' ? processThreads() : [threadId]) setPriority(thread, HIGH_NICE);
    return outcome('high', threadId);
  } catch (err) {
    errors.push(`setpriority(${threadId}, ${HIGH_NICE}): ${(err as Error).message}`);
    return outcome('normal', threadId);
  }
}
