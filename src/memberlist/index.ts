/**
 * Cluster membership: HashiCorp memberlist, wire-compatible with MetalLB's Go speakers, with sub-second failure
 * detection. The node runs on real sockets in a child process of its own (at real-time priority when allowed;
 * or a worker thread); the main thread sees member snapshots and events. Lower layers have their own doors: wire/ (format), swim/ (state machine), net/ (sockets), sim/.
 *
 * @example
 * import { startMembership, encodeNodeMeta, decodeNodeMeta, readSecretKey } from './memberlist/index.ts';
 * const membership = await startMembership({
 *   name: 'node-a',
 *   bindAddr: '192.0.2.11',
 *   bindPort: 7946,
 *   seeds: ['192.0.2.12:7946'],
 *   keys: [readSecretKey('/etc/ml_secret_key', 'metallb')],
 *   meta: encodeNodeMeta({ version: '0.1.0', election: 'ring' }),
 * });
 * membership.onChange(({ type, member }) => console.log(type, member.name, decodeNodeMeta(member.meta).kind));
 * await membership.synced;
 * membership.members(); // [{ name: 'node-a', addr: '192.0.2.11', port: 7946, meta: 'eyJ2Ijoi...', state: 'alive' }, ...]
 * await membership.leave(1000);
 */
export {
  decodeNodeMeta,
  encodeNodeMeta,
  MembershipError,
  MembershipListenerError,
  MembershipOptionError,
  MembershipRuntimeError,
  MembershipWorkerError,
  readSecretKey,
  SecretKeyError,
  startMembership,
  type DebugListener,
  type ElectionMode,
  type Isolation,
  type KeyDerivation,
  type ListenerErrorHandler,
  type Membership,
  type MembershipEvent,
  type MembershipListener,
  type MembershipOptions,
  type MembershipStats,
  type MemberSnapshot,
  type NodeMeta,
  type PriorityOutcome,
  type PriorityScope,
  type ThreadPriority,
} from './worker/index.ts';
export type { TransportStats } from './net/index.ts';
