/**
 * Keeps the ServiceL2Status watch running: restarts it after an error with exponential backoff and
 * jitter, or, while the API server is down (the breaker is open), when the breaker closes. Logged once
 * per failure and once per recovery.
 */
import type winston from 'winston';
import { StatusApiError } from './errors.ts';
import { backoffMs } from './limits.ts';
import type { StatusCounters } from './stats.ts';
import type { Clock, StatusWatch, Timer } from './types.ts';

export interface WatchKeeperParts {
  readonly watch: StatusWatch;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: winston.Logger;
  readonly counters: StatusCounters;
  readonly baseMs: number;
  readonly maxMs: number;
  /** Feeds the failure to the breaker; returns true when the breaker is open. */
  readonly serverDown: (error: StatusApiError) => boolean;
}

export class WatchKeeper {
  private failures = 0;
  private awaitsServer = false;
  private timer: Timer | undefined;
  private stopped = false;
  private readonly parts: WatchKeeperParts;

  constructor(parts: WatchKeeperParts) {
    this.parts = parts;
  }

  start(): void {
    if (this.stopped) return;
    this.parts.counters.watchStarts++;
    this.parts.counters.requests++;
    this.parts.watch.start().then(
      () => undefined,
      (err: unknown) =>
        this.failed(
          err instanceof StatusApiError
            ? err
            : new StatusApiError('other', 'list', '', String(err), { cause: err }),
        ),
    );
  }

  failed(error: StatusApiError): void {
    if (this.stopped) return;
    this.parts.counters.watchErrors++;
    if (this.failures === 0)
      this.parts.logger.warn('ServiceL2Status watch failed, restarting with backoff', {
        error: error.message,
        kind: error.kind,
      });
    this.failures++;
    this.timer?.cancel();
    if (this.parts.serverDown(error)) {
      this.awaitsServer = true;
      return;
    }
    const delay = backoffMs(this.failures, this.parts.baseMs, this.parts.maxMs, this.parts.random);
    this.timer = this.parts.clock.setTimer(() => this.start(), delay);
  }

  /** The watch delivered something: it works. */
  healthy(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.parts.logger.info('ServiceL2Status watch recovered');
  }

  /** The breaker closed: a watch that failed meanwhile starts now. */
  serverBack(): void {
    if (!this.awaitsServer) return;
    this.awaitsServer = false;
    this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.parts.watch.stop();
  }
}
