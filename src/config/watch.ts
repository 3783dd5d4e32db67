/** Loading the standalone configuration file, and reloading it when its content changes. */
import { createHash } from 'node:crypto';
import { readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
function fingerprintOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function initialFingerprint(path: string): string {
  try {
    return fingerprintOf(readFileSync(path, 'utf8'));
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
  let closed = false;
  let reading = false;
  let readAgain = false;
  let debounce: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let watchFailureReported = false;

  /** Reads the file: its text, or the error that prevented reading it. */
  async function read(): Promise<{ text: string } | { error: unknown }> {
    try {
      return { text: await readFile(path, 'utf8') };
    } catch (error) {
      return { error };
    }
  }

  function apply(result: { text: string } | { error: unknown }): void {
    const fingerprint =
      'text' in result
        ? fingerprintOf(result.text)
        : `error:${(result.error as NodeJS.ErrnoException).code ?? String(result.error)}`;
    if (closed || fingerprint === lastSeen) return;
    lastSeen = fingerprint;
    if (!('text' in result)) return handlers.onError(readError(path, result.error));
    let model: Model;
    try {
      model = parseConfig(result.text, path);
    } catch (err) {
      return handlers.onError(err as ConfigError);
    }
    handlers.onChange(model);
  }

  async function check(): Promise<void> {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    const result = await read();
    reading = false;
    apply(result);
    if (readAgain) {
      readAgain = false;
      await check();
    }
  }

  function scheduleCheck(): void {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), debounceMs);
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
    void check();
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
