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

/**
 * The interfaces that answer for each IP over one snapshot of the interfaces: those named by the
 * L2Advertisements when they name any; else the usable interfaces whose subnets contain the IP; else
 * every usable interface not excluded by name. Subnets are parsed once per snapshot and each IP's answer
 * kept (equal answers share one array), so re-applying 10,000 addresses costs a few ms, not 300.
 */
export class InterfaceSelector {
  readonly #usable: readonly InterfaceState[];
  readonly #candidates: readonly { name: string; subnets: [ipaddr.IPv4 | ipaddr.IPv6, number][] }[];
  readonly #shared = new Map<string, readonly string[]>();
  #answers = new Map<string, readonly string[]>();
  #previous = new Map<string, readonly string[]>();

  constructor(
    interfaces: readonly InterfaceState[],
    excluded: readonly string[] = DEFAULT_EXCLUDED_PREFIXES,
  ) {
    this.#usable = interfaces.filter(isUsable);
    this.#candidates = this.#usable
      .filter((i) => !isExcluded(i.name, excluded))
      .map((i) => ({ name: i.name, subnets: i.cidrs.map((cidr) => ipaddr.parseCIDR(cidr)) }));
  }

  select(ip: string, requested: readonly string[] | undefined): readonly string[] {
    const key = requested !== undefined && requested.length > 0 ? `${ip}|${requested.join(',')}` : ip;
    const known = this.#answers.get(key) ?? this.#previous.get(key);
    if (known !== undefined) {
      this.#answers.set(key, known);
      return known;
    }
    const names = this.#choose(ip, requested);
    const joined = names.join(',');
    const answer = this.#shared.get(joined) ?? names;
    this.#shared.set(joined, answer);
    this.#answers.set(key, answer);
    return answer;
  }

  /** Answers kept, for IPs asked for since the sweep before last. */
  get remembered(): number {
    return new Set([...this.#previous.keys(), ...this.#answers.keys()]).size;
  }

  /** Forgets the answers not asked for since the last sweep: one apply's addresses are kept, no more. */
  sweep(): void {
    this.#previous = this.#answers;
    this.#answers = new Map();
  }

  #choose(ip: string, requested: readonly string[] | undefined): string[] {
    if (requested !== undefined && requested.length > 0) {
      const wanted = new Set(requested);
      return this.#usable.filter((i) => wanted.has(i.name)).map((i) => i.name);
    }
    const address = ipaddr.parse(ip);
    const onSubnet = this.#candidates.filter((i) =>
      i.subnets.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits)),
    );
    return (onSubnet.length > 0 ? onSubnet : this.#candidates).map((i) => i.name);
  }
}

/** The interfaces that answer for `ip` (InterfaceSelector, for one address). */
export function selectInterfaces(
  ip: string,
  requested: readonly string[] | undefined,
  interfaces: readonly InterfaceState[],
  excluded: readonly string[] = DEFAULT_EXCLUDED_PREFIXES,
): string[] {
  return [...new InterfaceSelector(interfaces, excluded).select(ip, requested)];
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
