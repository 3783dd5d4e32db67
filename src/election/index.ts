/**
 * Election: which live member announces each service. Pure functions over plain data, no I/O.
 *
 * - `ring`: consistent hashing over the members (sorted names, 160 points each); a member leaving
 *   moves only the services it owned, one joining moves only the services it takes.
 * - `metallb`: MetalLB's rule: preferredNodeSelectors score (higher first), then
 *   sha256(node + "#" + firstIP) lowest first; the same owner MetalLB speakers compute.
 * - `auto`: chooseMode picks `ring` while every member is an l2speaker asking for it, `metallb` as
 *   soon as a MetalLB speaker or an l2speaker asking for metallb is a member.
 *
 * The key is the service's first IP in Go's text form (as src/config writes it). Services sharing an
 * IP are elected once by that shared first IP (groupBySharedIp) so they land on one node.
 *
 * @example
 *   const mode = chooseMode('auto', members.map((m) => ({ name: m.name, meta: decodeNodeMeta(m.meta) })));
 *   const candidates = [{ name: 'node-a', weight: 0 }, { name: 'node-b', weight: 100 }];
 *   electOwner(mode, candidates, '192.0.2.10', (name) => name !== 'node-b'); // 'node-a'
 *   preference('metallb', candidates, '192.0.2.10'); // ['node-b', 'node-a']: the weight ranks first
 *   metallbOwner(['node-a', 'node-b', 'node-c'], '192.0.2.10'); // the node MetalLB would pick too
 *   // Planning many services: hashes and ring points kept between plans (see src/speaker/planner.ts).
 *   new MetallbRanks().owner(candidates, '192.0.2.10'); // as metallbPreference(...)[0]
 *   const walk = new RingWalk(); walk.use(['node-a', 'node-b']); walk.owner(candidates, '192.0.2.10');
 */
export { electOwner, groupBySharedIp, preference } from './elect.ts';
export { metallbOwner, metallbPreference } from './metallb.ts';
export { chooseMode, modeChange } from './mode.ts';
export type { Candidate, ElectionMode, NodeMetaLike, RequestedElection } from './types.ts';
export { MetallbRanks } from './metallb-ranks.ts';
export { RingWalk } from './ring-walk.ts';
