/**
 * Bindings: which (interface, IP) pairs should answer. A pure function of the desired addresses and the
 * interfaces present, and the diff that tells the data plane what to start and stop.
 */
import { selectInterfaces, type InterfaceState } from './interfaces.ts';

/** An address this node should answer for, with the interfaces its L2Advertisements name (if any). */
export interface DesiredAddress {
  readonly ip: string;
  readonly interfaces: readonly string[] | undefined;
  /** "namespace/name" of the service, for logs and status. */
  readonly service: string;
}

export interface Binding {
  readonly ip: string;
  readonly ifname: string;
  readonly service: string;
}

export function bindingKey(ifname: string, ip: string): string {
  return `${ifname}|${ip}`;
}

export function desiredBindings(
  desired: readonly DesiredAddress[],
  interfaces: readonly InterfaceState[],
  excluded?: readonly string[],
): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const address of desired) {
    for (const ifname of selectInterfaces(address.ip, address.interfaces, interfaces, excluded)) {
      bindings.set(bindingKey(ifname, address.ip), { ip: address.ip, ifname, service: address.service });
    }
  }
  return bindings;
}

export function diffBindings(
  applied: ReadonlyMap<string, Binding>,
  wanted: ReadonlyMap<string, Binding>,
): { added: Binding[]; removed: Binding[] } {
  const added = [...wanted].filter(([key]) => !applied.has(key)).map(([, b]) => b);
  const removed = [...applied].filter(([key]) => !wanted.has(key)).map(([, b]) => b);
  return { added, removed };
}
