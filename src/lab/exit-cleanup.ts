/**
 * Labs still alive when the process ends are torn down synchronously: on normal exit, and on SIGINT,
 * SIGTERM or SIGHUP (then the process exits with 128 + the signal number, as if not caught).
 */
import { constants } from 'node:os';

/** Tears one live lab down without waiting on anything asynchronous. */
type SyncTeardown = () => void;

const live = new Set<SyncTeardown>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function teardownAll(): void {
  for (const teardown of live) {
    try {
      teardown();
    } catch (err) {
      process.stderr.write(`lab: teardown at exit failed: ${(err as Error).message}\n`);
    }
  }
  live.clear();
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  teardownAll();
  process.exit(128 + constants.signals[signal]);
}

function install(): void {
  process.on('exit', teardownAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', teardownAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Registers a lab's teardown for exit; the handlers are installed while at least one lab is live. */
export function registerForExit(teardown: SyncTeardown): void {
  if (live.size === 0) install();
  live.add(teardown);
}

/** Forgets a lab that was destroyed normally. */
export function unregisterForExit(teardown: SyncTeardown): void {
  live.delete(teardown);
  if (live.size === 0) uninstall();
}
