/**
 * The informers' CPU work in one line: each slice of list processing (a page's JSON.parse, a stretch of
 * conversions, a kind's sorted values) waits for a turn of its own, one caller per turn of the event
 * loop, in order of asking. Informers listing at once (Services and EndpointSlices after a relist)
 * then never stack their slices into one long turn: the event loop runs between any two of them.
 */
export class TurnQueue {
  #waiting: (() => void)[] = [];
  #scheduled = false;

  /** Resolves in a later turn of the event loop, after every caller that asked before. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // An immediate queued while immediates run waits for the next turn: one caller per turn.
    setImmediate(() => {
      this.#scheduled = false;
      this.#waiting.shift()?.();
      if (this.#waiting.length > 0) this.#schedule();
    });
  }
}

/** The process's queue: there is one event loop per process, so one line for all its informers. */
export const loopTurns = new TurnQueue();
