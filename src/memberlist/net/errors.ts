/** Typed errors of the socket transport. */
import type { Address } from '../swim/index.ts';

export class NetError extends Error {
  override readonly name: string = 'NetError';
}

/** A transport option (address, port, seed) is invalid. */
export class NetOptionError extends NetError {
  override readonly name = 'NetOptionError';
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, reason: string) {
    super(`memberlist transport option ${field}=${String(value)}: ${reason}`);
    this.field = field;
    this.value = value;
  }
}

const describe = (peer: Address): string =>
  `${peer.addr.length === 4 ? peer.addr.join('.') : peer.addr.toString('hex')}:${peer.port}`;

/** Binding the UDP or TCP socket failed (EADDRINUSE, EADDRNOTAVAIL, EACCES...). */
export class BindError extends NetError {
  override readonly name = 'BindError';
  readonly protocol: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
  readonly code: string | undefined;
  constructor(protocol: 'udp' | 'tcp', host: string, port: number, cause: NodeJS.ErrnoException) {
    super(`cannot bind ${protocol} ${host}:${port}: ${cause.message}`, { cause });
    this.protocol = protocol;
    this.host = host;
    this.port = port;
    this.code = cause.code;
  }
}

/** A stream to a peer could not be opened, or broke before the reply was complete. */
export class StreamError extends NetError {
  override readonly name = 'StreamError';
  readonly peer: Address;
  readonly stage: 'connect' | 'read' | 'decode';
  readonly code: string | undefined;
  constructor(peer: Address, stage: 'connect' | 'read' | 'decode', cause: Error) {
    super(`stream to ${describe(peer)} failed to ${stage}: ${cause.message}`, { cause });
    this.peer = peer;
    this.stage = stage;
    this.code = (cause as NodeJS.ErrnoException).code;
  }
}

/** A stream exchange did not complete within its deadline. */
export class StreamTimeoutError extends NetError {
  override readonly name = 'StreamTimeoutError';
  readonly peer: Address;
  readonly timeoutMs: number;
  constructor(peer: Address, timeoutMs: number) {
    super(`stream to ${describe(peer)} timed out after ${timeoutMs} ms`);
    this.peer = peer;
    this.timeoutMs = timeoutMs;
  }
}

/** The transport was used after close(). */
export class TransportClosedError extends NetError {
  override readonly name = 'TransportClosedError';
  constructor(operation: string) {
    super(`memberlist transport closed: cannot ${operation}`);
  }
}
