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

/** One IP's announcement on one interface: its frames, built when its turn comes. */
export interface PacedAnnouncement {
  /** 0 for the first announcement of a gain, 1.. for its repeats: lower rounds go first. */
  readonly round: number;
  /** The frames to send now, or undefined when the announcement is no longer wanted (IP released). */
  frames(): readonly Buffer[] | undefined;
  send(frame: Buffer): void;
  /** Every frame was sent. */
  sent(): void;
  /** A frame could not be sent (after retries, or a non-transient error); the rest are skipped. */
  failed(error: unknown): void;
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

interface Pending {
  readonly announcement: PacedAnnouncement;
  frames: readonly Buffer[] | undefined;
  next: number;
  attempts: number;
}

const TRANSIENT = new Set(['ENOBUFS', 'EAGAIN', 'EWOULDBLOCK']);

function isTransient(error: unknown): boolean {
  return error instanceof NativeError && TRANSIENT.has(error.errno);
}

export class AnnouncementPacer {
  readonly #clock: Clock;
  readonly #rate: number;
  readonly #burst: number;
  readonly #retryMs: number;
  readonly #maxAttempts: number;
  /** FIFO per round; a queue is drained from `head` to avoid shifting. */
  readonly #rounds: { items: Pending[]; head: number }[] = [];
  readonly #counters: PacerCounters = { queued: 0, framesSent: 0, retries: 0, framesDropped: 0 };
  #tokens: number;
  #refilledAt: number;
  #timer: Timer | undefined;
  #closed = false;

  constructor(clock: Clock, options: PacerOptions) {
    if (!(options.framesPerSecond > 0))
      throw new RangeError(`framesPerSecond must be > 0, not ${options.framesPerSecond}`);
    this.#clock = clock;
    this.#rate = options.framesPerSecond;
    this.#burst = options.burst ?? Math.max(1, Math.ceil(options.framesPerSecond / 100));
    this.#retryMs = options.retryMs ?? 2;
    this.#maxAttempts = options.maxAttempts ?? 50;
    this.#tokens = this.#burst;
    this.#refilledAt = clock.now();
  }

  enqueue(announcement: PacedAnnouncement): void {
    if (this.#closed) return;
    const round = Math.max(0, Math.floor(announcement.round));
    while (this.#rounds.length <= round) this.#rounds.push({ items: [], head: 0 });
    this.#rounds[round]?.items.push({ announcement, frames: undefined, next: 0, attempts: 0 });
    this.#counters.queued += 1;
    this.#schedule(0);
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

  #head(): Pending | undefined {
    for (const queue of this.#rounds) {
      if (queue.head < queue.items.length) return queue.items[queue.head];
      if (queue.items.length > 0) {
        queue.items = [];
        queue.head = 0;
      }
    }
    return undefined;
  }

  #pop(): void {
    const queue = this.#rounds.find((q) => q.head < q.items.length);
    if (queue === undefined) return;
    queue.head += 1;
    this.#counters.queued -= 1;
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined || this.#closed) return;
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
    for (let pending = this.#head(); pending !== undefined; pending = this.#head()) {
      pending.frames ??= pending.announcement.frames() ?? [];
      const frame = pending.frames[pending.next];
      if (frame === undefined) {
        this.#pop();
        if (pending.frames.length > 0) pending.announcement.sent();
        continue;
      }
      if (this.#tokens < 1)
        return this.#schedule(Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate)));
      try {
        pending.announcement.send(frame);
      } catch (error) {
        if (isTransient(error) && (pending.attempts += 1) < this.#maxAttempts) {
          this.#counters.retries += 1;
          return this.#schedule(this.#retryMs);
        }
        this.#counters.framesDropped += pending.frames.length - pending.next;
        this.#pop();
        pending.announcement.failed(error);
        continue;
      }
      this.#tokens -= 1;
      this.#counters.framesSent += 1;
      pending.next += 1;
      pending.attempts = 0;
    }
  }
}
