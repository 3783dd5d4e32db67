/** Loading the standalone configuration file, and reloading it when its content changes. */
import { createHash } from 'node:crypto';
import { readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from './errors.ts';
import { parseConfig } from './parse.ts';
import type { Model } from './types.ts';

function readError(path: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const problem = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`;
  return new ConfigError({ source: path, problem, cause: err });
}

/**
 * Reads and parses the configuration file at start-up.
 * @throws ConfigError, also when the file is missing or unreadable (naming the path).
 */
export function loadConfigFile(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw readError(path, err);
  }
  return parseConfig(text, path);
}

export interface ConfigWatchHandlers {
  /** A new, valid configuration whose content differs from the last one seen. */
  onChange(model: Model): void;
  /** The file became invalid or unreadable (once per distinct bad state); keep the last good model. */
  onError(err: ConfigError | Error): void;
}

export interface ConfigWatchOptions {
  /** Content poll period, ms (default 1000). */
  readonly pollMs?: number;
  /** Quiet time after a file system event before reading, ms (default 100). */
  readonly debounceMs?: number;
  /** Use fs.watch besides polling (default true); set false where inotify is unavailable. */
  readonly fsWatch?: boolean;
}

export interface ConfigWatch {
  close(): void;
}

/** What the file held at the last read: a content hash, or the error that prevented reading it. */
function fingerprintOf(content: string | Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * Identity and change times of what the path resolves to: a poll reads the file only when this moved,
 * so a 2 MB file of 10,000 services is not read, decoded and hashed every second for nothing.
 * `changedMs` is the later of mtime and ctime: the kernel's clock for them is coarse (a tick, ~4 ms), so
 * a file changed within a second of a read is read again until it stays put (as git's "racy" check).
 */
async function statStamp(path: string): Promise<{ stamp: string; changedMs: number }> {
  try {
    const s = await stat(path, { bigint: true });
    const changedMs = Number((s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) / 1_000_000n);
    return { stamp: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, changedMs };
  } catch (err) {
    return { stamp: `error:${(err as NodeJS.ErrnoException).code ?? String(err)}`, changedMs: Date.now() };
  }
}

const SETTLED_MS = 1000;

function initialFingerprint(path: string): string {
  try {
    return fingerprintOf(readFileSync(path));
  } catch (err) {
    return `error:${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
}

/**
 * Watches a configuration file and reports each change of its content.
 *
 * Why not a generic watcher (chokidar, fs.watch on the file): a Kubernetes ConfigMap volume
 * updates by writing a new timestamped directory and renaming a `..data` symlink over the old one;
 * the file itself (`cfg.yaml -> ..data/cfg.yaml`) is never written, and a watch on the file's old
 * inode sees nothing, a known weak spot of generic watchers. Editors and atomic writers rename a new
 * file over the old one, with the same effect. So this watches the parent directory (any event there
 * schedules a read, debounced) AND polls, and decides by hashing the content read through the path:
 * no update style is missed, and events that do not change the content are ignored.
 *
 * The baseline is the file's content when watchConfig is called: call it right after
 * loadConfigFile. onChange is called only for content that differs from the last content seen and
 * parses; a bad file calls onError once and the caller keeps its last good model. Neither the
 * watch nor the poll timer keeps the process alive.
 */
export function watchConfig(
  path: string,
  handlers: ConfigWatchHandlers,
  opts: ConfigWatchOptions = {},
): ConfigWatch {
  const debounceMs = opts.debounceMs ?? 100;
  let lastSeen = initialFingerprint(path);
  /** The stat stamp of the last read, once the file had not changed for SETTLED_MS before it. */
  let settledStamp = '';
  let closed = false;
  let reading = false;
  let readAgain = false;
  let debounce: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let watchFailureReported = false;

  /** Reads the file: its text, or the error that prevented reading it. */
  async function read(): Promise<{ content: Buffer } | { error: unknown }> {
    try {
      return { content: await readFile(path) };
    } catch (error) {
      return { error };
    }
  }

  function apply(result: { content: Buffer } | { error: unknown }): void {
    const fingerprint =
      'content' in result
        ? fingerprintOf(result.content)
        : `error:${(result.error as NodeJS.ErrnoException).code ?? String(result.error)}`;
    if (closed || fingerprint === lastSeen) return;
    lastSeen = fingerprint;
    if (!('content' in result)) return handlers.onError(readError(path, result.error));
    let model: Model;
    try {
      model = parseConfig(result.content.toString('utf8'), path);
    } catch (err) {
      return handlers.onError(err as ConfigError);
    }
    handlers.onChange(model);
  }

  /** Reads and applies the file; a poll (`always` false) only when its stat stamp moved. */
  async function check(always: boolean): Promise<void> {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    const { stamp, changedMs } = await statStamp(path);
    if (!always && stamp === settledStamp) {
      reading = false;
      return;
    }
    settledStamp = Date.now() - changedMs > SETTLED_MS ? stamp : '';
    const result = await read();
    reading = false;
    apply(result);
    if (readAgain) {
      readAgain = false;
      await check(true);
    }
  }

  function scheduleCheck(): void {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(true), debounceMs);
  }

  function watchFailed(err: unknown): void {
    if (!watchFailureReported)
      handlers.onError(new Error(`cannot watch ${dirname(path)}; polling`, { cause: err }));
    watchFailureReported = true;
  }

  function startFsWatch(): void {
    if (opts.fsWatch === false || watcher !== undefined || closed) return;
    try {
      watcher = watch(dirname(path), { persistent: false }, scheduleCheck);
      // E.g. the directory itself was removed: drop the watcher; polling continues and retries it.
      watcher.on('error', (err) => {
        watchFailed(err);
        watcher?.close();
        watcher = undefined;
      });
    } catch (err) {
      watchFailed(err);
    }
  }

  startFsWatch();
  const poll = setInterval(() => {
    startFsWatch();
    void check(false);
  }, opts.pollMs ?? 1000);
  poll.unref();

  return {
    close(): void {
      closed = true;
      clearInterval(poll);
      clearTimeout(debounce);
      watcher?.close();
      watcher = undefined;
    },
  };
}
