/**
 * A TypeScript memberlist member on 127.0.0.1 for the TS ⇄ Go matrix: startMembership plus a record of its
 * events and a waitFor like the Go peers' (test/interop/peers.ts), so both sides read alike in the tests.
 *
 * @example
 * const ts = await startTsMember({ name: 'ts', seeds: ['127.0.0.1:7946'], keys: [k1] });
 * await ts.waitFor((e) => e.type === 'join' && e.member.name === 'go', 5000);
 */
import {
  encodeNodeMeta,
  startMembership,
  type Membership,
  type MembershipEvent,
  type MembershipOptions,
} from '../../../src/memberlist/index.ts';
import { TsMemberTimeoutError } from './errors.ts';

/** The meta every TS member of the matrix carries; Go must report it byte for byte. */
export const TS_META = { version: '0.1.0', election: 'ring' } as const;
export const TS_META_TEXT = encodeNodeMeta(TS_META).toString('utf8');

export interface TsMember {
  readonly membership: Membership;
  readonly name: string;
  /** 'host:port' to give a Go peer as -join. */
  readonly address: string;
  /** Every event so far, in order. */
  readonly events: readonly MembershipEvent[];
  /** The first event at index >= `from` matching `predicate`, waiting up to `timeoutMs`. */
  waitFor(
    predicate: (e: MembershipEvent) => boolean,
    timeoutMs: number,
    from?: number,
  ): Promise<MembershipEvent>;
  /** Names of the members this node holds alive or suspect, itself included, sorted. */
  liveNames(): string[];
  /** Graceful leave (then the member stops). */
  leave(timeoutMs: number): Promise<void>;
  /** Stops at once, without leaving (peers see a failure). */
  stop(): Promise<void>;
  /** Stops the member unless leave or stop already did (the handle refuses a second stop). */
  close(): Promise<void>;
}

export type TsMemberOptions = Pick<MembershipOptions, 'name'> &
  Partial<Pick<MembershipOptions, 'seeds' | 'keys' | 'joinTimeoutMs' | 'inProcess'>>;

export async function startTsMember(options: TsMemberOptions): Promise<TsMember> {
  const membership = await startMembership({
    inProcess: true,
    joinTimeoutMs: 5000,
    ...options,
    bindAddr: '127.0.0.1',
    bindPort: 0,
    meta: encodeNodeMeta(TS_META),
  });
  const events: MembershipEvent[] = [];
  const listeners = new Set<() => void>();
  membership.onChange((event) => {
    events.push(event);
    for (const listener of listeners) listener();
  });
  const waitFor = (
    predicate: (e: MembershipEvent) => boolean,
    timeoutMs: number,
    from = 0,
  ): Promise<MembershipEvent> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.slice(from).find(predicate);
        if (found === undefined) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        const seen = events.map((e) => `${e.type} ${e.member.name} ${e.member.state}`);
        reject(new TsMemberTimeoutError(options.name, timeoutMs, seen));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  let ended = false;
  const end = (how: () => Promise<void>): Promise<void> => {
    ended = true;
    return how();
  };
  return {
    membership,
    name: options.name,
    address: `127.0.0.1:${membership.port}`,
    events,
    waitFor,
    liveNames: () =>
      membership
        .members()
        .filter((m) => m.state === 'alive' || m.state === 'suspect')
        .map((m) => m.name)
        .sort(),
    leave: (timeoutMs) => end(() => membership.leave(timeoutMs)),
    stop: () => end(() => membership.stop()),
    close: () => (ended ? Promise.resolve() : end(() => membership.stop())),
  };
}
