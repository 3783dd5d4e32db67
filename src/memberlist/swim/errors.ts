/** Typed errors of the membership state machine. */
import type { Address } from './types.ts';

export class MemberlistError extends Error {
  override readonly name: string = 'MemberlistError';
}

/** An option or the node's own meta is out of range. */
export class MemberlistOptionError extends MemberlistError {
  override readonly name = 'MemberlistOptionError';
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, reason: string) {
    super(`memberlist option ${field}=${String(value)}: ${reason}`);
    this.field = field;
    this.value = value;
  }
}

/** No seed answered a join; `causes` holds each seed's failure. */
export class JoinError extends MemberlistError {
  override readonly name = 'JoinError';
  readonly seeds: readonly Address[];
  readonly causes: readonly unknown[];
  constructor(seeds: readonly Address[], causes: readonly unknown[]) {
    super(`join failed: none of ${seeds.length} seed(s) answered`);
    this.seeds = seeds;
    this.causes = causes;
  }
}

/** A stream exchange got an unexpected or error reply. */
export class ExchangeError extends MemberlistError {
  override readonly name = 'ExchangeError';
  readonly peer: Address;
  readonly reply: string;
  constructor(peer: Address, reply: string) {
    super(`stream exchange with ${peer.addr.toString('hex')}:${peer.port} failed: ${reply}`);
    this.peer = peer;
    this.reply = reply;
  }
}

/** The node was asked to do something after it left or stopped. */
export class StoppedError extends MemberlistError {
  override readonly name = 'StoppedError';
  constructor(operation: string) {
    super(`memberlist stopped: cannot ${operation}`);
  }
}
