/**
 * Bindings: which (interface, IP) pairs should answer. A pure function of the desired addresses and the
 * interfaces present, and the diff that tells the data plane what to start and stop.
 */
import type { InterfaceSelector } from './interfaces.ts';

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
  interfaces: InterfaceSelector,
): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const address of desired) {
    for (const ifname of interfaces.select(address.ip, address.interfaces)) {
      bindings.set(bindingKey(ifname, address.ip), { ip: address.ip, ifname, service: address.service });
    }
  }
  return bindings;
}

export function diffBindings(
  applied: ReadonlyMap<string, Binding>,
  wanted: ReadonlyMap<string, Binding>,
): { added: Binding[]; removed: Binding[] } {
  const added: Binding[] = [];
  const removed: Binding[] = [];
  for (const [key, binding] of wanted) if (!applied.has(key)) added.push(binding);
  for (const [key, binding] of applied) if (!wanted.has(key)) removed.push(binding);
  return { added, removed };
}
