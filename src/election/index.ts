/**
 * Election: which live member announces each service. Pure functions over plain data.
 *
 * @example
 *   metallbOwner(['node-a', 'node-b', 'node-c'], '192.0.2.10'); // the node MetalLB would pick too
 */
export { metallbOwner, metallbPreference } from './metallb.ts';
