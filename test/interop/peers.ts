/**
 * Real Go memberlist nodes for interop tests: builds the peers (go-peer/, against memberlist v0.5.1
 * and Debian's v0.2.2) and drives one as a child process that prints JSON events and takes stdin
 * commands. Works under Jest (CommonJS) and under Node's type stripping run from the repository root.
 *
 * @example
 * const { v051, v022 } = await buildPeers();
 * const a = startPeer(v051, ['-name', 'a', '-port', '0']);
 * const ready = await a.ready();
 * const b = startPeer(v022, ['-name', 'b', '-port', '0', '-join', `127.0.0.1:${ready.port}`]);
 * await a.waitFor((e) => e.event === 'join' && e.node === 'b', 5000);
 * await b.leave();
 * await Promise.all([a.kill(), b.kill()]);
 * // In a lab host: startPeer(v051, args, { spawn: (argv) => host.spawn(argv) })
 */
import { execFile, spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PeerBuildError, PeerError } from './errors.ts';

export { PeerBuildError, PeerError } from './errors.ts';

export interface PeerMember {
  name: string;
  addr: string;
  port: number;
  state: 'alive' | 'suspect' | 'dead' | 'left';
}

/** One JSON line of a peer; `t` is the peer's Unix time in milliseconds. */
export interface PeerEvent {
  event: 'ready' | 'join' | 'leave' | 'update' | 'user' | 'members' | 'left' | 'sent' | 'error';
  node?: string;
  addr?: string;
  port?: number;
  meta?: string;
  payload?: string;
  /** In `ready` when -join was given: how many seeds were reached. */
  joined?: number;
  /** In `ready`: the memberlist version, 'v0.5.1' or 'v0.2.2'. */
  version?: string;
  members?: PeerMember[];
  error?: string;
  t: number;
}

export interface StartPeerOptions {
  /** Starts argv ([bin, ...args]) with piped stdio, e.g. `(argv) => host.spawn(argv)` for a lab host. */
  spawn?: (argv: string[]) => ChildProcess;
}

export interface GoPeer {
  readonly process: ChildProcess;
  /** Every event printed so far, in order. */
  readonly events: readonly PeerEvent[];
  /** The first event at index >= `from` matching `predicate`, waiting up to `timeoutMs`. */
  waitFor(predicate: (e: PeerEvent) => boolean, timeoutMs: number, from?: number): Promise<PeerEvent>;
  /** The `ready` event, printed once the nodes exist and -join was tried (see its `joined`, `error`). */
  ready(timeoutMs?: number): Promise<PeerEvent>;
  /** Node 0's live members (alive and suspect) as memberlist sees them now. */
  members(timeoutMs?: number): Promise<PeerMember[]>;
  /** Graceful leave (memberlist Leave with 2 s timeout); rejects if the peer reports an error. */
  leave(timeoutMs?: number): Promise<void>;
  /** Sends a user message to every other member. */
  user(payload: string): void;
  /** SIGKILL by default; resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last 16 KiB of memberlist's log. */
  stderrTail(): string;
}

const STDERR_KEEP = 16 * 1024;
const here = typeof __dirname === 'string' ? __dirname : resolve(process.cwd(), 'test/interop');

/** Runs build.sh (about a minute the first time, milliseconds after) and returns both binaries. */
export function buildPeers(): Promise<{ v051: string; v022: string }> {
  return new Promise((done, fail) => {
    execFile(resolve(here, 'build.sh'), { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const paths = new Map(stdout.split('\n').map((line) => line.split('=', 2) as [string, string]));
      const v051 = paths.get('v051');
      const v022 = paths.get('v022');
      if (err) fail(new PeerBuildError(err.message, typeof err.code === 'number' ? err.code : null, stderr));
      else if (!v051 || !v022) fail(new PeerBuildError(`no paths in ${JSON.stringify(stdout)}`, 0, stderr));
      else done({ v051, v022 });
    });
  });
}

interface Waiter {
  from: number;
  predicate: (e: PeerEvent) => boolean;
  done: (e: PeerEvent) => void;
  fail: (err: Error) => void;
}

/** Starts a peer binary; see go-peer/main.go for its flags. */
export function startPeer(bin: string, args: readonly string[], opts: StartPeerOptions = {}): GoPeer {
  const argv = [bin, ...args];
  const child = opts.spawn ? opts.spawn(argv) : spawnChild(bin, args, { stdio: 'pipe' });
  const events: PeerEvent[] = [];
  const waiters = new Set<Waiter>();
  let stderr = '';
  let failure: PeerError | undefined;
  // 'error' without 'exit' means the process never started.
  const exited = new Promise<void>((r) => child.once('exit', () => r()).once('error', () => r()));

  const settle = (): void => {
    for (const w of waiters) {
      const found = events.slice(w.from).find(w.predicate);
      if (found) w.done(found);
      else if (failure) w.fail(failure);
    }
  };
  const fatal = (message: string): void => {
    failure ??= new PeerError(message, argv, stderr);
    settle();
  };

  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP)));
  if (!child.stdout || !child.stdin) throw new PeerError('spawn must pipe stdin and stdout', argv, '');
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as PeerEvent);
      settle();
    } catch (err) {
      fatal(`printed a line that is not JSON (${(err as Error).message}): ${line}`);
    }
  });
  // 'close' comes after the last stdout line, so an exiting peer's final events are still seen.
  child.once('close', (code, signal) => fatal(`exited (code ${code}, signal ${signal})`));
  child.once('error', (err) => fatal(`cannot run: ${err.message}`));
  child.stdin.on('error', () => fatal('stdin closed'));

  const waitFor = (predicate: (e: PeerEvent) => boolean, timeoutMs: number, from = 0): Promise<PeerEvent> =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => {
        waiters.delete(w);
        fail(new PeerError(`no matching event within ${timeoutMs} ms`, argv, stderr));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(w);
      };
      const w: Waiter = {
        from,
        predicate,
        done: (e) => (finish(), done(e)),
        fail: (err) => (finish(), fail(err)),
      };
      waiters.add(w);
      settle();
    });

  const command = (line: string, reply: PeerEvent['event'], timeoutMs: number): Promise<PeerEvent> => {
    const from = events.length;
    child.stdin?.write(`${line}\n`);
    return waitFor((e) => e.event === reply, timeoutMs, from);
  };

  return {
    process: child,
    events,
    waitFor,
    ready: (timeoutMs = 10_000) => waitFor((e) => e.event === 'ready', timeoutMs),
    async members(timeoutMs = 5000) {
      return (await command('members', 'members', timeoutMs)).members ?? [];
    },
    async leave(timeoutMs = 5000) {
      const left = await command('leave', 'left', timeoutMs);
      if (left.error) throw new PeerError(`leave failed: ${left.error}`, argv, stderr);
    },
    user(payload) {
      child.stdin?.write(`user ${payload}\n`);
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    stderrTail: () => stderr,
  };
}
