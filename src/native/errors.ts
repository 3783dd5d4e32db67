/** The errors of the native addon: a failed system call, and an addon that was never built. */
import { constants } from 'node:os';

/** A system call of the addon failed; `errno` is its code ('EPERM', 'ENODEV', ...). */
export class NativeError extends Error {
  /** The failed call, e.g. 'bind', 'SIOCGIFINDEX', 'IPV6_JOIN_GROUP'. */
  readonly operation: string;
  readonly errno: string;
  readonly errnoNumber: number;
  /** The interface concerned, or undefined when none applies. */
  readonly ifname: string | undefined;

  constructor(operation: string, errnoNumber: number, ifname: string | undefined, message: string) {
    const errno = errnoName(errnoNumber);
    super(`${message} (${errno})${needsCapability(errno) ? CAPABILITY_HINT : ''}`);
    this.name = 'NativeError';
    this.operation = operation;
    this.errno = errno;
    this.errnoNumber = errnoNumber;
    this.ifname = ifname;
  }
}

/** build/Release/l2speaker.node was not found where the loader looked. */
export class AddonMissingError extends Error {
  readonly searched: readonly string[];

  constructor(searched: readonly string[]) {
    super(
      `the native addon l2speaker.node is not built (looked in ${searched.join(', ')}): ` +
        'run `npm install` or `npm run build:native`, or set L2SPEAKER_ADDON to its path',
    );
    this.name = 'AddonMissingError';
    this.searched = searched;
  }
}

const CAPABILITY_HINT =
  '; raw sockets need CAP_NET_RAW: run as root, grant it to the node binary with ' +
  '`setcap cap_net_raw+ep $(readlink -f $(which node))`, or in a Pod add ' +
  '`securityContext: { capabilities: { add: [NET_RAW] } }`';

function needsCapability(errno: string): boolean {
  return errno === 'EPERM' || errno === 'EACCES';
}

function errnoName(errnoNumber: number): string {
  const entry = Object.entries(constants.errno).find(([, value]) => value === errnoNumber);
  return entry ? entry[0] : `errno ${errnoNumber}`;
}

/** The shape the addon throws for a failed system call (src/native/errors.cc). */
interface RawSystemError {
  message: string;
  operation: string;
  errno: number;
  ifname: string;
}

/** By shape, not `instanceof Error`: under Jest the addon's Error is another realm's. */
function isRawSystemError(error: unknown): error is RawSystemError {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as Partial<Record<keyof RawSystemError, unknown>>;
  return (
    typeof fields.message === 'string' &&
    typeof fields.operation === 'string' &&
    typeof fields.errno === 'number' &&
    typeof fields.ifname === 'string'
  );
}

/** Runs a call into the addon, turning its system-call errors into NativeError (others pass). */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (!isRawSystemError(error)) throw error;
    throw new NativeError(error.operation, error.errno, error.ifname || undefined, error.message);
  }
}
