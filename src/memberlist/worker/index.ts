/**
 * The membership runtime: Memberlist on real sockets in a child process or a worker thread (or in-process for
 * tests), its main-thread handle, l2speaker's node meta and the secret-key reader.
 *
 * @example
 * import { startMembership, encodeNodeMeta, readSecretKey } from '../memberlist/worker/index.ts';
 * const membership = await startMembership({
 *   name: 'node-a', bindAddr: '192.0.2.11', seeds: ['192.0.2.12:7946'],
 *   keys: [readSecretKey('/etc/ml_secret_key', 'metallb')], meta: encodeNodeMeta({ version: '0.1.0', election: 'ring' }),
 * });
 * membership.onChange((event) => console.log(event.type, event.member.name, event.member.state));
 * await membership.synced; // true once a seed answered
 * await membership.leave(1000);
 */
export { startMembership, type MembershipOptions } from './membership.ts';
export type { DebugListener, ListenerErrorHandler, Membership, MembershipListener } from './handle.ts';
export type { PriorityOutcome, PriorityScope, ThreadPriority } from './priority.ts';
export type { Isolation, MembershipEvent, MembershipStats, MemberSnapshot } from './protocol.ts';
export { decodeNodeMeta, encodeNodeMeta, type ElectionMode, type NodeMeta } from './node-meta.ts';
export { readSecretKey, type KeyDerivation } from './secret-key.ts';
export {
  MembershipError,
  MembershipListenerError,
  MembershipOptionError,
  MembershipRuntimeError,
  MembershipWorkerError,
  SecretKeyError,
} from './errors.ts';
