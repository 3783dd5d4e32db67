/** Errors of the simulated network. */
import type { Address } from '../swim/index.ts';

const describe = (address: Address): string => `${[...address.addr].join('.')}:${address.port}`;

/** A stream exchange got no reply in time (peer crashed, partitioned, or absent). */
export class SimTimeoutError extends Error {
  override readonly name = 'SimTimeoutError';
  readonly peer: Address;
  readonly timeoutMs: number;
  constructor(peer: Address, timeoutMs: number) {
    super(`simulated exchange with ${describe(peer)} timed out after ${timeoutMs} ms`);
    this.peer = peer;
    this.timeoutMs = timeoutMs;
  }
}

/** The simulated peer's stream handler failed. */
export class SimStreamError extends Error {
  override readonly name = 'SimStreamError';
  readonly peer: Address;
  constructor(peer: Address, cause: unknown) {
    super(`simulated exchange with ${describe(peer)} failed: ${String(cause)}`, { cause });
    this.peer = peer;
  }
}
