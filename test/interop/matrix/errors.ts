/** Errors of the TS ⇄ Go matrix harness. */

/** A TypeScript member did not emit the awaited event in time; `seen` lists what it did emit. */
export class TsMemberTimeoutError extends Error {
  readonly member: string;
  readonly timeoutMs: number;
  readonly seen: readonly string[];

  constructor(member: string, timeoutMs: number, seen: readonly string[]) {
    super(
      `TS member ${member}: no matching event within ${timeoutMs} ms (seen: ${seen.join(', ') || 'none'})`,
    );
    this.name = 'TsMemberTimeoutError';
    this.member = member;
    this.timeoutMs = timeoutMs;
    this.seen = seen;
  }
}
