/**
 * startMembership: checks the options, then runs the membership runtime in a worker thread (own event loop
 * and heap: main-thread garbage collection or a large relist never delays an ack) or, for tests, in-process
 * behind a MessageChannel — the same messages either way.
 */
import { isIP } from 'node:net';
import { MessageChannel, Worker } from 'node:worker_threads';
import { MAX_META_BYTES } from '../swim/index.ts';
import { findWorkerEntry } from './entry-path.ts';
import { MembershipOptionError, MembershipWorkerError } from './errors.ts';
import { RuntimeHandle, type DebugListener, type Membership } from './handle.ts';
import type { RuntimeOptions } from './protocol.ts';
import { serve } from './runtime.ts';

export interface MembershipOptions {
  /** Unique node name (Kubernetes node name). */
  readonly name: string;
  readonly bindAddr: string;
  /** Default 7946; 0 picks a free port (the same for UDP and TCP). */
  readonly bindPort?: number;
  /** Address peers reach us at; default the bind address (or the first external address for 0.0.0.0/::). */
  readonly advertiseAddr?: string;
  /** 'host:port' seeds to join; ourselves among them is skipped. */
  readonly seeds?: readonly string[];
  /** Keyring, primary first (16, 24 or 32 bytes each); none: plaintext. With keys, plaintext is refused. */
  readonly keys?: readonly Buffer[];
  readonly label?: string;
  /** At most 512 bytes; see encodeNodeMeta. */
  readonly meta?: Buffer;
  /** 'fast' (default): sub-second detection; 'lan': memberlist's DefaultLANConfig. */
  readonly profile?: 'fast' | 'lan';
  /** How long `synced` waits for a seed to answer (default 10 s). */
  readonly joinTimeoutMs?: number;
  /** Run without a worker thread (tests). */
  readonly inProcess?: boolean;
  /** Path of worker/entry.ts when it cannot be found from the script or working directory. */
  readonly workerEntry?: string;
  /** Receives the transport's debug log lines (bad packets, send failures). */
  readonly onDebug?: DebugListener;
}

function runtimeOptions(options: MembershipOptions): RuntimeOptions {
  const check = (ok: boolean, field: string, value: unknown, reason: string): void => {
    if (!ok) throw new MembershipOptionError(field, value, reason);
  };
  const { bindPort = 7946, meta = Buffer.alloc(0), joinTimeoutMs = 10_000, profile = 'fast' } = options;
  check(options.name !== '', 'name', options.name, 'must not be empty');
  check(isIP(options.bindAddr) !== 0, 'bindAddr', options.bindAddr, 'must be an IP address');
  check(
    Number.isInteger(bindPort) && bindPort >= 0 && bindPort <= 65535,
    'bindPort',
    bindPort,
    'out of range',
  );
  const advertise = options.advertiseAddr;
  check(
    advertise === undefined || isIP(advertise) !== 0,
    'advertiseAddr',
    advertise,
    'must be an IP address',
  );
  check(meta.length <= MAX_META_BYTES, 'meta', meta.length, `longer than ${MAX_META_BYTES} bytes`);
  check(profile === 'fast' || profile === 'lan', 'profile', profile, "must be 'fast' or 'lan'");
  check(Number.isFinite(joinTimeoutMs) && joinTimeoutMs >= 0, 'joinTimeoutMs', joinTimeoutMs, 'must be >= 0');
  for (const key of options.keys ?? []) {
    check([16, 24, 32].includes(key.length), 'keys', key.length, 'each key must be 16, 24 or 32 bytes');
  }
  return {
    name: options.name,
    bindAddr: options.bindAddr,
    bindPort,
    ...(advertise !== undefined ? { advertiseAddr: advertise } : {}),
    seeds: [...(options.seeds ?? [])],
    keys: (options.keys ?? []).map((key) => new Uint8Array(key)),
    ...(options.label ? { label: options.label } : {}),
    meta: new Uint8Array(meta),
    profile,
    joinTimeoutMs,
    debug: options.onDebug !== undefined,
  };
}

function inProcessHandle(onDebug?: DebugListener): RuntimeHandle {
  const { port1, port2 } = new MessageChannel();
  serve(port2);
  return new RuntimeHandle(
    port1,
    async () => {
      port1.close();
      port2.close();
    },
    onDebug,
  );
}

function workerHandle(entry: string, onDebug?: DebugListener): RuntimeHandle {
  const worker = new Worker(entry);
  let stopping = false;
  const handle = new RuntimeHandle(
    worker,
    async () => {
      stopping = true;
      await worker.terminate();
    },
    onDebug,
  );
  worker.on('error', (err) => handle.abort(new MembershipWorkerError(err.message)));
  worker.on('exit', (code) => {
    if (!stopping) handle.abort(new MembershipWorkerError(`exited with code ${code}`, code));
  });
  return handle;
}

/** Binds, starts the node and begins joining `seeds`; rejects with MembershipOptionError or a start failure. */
export async function startMembership(options: MembershipOptions): Promise<Membership> {
  const runtime = runtimeOptions(options);
  const handle = options.inProcess
    ? inProcessHandle(options.onDebug)
    : workerHandle(findWorkerEntry(options.workerEntry), options.onDebug);
  try {
    await handle.start(runtime);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
