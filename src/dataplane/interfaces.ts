/**
 * Which host interfaces may answer for an IP: a pure choice over a snapshot of the interfaces, plus the
 * reader that takes that snapshot from /sys/class/net and the kernel's address list.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

/** What the selection needs to know of one interface. */
export interface InterfaceState {
  readonly name: string;
  readonly mac: string;
  readonly up: boolean;
  readonly broadcast: boolean;
  readonly noArp: boolean;
  readonly loopback: boolean;
  /** Enslaved to a bond, bridge or team: the master answers, not the slave. */
  readonly enslaved: boolean;
  /** Addresses with prefix length, e.g. '192.0.2.10/24'. */
  readonly cidrs: readonly string[];
}

/** Interface name prefixes MetalLB never announces on unless named explicitly. */
export const DEFAULT_EXCLUDED_PREFIXES: readonly string[] = [
  'docker',
  'cbr',
  'dummy',
  'virbr',
  'lxcbr',
  'veth',
  'lo',
  'cali',
  'tunl',
  'flannel',
  'kube-ipvs',
  'cni',
  'nodelocaldns',
  'lxc',
];

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_NOARP = 0x80;

/** Whether an interface may announce at all (up, broadcast-capable, ARP-speaking, not enslaved). */
export function isUsable(iface: InterfaceState): boolean {
  return iface.up && iface.broadcast && !iface.noArp && !iface.loopback && !iface.enslaved;
}

function isExcluded(name: string, excluded: readonly string[]): boolean {
  return excluded.some((prefix) => name.startsWith(prefix));
}

function subnetContains(cidr: string, ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return network.kind() === ip.kind() && ip.match(network, bits);
}

/**
 * The interfaces that answer for `ip`: those named by the L2Advertisements when they name any; else the
 * usable interfaces whose subnets contain the IP; else every usable interface not excluded by name.
 */
export function selectInterfaces(
  ip: string,
  requested: readonly string[] | undefined,
  interfaces: readonly InterfaceState[],
  excluded: readonly string[] = DEFAULT_EXCLUDED_PREFIXES,
): string[] {
  if (requested !== undefined && requested.length > 0) {
    const wanted = new Set(requested);
    return interfaces.filter((i) => wanted.has(i.name) && isUsable(i)).map((i) => i.name);
  }
  const candidates = interfaces.filter((i) => isUsable(i) && !isExcluded(i.name, excluded));
  const address = ipaddr.parse(ip);
  const onSubnet = candidates.filter((i) => i.cidrs.some((cidr) => subnetContains(cidr, address)));
  return (onSubnet.length > 0 ? onSubnet : candidates).map((i) => i.name);
}

/** Whether two snapshots describe the same interfaces, in the same order, with the same state. */
export function sameInterfaces(a: readonly InterfaceState[], b: readonly InterfaceState[]): boolean {
  return a.length === b.length && a.every((x, i) => sameInterface(x, b[i]));
}

function sameInterface(a: InterfaceState, b: InterfaceState | undefined): boolean {
  return (
    b !== undefined &&
    a.name === b.name &&
    a.mac === b.mac &&
    a.up === b.up &&
    a.broadcast === b.broadcast &&
    a.noArp === b.noArp &&
    a.loopback === b.loopback &&
    a.enslaved === b.enslaved &&
    a.cidrs.length === b.cidrs.length &&
    a.cidrs.every((cidr, i) => cidr === b.cidrs[i])
  );
}

function readSys(name: string, file: string): string {
  return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
}

/** Reads every interface of this network namespace; interfaces that vanish while being read are skipped. */
export function readInterfaces(): InterfaceState[] {
  const addresses = networkInterfaces();
  const states: InterfaceState[] = [];
  for (const name of readdirSync('/sys/class/net')) {
    try {
      const flags = Number.parseInt(readSys(name, 'flags'), 16);
      states.push({
        name,
        mac: readSys(name, 'address'),
        up: (flags & IFF_UP) !== 0,
        broadcast: (flags & IFF_BROADCAST) !== 0,
        noArp: (flags & IFF_NOARP) !== 0,
        loopback: (flags & IFF_LOOPBACK) !== 0,
        enslaved: existsSync(`/sys/class/net/${name}/master`),
        cidrs: (addresses[name] ?? []).flatMap((a) => (a.cidr === null ? [] : [a.cidr])),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return states;
}
