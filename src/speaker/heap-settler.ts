/**
 * Gives memory back after a burst. Start-up (the YAML or the API lists, the first plan, 10,000 bindings)
 * and a mass move grow V8's heap; with little allocated afterwards no collection comes, and the dead
 * objects and V8's pooled pages stay resident: ~25 MB at 10,000 services (bench/plan.ts, README
 * "Scale"). Once such a burst is over (its announcements sent, then quiet for a while) one
 * memory-reducing collection returns them; one more runs before the first plan (settleNow). It pauses
 * JavaScript for some tens of ms; ARP and NDP are answered by the addon's threads and membership runs in
 * its own process, so only after big changes.
 */
import type { Clock, Logger, Timer } from '../dataplane/index.ts';

/** V8's `gc` (present with --expose-gc, which bin/l2speaker.js sets). */
export type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface HeapSettlerOptions {
  /** Binding changes in one apply that count as a burst. */
  readonly minChanges: number;
  /** Quiet time after the last burst (and its announcements) before collecting. */
  readonly quietMs: number;
}

/** While the burst's announcements go out (seconds at 10,000 IPs), how often to look again. */
const BUSY_RECHECK_MS = 1000;

export const DEFAULT_HEAP_SETTLER_OPTIONS: HeapSettlerOptions = { minChanges: 1000, quietMs: 10_000 };

export class HeapSettler {
  readonly #gc: GcFunction | undefined;
  readonly #clock: Clock;
  readonly #busy: () => boolean;
  readonly #logger: Logger;
  readonly #options: HeapSettlerOptions;
  #timer: Timer | undefined;

  /** `busy`: work of the burst still under way (announcements queued); the collection waits for it. */
  constructor(
    gc: GcFunction | undefined,
    parts: { clock: Clock; busy: () => boolean; logger: Logger },
    options: HeapSettlerOptions = DEFAULT_HEAP_SETTLER_OPTIONS,
  ) {
    this.#gc = gc;
    this.#clock = parts.clock;
    this.#busy = parts.busy;
    this.#logger = parts.logger;
    this.#options = options;
  }

  /**
   * Collects now: at start-up, between reading the sources (the YAML or the API lists: their garbage)
   * and the first plan, when nothing is answered yet and a pause costs nothing (peak RSS 137-180 MB ->
   * ~133 MB at 10,000 services).
   */
  settleNow(): void {
    this.#collect();
  }

  /** Reports how many bindings one apply changed; a burst (re)starts the wait. */
  noteChanges(count: number): void {
    if (this.#gc === undefined || count < this.#options.minChanges) return;
    this.#arm();
  }

  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delayMs = this.#options.quietMs): void {
    this.close();
    const timer = this.#clock.setTimeout(() => this.#settle(), delayMs);
    timer.unref?.();
    this.#timer = timer;
  }

  #settle(): void {
    this.#timer = undefined;
    if (this.#busy()) return this.#arm(BUSY_RECHECK_MS);
    this.#collect();
  }

  #collect(): void {
    if (this.#gc === undefined) return;
    const before = process.memoryUsage().rss;
    const started = this.#clock.now();
    this.#gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    this.#logger.info('heap settled', {
      pauseMs: Math.round(this.#clock.now() - started),
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      freedMb: Math.round((before - process.memoryUsage().rss) / 2 ** 20),
    });
  }
}
