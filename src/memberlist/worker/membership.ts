/**
 * startMembership: checks the options, then runs the membership runtime in a child process of its own
 * (default), a worker thread, or, for tests, in-process behind a MessageChannel — the same messages each way.
 * Out of the main thread, its garbage collection or a large relist never delays an ack. A child process
 * rather than a worker by default: it can run at real-time priority as a whole, V8's helper threads included,
 * where a real-time worker thread still waits on its process's normal-priority threads during GC (measured:
 * stalls of 70-320 ms at load 20 on 2 vCPUs, against 14 ms). The child exits when its parent goes away.
 */
import { isIP } from 'node:net';
import { fork } from 'node:child_process';
import { MessageChannel, Worker } from 'node:worker_threads';
import { MAX_META_BYTES } from '../swim/index.ts';
import { CHILD_EXEC_ARGV, childEnv } from './child-options.ts';
import { findWorkerEntry } from './entry-path.ts';
import { MembershipOptionError, MembershipWorkerError } from './errors.ts';
import { RuntimeHandle, type DebugListener, type ListenerErrorHandler, type Membership } from './handle.ts';
import type { ThreadPriority } from './priority.ts';
import type { Isolation, RuntimeOptions } from './protocol.ts';
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
  /** Compress packets and streams as memberlist does by default (default true; Go reads either). */
  readonly compress?: boolean;
  /**
   * Scheduling priority of the membership's process or thread (default 'realtime', 'normal' in-process):
   * 'realtime' tries SCHED_RR (needs CAP_SYS_NICE and util-linux chrt) then nice -20; 'high' nice -20 only.
   * What was applied is in stats().threadPriority. Without it a busy machine can delay the thread past the
   * detection budget (about 100 ms with 'fast'), and the member is then declared dead.
   */
  readonly threadPriority?: ThreadPriority;
  /** Run without a worker thread or child process (tests); same as isolation 'in-process'. */
  readonly inProcess?: boolean;
  /** Where the runtime runs: 'process' (default), 'worker' or 'in-process'. */
  readonly isolation?: Isolation;
  /** Path of worker/entry.ts when it cannot be found from the script or working directory. */
  readonly workerEntry?: string;
  /** Receives the transport's debug log lines (bad packets, send failures). */
  readonly onDebug?: DebugListener;
  /** Receives errors thrown by onChange listeners (default: process.emitWarning). */
  readonly onListenerError?: ListenerErrorHandler;
}

const PRIORITIES: readonly string[] = ['realtime', 'high', 'normal'];
const ISOLATIONS: readonly string[] = ['process', 'worker', 'in-process'];

const isolationOf = (options: MembershipOptions): Isolation =>
  options.isolation ?? (options.inProcess ? 'in-process' : 'process');

function runtimeOptions(options: MembershipOptions): RuntimeOptions {
  const check = (ok: boolean, field: string, value: unknown, reason: string): void => {
    if (!ok) throw new MembershipOptionError(field, value, reason);
  };
  const { bindPort = 7946, meta = Buffer.alloc(0), joinTimeoutMs = 10_000, profile = 'fast' } = options;
  const isolation = isolationOf(options);
  const { compress = true, threadPriority = isolation === 'in-process' ? 'normal' : 'realtime' } = options;
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
  check(typeof compress === 'boolean', 'compress', compress, 'must be a boolean');
  check(ISOLATIONS.includes(isolation), 'isolation', isolation, `must be ${ISOLATIONS.join(', ')}`);
  check(
    PRIORITIES.includes(threadPriority),
    'threadPriority',
    threadPriority,
    `must be ${PRIORITIES.join(', ')}`,
  );
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
    compress,
    threadPriority,
    isolation,
    debug: options.onDebug !== undefined,
  };
}

type Hooks = Pick<MembershipOptions, 'onDebug' | 'onListenerError'>;

function inProcessHandle(hooks: Hooks): RuntimeHandle {
  const { port1, port2 } = new MessageChannel();
  serve(port2);
  return new RuntimeHandle(
    port1,
    async () => {
      port1.close();
      port2.close();
    },
    hooks,
  );
}

function workerHandle(entry: string, hooks: Hooks): RuntimeHandle {
  const worker = new Worker(entry);
  let stopping = false;
  const handle = new RuntimeHandle(
    worker,
    async () => {
      stopping = true;
      await worker.terminate();
    },
    hooks,
  );
  worker.on('error', (err) => handle.abort(new MembershipWorkerError(err.message)));
  worker.on('exit', (code) => {
    if (!stopping) handle.abort(new MembershipWorkerError(`exited with code ${code}`, code));
  });
  return handle;
}

function processHandle(entry: string, hooks: Hooks): RuntimeHandle {
  const child = fork(entry, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...CHILD_EXEC_ARGV],
    env: childEnv(process.env),
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = {
    postMessage: (value: unknown) => void child.send(value as object),
    // One message per macrotask, as a MessagePort delivers them: IPC emits every message of one read at once,
    // and a caller awaiting startMembership must get to add its listeners before the first events.
    on: (event: 'message', listener: (value: unknown) => void) =>
      child.on(event, (value) => setImmediate(() => listener(value))),
  };
  const handle = new RuntimeHandle(
    port,
    async () => {
      stopping = true;
      if (child.connected) child.disconnect();
      await exited;
    },
    hooks,
  );
  child.on('error', (err) => handle.abort(new MembershipWorkerError(err.message)));
  child.on('exit', (code) => {
    if (!stopping)
      handle.abort(new MembershipWorkerError(`process exited with code ${code}`, code ?? undefined));
  });
  return handle;
}

function openHandle(isolation: Isolation, options: MembershipOptions, hooks: Hooks): RuntimeHandle {
  if (isolation === 'in-process') return inProcessHandle(hooks);
  const entry = findWorkerEntry(options.workerEntry);
  return isolation === 'worker' ? workerHandle(entry, hooks) : processHandle(entry, hooks);
}

/** Binds, starts the node and begins joining `seeds`; rejects with MembershipOptionError or a start failure. */
export async function startMembership(options: MembershipOptions): Promise<Membership> {
  const runtime = runtimeOptions(options);
  const hooks = { onDebug: options.onDebug, onListenerError: options.onListenerError };
  const handle = openHandle(runtime.isolation, options, hooks);
  try {
    await handle.start(runtime);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
