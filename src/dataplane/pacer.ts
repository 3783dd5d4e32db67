/**
 * Paces announcement frames: when 1,000 IPs move to this node at once, gratuitous ARP and unsolicited
 * NA go out at the rate the operator set (a switch's control plane learns them without dropping), in
 * a fair order (every IP's first announcement before any repeat, IPs in the order they were gained),
 * and none is lost to a full socket: ENOBUFS / EAGAIN leave the frame at the head, retried shortly.
 */
import { NativeError } from '../native/index.ts';
import type { Clock, Timer } from './ports.ts';

export interface PacerOptions {
  /** Frames per second, at most. */
  readonly framesPerSecond: number;
  /** Frames that may go back to back after a pause (default: 10 ms worth, at least 1). */
  readonly burst?: number;
  /** Wait before retrying a frame the socket refused for lack of buffer. */
  readonly retryMs?: number;
  /** Attempts of one frame the socket keeps refusing before it is counted dropped. */
  readonly maxAttempts?: number;
}

/**
 * What the pacer does with an item when its turn comes: one port for every item, so a burst of 10,000
 * gains queues 10,000 small records, not 10,000 sets of closures and timers.
 */
export interface PacerPort<T> {
  /** The frames to send now, or undefined when the item is no longer wanted (e.g. its IP was released). */
  frames(item: T): readonly Buffer[] | undefined;
  send(item: T, frame: Buffer): void;
  /** Every frame of the item was sent. */
  sent(item: T): void;
  /** A frame could not be sent (after retries, or a non-transient error); the rest are skipped. */
  failed(item: T, error: unknown): void;
}

export interface PacerCounters {
  /** Announcements waiting. */
  queued: number;
  framesSent: number;
  /** Sends refused for lack of buffer and retried. */
  retries: number;
  /** Frames given up on. */
  framesDropped: number;
}

interface Pending<T> {
  readonly item: T;
  readonly dueAt: number;
  frames: readonly Buffer[] | undefined;
  next: number;
  attempts: number;
}

const TRANSIENT = new Set(['ENOBUFS', 'EAGAIN', 'EWOULDBLOCK']);

function isTransient(error: unknown): boolean {
  return error instanceof NativeError && TRANSIENT.has(error.errno);
}

/** One round's FIFO, drained from `head` to avoid shifting; a sent slot is cleared so its frames go. */
interface RoundQueue<T> {
  items: (Pending<T> | undefined)[];
  head: number;
}

/**
 * Items of one round are sent in the order queued; one not yet due holds back those behind it in its
 * round (the gain schedule gives every item of a round the same delay, so they come due in that order).
 */
export class AnnouncementPacer<T> {
  readonly #clock: Clock;
  readonly #port: PacerPort<T>;
  readonly #rate: number;
  readonly #burst: number;
  readonly #retryMs: number;
  readonly #maxAttempts: number;
  readonly #rounds: RoundQueue<T>[] = [];
  readonly #counters: PacerCounters = { queued: 0, framesSent: 0, retries: 0, framesDropped: 0 };
  #tokens: number;
  #refilledAt: number;
  #timer: Timer | undefined;
  #timerAt = 0;
  #closed = false;

  constructor(clock: Clock, port: PacerPort<T>, options: PacerOptions) {
    if (!(options.framesPerSecond > 0))
      throw new RangeError(`framesPerSecond must be > 0, not ${options.framesPerSecond}`);
    this.#clock = clock;
    this.#port = port;
    this.#rate = options.framesPerSecond;
    this.#burst = options.burst ?? Math.max(1, Math.ceil(options.framesPerSecond / 100));
    this.#retryMs = options.retryMs ?? 2;
    this.#maxAttempts = options.maxAttempts ?? 50;
    this.#tokens = this.#burst;
    this.#refilledAt = clock.now();
  }

  /** Queues `item` in `round` (0 for the first announcement of a gain, 1.. for repeats: lower first). */
  enqueue(item: T, round: number, dueAt = this.#clock.now()): void {
    if (this.#closed) return;
    const index = Math.max(0, Math.floor(round));
    while (this.#rounds.length <= index) this.#rounds.push({ items: [], head: 0 });
    this.#rounds[index]?.items.push({ item, dueAt, frames: undefined, next: 0, attempts: 0 });
    this.#counters.queued += 1;
    this.#schedule(Math.max(0, dueAt - this.#clock.now()));
  }

  counters(): PacerCounters {
    return { ...this.#counters };
  }

  /** Drops everything waiting and stops. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#rounds.length = 0;
    this.#counters.queued = 0;
  }

  /** The lowest round whose head is due, or (as `wait`) how long until one is; empty queues reset. */
  #due(now: number): { queue: RoundQueue<T> } | { wait: number } {
    let wait = Infinity;
    for (const queue of this.#rounds) {
      const pending = queue.items[queue.head];
      if (pending === undefined) {
        if (queue.items.length > 0) {
          queue.items = [];
          queue.head = 0;
        }
        continue;
      }
      if (pending.dueAt <= now) return { queue };
      wait = Math.min(wait, pending.dueAt - now);
    }
    return { wait };
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) {
      if (this.#timerAt <= this.#clock.now() + delayMs) return;
      this.#clock.clearTimeout(this.#timer);
    }
    this.#timerAt = this.#clock.now() + delayMs;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#drain();
    }, delayMs);
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) * this.#rate) / 1000);
    this.#refilledAt = now;
  }

  #drain(): void {
    this.#refill();
    for (;;) {
      const due = this.#due(this.#clock.now());
      if ('wait' in due) return due.wait === Infinity ? undefined : this.#schedule(due.wait);
      const { queue } = due;
      const pending = queue.items[queue.head] as Pending<T>;
      pending.frames ??= this.#port.frames(pending.item) ?? [];
      const frame = pending.frames[pending.next];
      if (frame === undefined) {
        this.#pop(queue);
        if (pending.frames.length > 0) this.#port.sent(pending.item);
        continue;
      }
      if (this.#tokens < 1)
        return this.#schedule(Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate)));
      try {
        this.#port.send(pending.item, frame);
      } catch (error) {
        if (isTransient(error) && (pending.attempts += 1) < this.#maxAttempts) {
          this.#counters.retries += 1;
          return this.#schedule(this.#retryMs);
        }
        this.#counters.framesDropped += pending.frames.length - pending.next;
        this.#pop(queue);
        this.#port.failed(pending.item, error);
        continue;
      }
      this.#tokens -= 1;
      this.#counters.framesSent += 1;
      pending.next += 1;
      pending.attempts = 0;
    }
  }

  #pop(queue: RoundQueue<T>): void {
    queue.items[queue.head] = undefined;
    queue.head += 1;
    this.#counters.queued -= 1;
  }
}
