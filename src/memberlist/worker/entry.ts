/** The worker thread's entry: serves the membership runtime on parentPort. */
import { parentPort } from 'node:worker_threads';
import { MembershipWorkerError } from './errors.ts';
import { serve } from './runtime.ts';

if (parentPort === null) throw new MembershipWorkerError('entry.ts runs only as a worker thread');
serve(parentPort);
