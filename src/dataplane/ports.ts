/**
 * The collaborators the data plane is given (one `components` object), so tests and simulations can
 * replace the native addon, the interface reader and the clock.
 */
import type { GroupMemberships, Responder } from '../native/index.ts';
import type { InterfaceState } from './interfaces.ts';

/** The native addon's entry points, as the data plane uses them. */
export interface NativePort {
  openResponder(ifname: string, onConflict: (frame: Buffer) => void): Responder;
  openGroupMemberships(): GroupMemberships;
}

export interface Timer {
  unref?(): unknown;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
}

export interface Logger {
  error(message: string, meta?: unknown): void;
  warn(message: string, meta?: unknown): void;
  info(message: string, meta?: unknown): void;
  debug(message: string, meta?: unknown): void;
}

/** Hooks the data plane reports through; metrics sit behind them. */
export interface DataplaneEvents {
  announced(ip: string, ifname: string, kind: 'gain' | 'conflict' | 'mac-change' | 'rejoin'): void;
  conflict(ip: string, ifname: string, mac: string): void;
}

export interface DataplaneComponents {
  readonly native: NativePort;
  readonly readInterfaces: () => InterfaceState[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events?: DataplaneEvents;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
