/**
 * Labs of real hosts in network namespaces, for the demo, the netns tests and the benchmarks. A switch
 * namespace holds bridge br0; each host is a namespace whose eth0 is a veth into br0. Nothing is ever
 * added to the root namespace, and labs alive at exit (or on Ctrl-C) are torn down.
 *
 * @example
 * import { createLab } from '../lab/index.ts';
 * const lab = await createLab();
 * try {
 *   const a = await lab.addHost('a', { ipv4: '192.0.2.11/24', ipv6: '2001:db8::11/64' });
 *   const b = await lab.addHost('b', { ipv4: '192.0.2.12/24' });
 *   await a.exec(['ping', '-c1', b.ipv4!]); // { code: 0, stdout: '...', stderr: '' }
 *   await lab.cutLink(b); // b's bridge port goes down
 * } finally {
 *   await lab.destroy();
 * }
 */
export { createLab, cleanupStaleLabs, type Lab, type LabOptions } from './lab.ts';
export type { Host, HostOptions } from './host.ts';
export type { RunOptions, RunResult } from './run.ts';
export { LabError, LabOptionError } from './errors.ts';
export { IFNAME_MAX } from './names.ts';
