/** Typed errors of the membership runtime and its main-thread handle. */
import type { MembershipEvent } from './protocol.ts';

export class MembershipError extends Error {
  override readonly name: string = 'MembershipError';
}

/** An option of startMembership is invalid. */
export class MembershipOptionError extends MembershipError {
  override readonly name = 'MembershipOptionError';
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, reason: string) {
    super(`membership option ${field}=${String(value)}: ${reason}`);
    this.field = field;
    this.value = value;
  }
}

/** An operation failed inside the runtime (worker or in-process); `remoteName` is the original error's class. */
export class MembershipRuntimeError extends MembershipError {
  override readonly name = 'MembershipRuntimeError';
  readonly operation: string;
  readonly remoteName: string;
  constructor(operation: string, remoteName: string, message: string) {
    super(`membership ${operation} failed: ${remoteName}: ${message}`);
    this.operation = operation;
    this.remoteName = remoteName;
  }
}

/** The worker thread exited or crashed. */
export class MembershipWorkerError extends MembershipError {
  override readonly name = 'MembershipWorkerError';
  readonly exitCode: number | undefined;
  constructor(message: string, exitCode?: number) {
    super(`membership worker: ${message}`);
    this.exitCode = exitCode;
  }
}

/** An onChange listener threw while handling `event`; the other listeners still ran. */
export class MembershipListenerError extends MembershipError {
  override readonly name = 'MembershipListenerError';
  readonly event: MembershipEvent;
  constructor(event: MembershipEvent, cause: unknown) {
    super(`membership listener failed on ${event.type} of ${event.member.name}: ${String(cause)}`, { cause });
    this.event = event;
  }
}

/** DIR/secretkey could not be read or gives no key. */
export class SecretKeyError extends MembershipError {
  override readonly name = 'SecretKeyError';
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, message: string, code?: string) {
    super(`secret key ${path}: ${message}`);
    this.path = path;
    this.code = code;
  }
}
