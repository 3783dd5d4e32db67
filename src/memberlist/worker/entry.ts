/**
 * The membership runtime's entry: serves it on the worker thread's parentPort, or, in a child process, on
 * the IPC channel to the parent (and exits when the parent goes away).
 */
import { parentPort } from 'node:worker_threads';
import { MembershipWorkerError } from './errors.ts';
import { serve } from './runtime.ts';

if (parentPort !== null) serve(parentPort);
else if (process.send !== undefined) {
  const send = process.send.bind(process);
  serve({
    postMessage: (value) => send(value as object),
    on: (event, listener) => process.on(event, listener),
  });
  // The parent is gone (or let go of us): die at once, as a crashed speaker's membership must (no cleanup).
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
} else throw new MembershipWorkerError('entry.ts runs only as a worker thread or a forked child process');
